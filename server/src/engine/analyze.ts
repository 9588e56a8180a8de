// The engine's front door: text → format → events → replay → findings. Used by the CLI and the language server
// alike; neither knows how a format is parsed or how the cache is modelled.
import type { EventDraft, ParseDiagnostic, TraceEvent, TraceFormat } from './events.js';
import { Replay, type ReplayResult } from './model/replay.js';
import { DEFAULT_OPTIONS, type ReplayOptions } from './model/profiles.js';
import { findingsOf, type Finding } from './rules/findings.js';
import { detectFormat, formatSpec } from './syntax/formats.js';
import type { EventSink, TraceParser } from './syntax/parser-api.js';
import { looksBinary } from './syntax/text.js';

export interface AnalyzeOptions extends Partial<ReplayOptions> {
  /** Skip detection. */
  format?: TraceFormat;
  /** The trace's file name: `-ff` files carry the pid in their suffix (`trace.1234`). */
  fileName?: string;
  /** Keep the events (the editor needs them for hovers and to replay other modes without re-parsing). */
  keepEvents?: boolean;
  /** fsx logs: whether each MAPWRITE was followed by msync(MS_SYNC); unset, the log's dialect decides (see ParserOptions). */
  fsxMsync?: boolean;
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
  /** Set on a snapshot taken while the analysis is still running: what the lines read so far show. */
  partial?: boolean;
}

/** Lines longer than this are reported and skipped instead of lexed (no trace format prints them). */
export const MAX_LINE = 1 << 20;

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
  };
}

export function pidFromFileName(fileName: string | undefined): number | undefined {
  const m = fileName === undefined ? null : /\.(\d{1,8})$/.exec(fileName);
  return m ? Number(m[1]) : undefined;
}

/** `head` (bytes as latin1) is ASCII text in UTF-16 without a byte order mark: a NUL beside every character. */
function utf16Without(head: string): 'UTF-16LE' | 'UTF-16BE' | undefined {
  const n = Math.min(head.length, 1024) & ~1;
  if (n < 16) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (head.charCodeAt(i) === 0) evenNul++;
    if (head.charCodeAt(i + 1) === 0) oddNul++;
  }
  const half = n / 2;
  if (oddNul > 0.9 * half && evenNul < 0.05 * half) return 'UTF-16LE';
  if (evenNul > 0.9 * half && oddNul < 0.05 * half) return 'UTF-16BE';
  return undefined;
}

/** Why a text cannot be a trace, judged from its start; undefined when it may be one. */
export function unreadableReason(head: string): string | undefined {
  if (head.length === 0 || head.trim().length === 0) return 'the file is empty: there are no trace lines to read';
  const utf16 = utf16Without(head);
  if (utf16) return `the file looks like UTF-16 text without a byte order mark; convert it to UTF-8 (iconv -f ${utf16} -t UTF-8)`;
  if (looksBinary(head)) return 'the file is binary, not a text trace (ktrace.out must go through kdump first; strace -o writes text)';
  return undefined;
}

/**
 * Incremental analysis: feed newline-aligned chunks, then `finish()`. Events go straight into the replay, so
 * memory stays bounded unless `keepEvents` is set.
 */
export class TraceAnalysis implements EventSink {
  readonly events: TraceEvent[] = [];
  readonly diagnostics: ParseDiagnostic[] = [];
  private seq = 0;
  private lines = 0;
  private parser: TraceParser | undefined;
  private replay: Replay;
  format: TraceFormat | undefined;
  error: string | undefined;

  constructor(private readonly options: AnalyzeOptions = {}) {
    this.replay = new Replay(replayOptions(options));
  }

  /** Lines fed so far. */
  get lineCount(): number {
    return this.lines;
  }

  event(e: EventDraft): void {
    const ev = e as TraceEvent;
    ev.seq = ++this.seq;
    if (this.options.keepEvents) this.events.push(ev);
    this.replay.apply(ev);
  }

  diagnostic(d: ParseDiagnostic): void {
    this.diagnostics.push(d);
  }

  /** Feeds the next newline-aligned chunk. The first chunk decides the format. */
  push(chunk: string): void {
    if (this.error) return;
    if (this.parser === undefined) {
      // A byte order mark (Windows editors write one) is not part of the first line; editors do not show it either.
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      const reason = unreadableReason(chunk.slice(0, 4096));
      if (reason) {
        this.error = reason;
        return;
      }
      let format = this.options.format;
      if (format === undefined) {
        format = detectFormat(chunk).format;
        if (format === undefined) {
          const first = chunk.split('\n').find((l) => l.trim().length > 0) ?? '';
          this.error = `not a trace in a known format (strace, kdump, dtruss, dtrace, libfuse debug, fsx); first line: "${first.trim().slice(0, 80)}"`;
          return;
        }
      }
      const spec = formatSpec(format);
      if (!spec) {
        this.error = `no parser for format "${format}"`;
        return;
      }
      this.format = format;
      this.parser = spec.create(this, { defaultPid: pidFromFileName(this.options.fileName), fsxMsync: this.options.fsxMsync });
    }
    const firstLine = this.lines;
    // One pass counts the lines and finds the longest; the chunk is rebuilt only when a line is too long.
    let count = 0;
    let longest = 0;
    for (let pos = 0; ; ) {
      const nl = chunk.indexOf('\n', pos);
      const end = nl < 0 ? chunk.length : nl;
      if (end - pos > longest) longest = end - pos;
      if (nl < 0) break;
      count++;
      pos = nl + 1;
    }
    this.lines += count;
    try {
      this.parser.feed(longest > MAX_LINE ? this.dropLongLines(chunk, firstLine) : chunk, firstLine);
    } catch (e) {
      this.internalError(e, firstLine, this.lines);
    }
  }

  /**
   * A bug of ours met this input. Contain it (rust-analyzer's rule: the parser never fails): the user gets an
   * error on the lines it cost, with the message to report, and the rest of the trace is still analysed.
   */
  private internalError(e: unknown, fromLine: number, toLine: number): void {
    const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    const lines = toLine - fromLine > 1 ? `lines ${fromLine + 1}–${toLine}` : `line ${fromLine + 1}`;
    this.diagnostic({
      span: { line: fromLine, start: 0, end: 0 }, severity: 'error',
      message: `internal error of cachereplay while reading ${lines} (${what}); findings on those lines may be missing. Please report this trace.`,
    });
  }

  private dropLongLines(chunk: string, firstLine: number): string {
    const lines = chunk.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].length <= MAX_LINE) continue;
      const span = { line: firstLine + i, start: 0, end: Math.min(lines[i].length, 200) };
      this.diagnostic({ span, severity: 'error', message: `line ${firstLine + i + 1} is ${lines[i].length.toLocaleString('en-US')} characters long; no trace format prints such lines, so it was skipped` });
      this.event({ kind: 'unparsed', span, name: 'unparsed', ok: false });
      lines[i] = '';
    }
    return lines.join('\n');
  }

  /**
   * What the lines fed so far show, without finishing: the parse diagnostics and the findings up to here are final
   * (a loss is found at the call that causes it), later lines can only add to them. No events, no replay.
   */
  snapshot(): Analysis {
    if (this.error || this.parser === undefined) {
      return { format: undefined, error: this.error, events: [], eventCount: 0, lineCount: this.lines, diagnostics: [], findings: [], replay: undefined, partial: true };
    }
    return {
      format: this.format, events: [], eventCount: this.seq, lineCount: this.lines,
      diagnostics: this.diagnostics.slice(), findings: findingsOf(this.replay.finish()), replay: undefined, partial: true,
    };
  }

  finish(): Analysis {
    try {
      this.parser?.end();
    } catch (e) {
      this.internalError(e, Math.max(0, this.lines - 1), this.lines);
    }
    if (this.error) {
      return { format: undefined, error: this.error, events: [], eventCount: 0, lineCount: this.lines, diagnostics: [], findings: [], replay: undefined };
    }
    const result = this.replay.finish();
    return {
      format: this.format, events: this.events, eventCount: this.seq, lineCount: this.lines,
      diagnostics: this.diagnostics, findings: findingsOf(result), replay: result,
    };
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
