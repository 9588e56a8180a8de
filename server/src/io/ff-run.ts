// strace -ff -o NAME writes NAME.PID for each process of a run. Given one of them, the others are beside it.
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The files of `path`'s strace -ff run, `path` included, by pid; just `path` when it is not NAME.PID or alone. */
export async function ffRunOf(path: string): Promise<string[]> {
  const m = /^(.+)\.(\d+)$/.exec(basename(path));
  if (!m) return [path];
  const stem = `${m[1]}.`;
  let names: string[];
  try {
    names = (await fs.readdir(dirname(path), { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    return [path];
  }
  const pid = (name: string) => Number(name.slice(stem.length));
  const run = names.filter((n) => n.startsWith(stem) && /^\d+$/.test(n.slice(stem.length))).sort((a, b) => pid(a) - pid(b));
  return run.length > 1 ? run.map((n) => join(dirname(path), n)) : [path];
}
