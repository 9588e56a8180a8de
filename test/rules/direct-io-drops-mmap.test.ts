// direct-io-drops-mmap: an O_DIRECT pwrite over mmap-dirty pages (samples/bug237588/mmap_odirect_pwrite) and a
// space operation (test/fixtures/semantics/fallocate.strace), on FreeBSD since r349038.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { directIoDropsMmap } from '../../server/src/engine/rules/direct-io-drops-mmap.js';
import { analyzeFile } from '../../server/src/io/read-trace.js';
import { fixture, sample } from '../helpers.js';

describe('rule direct-io-drops-mmap', () => {
  it('an O_DIRECT pwrite drops the whole 64 KiB block, mmap-dirty pages included', async () => {
    const a = await analyzeFile(sample('bug237588', 'mmap_odirect_pwrite.strace'), { kernel: 'freebsd', mode: 'write-through' });
    const f = a.findings.find((x) => x.rule === directIoDropsMmap.id);
    assert.ok(f, a.findings.map((x) => x.message).join('\n'));
    assert.equal(f.evidence, 'possible');
    assert.match(f.message, /this pwrite64 bypassed the cache and invalidated block 0 of .* without writing back mmap-dirty pages \(write-through, freebsd\)/);
    assert.ok(f.related.some((r) => /the descriptor used was opened here/.test(r.message)), 'names the O_DIRECT open');
  });

  it('posix_fallocate says it invalidated, not that it bypassed the cache', async () => {
    const a = await analyzeFile(fixture('semantics', 'fallocate.strace'), { kernel: 'freebsd', mode: 'write-through' });
    assert.equal(a.findings.length, 1);
    assert.equal(a.findings[0].rule, directIoDropsMmap.id);
    assert.match(a.findings[0].message, /this fallocate invalidated block 0 of \/mnt\/f without writing back mmap-dirty pages/);
    assert.doesNotMatch(a.findings[0].message, /bypassed/);
  });

  it('Linux writes back first (fuse_file_fallocate, generic_file_direct_write): nothing is lost', async () => {
    for (const t of [sample('bug237588', 'mmap_odirect_pwrite.strace'), fixture('semantics', 'fallocate.strace')]) {
      assert.deepEqual((await analyzeFile(t, { kernel: 'linux', mode: 'write-through' })).findings, []);
    }
  });
});
