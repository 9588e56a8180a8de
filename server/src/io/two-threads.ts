// Parse in a second thread while this one replays: the machines this runs on have two cores. The parsing thread
// (parse-worker.ts, parse-batches.ts) reads the file and sends batches (event-codec.ts): events, and for most lines
// only what was read of the call, whose event this thread builds more cheaply than the other thread can build
// and send it. This thread builds those, numbers and replays everything in order. The result is the one analyzeFile computes in one
// thread (test/io/two-threads.test.ts); only the time differs.
import { open, type FileHandle } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { TraceAnalysis, type Analysis } from '../engine/analyze.js';
import { BatchDecoder } from '../engine/event-codec.js';
import type { EventDraft } from '../engine/events.js';
import { internalErrorAt } from '../engine/trace-reader.js';
import { Cancelled, finished, InputError } from './input-errors.js';
import type { FromParser, ParsedPart, WorkerJob } from './parse-batches.js';
import type { ReadTraceOptions } from './read-chunks.js';

/**
 * Lines from which `auto` parses in a second thread. That thread costs a fixed start (about 150 ms, and a JIT warming
 * up in each thread) and a crossing per line, which pay only on long traces: lines count, not bytes. Since one
 * thread parses and replays in runs that keep its code in the processor's caches, and the replaying thread builds
 * every one-line call's event, two threads took 0.994 / 0.858 of one thread's time on the first 500,000 / all
 * 1,000,000 lines of the benchmark's trace (8 pairs each).
 */
export const TWO_THREADS_FROM_LINES = 500_000;

/** Below this size no trace has lines enough for two threads: their number is not even estimated. */
export const TWO_THREADS_FROM = 4 << 20;

/** Whether the file at `path` (`size` bytes) is analysed in two threads under the `threads` option. */
export async function twoThreads(threads: 1 | 2 | 'auto' | undefined, path: string, size: number): Promise<boolean> {
  if (threads === 2) return true;
  if (threads !== 'auto' || size < TWO_THREADS_FROM || availableParallelism() < 2) return false;
  return (await estimateLines(path, size)) >= TWO_THREADS_FROM_LINES;
}

/** Bytes of text whose line breaks estimateLines counts. */
const SAMPLE = 1 << 20;

/**
 * About how many lines the file at `path` (`size` bytes) has: the line breaks in its first MiB, scaled to its size
 * (gzip: in what its first part inflates to, scaled by the compression seen there). 0 when it cannot be read.
 */
export async function estimateLines(path: string, size: number): Promise<number> {
  let h: FileHandle | undefined;
  try {
    h = await open(path, 'r');
    const head = Buffer.alloc(Math.min(size, SAMPLE));
    const { bytesRead } = await h.read(head, 0, head.length, 0);
    const raw = head.subarray(0, bytesRead);
    if (raw.length === 0) return 0;
    if (raw[0] !== 0x1f || raw[1] !== 0x8b) return Math.round((count(raw, 0x0a) * size) / raw.length);
    // A gzip file's start inflates on its own (the sync flush gives what the bytes so far decode to).
    const text = gunzipSync(raw.subarray(0, SAMPLE >> 3), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    return Math.round((count(text, 0x0a) * size) / Math.min(raw.length, SAMPLE >> 3));
  } catch {
    return 0;
  } finally {
    await h?.close();
  }
}

/** How many bytes of `buf` are `byte`. */
function count(buf: Buffer, byte: number): number {
  let n = 0;
  for (let at = buf.indexOf(byte); at >= 0; at = buf.indexOf(byte, at + 1)) n++;
  return n;
}

/** Events replayed in one run on the replaying thread: about as many as a 64 KiB chunk of a trace has lines. */
const REPLAY_RUN = 1024;

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
  return { ...finished(path, analysis.finish()), threads: 2 };
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
    this.decoder.decode(part.batch, (ev) => this.queue(ev), (e, line) => this.analysis.diagnostic(internalErrorAt(e, line, line + 1)));
    this.replayQueued();
    for (const d of part.diagnostics) this.analysis.diagnostic(d);
    return false;
  }

  /**
   * Events decoded and built, replayed in runs of REPLAY_RUN: decoding and building, then replaying, keeps each
   * loop's code in the processor's caches (as TraceAnalysis does with a chunk's events in one thread).
   */
  private readonly queued: EventDraft[] = [];

  private queue(ev: EventDraft): void {
    if (this.queued.push(ev) >= REPLAY_RUN) this.replayQueued();
  }

  private replayQueued(): void {
    const q = this.queued;
    for (let i = 0; i < q.length; i++) this.apply(q[i], q[i].span.line);
    q.length = 0;
  }

  private apply(ev: EventDraft, line: number): void {
    try {
      this.analysis.event(ev);
    } catch (e) {
      this.analysis.diagnostic(internalErrorAt(e, line, line + 1));
    }
  }
}
