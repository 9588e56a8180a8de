// Parse in a second thread while this one replays: the machines this runs on have two cores. The parsing thread
// (parse-worker.ts, parse-batches.ts) reads the file and sends batches (event-codec.ts): events, and for most lines
// only what was read of the call, since building its event here evens out the two threads' work. This thread
// builds those, numbers and replays everything in order. The result is the one analyzeFile computes in one
// thread (test/io/two-threads.test.ts); only the time differs.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TraceAnalysis, type Analysis } from '../engine/analyze.js';
import { BatchDecoder, type DeferredCall } from '../engine/event-codec.js';
import type { EventDraft } from '../engine/events.js';
import { COMMAS } from '../engine/syntax/strace/scan.js';
import { buildLineCall } from '../engine/syntax/strace/strace-parser.js';
import { withRoom } from '../engine/typed-arrays.js';
import { internalErrorAt } from '../engine/trace-reader.js';
import { Cancelled, finished, InputError } from './input-errors.js';
import type { ParseJob, ParsedPart } from './parse-batches.js';
import type { ReadTraceOptions } from './read-trace.js';

/** Below this size the second thread's start (about 150 ms: it loads the parsers) costs more than the overlap saves. */
export const TWO_THREADS_FROM = 4 << 20;

/** Whether a file of `size` bytes is analysed in two threads under the `threads` option. */
export function twoThreads(threads: 1 | 2 | 'auto' | undefined, size: number): boolean {
  if (threads === 2) return true;
  return threads === 'auto' && size >= TWO_THREADS_FROM && availableParallelism() > 1;
}

/** What the parsing thread sends: the parts of parseInBatches, or the error it ended in. */
export type FromParser = ParsedPart | { type: 'error'; input: boolean; message: string };

/** What the parsing thread is given: the job, and where the replay counts the batches it has taken. */
export interface WorkerJob extends ParseJob {
  /** An Int32Array's SharedArrayBuffer: [0] is the number of batches this thread has taken. */
  taken: SharedArrayBuffer;
}

/** Batches the parsing thread may run ahead of the replay: enough to keep both busy, little memory. */
export const BATCHES_AHEAD = 4;

/** The parsing thread's script: beside the bundle (server/out/*.cjs), or beside this module when compiled by tsc. */
function workerScript(): URL {
  return typeof __filename === 'string' ? pathToFileURL(join(__dirname, 'parse-worker.cjs')) : new URL('./parse-worker.js', import.meta.url);
}

export async function analyzeInTwoThreads(path: string, total: number, options: ReadTraceOptions): Promise<Analysis> {
  const fileName = options.fileName ?? path;
  const analysis = new TraceAnalysis({ ...options, fileName }, true);
  const taken = new Int32Array(new SharedArrayBuffer(4));
  const job: WorkerJob = { path, total, options: { format: options.format, fileName, fsxMsync: options.fsxMsync, chunkSize: options.chunkSize }, taken: taken.buffer as SharedArrayBuffer };
  const worker = new Worker(workerScript(), { workerData: job });
  const replay = new ReplayOfBatches(analysis);
  try {
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (m: FromParser) => {
        try {
          if (m.type === 'error') {
            reject(m.input ? new InputError(m.message) : new Error(`the parsing thread failed: ${m.message}`));
            return;
          }
          if (m.type === 'batch') {
            if (options.isCancelled?.()) throw new Cancelled();
            // Let the parser go on with the next batch while this one replays.
            Atomics.add(taken, 0, 1);
            Atomics.notify(taken, 0);
            options.onProgress?.({ bytes: m.bytes, total });
          }
          if (replay.take(m)) resolve();
        } catch (e) {
          reject(e);
        }
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the parsing thread stopped early (exit code ${code})`)));
    });
  } finally {
    void worker.terminate();
  }
  return finished(path, analysis.finish());
}

/**
 * This thread's side: replays what parseInBatches handed over, in order. A bug of ours that throws costs only the
 * event it hit.
 */
export class ReplayOfBatches {
  private readonly decoder = new BatchDecoder();

  /** `analysis` was made to read elsewhere (`new TraceAnalysis(options, true)`). */
  constructor(private readonly analysis: TraceAnalysis) {}

  /** Takes the next part; true at the end (the analysis can then be finished). */
  take(part: ParsedPart): boolean {
    if (part.type === 'end') {
      this.analysis.readerDone(part.reader);
      return true;
    }
    this.decoder.decode(part.batch, (ev) => this.apply(ev, ev.span.line), (c) => this.build(c));
    for (const d of part.diagnostics) this.analysis.diagnostic(d);
    return false;
  }

  /** A call the parsing thread read and left for this thread to build (EventSink.defer). */
  private build(c: DeferredCall): void {
    let ev: EventDraft;
    try {
      const from = COMMAS.n;
      if (from + c.commaCount > COMMAS.at.length) COMMAS.at = withRoom(COMMAS.at, from + c.commaCount);
      for (let k = 0; k < c.commaCount; k++) COMMAS.at[from + k] = c.commas[c.commaAt + k];
      ev = buildLineCall(c.text, c.name, c.open, c.close, from, c.commaCount, c.retAt, c.retLength, c.base);
    } catch (e) {
      this.analysis.diagnostic(internalErrorAt(e, c.base.span.line, c.base.span.line + 1));
      return;
    }
    this.apply(ev, c.base.span.line);
  }

  private apply(ev: EventDraft, line: number): void {
    try {
      this.analysis.event(ev);
    } catch (e) {
      this.analysis.diagnostic(internalErrorAt(e, line, line + 1));
    }
  }
}
