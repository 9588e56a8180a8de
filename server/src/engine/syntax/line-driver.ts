// A line-oriented Chevrotain driver shared by the FUSE and fsx parsers (both have one-line records). It lexes
// each newline-aligned chunk once, parses all its lines with one bulk call of the line parser, and hands every
// line to the format: accepted lines with their parsed record, rejected lines (lexer or grammar errors) as text.
// A rejected line with nothing after it in its chunk is held back: if the input ends there it is a record the
// sample cut off (one warning), otherwise an ordinary error. The result never depends on chunk boundaries.
import type { IToken, Lexer, TokenType } from 'chevrotain';
import { lineTokenRange, type BulkLineParser } from './line-grammar.js';
import { excerpt, unparsed, type EventSink } from './parser-api.js';
import { lineEnd } from './strace/scan.js';
import { lineAt, lineStartsOf, stripAnsi } from './text.js';

/** One line of the chunk being fed: its absolute number and its text without the line break. */
export interface LineText {
  line: number;
  text: string;
}

/**
 * The usual report of a rejected line: the input's cut-off last line is a warning, any other line an error
 * (`not <what>: "..."`); both leave an `unparsed` event.
 */
export function reportRejected(sink: EventSink, l: LineText, cut: boolean, what: string, pid: number | undefined): void {
  if (!cut) {
    unparsed(sink, l.line, l.text, `not ${what}: "${excerpt(l.text)}"`, pid);
    return;
  }
  const span = { line: l.line, start: 0, end: l.text.length };
  sink.diagnostic({ span, severity: 'warning', message: `incomplete line: the log was cut here ("${excerpt(l.text)}")` });
  sink.event({ kind: 'unparsed', span, name: 'unparsed', ok: false, pid });
}

export abstract class LineDriver<R> {
  private held: LineText | undefined;

  protected constructor(private readonly lexer: Lexer, private readonly parser: BulkLineParser<R>, private readonly newline: TokenType) {}

  /** A line the grammar accepted; `rec` is only valid during the call. `start` is the line's offset in `text`. */
  protected abstract accept(rec: R, line: number, text: string, start: number): void;
  /** A line the lexer or the grammar rejected. `cut` is true for the input's last line (a cut-off record). */
  protected abstract reject(l: LineText, cut: boolean): void;

  feed(chunk: string, firstLine: number): void {
    const text = stripAnsi(chunk);
    if (text.length === 0) return;
    const lexed = this.lexer.tokenize(text);
    let tokens = lexed.tokens;
    const starts = lineStartsOf(text);
    const lastNonEmpty = lastNonEmptyLine(text, starts);
    // Lines the lexer could not fully read are never trusted: their tokens are dropped (Newlines kept) and the
    // lines are reported in order, just before the next line that parses.
    const bad: number[] = [];
    if (lexed.errors.length > 0) {
      const set = new Set<number>();
      for (const e of lexed.errors) set.add(lineAt(starts, e.offset));
      bad.push(...[...set].sort((a, b) => a - b));
      const badSet = set;
      tokens = tokens.filter((t) => t.tokenType === this.newline || !badSet.has(lineAt(starts, t.startOffset)));
    }
    let badIdx = 0;
    const rejectRel = (rel: number): void => {
      const l = { line: firstLine + rel, text: lineTextAt(text, starts, rel) };
      this.releaseHeld();
      if (rel === lastNonEmpty) this.held = l;
      else this.reject(l, false);
    };
    const flushBad = (beforeRel: number): void => {
      while (badIdx < bad.length && bad[badIdx] < beforeRel) rejectRel(bad[badIdx++]);
    };
    // A last line without '\n' is parsed on its own after the bulk.
    let tail: IToken[] = [];
    let lastNl = tokens.length - 1;
    while (lastNl >= 0 && tokens[lastNl].tokenType !== this.newline) lastNl--;
    if (lastNl < tokens.length - 1) {
      tail = tokens.slice(lastNl + 1);
      tokens = tokens.slice(0, lastNl + 1);
    }
    const parser = this.parser;
    let base = 0;
    parser.onLine = (rec) => {
      const rel = base + parser.lineIndex;
      flushBad(rel);
      this.releaseHeld();
      this.accept(rec, firstLine + rel, text, starts[rel]);
    };
    let from = 0;
    while (from < tokens.length) {
      const slice = from === 0 ? tokens : tokens.slice(from);
      if (parser.parseLines(slice)) break;
      // The line that failed: skip its tokens and go on after it.
      const relInSlice = parser.lineIndex;
      const [, j] = lineTokenRange(slice, relInSlice, (t) => t.tokenType === this.newline);
      const rel = base + relInSlice;
      flushBad(rel);
      if (badIdx < bad.length && bad[badIdx] === rel) badIdx++;
      rejectRel(rel);
      from += j + 1;
      base = rel + 1;
    }
    if (tail.length > 0) {
      const rel = starts.length - 1;
      flushBad(rel);
      if (badIdx < bad.length && bad[badIdx] === rel) badIdx++;
      if (parser.parseLine(tail)) {
        this.releaseHeld();
        this.accept(parser.rec, firstLine + rel, text, starts[rel]);
      } else rejectRel(rel);
    }
    flushBad(Number.POSITIVE_INFINITY);
  }

  /** End of input: a held line was the last one, so it is a record the sample cut off. */
  protected endLines(): void {
    const h = this.held;
    this.held = undefined;
    if (h) this.reject(h, true);
  }

  private releaseHeld(): void {
    const h = this.held;
    if (h === undefined) return;
    this.held = undefined;
    this.reject(h, false);
  }
}

/** The line's text without '\r\n' / '\n'. */
function lineTextAt(text: string, starts: number[], rel: number): string {
  const s = starts[rel];
  return text.slice(s, lineEnd(text, s));
}

function lastNonEmptyLine(text: string, starts: number[]): number {
  for (let rel = starts.length - 1; rel >= 0; rel--) if (lineTextAt(text, starts, rel).trim().length > 0) return rel;
  return -1;
}
