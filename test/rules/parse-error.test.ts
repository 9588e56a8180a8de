// parse-error: a line the grammar does not accept is reported, and the rest of the trace is still read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText } from '../../server/src/engine/analyze.js';
import { parseError } from '../../server/src/engine/rules/parse-error.js';
import { read, sample } from '../helpers.js';

describe('rule parse-error', () => {
  it('a line of noise in the bug 237588 trace (escape junk pasted in from a terminal)', () => {
    const lines = read(sample('bug237588', 'mmap_pwrite.strace')).split('\n');
    const at = lines.findIndex((l) => l.includes('pwrite64('));
    lines.splice(at, 0, '^[[?2004h^[[?1049l%%%');
    const a = analyzeText(lines.join('\n'), { kernel: 'freebsd-2019' });
    const errors = a.diagnostics.filter((d) => d.severity === parseError.severity);
    assert.equal(errors.length, 1, a.diagnostics.map((d) => d.message).join('\n'));
    assert.equal(errors[0].span.line, at);
    assert.ok(errors[0].rule === undefined || errors[0].rule === parseError.id);
    // The loss after it is still found.
    assert.equal(a.findings.filter((f) => f.rule === 'mmap-dirty-invalidated').length, 1);
  });
});
