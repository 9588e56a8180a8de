// `cachereplay reduce` for real: each reproducer it writes compiles with -Wall -Werror, runs on a bindfs FUSE mount
// under `cachereplay record`, and its recording replays to the finding it was made from (same rule, definite now,
// the original's bytes among the lost ones); Linux keeps the bytes, so the program itself finds nothing there.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { resolveRoot, sample } from '../helpers.js';

const { missingTools } = (await import(pathToFileURL(resolveRoot('scripts', 'system-tools.mjs')).href)) as { missingTools(): string[] };
const CLI = resolveRoot('server', 'out', 'cli.cjs');
const missing = missingTools();
const live = process.getuid?.() !== 0 ? 'runs the reproducers on a FUSE mount: needs root' : missing.length > 0 ? `needs ${missing.join(', ')}` : false;
const cc = missing.includes('cc') ? 'needs a C compiler' : false;

function cli(args: string[], cwd: string) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
}

const CASES: Array<{ name: string; path: string; kernel: string; line: number; rule: string }> = [
  { name: 'bug 237588 (strace)', path: sample('bug237588', 'mmap_pwrite.strace'), kernel: 'freebsd-2019', line: 33, rule: 'mmap-dirty-invalidated' },
  { name: 'O_DIRECT over a mapping (strace)', path: sample('bug237588', 'mmap_odirect_pwrite.strace'), kernel: 'freebsd', line: 37, rule: 'direct-io-drops-mmap' },
  { name: 'two processes (strace -f)', path: sample('bug237588', 'mmap_fork_pwrite.strace'), kernel: 'freebsd-2019', line: 37, rule: 'mmap-dirty-invalidated' },
  { name: 'kdump with its write fault', path: sample('kdump', 'mmap_pwrite.kdump'), kernel: 'freebsd-2019', line: 15, rule: 'mmap-dirty-invalidated' },
  { name: 'an fsx run (MAPWRITE, then WRITE)', path: sample('fsx', 'freebsd-U-seed8.fsxlog'), kernel: 'freebsd-2019', line: 3, rule: 'mmap-dirty-invalidated' },
  { name: 'a thread\'s store (recording)', path: sample('record', 'mmap_thread_pwrite.strace'), kernel: 'freebsd-2019', line: 55, rule: 'mmap-dirty-invalidated' },
  { name: 'fio, mmap and psync jobs (2354 events)', path: resolveRoot('test', 'fixtures', 'programs', 'fio-mmap-psync', 'fio-mmap-psync.strace.gz'), kernel: 'freebsd-2019', line: 2415, rule: 'mmap-dirty-invalidated' },
  { name: 'fio, an mmap job and an O_DIRECT job in two processes', path: resolveRoot('test', 'fixtures', 'programs', 'fio-mmap-direct', 'fio-mmap-direct.strace.gz'), kernel: 'freebsd', line: 2401, rule: 'direct-io-drops-mmap' },
];

describe('cachereplay reduce', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cachereplay-reduce-'));
  let mounted = false;
  before(async () => {
    if (live) return;
    mkdirSync(join(dir, 'backing'));
    mkdirSync(join(dir, 'mnt'));
    spawn('bindfs', ['-f', join(dir, 'backing'), join(dir, 'mnt')], { stdio: 'ignore', detached: true }).unref();
    for (let i = 0; i < 100 && !(mounted = spawnSync('mountpoint', ['-q', join(dir, 'mnt')]).status === 0); i++) await new Promise((r) => setTimeout(r, 100));
  });
  after(() => {
    if (mounted) spawnSync('fusermount', ['-u', join(dir, 'mnt')]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the bug 237588 trace: 33 events reduced to 4 calls, a trace that replays alone, and a program that compiles', { skip: cc }, () => {
    const out = join(dir, 'b237588');
    const r = cli(['reduce', sample('bug237588', 'mmap_pwrite.strace'), '--line', '33', '--kernel', 'freebsd-2019', '-o', out], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /mmap-dirty-invalidated, \[0x0, 0x3e8\) \[0x44c, 0x1000\): 33 events reduced to 4 in \d+ replays/);
    assert.match(r.stderr, /reduced\.strace \(replays to the same finding\)/);
    assert.equal(readFileSync(join(out, 'reduced.strace'), 'utf8').trimEnd().split('\n').length, 4);
    const c = spawnSync('cc', ['-Wall', '-Werror', '-o', join(out, 'repro'), join(out, 'repro.c')], { encoding: 'utf8' });
    assert.equal(c.status, 0, c.stderr);
  });

  it('a line without a loss: one clear message, exit 2', () => {
    const r = cli(['reduce', sample('bug237588', 'mmap_pwrite.strace'), '--line', '2', '--kernel', 'freebsd-2019', '-o', join(dir, 'none')], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /:2: no data loss found at this line under freebsd-2019 write-through/);
    assert.ok(!existsSync(join(dir, 'none')));
  });

  for (const c of CASES) {
    it(`${c.name}: the reproducer, recorded on a FUSE mount, loses the same bytes under ${c.kernel}`, { skip: live }, () => {
      const out = join(dir, c.name.replace(/\W+/g, '-'));
      const r = cli(['reduce', c.path, '--line', String(c.line), '--kernel', c.kernel, '-o', out], dir);
      assert.equal(r.status, 0, r.stderr);
      // An fsx run also gives the operations fsx replays; other traces do not.
      assert.equal(existsSync(join(out, 'reduced.fsxops')), c.path.endsWith('.fsxlog'));
      const original = JSON.parse(cli(['check', c.path, '--kernel', c.kernel, '--output', 'json'], dir).stdout).files[0].findings.find((f: { line: number }) => f.line === c.line);
      const build = spawnSync('cc', ['-Wall', '-Werror', '-o', join(out, 'repro'), join(out, 'repro.c')], { encoding: 'utf8' });
      assert.equal(build.status, 0, build.stderr);
      const file = join('mnt', `${c.name.replace(/\W+/g, '-')}.bin`);
      const rec = cli(['record', '--kernel', c.kernel, '--output', 'json', '--fail-on', 'never', '-o', join(out, 'run'), '--', join(out, 'repro'), file], dir);
      assert.equal(rec.status, 0, rec.stderr);
      const found = JSON.parse(rec.stdout).files[0].findings.filter((f: { rule: string }) => f.rule === c.rule);
      assert.equal(found.length, 1, rec.stdout);
      assert.equal(found[0].evidence, 'definite');
      // Lost bytes, all among the original's or in their pages (a write fault names a page; where the original's
      // stores were only possible, the program stores where that still loses data, which may be fewer pages).
      const pageOf = (rs: number[][]) => rs.map(([a, b]) => [Math.floor(a / 4096) * 4096, Math.ceil(b / 4096) * 4096]);
      assert.ok(found[0].lostBytes > 0);
      for (const [a, b] of found[0].lostRanges) assert.ok(pageOf(original.lostRanges).some(([x, y]) => x <= a && b <= y), `[${a}, ${b}) outside ${JSON.stringify(original.lostRanges)}`);
      // Linux keeps the bytes: the program, run again without a tracer, finds nothing lost.
      const run = spawnSync(join(out, 'repro'), [join(dir, file)], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.equal(run.stdout, '');
    });
  }
});
