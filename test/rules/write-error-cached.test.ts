// write-error-cached: a pwrite the file system failed (test/fixtures/semantics/write-failed.strace) under FreeBSD
// write-through, which keeps the block it filled valid and clean.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writeErrorCached, writeErrorKept } from '../../server/src/engine/rules/write-error-cached.js';
import { analyzeFile } from '../../server/src/io/read-trace.js';
import { fixture } from '../helpers.js';

describe('rule write-error-cached', () => {
  it('a failed pwrite64 whose block the cache keeps', async () => {
    const a = await analyzeFile(fixture('semantics', 'write-failed.strace'), { kernel: 'freebsd', mode: 'write-through' });
    assert.equal(a.findings.length, 1);
    const [f] = a.findings;
    assert.equal(f.rule, writeErrorCached.id);
    assert.equal(f.evidence, 'definite');
    assert.equal(f.severity, 'error');
    assert.ok(f.message.startsWith(`data loss: the daemon failed this pwrite64 of /mnt/f, but in write-through mode (freebsd) ${writeErrorKept('write-through')}: readers see 100 bytes the file system does not have: [0x3e8, 0x44c)`), f.message);
  });

  it('not where the kernel cached nothing (the 2019 write-through) or drops the pages (Linux)', async () => {
    for (const kernel of ['freebsd-2019', 'linux'] as const) {
      const a = await analyzeFile(fixture('semantics', 'write-failed.strace'), { kernel, mode: 'write-through' });
      assert.ok(a.findings.every((f) => f.rule !== writeErrorCached.id), kernel);
    }
  });
});
