// The product's headline: real strace traces of the bug 237588 reproduction (samples/bug237588), replayed under
// every kernel profile and cache mode.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText } from '../../server/src/engine/analyze.js';
import { CACHE_MODES, KERNEL_PROFILES, type CacheMode, type KernelProfile } from '../../server/src/engine/model/profiles.js';
import { read, sample } from '../helpers.js';

const repro = read(sample('bug237588', 'mmap_pwrite.strace'));
const safe = read(sample('bug237588', 'mmap_msync_pwrite.strace'));
const forked = read(sample('bug237588', 'mmap_fork_pwrite.strace'));

function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `no line with ${needle}`);
  return i;
}

function run(text: string, kernel: KernelProfile, mode: CacheMode) {
  return analyzeText(text, { kernel, mode });
}

describe('bug 237588 reproduction (mmap store, no msync, pwrite over part of the stored page)', () => {
  const pwriteLine = lineOf(repro, 'pwrite64(');
  const mmapLine = lineOf(repro, 'MAP_SHARED');

  it('write-around reports possible data loss on the pwrite line, naming the page bytes the write did not cover', () => {
    const a = run(repro, 'freebsd-2019', 'write-through');
    assert.equal(a.diagnostics.length, 0);
    assert.equal(a.findings.length, 1);
    const f = a.findings[0];
    assert.equal(f.rule, 'mmap-dirty-invalidated');
    assert.equal(f.severity, 'warning');
    assert.equal(f.evidence, 'possible');
    assert.equal(f.span.line, pwriteLine);
    assert.equal(f.file, '/tmp/cachereplay-mnt/file.bin');
    // pwrite of 100 bytes at 1000 into page 0 [0, 4096): the rest of the page is lost.
    assert.deepEqual(f.lostRanges, [[0, 1000], [1100, 4096]]);
    assert.equal(f.lostBytes, 3996);
    assert.match(f.message, /possible data loss/);
    assert.match(f.message, /\[0x0, 0x3e8\) \[0x44c, 0x1000\)/);
    assert.equal(f.related[0].span.line, mmapLine);
  });

  it('block granularity widens the loss to the mapped part of the 64 KiB block', () => {
    const a = analyzeText(repro, { kernel: 'freebsd-2019', mode: 'write-through', granularity: 'block' });
    assert.deepEqual(a.findings[0].lostRanges, [[0, 1000], [1100, 8192]]);
  });

  for (const mode of ['write-through', 'writeback'] as const) {
    it(`${mode} (freebsd, r349038 and later) reports none`, () => {
      assert.deepEqual(run(repro, 'freebsd', mode).findings, []);
    });
  }

  it('the pre-fix kernel loses data under its "write-through" too: that was the bug', () => {
    assert.equal(run(repro, 'freebsd-2019', 'write-through').findings.length, 1);
  });

  for (const mode of ['uncached', 'write-through', 'writeback'] as const) {
    it(`linux ${mode} reports none (dirty pages are written back before invalidation)`, () => {
      assert.deepEqual(run(repro, 'linux', mode).findings, []);
    });
  }

  it('uncached FreeBSD drops the whole block without writing mmap-dirty pages back (direct-io-drops-mmap)', () => {
    const f = run(repro, 'freebsd', 'uncached').findings;
    assert.equal(f.length, 1);
    assert.equal(f[0].rule, 'direct-io-drops-mmap');
    assert.deepEqual(f[0].lostRanges, [[0, 1000], [1100, 8192]]);
  });
});

describe('bug 237588 variants', () => {
  for (const kernel of KERNEL_PROFILES) {
    for (const mode of CACHE_MODES) {
      it(`msync before the write: nothing unsynced is lost; at most a store after the msync: ${kernel} ${mode}`, () => {
        const a = run(safe, kernel, mode);
        assert.equal(a.diagnostics.length, 0);
        for (const f of a.findings) {
          // The program may have stored into page 0 again between its msync and the pwrite: strace cannot tell.
          assert.equal(f.tier, 'stored-again', f.message);
          assert.equal(f.severity, 'information');
          assert.match(f.message, /after the msync at line 33 made them clean/);
        }
        const invalidates = kernel !== 'linux' && !(kernel === 'freebsd' && mode !== 'uncached') && mode !== 'writeback';
        assert.equal(a.findings.length, invalidates ? 1 : 0);
      });
    }
  }

  it('multi-process: the child’s own open sends a FUSE_OPEN that writes the parent’s stores back, so its pwrite can only lose later ones', () => {
    // fuse_filehandle_validrw finds no handle of the child's pid: FUSE_OPEN, then fuse_io_invalbuf (write-back).
    const a = run(forked, 'freebsd-2019', 'write-through');
    assert.equal(a.findings.length, 1);
    const f = a.findings[0];
    assert.equal(f.tier, 'stored-again');
    assert.match(f.message, /after the openat at line \d+ made them clean/);
    const childPid = forked.split('\n')[f.span.line].split(/\s+/)[0];
    const parentMmap = forked.split('\n')[f.related[0].span.line];
    assert.match(parentMmap, /MAP_SHARED/);
    assert.notEqual(parentMmap.split(/\s+/)[0], childPid, 'the store came from the other process');
    assert.deepEqual(f.lostRanges, [[0, 1000], [1100, 4096]]);
    assert.deepEqual(run(forked, 'freebsd', 'write-through').findings, []);
  });
});
