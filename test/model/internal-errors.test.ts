// A bug of ours must cost the user the lines it hit, not the whole analysis: the error is reported on those lines
// with the message to report, and the rest of the trace is still read and replayed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText } from '../../server/src/engine/analyze.js';
import { Replay } from '../../server/src/engine/model/replay.js';
import { StraceParser } from '../../server/src/engine/syntax/strace/strace-parser.js';
import { read, sample } from '../helpers.js';

describe('internal errors', () => {
  it('are reported on the chunk they hit, and later lines are still analysed', () => {
    const filler = 'close(9) = -1 EBADF (Bad file descriptor)\n'.repeat(2000); // 84 KB: two chunks
    const text = filler + read(sample('bug237588', 'mmap_pwrite.strace'));
    const clean = analyzeText(text, { kernel: 'freebsd-2019', mode: 'write-through' });
    assert.ok(clean.findings.length > 0);
    const feed = StraceParser.prototype.feed;
    StraceParser.prototype.feed = function (this: StraceParser, chunk: string, firstLine: number): void {
      if (firstLine === 0) throw new TypeError('simulated bug');
      feed.call(this, chunk, firstLine);
    };
    try {
      const a = analyzeText(text, { kernel: 'freebsd-2019', mode: 'write-through' });
      assert.equal(a.error, undefined);
      const internal = a.diagnostics.filter((d) => d.message.startsWith('internal error'));
      assert.equal(internal.length, 1);
      assert.equal(internal[0].severity, 'error');
      assert.equal(internal[0].span.line, 0);
      assert.match(internal[0].message, /lines 1–\d+ \(TypeError: simulated bug\).*Please report this trace/);
      // The hazard is in a later chunk: it is still found, on the same line.
      assert.deepEqual(a.findings.map((f) => [f.rule, f.span.line, f.lostRanges]), clean.findings.map((f) => [f.rule, f.span.line, f.lostRanges]));
    } finally {
      StraceParser.prototype.feed = feed;
    }
  });

  it('in the replay cost only the event they hit', () => {
    const filler = 'close(9) = -1 EBADF (Bad file descriptor)\n'.repeat(2000);
    const text = filler + read(sample('bug237588', 'mmap_pwrite.strace'));
    const clean = analyzeText(text, { kernel: 'freebsd-2019', mode: 'write-through' });
    const apply = Replay.prototype.apply;
    Replay.prototype.apply = function (this: Replay, ev: Parameters<Replay['apply']>[0]): void {
      if (ev.span.line === 1500) throw new TypeError('simulated replay bug');
      apply.call(this, ev);
    };
    try {
      const a = analyzeText(text, { kernel: 'freebsd-2019', mode: 'write-through' });
      const internal = a.diagnostics.filter((d) => d.message.startsWith('internal error'));
      assert.deepEqual(internal.map((d) => d.span.line), [1500]);
      assert.match(internal[0].message, /line 1501 \(TypeError: simulated replay bug\)/);
      assert.equal(a.eventCount, clean.eventCount);
      assert.deepEqual(a.findings.map((f) => [f.rule, f.span.line, f.lostRanges]), clean.findings.map((f) => [f.rule, f.span.line, f.lostRanges]));
    } finally {
      Replay.prototype.apply = apply;
    }
  });
});
