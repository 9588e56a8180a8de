// Text → events, for any format: decides the format from the first chunk, refuses what is not a trace, skips
// lines no format prints, and contains a bug of ours to the chunk it hit. It knows nothing of the replay.
import type { ParseDiagnostic, TraceFormat } from './events.js';
import { detectFormat, formatSpec } from './syntax/formats.js';
import type { EventSink, TraceParser } from './syntax/parser-api.js';
import { countLineBreaks, looksBinary } from './syntax/text.js';

/** Lines longer than this are reported and skipped instead of lexed (no trace format prints them). */
export const MAX_LINE = 1 << 20;

export interface ReaderOptions {
  /** Skip detection. */
  format?: TraceFormat;
  /** The trace's file name: `-ff` files carry the pid in their suffix (`trace.1234`). */
  fileName?: string;
  /** fsx logs: whether each MAPWRITE was followed by msync(MS_SYNC); unset, the log's dialect decides (see ParserOptions). */
  fsxMsync?: boolean;
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

/** The error a bug of ours met on lines [fromLine, toLine) gets: what to report, and that findings there may be missing. */
export function internalErrorAt(e: unknown, fromLine: number, toLine: number): ParseDiagnostic {
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const lines = toLine - fromLine > 1 ? `lines ${fromLine + 1}–${toLine}` : `line ${fromLine + 1}`;
  return {
    span: { line: fromLine, start: 0, end: 0 }, severity: 'error',
    message: `internal error of cachereplay while reading ${lines} (${what}); findings on those lines may be missing. Please report this trace.`,
  };
}

/** The length of the longest line in `text`. */
function longestLine(text: string): number {
  let longest = 0;
  for (let pos = 0; ; ) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    if (end - pos > longest) longest = end - pos;
    if (nl < 0) return longest;
    pos = nl + 1;
  }
}

/** Reads a trace's newline-aligned chunks into events and diagnostics for `sink`. */
export class TraceReader {
  /** Decided by the first chunk. */
  format: TraceFormat | undefined;
  /** Set when the input cannot be analysed at all (binary, empty, unknown format). */
  error: string | undefined;
  private lines = 0;
  private parser: TraceParser | undefined;

  constructor(private readonly sink: EventSink, private readonly options: ReaderOptions = {}) {}

  get lineCount(): number {
    return this.lines;
  }

  /**
   * Feeds the next newline-aligned chunk. The first chunk decides the format. `bytes` may be what the chunk was
   * decoded from (UTF-8): the parser scans them when each decoded to one character.
   */
  push(chunk: string, bytes?: Uint8Array): void {
    if (this.error) return;
    // A line too long for any reader to hand over whole comes in pieces (the chunkers cut it): one line, one report.
    if (this.longLine !== undefined) {
      const nl = chunk.indexOf('\n');
      if (nl < 0) {
        this.longLine.length += chunk.length;
        return;
      }
      this.longLine.length += nl;
      this.endLongLine();
      chunk = chunk.slice(nl + 1);
      bytes = bytes?.subarray(nl + 1);
      if (chunk.length === 0) return;
    }
    // (Before the format is known, such a chunk is judged as it is: a file that starts with one is no trace.)
    if (this.parser !== undefined && chunk.length > MAX_LINE && chunk.charCodeAt(chunk.length - 1) !== 10) {
      const lastNl = chunk.lastIndexOf('\n');
      if (chunk.length - lastNl - 1 > MAX_LINE) {
        this.longLine = { line: this.lines + countLineBreaks(chunk.slice(0, lastNl + 1)), length: chunk.length - lastNl - 1 };
        chunk = chunk.slice(0, lastNl + 1);
        bytes = bytes?.subarray(0, lastNl + 1);
        if (chunk.length === 0) return;
      }
    }
    if (this.parser === undefined) {
      // A byte order mark (Windows editors write one) is not part of the first line; editors do not show it either.
      if (chunk.charCodeAt(0) === 0xfeff) {
        chunk = chunk.slice(1);
        bytes = undefined;
      }
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
      this.parser = spec.create(this.sink, { defaultPid: pidFromFileName(this.options.fileName), fsxMsync: this.options.fsxMsync });
    }
    const firstLine = this.lines;
    // A chunk no longer than MAX_LINE has no line longer than it: only a longer chunk is searched for one.
    const text = chunk.length > MAX_LINE && longestLine(chunk) > MAX_LINE ? this.dropLongLines(chunk, firstLine) : chunk;
    // A UTF-8 decode as long as its bytes met no multi-byte character: each byte is the character at its offset.
    const oneToOne = bytes !== undefined && text === chunk && bytes.length === text.length ? bytes : undefined;
    try {
      const read = this.parser.feed(text, firstLine, oneToOne);
      this.lines += typeof read === 'number' ? read : countLineBreaks(text);
    } catch (e) {
      this.lines = firstLine + countLineBreaks(text);
      this.internalError(e, firstLine, this.lines);
    }
  }

  /**
   * A bug of ours met this input. Contain it (rust-analyzer's rule: the parser never fails): the user gets an
   * error on the lines it cost, with the message to report, and the rest of the trace is still analysed.
   */
  private internalError(e: unknown, fromLine: number, toLine: number): void {
    this.sink.diagnostic(internalErrorAt(e, fromLine, toLine));
  }

  /** A line cut into pieces, being read: where it is and how long it is so far. */
  private longLine: { line: number; length: number } | undefined;

  /** The long line's last piece came: it is reported once, with its whole length, and counted as one line. */
  private endLongLine(): void {
    const { line, length } = this.longLine!;
    this.longLine = undefined;
    this.lines = line + 1;
    const span = { line, start: 0, end: 200 };
    this.sink.diagnostic({ span, severity: 'error', message: `line ${line + 1} is ${length.toLocaleString('en-US')} characters long; no trace format prints such lines, so it was skipped` });
    this.sink.event({ kind: 'unparsed', span, name: 'unparsed', ok: false });
  }

  private dropLongLines(chunk: string, firstLine: number): string {
    const lines = chunk.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].length <= MAX_LINE) continue;
      const span = { line: firstLine + i, start: 0, end: Math.min(lines[i].length, 200) };
      this.sink.diagnostic({ span, severity: 'error', message: `line ${firstLine + i + 1} is ${lines[i].length.toLocaleString('en-US')} characters long; no trace format prints such lines, so it was skipped` });
      this.sink.event({ kind: 'unparsed', span, name: 'unparsed', ok: false });
      lines[i] = '';
    }
    return lines.join('\n');
  }

  /** A diagnostic about the input that is not the parser's (a gzip file cut short): it goes with the parser's. */
  diagnostic(d: ParseDiagnostic): void {
    this.sink.diagnostic(d);
  }

  /** End of input: what the parser still holds (unfinished calls) is emitted. */
  end(): void {
    if (this.longLine !== undefined) this.endLongLine();
    try {
      this.parser?.end();
    } catch (e) {
      this.internalError(e, Math.max(0, this.lines - 1), this.lines);
    }
  }
}
