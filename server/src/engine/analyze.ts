// The engine's front door: text → format → events → replay → findings. Used by the CLI and the language server
// alike; neither knows how a format is parsed or how the cache is modelled.
import type { EventDraft, ParseDiagnostic, TraceEvent, TraceFormat } from './events.js';
import { Replay, type ReplayResult } from './model/replay.js';
import { DEFAULT_OPTIONS, type CacheMode, type ReplayOptions } from './model/profiles.js';
import { findingsOf, type Finding } from './rules/findings.js';
import { FAULTS_NOT_PLACED_MESSAGE, faultsNotPlaced } from './rules/faults-not-placed.js';
import { inexactMessage } from './rules/inexact-value.js';
import type { EventSink } from './syntax/parser-api.js';
import { inexactField } from './event-fields.js';
import { internalErrorAt, TraceReader, type ReaderOptions } from './trace-reader.js';

/** What the reader knows of the text: the state a reader in another thread reports when it is done. */
export interface ReaderState {
  format: TraceFormat | undefined;
  error: string | undefined;
  lineCount: number;
}

/** Stands for a reader that runs in another thread: its events arrive through `event()`, its state at the end. */
class ReaderElsewhere implements ReaderState {
  format: TraceFormat | undefined = undefined;
  error: string | undefined = undefined;
  lineCount = 0;

  push(): void {
    throw new Error('this analysis reads its text in another thread');
  }

  end(): void {}
}

export { MAX_LINE, pidFromFileName, unreadableReason } from './trace-reader.js';

export interface AnalyzeOptions extends Partial<ReplayOptions>, ReaderOptions {
  /** Keep the events (the editor needs them for hovers and to replay other modes without re-parsing). */
  keepEvents?: boolean;
  /** Read only, do not replay (the events are replayed elsewhere, e.g. merged with other traces of the run). */
  parseOnly?: boolean;
  /**
   * Replay under each of these cache modes too, as the events go by (`Analysis.findingsByMode`): comparing modes
   * then needs no copy of the events, so its memory does not grow with the trace.
   */
  modes?: readonly CacheMode[];
  /**
   * Write faults recorded beside the trace (`record`, `--faults`): store events whose times are the time of day,
   * as the trace's (strace -ttt). Each is replayed just before the first event of the trace that began after it.
   */
  faults?: readonly TraceEvent[];
}

export interface Analysis {
  format: TraceFormat | undefined;
  /** Set when the input cannot be analysed at all (binary, empty, unknown format); nothing else is then set. */
  error?: string;
  events: TraceEvent[];
  eventCount: number;
  lineCount: number;
  diagnostics: ParseDiagnostic[];
  findings: Finding[];
  replay: ReplayResult | undefined;
  /** With `modes`: the findings under each of them. */
  findingsByMode?: Partial<Record<CacheMode, Finding[]>>;
  /** Set on a snapshot taken while the analysis is still running: what the lines read so far show. */
  partial?: boolean;
  /** 2 when a second thread parsed the trace while this one replayed (ReadTraceOptions.threads). */
  threads?: 2;
}

/** Events of one chunk that may wait for the replay (see TraceAnalysis.parsed). */
const MAX_WAITING = 4096;

export function replayOptions(o: Partial<ReplayOptions>): ReplayOptions {
  return {
    kernel: o.kernel ?? DEFAULT_OPTIONS.kernel,
    mode: o.mode ?? DEFAULT_OPTIONS.mode,
    pageSize: o.pageSize ?? DEFAULT_OPTIONS.pageSize,
    blockSize: o.blockSize ?? DEFAULT_OPTIONS.blockSize,
    granularity: o.granularity,
    mounts: o.mounts,
    record: o.record,
    history: o.history,
    daemon: o.daemon,
    writes: o.writes,
  };
}

/**
 * Incremental analysis: feed newline-aligned chunks, then `finish()`. A TraceReader turns them into events, which
 * go straight into the replay, so memory stays bounded unless `keepEvents` is set.
 */
export class TraceAnalysis implements EventSink {
  readonly events: TraceEvent[] = [];
  readonly diagnostics: ParseDiagnostic[] = [];
  private seq = 0;
  private readonly reader: TraceReader | ReaderElsewhere;
  private readonly replay: Replay;
  /** The replays under the other modes of `options.modes`. */
  private readonly others: Array<[CacheMode, Replay]>;

  /** `readsElsewhere`: the events are parsed in another thread and given to `event()`; see `readerDone`. */
  constructor(private readonly options: AnalyzeOptions = {}, private readonly readsElsewhere = false) {
    const primary = replayOptions(options);
    this.replay = new Replay(primary);
    this.others = (options.modes ?? []).filter((m) => m !== primary.mode).map((mode) => [mode, new Replay({ ...primary, mode })]);
    this.reader = readsElsewhere ? new ReaderElsewhere() : new TraceReader(this, options);
  }

  /** For an analysis that reads elsewhere: that reader's state, once it has read everything. */
  readerDone(state: ReaderState): void {
    if (!(this.reader instanceof ReaderElsewhere)) throw new Error('this analysis reads its own text');
    this.reader.format = state.format;
    this.reader.error = state.error;
    this.reader.lineCount = state.lineCount;
  }

  get format(): TraceFormat | undefined {
    return this.reader.format;
  }

  get error(): string | undefined {
    return this.reader.error;
  }

  /** Lines fed so far. */
  get lineCount(): number {
    return this.reader.lineCount;
  }

  event(e: EventDraft): void {
    if (this.options.faults !== undefined) this.faultsBefore(e.time);
    this.take(e as TraceEvent);
  }

  /** The next recorded fault to replay (options.faults). */
  private faultAt = 0;
  private faultsUnplaced = false;

  /** Replays the recorded faults that happened before `time` (all of them when undefined at the end). */
  private faultsBefore(time: number | undefined): void {
    const faults = this.options.faults!;
    if (time === undefined || this.faultAt >= faults.length) return;
    if (time < 1e8 && !this.faultsUnplaced && Number.isFinite(time)) {
      // strace -t/-tt print the time of day without the date, -r relative times: no clock faults can share.
      this.faultsUnplaced = true;
      this.diagnostics.push({ span: { line: 0, start: 0, end: 0 }, severity: faultsNotPlaced.severity, rule: faultsNotPlaced.id, message: FAULTS_NOT_PLACED_MESSAGE });
    }
    if (this.faultsUnplaced) return;
    while (this.faultAt < faults.length && faults[this.faultAt].time! < time) this.take({ ...faults[this.faultAt++] });
  }

  private take(ev: TraceEvent): void {
    ev.seq = ++this.seq;
    const inexact = inexactField(ev as unknown as Record<string, unknown>, ev.kind);
    if (inexact !== undefined) {
      // Rounded, an offset or a length would put the bytes elsewhere and the verdict with them: not replayed.
      this.diagnostics.push({
        span: { line: ev.span.line, start: ev.span.start, end: ev.span.end }, severity: 'warning', rule: 'inexact-value',
        message: inexactMessage(ev.name, inexact[0], inexact[1]),
      });
      (ev as { kind: string }).kind = 'generic';
    }
    if (this.options.keepEvents) this.events.push(ev);
    if (this.options.parseOnly) return;
    if (this.readsElsewhere) this.apply(ev);
    // A caller may push a big chunk: what waits for the replay stays bounded (runs of 128 to 512 measured the same).
    else if (this.parsed.push(ev) >= MAX_WAITING) this.replayParsed();
  }

  /**
   * Events of the chunk being read: replayed once it is read (replayParsed). Parsing a chunk, then replaying its
   * events, keeps each loop's code and data in the processor's caches; line by line, each evicted the other's.
   */
  private parsed: TraceEvent[] = [];

  private replayParsed(): void {
    const evs = this.parsed;
    for (let i = 0; i < evs.length; i++) {
      const ev = evs[i];
      try {
        this.apply(ev);
      } catch (e) {
        // A bug of ours that throws costs only the event it hit.
        this.diagnostics.push(internalErrorAt(e, ev.span.line, ev.span.line + 1));
      }
    }
    evs.length = 0;
  }

  private apply(ev: TraceEvent): void {
    this.replay.apply(ev);
    for (const [, r] of this.others) r.apply(ev);
  }

  diagnostic(d: ParseDiagnostic): void {
    this.diagnostics.push(d);
  }

  /** Feeds the next newline-aligned chunk. The first chunk decides the format. */
  push(chunk: string, bytes?: Uint8Array): void {
    this.reader.push(chunk, bytes);
    this.replayParsed();
  }

  /**
   * What the lines fed so far show, without finishing: the parse diagnostics and the findings up to here are final
   * (a loss is found at the call that causes it), later lines can only add to them. No events, no replay.
   */
  snapshot(): Analysis {
    this.replayParsed();
    if (this.error || this.format === undefined) {
      return { format: undefined, error: this.error, events: [], eventCount: 0, lineCount: this.lineCount, diagnostics: [], findings: [], replay: undefined, partial: true };
    }
    return {
      format: this.format, events: [], eventCount: this.seq, lineCount: this.lineCount,
      diagnostics: this.diagnostics.slice(), findings: findingsOf(this.replay.finish()), replay: undefined, partial: true,
    };
  }

  finish(): Analysis {
    this.reader.end();
    if (this.options.faults !== undefined) this.faultsBefore(Number.POSITIVE_INFINITY);
    this.replayParsed();
    if (this.error) {
      return { format: undefined, error: this.error, events: [], eventCount: 0, lineCount: this.lineCount, diagnostics: [], findings: [], replay: undefined };
    }
    const result = this.replay.finish();
    const findings = findingsOf(result);
    const analysis: Analysis = {
      format: this.format, events: this.events, eventCount: this.seq, lineCount: this.lineCount,
      diagnostics: this.diagnostics, findings, replay: result,
    };
    if (this.options.modes) {
      const byMode: Partial<Record<CacheMode, Finding[]>> = {};
      for (const mode of this.options.modes) byMode[mode] = mode === result.options.mode ? findings : findingsOf(this.others.find(([m]) => m === mode)![1].finish());
      analysis.findingsByMode = byMode;
    }
    return analysis;
  }
}

/** Splits text into newline-aligned chunks of about `size` characters. */
export function* textChunks(text: string, size = 64 * 1024): Generator<string> {
  let pos = 0;
  while (pos < text.length) {
    let end = Math.min(text.length, pos + size);
    if (end < text.length) {
      const nl = text.indexOf('\n', end);
      end = nl < 0 ? text.length : nl + 1;
    }
    yield text.slice(pos, end);
    pos = end;
  }
}

export function analyzeText(text: string, options: AnalyzeOptions = {}): Analysis {
  const a = new TraceAnalysis(options);
  if (text.length === 0) a.push('');
  for (const chunk of textChunks(text)) a.push(chunk);
  return a.finish();
}

/** Replays already-parsed events under other options (another cache mode, kernel or page size). */
export function replayEvents(events: readonly TraceEvent[], options: Partial<ReplayOptions>): { replay: ReplayResult; findings: Finding[] } {
  const r = new Replay(replayOptions(options));
  for (const ev of events) r.apply(ev);
  const replay = r.finish();
  return { replay, findings: findingsOf(replay) };
}
