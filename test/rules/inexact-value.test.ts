// inexact-value: a pwrite64 at an offset beyond 2^53 is reported and not replayed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText } from '../../server/src/engine/analyze.js';
import { inexactMessage, inexactValue } from '../../server/src/engine/rules/inexact-value.js';

describe('rule inexact-value', () => {
  it('an offset of 2^60 + 1', () => {
    const a = analyzeText('100  openat(AT_FDCWD, "/mnt/f", O_RDWR) = 3\n100  pwrite64(3, "x", 1, 1152921504606846977) = 1\n', { kernel: 'freebsd-2019' });
    assert.equal(a.diagnostics.length, 1);
    const [d] = a.diagnostics;
    assert.equal(d.rule, inexactValue.id);
    assert.equal(d.severity, inexactValue.severity);
    assert.equal(d.span.line, 1);
    assert.equal(d.message, inexactMessage('pwrite64', 'offset', 2 ** 60));
    assert.match(d.message, /^pwrite64: its offset \(about 1\.153e\+18\) is beyond 2\^53/);
  });
});
