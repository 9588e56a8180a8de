// One analysis per open document version and settings. A newer version cancels the older analysis; requests
// share the one in flight. The analysis keeps the files' histories, from which a hover rebuilds its event's page
// states; the recording of every event's page states (the page timeline) and the per-mode replays (code lens,
// Compare Cache Modes) are computed on first use, so the first diagnostics come as fast as possible.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ChunkedDocument } from './chunked-document.js';
import type { Analysis } from '../engine/analyze.js';
import type { TraceEvent } from '../engine/events.js';
import { CACHE_MODES, type CacheMode } from '../engine/model/profiles.js';
import type { ReplayResult } from '../engine/model/replay.js';
import type { Finding } from '../engine/rules/findings.js';
import { analyzeAsync, Cancelled, replayAsync, type CancelToken } from './async-analysis.js';
import type { CacheReplaySettings } from '../../../protocol/messages.js';
import type { AnalysisSettings } from './settings.js';
import { analyzeOptions, settingsKey } from './settings.js';

/**
 * A document longer than this (in characters) keeps no events and no history: its diagnostics are complete, but
 * hovers, navigation and the per-mode replays, which need them, say why they are off. The events and histories of
 * an 80 MB trace would take gigabytes, twice over while an edit is re-analysed. CACHEREPLAY_LEAN_FROM sets it.
 */
export const LEAN_FROM_CHARS = Number(process.env.CACHEREPLAY_LEAN_FROM) > 0 ? Number(process.env.CACHEREPLAY_LEAN_FROM) : 80_000_000;

export class DocAnalysis {
  /** Analysed without events and history (LEAN_FROM_CHARS). */
  lean = false;
  /** Events by line (the line of the call, and of its resumption): line L's are eventAt[lineStart[L]..lineStart[L+1]). */
  private readonly lineStart: Int32Array;
  private readonly eventAt: Int32Array;
  private recording: Promise<ReplayResult> | undefined;
  /** The latest settings for what is shown (hiding possible losses, capping problems); analysis settings are `settings`. */
  display: CacheReplaySettings;
  private modes: Promise<Map<CacheMode, Finding[]>> | undefined;

  constructor(
    readonly uri: string,
    readonly version: number,
    readonly key: string,
    readonly settings: AnalysisSettings,
    readonly languageId: string,
    readonly analysis: Analysis,
    readonly ms: number,
    private readonly token: CancelToken,
  ) {
    this.display = settings;
    // A counting sort into two typed arrays, instead of a map entry and an array per line (which cost tens of
    // milliseconds on 100,000 events, before the first diagnostics).
    const events = analysis.events;
    const lines = Math.max(analysis.lineCount, 0) + 2;
    const start = new Int32Array(lines + 1);
    const each = (f: (line: number, i: number) => void) => {
      for (let i = 0; i < events.length; i++) {
        const ev = events[i];
        f(ev.span.line, i);
        if (ev.endSpan && ev.endSpan.line !== ev.span.line) f(ev.endSpan.line, i);
      }
    };
    let n = 0;
    each((line) => {
      if (line >= 0 && line < lines) {
        start[line + 1]++;
        n++;
      }
    });
    for (let l = 0; l < lines; l++) start[l + 1] += start[l];
    const fill = start.slice(0, lines);
    const at = new Int32Array(n);
    each((line, i) => {
      if (line >= 0 && line < lines) at[fill[line]++] = i;
    });
    this.lineStart = start;
    this.eventAt = at;
  }

  /** The events anchored on or completed at `line`, in event order. */
  eventsAt(line: number): TraceEvent[] {
    const out: TraceEvent[] = [];
    if (line < 0 || line + 1 >= this.lineStart.length) return out;
    for (let i = this.lineStart[line]; i < this.lineStart[line + 1]; i++) out.push(this.analysis.events[this.eventAt[i]]);
    return out;
  }

  get findings(): Finding[] {
    return this.analysis.findings;
  }

  /** The same replay with every event's page states recorded (the page timeline). */
  recorded(): Promise<ReplayResult> {
    this.recording ??= replayAsync(this.analysis.events, { ...analyzeOptions(this.settings, this.languageId), record: true }, this.token).then((r) => r.replay);
    return this.recording;
  }

  /** Findings under every cache mode (same kernel and sizes). */
  byMode(): Promise<Map<CacheMode, Finding[]>> {
    this.modes ??= (async () => {
      const out = new Map<CacheMode, Finding[]>();
      const all = this.analysis.findingsByMode;
      if (all !== undefined) {
        for (const mode of CACHE_MODES) out.set(mode, mode === this.settings.cacheMode ? this.analysis.findings : all[mode] ?? []);
        return out;
      }
      for (const mode of CACHE_MODES) {
        if (mode === this.settings.cacheMode) out.set(mode, this.analysis.findings);
        else out.set(mode, (await replayAsync(this.analysis.events, { ...analyzeOptions(this.settings, this.languageId), mode }, this.token)).findings);
      }
      return out;
    })();
    return this.modes;
  }
}

interface Entry {
  version: number;
  key: string;
  promise: Promise<DocAnalysis>;
  cancel: { isCancellationRequested: boolean };
  /** The latest snapshot of a long analysis still running. */
  partial: Analysis | undefined;
  settled: boolean;
  waiters: Array<(snapshot: Analysis | undefined) => void>;
}

/**
 * A long analysis shows what it has found after FIRST_PARTIAL_MS, then again every PARTIAL_EVERY_MS.
 * CACHEREPLAY_PARTIAL_MS sets both (tests use 0: a snapshot after every chunk).
 */
const PARTIAL_ENV = Number(process.env.CACHEREPLAY_PARTIAL_MS);
const FIRST_PARTIAL_MS = Number.isFinite(PARTIAL_ENV) && PARTIAL_ENV >= 0 ? PARTIAL_ENV : 300;
const PARTIAL_EVERY_MS = Number.isFinite(PARTIAL_ENV) && PARTIAL_ENV >= 0 ? PARTIAL_ENV : 1000;

/** A request's answer: from the analysis of the document as it is, or (`stale`) of an earlier version. */
export interface Answering {
  a: DocAnalysis;
  stale: boolean;
}

export class Analyses {
  private readonly entries = new Map<string, Entry>();
  /**
   * Per document, the newest analysis that finished, whatever its version: while a newer one runs (the user is
   * typing), requests are answered from it. With the one running, a document holds at most two analyses.
   */
  private readonly complete = new Map<string, DocAnalysis>();
  /** Called for long analyses: returns a progress reporter, or undefined. */
  progress: ((title: string) => Promise<{ report(pct: number, msg: string): void; done(): void } | undefined>) | undefined;
  /** Told when a document is too big to keep its events and history (the server says so once). */
  onLean: ((uri: string, length: number) => void) | undefined;
  /** Told of each snapshot of a long analysis (push clients publish them). */
  onPartial: ((uri: string, version: number, snapshot: Analysis, settings: AnalysisSettings, ms: number) => void) | undefined;

  get(doc: TextDocument, settings: AnalysisSettings): Promise<DocAnalysis> {
    const key = settingsKey(settings, doc.languageId);
    const e = this.entries.get(doc.uri);
    if (e && e.version === doc.version && e.key === key) return e.promise;
    if (e) e.cancel.isCancellationRequested = true;
    const cancel = { isCancellationRequested: false };
    const entry: Entry = { version: doc.version, key, promise: undefined as unknown as Promise<DocAnalysis>, cancel, partial: undefined, settled: false, waiters: [] };
    entry.promise = this.run(doc, settings, key, cancel, (snapshot, ms) => {
      entry.partial = snapshot;
      for (const w of entry.waiters.splice(0)) w(snapshot);
      if (this.entries.get(doc.uri) === entry) this.onPartial?.(doc.uri, doc.version, snapshot, settings, ms);
    });
    this.entries.set(doc.uri, entry);
    const settle = () => {
      entry.settled = true;
      for (const w of entry.waiters.splice(0)) w(undefined);
    };
    entry.promise.then((a) => {
      const done = this.complete.get(doc.uri);
      if (this.entries.get(doc.uri) === entry || done === undefined || done.version < a.version) this.complete.set(doc.uri, a);
      settle();
    }, settle);
    return entry.promise;
  }

  /**
   * The analysis a request on `doc` is answered from: the one of its current version and settings if it is done,
   * or done within `waitMs`; otherwise the newest that finished (stale), while the current one runs. Starts
   * nothing: what analyses a changed document is the debounced publish, or the client's pull. Undefined when no
   * analysis of the document has finished yet.
   */
  async forRequest(doc: TextDocument, settings: AnalysisSettings, waitMs: number): Promise<Answering | undefined> {
    const key = settingsKey(settings, doc.languageId);
    const done = this.complete.get(doc.uri);
    if (done !== undefined && done.version === doc.version && done.key === key) return { a: done, stale: false };
    const e = this.entries.get(doc.uri);
    if (e !== undefined && e.version === doc.version && e.key === key) {
      const a = await Promise.race([e.promise.catch(() => undefined), new Promise<undefined>((r) => setTimeout(() => r(undefined), waitMs))]);
      if (a !== undefined) return { a, stale: false };
    }
    return done === undefined ? undefined : { a: done, stale: true };
  }

  /** `running` (what `get` returned for `uri`) or, while it is still running, its first snapshot: whichever comes first. */
  async earliest(uri: string, running: Promise<DocAnalysis>): Promise<DocAnalysis | Analysis> {
    const snapshot = await Promise.race([running.then(() => undefined), this.firstPartial(uri)]);
    return snapshot ?? running;
  }

  /** The first snapshot of the running analysis of `uri`, or undefined once it has ended without one. */
  private firstPartial(uri: string): Promise<Analysis | undefined> {
    const e = this.entries.get(uri);
    if (!e || e.settled) return Promise.resolve(undefined);
    if (e.partial) return Promise.resolve(e.partial);
    return new Promise((resolve) => e.waiters.push(resolve));
  }

  /** The latest finished-or-running analysis of a document, whatever its version. */
  current(uri: string): Promise<DocAnalysis> | undefined {
    return this.entries.get(uri)?.promise;
  }

  drop(uri: string): void {
    const e = this.entries.get(uri);
    if (e) e.cancel.isCancellationRequested = true;
    this.entries.delete(uri);
    this.complete.delete(uri);
  }

  private async run(doc: TextDocument, settings: AnalysisSettings, key: string, cancel: CancelToken, onPartial: (snapshot: Analysis, ms: number) => void): Promise<DocAnalysis> {
    // A ChunkedDocument's pieces are read as they are, without building the whole text.
    const text = doc instanceof ChunkedDocument ? doc.chunks().slice() : doc.getText();
    const length = typeof text === 'string' ? text.length : text.reduce((n, c) => n + c.length, 0);
    const t0 = Date.now();
    const big = length > 2_000_000;
    const reporter = big && this.progress ? await this.progress('Cache Replay: analysing trace') : undefined;
    let lastPct = -1;
    try {
      // `history` keeps what hovers and go-to-definition need, rebuilt per event on demand; a document too big for
      // it is analysed for its diagnostics alone (LEAN_FROM_CHARS).
      const lean = length > LEAN_FROM_CHARS;
      if (lean) this.onLean?.(doc.uri, length);
      // Without events to replay later, the other modes (code lens, Compare) are replayed as the events go by.
      const analysis = await analyzeAsync(text, { ...analyzeOptions(settings, doc.languageId), keepEvents: !lean, history: !lean, ...(lean ? { modes: CACHE_MODES } : {}) }, cancel, (done, total) => {
        const pct = Math.floor((done / total) * 100);
        if (reporter && pct !== lastPct) {
          lastPct = pct;
          reporter.report(pct, `${Math.round(done / 1e6)} of ${Math.round(total / 1e6)} MB`);
        }
      }, { firstMs: FIRST_PARTIAL_MS, everyMs: PARTIAL_EVERY_MS, report: (snapshot) => onPartial(snapshot, Date.now() - t0) });
      const a = new DocAnalysis(doc.uri, doc.version, key, settings, doc.languageId, analysis, Date.now() - t0, cancel);
      a.lean = lean;
      return a;
    } finally {
      reporter?.done();
    }
  }
}

export { Cancelled };
