// FreeBSD's fusefs regression sequences (tests/sys/fs/fusefs/io.cc), run for real on a FUSE mount and traced
// with strace (test/fixtures/iocc). Replayed under every kernel and mode: no loss where there is no mmap hazard,
// and the added hazard sequence is caught exactly where the kernel loses data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText } from '../../server/src/engine/analyze.js';
import { CACHE_MODES, KERNEL_PROFILES } from '../../server/src/engine/model/profiles.js';
import { fixture, read } from '../helpers.js';

interface Sequence {
  name: string;
  ops: string;
  mmapHazard: boolean;
  source: string;
}

const manifest = JSON.parse(read(fixture('iocc', 'manifest.json'))) as Sequence[];

/**
 * Where the kernel loses unsynced mmap stores on an overlapping write: FreeBSD before r349038 in write-through and
 * uncached (one branch), and current FreeBSD's direct writes. io.cc's mapwrite unmaps before the write, and Linux
 * writes dirty pages back at munmap.
 */
const LOSES = new Set(['freebsd-2019/uncached', 'freebsd-2019/write-through', 'freebsd/uncached']);

describe('io.cc sequences replayed under every mode', () => {
  assert.ok(manifest.length >= 10);
  for (const seq of manifest) {
    const text = read(fixture('iocc', `${seq.name}.strace`));
    for (const kernel of KERNEL_PROFILES) {
      for (const mode of CACHE_MODES) {
        const expectLoss = seq.mmapHazard && LOSES.has(`${kernel}/${mode}`);
        it(`${seq.name} (${seq.ops}) ${kernel} ${mode}: ${expectLoss ? 'loss' : 'no loss'}`, () => {
          const a = analyzeText(text, { kernel, mode });
          assert.deepEqual(a.diagnostics, []);
          // Stores the program may have made after an msync (mapwrite_sync msyncs, then unmaps) are the second
          // tier of possible evidence: they may be reported, never as unsynced or definite.
          const serious = a.findings.filter((f) => f.evidence === 'definite' || f.tier === 'unsynced');
          assert.equal(serious.length > 0, expectLoss, a.findings.map((f) => f.message).join('\n'));
          for (const f of a.findings) if (!serious.includes(f)) assert.equal(f.tier, 'stored-again', f.message);
        });
      }
    }
  }

  it('the hazard sequence loses exactly the page bytes the 16-byte write did not cover', () => {
    const a = analyzeText(read(fixture('iocc', 'mapwrite_then_write_same_page.strace')), { kernel: 'freebsd-2019', mode: 'write-through' });
    assert.deepEqual(a.findings[0].lostRanges, [[0, 0x100], [0x110, 0x1000]]);
  });
});
