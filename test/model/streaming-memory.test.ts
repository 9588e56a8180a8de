// Streaming keeps memory bounded: after a streamed analysis, what stays reachable must be the model, a fraction of
// the trace, not the trace itself. (A single substring kept by the replay, a path say, used to pin its whole
// 1 MiB chunk, so a 1 GB trace needed more than 1 GB.)
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { analyzeText, TraceAnalysis } from '../../server/src/engine/analyze.js';
import { Replay } from '../../server/src/engine/model/replay.js';
import { analyzeFile } from '../../server/src/io/read-trace.js';
import { generateTrace, read, tempDir } from '../helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('streaming memory', () => {
  const dir = tempDir('mem');

  it('a streamed 16 MB trace leaves less than three quarters of its size reachable (the model, not the text)', async () => {
    const warm = join(dir, 'warm.strace');
    await generateTrace(warm, 20_000, 1);
    const path = join(dir, 'big.strace');
    await generateTrace(path, 150_000, 2);
    const bytes = statSync(path).size;
    // Another trace of the same shape first compiles the engine's code (bytecode and feedback are heap too).
    await analyzeFile(warm, { kernel: 'freebsd-2019', mode: 'write-through' });
    gc();
    const before = process.memoryUsage().heapUsed;
    const result = await analyzeFile(path, { kernel: 'freebsd-2019', mode: 'write-through' });
    gc();
    const retained = process.memoryUsage().heapUsed - before;
    assert.ok(result.findings.length > 0, 'the generated trace has hazards to find');
    // Measured: 7.7 MB kept with paths detached, 22.1 MB when they pinned their chunks.
    assert.ok(retained < bytes * 0.75, `retained ${(retained / 1e6).toFixed(1)} MB after a ${(bytes / 1e6).toFixed(1)} MB trace`);
  });

  it('a chunk\'s events wait for the replay in runs of at most 4096, however big the chunk', async () => {
    const path = join(dir, 'one-chunk.strace');
    await generateTrace(path, 30_000, 3);
    const text = read(path);
    let parsed = 0;
    let replayed = 0;
    let mostWaiting = 0;
    const event = TraceAnalysis.prototype.event;
    const apply = Replay.prototype.apply;
    TraceAnalysis.prototype.event = function (this: TraceAnalysis, e: Parameters<TraceAnalysis['event']>[0]): void {
      parsed++;
      event.call(this, e);
    };
    Replay.prototype.apply = function (this: Replay, ev: Parameters<Replay['apply']>[0]): void {
      mostWaiting = Math.max(mostWaiting, parsed - replayed++);
      apply.call(this, ev);
    };
    let whole;
    try {
      const a = new TraceAnalysis({ kernel: 'freebsd-2019', mode: 'write-through' });
      a.push(text); // the whole trace as one chunk
      whole = a.finish();
    } finally {
      TraceAnalysis.prototype.event = event;
      Replay.prototype.apply = apply;
    }
    assert.ok(mostWaiting > 1000 && mostWaiting <= 4096, `${mostWaiting} events waited`);
    const chunked = analyzeText(text, { kernel: 'freebsd-2019', mode: 'write-through' });
    assert.equal(whole.eventCount, chunked.eventCount);
    assert.deepEqual(whole.findings, chunked.findings);
  });
});
