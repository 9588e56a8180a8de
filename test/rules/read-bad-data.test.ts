// read-bad-data: fsx's own check of what it read (samples/fsx/bug237588.fsxlog), linked to the loss behind it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readBadData } from '../../server/src/engine/rules/read-bad-data.js';
import { analyzeFile } from '../../server/src/io/read-trace.js';
import { sample } from '../helpers.js';

describe('rule read-bad-data', () => {
  it('explained by the loss the 2019 write-through makes', async () => {
    const a = await analyzeFile(sample('fsx', 'bug237588.fsxlog'), { kernel: 'freebsd-2019', mode: 'write-through' });
    const f = a.findings.find((x) => x.rule === readBadData.id);
    assert.ok(f);
    assert.equal(f.severity, readBadData.severity);
    assert.match(f.message, /: explained by the data loss at line \d+ \(mmap-dirty-invalidated, write-through, freebsd-2019\)$/);
    const loss = a.findings.find((x) => x.rule === 'mmap-dirty-invalidated');
    assert.ok(loss?.related.some((r) => /the program's check failed here/.test(r.message)), 'the loss points at the failed check');
  });

  it('unexplained where the model finds no loss (Linux)', async () => {
    const a = await analyzeFile(sample('fsx', 'bug237588.fsxlog'), { kernel: 'linux', mode: 'write-through' });
    const f = a.findings.find((x) => x.rule === readBadData.id);
    assert.ok(f);
    assert.match(f.message, /: no loss the model finds under write-through \(linux\) explains it; try another cache mode or kernel$/);
  });
});
