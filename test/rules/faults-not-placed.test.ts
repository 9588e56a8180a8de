// faults-not-placed: write faults recorded beside a trace whose times are the time of day without the date
// (strace -tt): they cannot be put between its calls, and the trace alone decides (a possible loss stays).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText } from '../../server/src/engine/analyze.js';
import { faultsNotPlaced } from '../../server/src/engine/rules/faults-not-placed.js';
import { readFaultsFile } from '../../server/src/io/faults-file.js';
import { read, sample } from '../helpers.js';

describe('rule faults-not-placed', () => {
  it('the bug 237588 trace in strace -tt with the faults of a recording', async () => {
    const { faults } = await readFaultsFile(sample('record', 'mmap_pwrite.faults'));
    const a = analyzeText(read(sample('bug237588', 'mmap_pwrite.strace')), { kernel: 'freebsd-2019', faults });
    const d = a.diagnostics.filter((x) => x.rule === faultsNotPlaced.id);
    assert.equal(d.length, 1);
    assert.equal(d[0].severity, faultsNotPlaced.severity);
    assert.equal(a.findings.length, 1);
    assert.equal(a.findings[0].evidence, 'possible', 'the trace alone decides');
  });
});
