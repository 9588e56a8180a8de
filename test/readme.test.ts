// The README is run, so it cannot rot: its quick start is what .ci/run runs; every other `sh` block runs here as a
// script in a fresh folder (with the samples beside it and `cachereplay` on the PATH), and every `cachereplay`
// line of a `console` block (FreeBSD, macOS: shown, not run) runs with its trace replaced by a sample of that
// format. A command runs when it exits 0 or 1 (1: findings), never 2 (a usage error or an unreadable input).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { read, resolveRoot, ROOT, tempDir } from './helpers.js';

interface Block { lang: string; text: string }
const { readmeBlocks, quickStart } = (await import(pathToFileURL(resolveRoot('scripts', 'readme-commands.mjs')).href)) as {
  readmeBlocks(): Block[];
  quickStart(): string[];
};
const { missingTools } = (await import(pathToFileURL(resolveRoot('scripts', 'system-tools.mjs')).href)) as { missingTools(): string[] };

const README = read(resolveRoot('README.md'));
const blocks = readmeBlocks();

/** A folder to run README commands in: samples/ beside them, `cachereplay` on the PATH logging its exit codes. */
function workspace(): { dir: string; env: NodeJS.ProcessEnv; codes(): number[] } {
  const dir = tempDir('readme-');
  symlinkSync(join(ROOT, 'samples'), join(dir, 'samples'));
  const bin = join(dir, '.bin');
  mkdirSync(bin);
  const log = join(dir, '.codes');
  writeFileSync(join(bin, 'cachereplay'), `#!/bin/sh\n"${process.execPath}" "${join(ROOT, 'server', 'out', 'cli.cjs')}" "$@"\ncode=$?\necho $code >> "${log}"\nexit $code\n`);
  chmodSync(join(bin, 'cachereplay'), 0o755);
  return {
    dir, env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: '1' },
    codes: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map(Number) : []),
  };
}

/** Lines that call cachereplay (first word, or after a pipe). */
function cachereplayCalls(text: string): number {
  return text.split('\n').filter((l) => /(^|\|\s*)cachereplay\s/.test(l.replace(/^\s+/, ''))).length;
}

/** A sample of the format a trace name says, for the commands whose trace only exists on another system. */
const SAMPLE_OF: Record<string, string> = {
  kdump: 'samples/kdump/mmap_pwrite.kdump', dtruss: 'samples/dtrace/mmap_pwrite.dtruss', strace: 'samples/bug237588/mmap_pwrite.strace',
};

describe('the README', () => {
  it('is a user\'s guide of at most 300 lines, whose links and pictures exist', () => {
    assert.ok(README.split('\n').length <= 300, `${README.split('\n').length} lines`);
    for (const m of README.matchAll(/\]\(((?:docs\/|samples\/|CHANGELOG)[^)#\s]*)/g)) assert.ok(existsSync(resolveRoot(m[1])), m[1]);
  });

  it('its quick start is two commands, the main job and the tests, and .ci/run runs them as written', () => {
    const cmds = quickStart();
    assert.equal(cmds.length, 2);
    assert.match(cmds[0], /cachereplay check samples\//);
    assert.match(cmds[1], /npm test$/);
    assert.match(read(resolveRoot('.ci', 'run')), /readme-commands\.mjs quick-start/);
  });

  const runnable = blocks.filter((b) => b.lang === 'sh').slice(1);
  for (const [i, b] of runnable.entries()) {
    const title = b.text.split('\n')[0].slice(0, 60);
    const needsRoot = /\bbindfs\b|\bmount\b/.test(b.text);
    const skip = needsRoot && process.getuid?.() !== 0 ? 'mounts a FUSE file system: needs root'
      : needsRoot && missingTools().length > 0 ? `needs ${missingTools().join(', ')} (scripts/system-tools.mjs installs them as root)` : false;
    it(`runs its sh block ${i + 1}: ${title}`, { skip, timeout: 120_000 }, () => {
      const w = workspace();
      const r = spawnSync('bash', ['-c', b.text], { cwd: w.dir, env: w.env, encoding: 'utf8', timeout: 110_000 });
      assert.doesNotMatch(r.stderr, /command not found|No such file or directory/, r.stderr);
      const codes = w.codes();
      assert.equal(codes.length, cachereplayCalls(b.text), `every cachereplay line ran\n${r.stdout}\n${r.stderr}`);
      assert.ok(codes.every((c) => c === 0 || c === 1), `exit codes ${codes.join(', ')}\n${r.stdout}\n${r.stderr}`);
      assert.ok(r.status === 0 || r.status === 1, `the block's exit status ${r.status}\n${r.stderr}`);
    });
  }

  it('gives the exact commands `record` runs, for recording by hand', async () => {
    const { recordingCommands } = await import('../server/src/cli/record.js');
    const q = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
    const shown = blocks.filter((b) => b.lang === 'console').map((b) => b.text).join('\n');
    for (const c of recordingCommands('prog', ['./prog', '/mnt/fuse/file'], true)) assert.ok(shown.includes(c.map(q).join(' ')), c.map(q).join(' '));
  });

  it('the cachereplay lines of the blocks shown, not run (other systems), take their options', () => {
    const lines = blocks.filter((b) => b.lang === 'console').flatMap((b) => b.text.split('\n')).filter((l) => l.startsWith('cachereplay '));
    assert.ok(lines.length >= 2);
    const w = workspace();
    for (const line of lines) {
      const args = line.split(/\s+/).slice(1).map((a) => { const ext = /^[\w.-]+\.(\w+)$/.exec(a)?.[1]; return ext && SAMPLE_OF[ext] ? SAMPLE_OF[ext] : a; });
      const r = spawnSync('cachereplay', args, { cwd: w.dir, env: w.env, encoding: 'utf8' });
      assert.ok(r.status === 0 || r.status === 1, `${line}: exit ${r.status}\n${r.stderr}`);
    }
  });
});
