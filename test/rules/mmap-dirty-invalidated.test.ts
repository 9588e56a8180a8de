// mmap-dirty-invalidated: the bug 237588 reproduction (samples/bug237588), under the 2019 kernel's write-through.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mmapDirtyInvalidated } from '../../server/src/engine/rules/mmap-dirty-invalidated.js';
import { analyzeFile } from '../../server/src/io/read-trace.js';
import { sample } from '../helpers.js';

describe('rule mmap-dirty-invalidated', () => {
  it('the pwrite of mmap_pwrite.c, a possible loss from strace, which shows no store', async () => {
    const a = await analyzeFile(sample('bug237588', 'mmap_pwrite.strace'), { kernel: 'freebsd-2019', mode: 'write-through' });
    assert.equal(a.findings.length, 1);
    const [f] = a.findings;
    assert.equal(f.rule, mmapDirtyInvalidated.id);
    assert.equal(f.evidence, 'possible');
    assert.equal(f.tier, 'unsynced');
    assert.equal(f.severity, 'warning');
    assert.deepEqual(f.lostRanges, [[0, 1000], [1100, 4096]]);
    assert.match(f.message, /^possible data loss: this pwrite64 went around the cache and invalidated page 0 of \/tmp\/cachereplay-mnt\/file\.bin \(write-through, freebsd-2019\); 3996 bytes possibly stored through the shared mapping made at line \d+ and not synced since were dropped/);
  });

  it('the same program under ktrace: kdump shows the write fault, so the loss is definite and an error', async () => {
    const a = await analyzeFile(sample('kdump', 'mmap_pwrite.kdump'), { kernel: 'freebsd-2019', mode: 'write-through' });
    const f = a.findings.find((x) => x.rule === mmapDirtyInvalidated.id);
    assert.ok(f, a.findings.map((x) => x.message).join('\n'));
    assert.equal(f.evidence, 'definite');
    assert.equal(f.severity, mmapDirtyInvalidated.severity);
    assert.match(f.message, /^data loss: this pwrite went around the cache and invalidated page 0 of .* stored by the PFLT at line \d+ and never synced/);
  });

  it('is not the verdict since r349038, where write-through fills the cache', async () => {
    const a = await analyzeFile(sample('bug237588', 'mmap_pwrite.strace'), { kernel: 'freebsd', mode: 'write-through' });
    assert.deepEqual(a.findings, []);
  });
});
