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
 * Where the kernel loses unsynced mmap stores on an overlapping write. io.cc's mapwrite unmaps before the write,
 * and Linux writes dirty pages back at munmap, so even Linux's hypothetical write-around keeps them.
 */
const LOSES = new Set(['freebsd-2019/uncached', 'freebsd-2019/write-around', 'freebsd-2019/write-through', 'freebsd/uncached', 'freebsd/write-around']);

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
          assert.equal(a.findings.length > 0, expectLoss, a.findings.map((f) => f.message).join('\n'));
        });
      }
    }
  }

  it('the hazard sequence loses exactly the page bytes the 16-byte write did not cover', () => {
    const a = analyzeText(read(fixture('iocc', 'mapwrite_then_write_same_page.strace')), { kernel: 'freebsd', mode: 'write-around' });
    assert.deepEqual(a.findings[0].lostRanges, [[0, 0x100], [0x110, 0x1000]]);
  });
});
