// The Chevrotain lexer and parsers take about 60 ms to build, a third of a small trace's whole analysis: they are
// built only when a line needs them. (A file of its own: they are built once per process.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StraceParser, tokenToolsBuilt } from '../../server/src/engine/syntax/strace/strace-parser.js';
import { parseWith, read, sample } from '../helpers.js';

describe('the strace token tools', () => {
  it('are not built for lines the fast lane reads, and are built for the first line it does not', () => {
    const repro = read(sample('bug237588', 'mmap_pwrite.strace'));
    const calls = repro.split('\n').filter((l) => !l.includes('+++') && !l.includes('---')).join('\n');
    const fast = parseWith('strace', calls, { create: (sink) => new StraceParser(sink) });
    assert.ok(fast.events.length > 20, `${fast.events.length} events`);
    assert.equal(tokenToolsBuilt(), false, 'one-line calls need no tokens');
    const all = parseWith('strace', repro, { create: (sink) => new StraceParser(sink) });
    assert.equal(tokenToolsBuilt(), true, 'an exit line is read through the tokens');
    assert.ok(all.events.some((e) => e.kind === 'exit'), 'and gives its event');
  });
});
