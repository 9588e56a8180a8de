// cachereplay reduce TRACE --line N: the fewest calls of the trace that still lose the bytes of the finding at
// line N (engine/reduce/reduce.ts), written as a trace (reduced.strace, which replays to the same finding) and as
// a C program that makes those calls on a path and reports the bytes that did not reach the file (repro.c).
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { AnalyzeOptions } from '../engine/analyze.js';
import { reproducerFolder, reproducerOf } from '../engine/reduce/reproducer.js';
import { InputError } from '../io/input-errors.js';
import { analyzeFile } from '../io/read-trace.js';

export interface Reduced {
  dir: string;
  before: number;
  after: number;
  calls: number;
  ms: number;
  /** The reduced trace replays to the finding again (same rule at its last call, bytes inside the original's). */
  replays: boolean;
}

export async function reduceTrace(path: string, line: number, options: AnalyzeOptions, outDir: string | undefined): Promise<Reduced> {
  const a = await analyzeFile(path, { ...options, keepEvents: true, threads: 1 });
  if (a.error !== undefined) throw new InputError(`${path}: ${a.error}`);
  const rep = reproducerOf(a.events, options, line - 1, basename(path), a.format);
  if (rep === undefined) throw new InputError(`${path}:${line}: no data loss found at this line under ${options.kernel} ${options.mode} (cachereplay check lists the findings)`);
  const { reduction: r, trace, c, fsxOps: ops, replaysAlone: replays } = rep;
  const dir = outDir ?? reproducerFolder(basename(path), line);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'reduced.strace'), trace);
  writeFileSync(join(dir, 'repro.c'), c.source);
  if (ops !== undefined) writeFileSync(join(dir, 'reduced.fsxops'), ops);
  process.stderr.write(`cachereplay: ${path}:${line}: ${rep.summary}\n`);
  process.stderr.write(`cachereplay: wrote ${join(dir, 'reduced.strace')} (${replays ? 'replays to the same finding' : 'does NOT replay to the finding alone'})${ops !== undefined ? `, ${join(dir, 'reduced.fsxops')} (fsx --replay-ops)` : ''} and ${join(dir, 'repro.c')} (${c.calls} calls: cc -Wall -Werror -o repro ${join(dir, 'repro.c')} && ./repro /mnt/fuse/file)\n`);
  return { dir, before: r.before, after: r.events.length, calls: c.calls, ms: r.ms, replays };
}
