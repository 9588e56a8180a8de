// Chunk driver shared by the kdump and DTrace parsers: one tokenize() per chunk, then one parser invocation for
// many lines (`parseLines`), falling back to one line at a time after a line that does not fit the grammar.
import type { IToken, ILexingError, Lexer } from 'chevrotain';
import { lineTokenRange, type BulkLineParser } from './line-grammar.js';
import { lineEnd } from './strace/scan.js';
import { lineAt, lineStartsOf, stripAnsi } from './text.js';

interface ChunkSink<R> {
  /** A line that fits the grammar; `rel` is its 0-based line number within the chunk. */
  line(rec: R, rel: number): void;
  /** A line that does not (or that the lexer could not fully read). */
  bad(rel: number): void;
}

function isNewline(t: IToken, names: ReadonlySet<string>): boolean {
  return names.has(t.tokenType.name);
}

/** Lines with lexer errors (a lone '\r' before the end of the text is not one). */
function badLinesOf(text: string, errors: ILexingError[]): Set<number> {
  const bad = new Set<number>();
  if (errors.length === 0) return bad;
  const starts = lineStartsOf(text);
  for (const e of errors) {
    if (text.charCodeAt(e.offset) === 13 && e.length === 1) continue;
    bad.add(lineAt(starts, e.offset));
  }
  return bad;
}

/** The lines of a chunk as `feedChunk` reports them: absolute line number, the chunk's text and the line's offsets in it. */
export interface ChunkLines<R> {
  /** A line that fits the grammar; `rec` is only valid during the call. `end` is before the line break. */
  line(rec: R, line: number, text: string, start: number, end: number): void;
  /** A line that does not (or that the lexer could not fully read). */
  bad(line: number, text: string, start: number, end: number): void;
}

/** Lexes one newline-aligned chunk (without ANSI escapes) whose first line is `firstLine` and reports its lines. */
export function feedChunk<R>(lexer: Lexer, parser: BulkLineParser<R>, newlines: ReadonlySet<string>, chunk: string, firstLine: number, sink: ChunkLines<R>): void {
  const text = stripAnsi(chunk);
  const lexed = lexer.tokenize(text);
  const idx = new LineIndex(text);
  parseChunk(parser, text, lexed.tokens, lexed.errors, newlines, {
    line: (rec, rel) => {
      const start = idx.start(rel);
      sink.line(rec, firstLine + rel, text, start, idx.end(start));
    },
    bad: (rel) => {
      const start = idx.start(rel);
      sink.bad(firstLine + rel, text, start, idx.end(start));
    },
  });
}

/**
 * Parses the tokens of one newline-aligned chunk and reports every non-empty line exactly once, in order.
 * `newlines` names the token types that end a line.
 */
function parseChunk<R>(parser: BulkLineParser<R>, text: string, tokens: IToken[], errors: ILexingError[], newlines: ReadonlySet<string>, sink: ChunkSink<R>): void {
  const bad = badLinesOf(text, errors);
  let last = tokens.length - 1;
  while (last >= 0 && !isNewline(tokens[last], newlines)) last--;
  const tail = tokens.slice(last + 1);
  let body = last + 1 === tokens.length ? tokens : tokens.slice(0, last + 1);
  let base = 0;
  parser.onLine = (rec) => {
    const rel = base + parser.lineIndex;
    if (bad.has(rel)) sink.bad(rel);
    else sink.line(rec, rel);
  };
  while (body.length > 0) {
    if (parser.parseLines(body)) break;
    // The failing line: read it alone, then go on after it.
    const relInBody = parser.lineIndex;
    const [i, j] = lineTokenRange(body, relInBody, (t) => isNewline(t, newlines));
    const rel = base + relInBody;
    const lineTokens = body.slice(i, j);
    if (!bad.has(rel) && lineTokens.length > 0 && parser.parseLine(lineTokens)) sink.line(parser.rec, rel);
    else sink.bad(rel);
    body = body.slice(j + 1);
    base = rel + 1;
  }
  // Lines with lexer errors that produced no token at all were never visited.
  if (bad.size > 0) reportUnvisited(text, tokens, bad, sink);
  if (tail.length > 0) {
    let rel = 0;
    for (let k = 0; k <= last; k++) if (isNewline(tokens[k], newlines)) rel++;
    if (!bad.has(rel) && parser.parseLine(tail)) sink.line(parser.rec, rel);
    else sink.bad(rel);
  }
}

function reportUnvisited<R>(text: string, tokens: IToken[], bad: Set<number>, sink: ChunkSink<R>): void {
  const withTokens = new Set<number>();
  let line = 0;
  let pos = 0;
  for (const t of tokens) {
    while (true) {
      const nl = text.indexOf('\n', pos);
      if (nl < 0 || nl >= t.startOffset) break;
      line++;
      pos = nl + 1;
    }
    withTokens.add(line);
  }
  for (const rel of [...bad].sort((x, y) => x - y)) if (!withTokens.has(rel)) sink.bad(rel);
}

/** Offset where line `rel` of `text` starts (`starts` caches the scan between calls of one chunk). */
class LineIndex {
  private starts: number[] = [0];
  constructor(private readonly text: string) {}

  start(rel: number): number {
    const s = this.starts;
    while (s.length <= rel) {
      const nl = this.text.indexOf('\n', s[s.length - 1]);
      if (nl < 0) return this.text.length;
      s.push(nl + 1);
    }
    return s[rel];
  }

  /** End of the line starting at `start`, without '\r\n' or '\n'. */
  end(start: number): number {
    return lineEnd(this.text, start);
  }
}
