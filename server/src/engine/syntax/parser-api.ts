// The contract between the engine and every format's parser. Parsers never throw on bad input: they emit
// events and diagnostics (an `unparsed` event plus a diagnostic for a line they cannot read) and go on.
import type { EventDraft, ParseDiagnostic, TraceFormat } from '../events.js';
import type { LineCall } from './strace/line-call.js';

export interface EventSink {
  event(e: EventDraft): void;
  diagnostic(d: ParseDiagnostic): void;
  /**
   * Optional, for a sink in another thread than the replay: takes a finished one-line call (most lines of a strace
   * trace) instead of its event, which the replaying thread then builds (`eventOfLineCall`), so that the two
   * threads share the parse's work. The record is refilled for the next call: read it before returning.
   */
  defer?(call: LineCall): void;
}

export interface ParserOptions {
  /** pid for traces that print none (strace -ff files name it in their suffix: `trace.1234`). */
  defaultPid?: number;
  /**
   * fsx logs: whether each MAPWRITE is followed by msync(MS_SYNC) of its mapping, which no fsx log records.
   * Unset: xfstests-style logs (padded op names such as `READ     0x`, .fsxops) msync (xfstests always does);
   * FreeBSD-style logs do not, unless a stdout capture shows its option banners without `mapped msync DISABLED`
   * (FreeBSD skips the msync only with -U, and the bug 237588 reproduction is `fsx -U`).
   */
  fsxMsync?: boolean;
}

export interface TraceParser {
  readonly format: TraceFormat;
  /**
   * Feeds newline-complete text whose first line is line `firstLine` (0-based) of the trace. A parser that visits
   * every line may return how many line breaks it read, which saves the reader counting them again. `bytes`, when
   * given, are what `text` was decoded from, one byte per character: a parser may scan them instead (faster).
   */
  feed(text: string, firstLine: number, bytes?: Uint8Array): number | void;
  /** End of input: emits what is still pending (unfinished calls, unanswered requests). */
  end(): void;
}

export function unparsed(sink: EventSink, line: number, text: string, message: string, pid?: number): void {
  const span = { line, start: 0, end: text.length };
  sink.diagnostic({ span, message, severity: 'error' });
  sink.event({ kind: 'unparsed', span, name: 'unparsed', ok: false, pid });
}

/** Shortens a line for use inside a message. */
export function excerpt(text: string, max = 60): string {
  const t = text.trim();
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}
