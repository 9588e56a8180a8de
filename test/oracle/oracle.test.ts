// The Linux column against the real kernel (oracle.ts), at CI's size: a few hundred seeds over bindfs (cached,
// direct_io) and mergerfs (cached, writeback cache), each a random workload run as C on its own files and recorded.
// Every seed must agree; a disagreement prints its seed and C program (`npm run oracle -- --from SEED --seeds 1
// --mounts MOUNT --keep DIR` runs it again). The oracle must also be able to disagree: the same programs replayed
// under freebsd-2019 (whose write-through drops the pages a write touches) make losses Linux does not, and a
// program whose file lost bytes says which.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { cProgramOf } from '../../server/src/engine/reduce/c-emit.js';
import { resolveRoot } from '../helpers.js';
import { covered, daemonWrites, kernelLosses, runOracle, tableOf } from './oracle.js';
import { workload } from './workload.js';

const { missingTools } = (await import(pathToFileURL(resolveRoot('scripts', 'system-tools.mjs')).href)) as { missingTools(): string[] };
const missing = missingTools();
const live = process.getuid?.() !== 0 ? 'runs programs on FUSE mounts and records write faults: needs root' : missing.length > 0 ? `needs ${missing.join(', ')}` : false;
const CLI = resolveRoot('server', 'out', 'cli.cjs');
const SEEDS = Number(process.env.CACHEREPLAY_ORACLE_SEEDS ?? 75);

describe('the oracle', () => {
  it('reads the bytes a program reports lost, per file', () => {
    const out = [
      '/b/s7: bytes [0x0, 0x3e8) lost: a store through the mapping of line 4 before line 6 wrote 0x61, the file has 0x00',
      '/b/s7.1: bytes [0x1000, 0x1010) lost: the pwrite of line 9 wrote 0x41, the file has 0x00',
      '/b/s7.1: the file has 0x1000 bytes, the program made 0x2000',
    ].join('\n');
    const k = kernelLosses(out);
    assert.deepEqual([...k.ranges], [['', [[0, 1000]]], ['.1', [[4096, 4112]]]]);
    assert.equal(k.size, true);
    assert.equal(kernelLosses('').ranges.size, 0);
  });

  it('reads the daemon\'s writes from its strace, a threaded daemon\'s split calls too', () => {
    const text = [
      '9727  1796410881.208721545 pwrite64(4</b/s36>, "\\0\\0"..., 8192, 12288 <unfinished ...>',
      '9726  1796410881.208823228 pwrite64(4</b/s36>, "\\0\\0"..., 8192, 0 <unfinished ...>',
      '9727  1796410881.208900000 <... pwrite64 resumed>) = 8192 <0.000022>',
      '9726  1796410881.209000000 <... pwrite64 resumed>) = -1 EINVAL (Invalid argument) <0.000022>',
      '9726  1796410881.210510421 pwrite64(4</b/s36.1>, "bb, cc"..., 100, 8192) = 100 <0.000022>',
    ].join('\n');
    assert.deepEqual(daemonWrites(text), [
      { t: 1796410881.208721545, path: '/b/s36', off: 12288, len: 8192 },
      { t: 1796410881.210510421, path: '/b/s36.1', off: 8192, len: 100 },
    ]);
  });

  it('the same loss: the kernel\'s bytes inside the model\'s ranges', () => {
    assert.equal(covered([[10, 20]], [[0, 15], [15, 30]]), true);
    assert.equal(covered([[10, 20]], [[0, 15], [16, 30]]), false);
    assert.equal(covered([], []), true);
    assert.equal(covered([[0, 1]], []), false);
  });

  it('workloads are the same for a seed, and differ between seeds', () => {
    const a = JSON.stringify(workload(42).events);
    assert.equal(JSON.stringify(workload(42).events), a);
    assert.notEqual(JSON.stringify(workload(43).events), a);
    assert.equal(workload(42, { mappings: false }).events.filter((e) => e.kind === 'mmap' || e.kind === 'store').length, 0);
    assert.equal(workload(7, { direct: false }).events.some((e) => e.kind === 'open' && e.flags.direct), false);
  });

  it('a program whose file does not hold what it wrote says which bytes, and exits 1', { skip: missing.includes('cc') ? 'needs a C compiler' : false }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'cachereplay-oracle-check-'));
    try {
      const w = workload(3, { mappings: true });
      writeFileSync(join(dir, 'w.c'), cProgramOf(w.events, undefined, 'oracle seed 3', 'linux', 'write-through').source);
      assert.equal(spawnSync('cc', ['-Wall', '-Werror', '-o', join(dir, 'w'), join(dir, 'w.c')]).status, 0);
      mkdirSync(join(dir, 'files'));
      // On a plain file system the program keeps every byte...
      const ok = spawnSync(join(dir, 'w'), [join(dir, 'files', 's3')], { encoding: 'utf8' });
      assert.equal(ok.status, 0, ok.stdout + ok.stderr);
      // ...and checked against another file (what a daemon that lost bytes would hold) it names them.
      writeFileSync(join(dir, 'files', 'zeros'), Buffer.alloc(64));
      writeFileSync(join(dir, 'files', 'zeros.1'), Buffer.alloc(64));
      const bad = spawnSync(join(dir, 'w'), [join(dir, 'files', 's3'), join(dir, 'files', 'zeros')], { encoding: 'utf8' });
      assert.equal(bad.status, 1, bad.stderr);
      assert.match(bad.stdout, /zeros: the file has 0x40 bytes, the program made 0x[0-9a-f]+/);
      assert.ok(kernelLosses(bad.stdout.replace(/zeros/g, 's3')).ranges.size > 0, bad.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(`${SEEDS} seeds on each Linux FUSE mount: the model agrees with the kernel on every one`, { skip: live, timeout: 900_000 }, async () => {
    const work = mkdtempSync(join(tmpdir(), 'cachereplay-oracle-'));
    const { rows, disagreements } = await runOracle({ from: 1, seeds: SEEDS, mounts: ['cached', 'direct_io', 'mergerfs-cached', 'writeback'], work, cli: CLI, batch: 75 });
    const report = `${tableOf(rows)}\n${disagreements.map((d) => `seed ${d.seed} on ${d.mount}: ${d.why}\n  C: ${d.c}${d.reduced ? `\n  reduced: ${d.reduced}` : ''}`).join('\n')}`;
    assert.equal(disagreements.length, 0, report);
    assert.equal(rows.reduce((n, r) => n + r.seeds, 0), 4 * SEEDS, report);
    assert.ok(rows.every((r) => r.agree === r.seeds), report);
    rmSync(work, { recursive: true, force: true });
  });

  it('tells a wrong model apart: the same programs under freebsd-2019 lose bytes Linux keeps', { skip: live, timeout: 300_000 }, async () => {
    const work = mkdtempSync(join(tmpdir(), 'cachereplay-oracle-wrong-'));
    const { rows, disagreements } = await runOracle({ from: 1, seeds: 20, mounts: ['cached'], work, cli: CLI, kernel: 'freebsd-2019' });
    assert.ok(rows[0].modelOnly > 0, tableOf(rows));
    assert.ok(disagreements.some((d) => /the model finds a loss the kernel did not make: mmap-dirty-invalidated/.test(d.why)), disagreements.map((d) => d.why).join('\n'));
    // Each such disagreement comes with the reducer's program.
    assert.ok(disagreements.filter((d) => d.reduced !== undefined).length > 0);
    rmSync(work, { recursive: true, force: true });
  });
});
