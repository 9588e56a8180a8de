// Cooperative, cancellable drivers for the engine (Langium's interruptAndCheck): work runs in slices, yields to
// the event loop every few milliseconds so that didChange and $/cancelRequest get through, and stops with
// Cancelled as soon as the token says so.
import { replayOptions, TraceAnalysis, textChunks, type Analysis, type AnalyzeOptions } from '../engine/analyze.js';
import type { TraceEvent } from '../engine/events.js';
import type { ReplayOptions } from '../engine/model/profiles.js';
import { Replay, type ReplayResult } from '../engine/model/replay.js';
import { findingsOf, type Finding } from '../engine/rules/findings.js';
import { asciiBytes } from '../engine/syntax/text.js';

export interface CancelToken {
  readonly isCancellationRequested: boolean;
}

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

const SLICE_MS = 10;

export class Ticker {
  private last = Date.now();
  constructor(private readonly token: CancelToken | undefined) {}

  /** Yields when the current slice is used up; throws Cancelled when the work is no longer wanted. */
  async tick(): Promise<void> {
    if (Date.now() - this.last >= SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.last = Date.now();
    }
    if (this.token?.isCancellationRequested) throw new Cancelled();
  }
}

/** Snapshots of a long analysis: the first after `firstMs`, then one every `everyMs`. */
export interface PartialResults {
  firstMs: number;
  everyMs: number;
  report(snapshot: Analysis): void;
}

/** `text`: the whole text, or its newline-aligned pieces (ChunkedDocument.chunks), read as they are. */
export async function analyzeAsync(text: string | readonly string[], options: AnalyzeOptions, token?: CancelToken, onProgress?: (done: number, total: number) => void, partial?: PartialResults): Promise<Analysis> {
  const a = new TraceAnalysis(options);
  const ticker = new Ticker(token);
  const total = typeof text === 'string' ? text.length : text.reduce((n, c) => n + c.length, 0);
  if (total === 0) a.push('');
  let done = 0;
  let nextPartial = partial ? Date.now() + partial.firstMs : Number.POSITIVE_INFINITY;
  for (const chunk of typeof text === 'string' ? textChunks(text) : text) {
    await ticker.tick();
    // A strace document's chunks are scanned as bytes, as a file's are (the other parsers read text).
    a.push(chunk, a.format === undefined || a.format === 'strace' ? asciiBytes(chunk) : undefined);
    done += chunk.length;
    onProgress?.(done, total);
    if (partial && done < total && Date.now() >= nextPartial) {
      partial.report(a.snapshot());
      nextPartial = Date.now() + partial.everyMs;
    }
  }
  await ticker.tick();
  return a.finish();
}

export async function replayAsync(events: readonly TraceEvent[], options: Partial<ReplayOptions>, token?: CancelToken): Promise<{ replay: ReplayResult; findings: Finding[] }> {
  const r = new Replay(replayOptions(options));
  const ticker = new Ticker(token);
  for (let i = 0; i < events.length; i++) {
    if ((i & 1023) === 0) await ticker.tick();
    r.apply(events[i]);
  }
  const replay = r.finish();
  return { replay, findings: findingsOf(replay) };
}
