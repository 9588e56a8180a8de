// The files of one strace -ff run replayed as one, read as they are merged: a file is read a chunk at a time, when
// the merge needs its next call, so memory holds about a chunk's events per file instead of the whole run. Same
// order and findings as engine/merge.ts's mergeRun (which the editor uses on parts read whole): the same RunClock
// puts calls in order, and equal times keep the order of the files as given, then of each file.
import { replayOptions, type Analysis } from '../engine/analyze.js';
import type { EventDraft, ParseDiagnostic, TraceEvent } from '../engine/events.js';
import { findingsByPart, isTime, mergeRun, notAPart, RunClock, type RunPart } from '../engine/merge.js';
import type { CacheMode } from '../engine/model/profiles.js';
import type { TraceRef } from '../engine/rules/findings.js';
import { Replay } from '../engine/model/replay.js';
import { TraceReader } from '../engine/trace-reader.js';
import { withRoom } from '../engine/typed-arrays.js';
import { InputError, notATrace } from './input-errors.js';
import { readChunks, sizeOf, type ReadTraceOptions } from './read-chunks.js';
import { analyzeFile } from './read-trace.js';

/** A file that cannot be a part of a run (a daemon's log, a file without timestamps): the whole merge is refused. */
export class MergeRefused extends InputError {}

/** One file of the run: its reader runs ahead by one chunk, then waits until the merge has taken those calls. */
class PartReader {
  readonly diagnostics: ParseDiagnostic[] = [];
  readonly reader: TraceReader;
  /** Calls merged so far. */
  count = 0;
  private queue: EventDraft[] = [];
  private head = 0;
  private done = false;
  private failure: unknown;
  /** Resolves the merge's wait for this file's next chunk. */
  private arrived: (() => void) | undefined;
  /** Resolves this file's wait for the merge to want more. */
  private wanted: (() => void) | undefined;

  constructor(readonly path: string, options: ReadTraceOptions) {
    this.reader = new TraceReader({ event: (e) => this.queue.push(e), diagnostic: (d) => this.diagnostics.push(d) }, { ...options, fileName: path });
    void this.read(options);
  }

  private async read(options: ReadTraceOptions): Promise<void> {
    try {
      const size = await sizeOf(this.path);
      await readChunks(this.path, size, this.reader, options, () => (this.queue.length > this.head ? new Promise<void>((resolve) => this.pause(resolve)) : undefined));
      this.reader.end();
    } catch (e) {
      this.failure = e;
    }
    this.done = true;
    this.wake();
  }

  private pause(resolve: () => void): void {
    this.wanted = resolve;
    this.wake();
  }

  private wake(): void {
    const a = this.arrived;
    this.arrived = undefined;
    a?.();
  }

  /** The call `ahead` places after the next one not merged yet, reading on as needed; undefined past the end. */
  async peek(ahead = 0): Promise<EventDraft | undefined> {
    while (this.queue.length - this.head <= ahead && !this.done) {
      if (this.head === this.queue.length) {
        this.queue = [];
        this.head = 0;
      }
      await new Promise<void>((resolve) => {
        this.arrived = resolve;
        const w = this.wanted;
        this.wanted = undefined;
        w?.();
      });
    }
    if (this.failure !== undefined) throw this.failure;
    return this.queue[this.head + ahead];
  }

  /** The next call, when it has been read already (no wait): the merge's usual case. */
  get ready(): EventDraft | undefined {
    return this.head < this.queue.length ? this.queue[this.head] : undefined;
  }

  take(): EventDraft {
    this.count++;
    return this.queue[this.head++];
  }

  /** Why this file cannot be analysed at all (unreadable, binary, not a trace), found from its start. */
  async unreadable(): Promise<string | undefined> {
    try {
      await this.peek();
    } catch (e) {
      if (e instanceof InputError) return e.message;
      throw e;
    }
    return this.reader.error === undefined ? undefined : notATrace(this.path, this.reader.error).message;
  }
}

export interface MergedFiles {
  /** Per readable file, in the order given: its analysis under each mode (findings anchored in it, its own diagnostics). */
  parts: Array<{ path: string; byMode: Map<CacheMode, Analysis> }>;
  /** The files that could not be read at all, with why (the others are merged without them). */
  unreadable: Array<{ path: string; message: string }>;
}

/**
 * Replays the files as one run under each of `modes`, reading them as they merge. `nameOf` says how messages name a
 * file and what its related locations carry (the editor gives URIs). Throws MergeRefused when a file is a daemon's
 * log or has calls but no timestamps (as mergeRun refuses them).
 */
export async function mergeFiles(paths: string[], modes: readonly CacheMode[], optionsOf: (path: string) => ReadTraceOptions, nameOf: (path: string) => TraceRef = (path) => ({ name: path, location: path }), maxStreamed = MAX_STREAMED): Promise<MergedFiles> {
  if (paths.length > maxStreamed) return mergeWhole(paths, modes, optionsOf, nameOf);
  const all = paths.map((p) => new PartReader(p, optionsOf(p)));
  const unreadable: MergedFiles['unreadable'] = [];
  const parts: PartReader[] = [];
  for (const part of all) {
    const message = await part.unreadable();
    if (message === undefined) parts.push(part);
    else unreadable.push({ path: part.path, message });
  }
  const log = parts.find((p) => p.reader.format === 'fuse');
  if (log) throw new MergeRefused(notAPart.daemonLog(nameOf(log.path).name));
  // Every file's first stamp decides whether it begins a day later than the others.
  const firsts: Array<number | undefined> = [];
  for (const part of parts) {
    let first: number | undefined;
    for (let i = 0; first === undefined; i++) {
      const ev = await part.peek(i);
      if (ev === undefined) break;
      if (isTime(ev.time)) first = ev.time;
    }
    if (first === undefined && (await part.peek()) !== undefined) throw new MergeRefused(notAPart.untimed(nameOf(part.path).name));
    firsts.push(first);
  }
  const latestFirst = Math.max(...firsts.map((f) => f ?? Number.NEGATIVE_INFINITY));
  const clocks = firsts.map((f) => (f === undefined ? undefined : new RunClock(f, latestFirst)));
  const base = optionsOf(paths[0] ?? '');
  const replays = modes.map((mode) => new Replay(replayOptions({ ...base, mode })));
  let partOf = new Int32Array(1024);
  let seq = 0;
  // Each file's next call and its time (NaN: not known yet; +Infinity: the file is done).
  const next = parts.map(() => Number.NaN);
  for (;;) {
    let best = -1;
    for (let k = 0; k < parts.length; k++) {
      if (Number.isNaN(next[k])) {
        const ev = parts[k].ready ?? (await parts[k].peek());
        next[k] = ev === undefined ? Number.POSITIVE_INFINITY : clocks[k]!.at(ev.time);
      }
      if (next[k] !== Number.POSITIVE_INFINITY && (best < 0 || next[k] < next[best])) best = k;
    }
    if (best < 0) break;
    const ev = parts[best].take() as TraceEvent;
    next[best] = Number.NaN;
    ev.seq = ++seq;
    if (seq >= partOf.length) partOf = withRoom(partOf, seq + 1);
    partOf[seq] = best;
    for (const r of replays) r.apply(ev);
  }
  const results = replays.map((r) => r.finish());
  const own = results.map((result) => findingsByPart(result, parts.map((p) => nameOf(p.path)), partOf));
  return {
    unreadable,
    parts: parts.map((part, k) => ({
      path: part.path,
      byMode: new Map(modes.map((mode, m) => [mode, {
        format: part.reader.format, events: [], eventCount: part.count, lineCount: part.reader.lineCount,
        diagnostics: part.diagnostics, findings: own[m][k], replay: results[m],
      }])),
    })),
  };
}

/**
 * Files merged as they are read stay open until the merge is done: past this many (a build's run can have
 * thousands of processes, each a small file), they are read whole, one at a time, so as not to run out of file
 * descriptors.
 */
const MAX_STREAMED = 128;

/** The files read whole, then merged (mergeRun): for runs of more files than can stay open. */
async function mergeWhole(paths: string[], modes: readonly CacheMode[], optionsOf: (path: string) => ReadTraceOptions, nameOf: (path: string) => TraceRef): Promise<MergedFiles> {
  const unreadable: MergedFiles['unreadable'] = [];
  const parts: RunPart[] = [];
  const readable: string[] = [];
  for (const path of paths) {
    try {
      parts.push({ ...nameOf(path), analysis: await analyzeFile(path, { ...optionsOf(path), keepEvents: true, parseOnly: true }) });
      readable.push(path);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      unreadable.push({ path, message: e.message });
    }
  }
  const base = optionsOf(paths[0] ?? '');
  const byMode = modes.map((mode) => {
    const run = mergeRun(parts, { ...base, mode });
    if (run.error !== undefined) throw new MergeRefused(run.error);
    return run.parts;
  });
  return {
    unreadable,
    parts: readable.map((path, k) => ({ path, byMode: new Map(modes.map((mode, m) => [mode, { ...byMode[m][k], events: [] }])) })),
  };
}
