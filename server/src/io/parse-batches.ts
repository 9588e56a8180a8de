// The parsing side of a two-thread analysis, free of any thread: reads and parses a trace file and hands its
// events over in batches (event-codec.ts). A one-line call's event is left to the replaying thread
// (EventSink.defer), which builds it from what was read here; the other events are built here. parse-worker.ts
// runs it in a thread; two-threads.ts is the other side.
import { BatchEncoder, type EventBatch } from '../engine/event-codec.js';
import type { EventDraft, ParseDiagnostic } from '../engine/events.js';
import type { ReaderState } from '../engine/analyze.js';
import type { EventSink } from '../engine/syntax/parser-api.js';
import { TraceReader, type ReaderOptions } from '../engine/trace-reader.js';
import { readChunks } from './read-chunks.js';

/** What the parsing side is given. */
export interface ParseJob {
  path: string;
  total: number;
  options: ReaderOptions & { chunkSize?: number };
}

/** What it hands over: batches, then one end (or an error, which the transport reports). */
export type ParsedPart =
  | { type: 'batch'; batch: EventBatch; diagnostics: ParseDiagnostic[]; bytes: number }
  | { type: 'end'; reader: ReaderState };

/** What the parsing thread sends: the parts of parseInBatches, or the error it ended in. */
export type FromParser = ParsedPart | { type: 'error'; input: boolean; message: string };

/** What the parsing thread is given: the job, and where the replay counts the batches it has taken. */
export interface WorkerJob extends ParseJob {
  /** An Int32Array's SharedArrayBuffer: [0] is the number of batches the replay has taken. */
  taken: SharedArrayBuffer;
}

/** Batches the parsing thread may run ahead of the replay: enough to keep both busy, little memory. */
export const BATCHES_AHEAD = 4;

/** Events per batch: big enough that a message's cost is spread thin, small enough to start the replay early. */
const BATCH_EVENTS = 8192;

/**
 * Parses the job's file into `send`. `between` runs after each read of the file: the transport waits there when
 * the replay is far behind. While `buildHere()` says so, one-line calls' events are built here too, as they are
 * when the batch's name table is full (the tests build them here, there and by turns). Throws InputError (or
 * Cancelled) as analyzeFile does.
 */
export async function parseInBatches(job: ParseJob, send: (part: ParsedPart) => void, between: () => Promise<void> | void, buildHere: () => boolean = () => false): Promise<void> {
  const encoder = new BatchEncoder(BATCH_EVENTS, buildHere);
  let diagnostics: ParseDiagnostic[] = [];
  let bytes = 0;
  const flush = (): void => {
    if (encoder.count === 0 && diagnostics.length === 0) return;
    send({ type: 'batch', batch: encoder.take(), diagnostics, bytes });
    diagnostics = [];
  };
  const sink: EventSink = {
    event(e: EventDraft): void {
      encoder.add(e);
      if (encoder.full) flush();
    },
    diagnostic(d: ParseDiagnostic): void {
      diagnostics.push(d);
    },
    defer(call): void {
      encoder.defer(call);
      if (encoder.full) flush();
    },
  };
  const reader = new TraceReader(sink, job.options);
  await readChunks(job.path, job.total, reader, { ...job.options, blockingReads: true }, (b) => {
    bytes = b;
    return between();
  });
  reader.end();
  flush();
  send({ type: 'end', reader: { format: reader.format, error: reader.error, lineCount: reader.lineCount } });
}
