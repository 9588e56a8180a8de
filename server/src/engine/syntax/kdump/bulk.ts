// Chunk driver shared by the kdump and DTrace parsers: one tokenize() per chunk, then one parser invocation for
// many lines (`parseLines`), falling back to one line at a time after a line that does not fit the grammar.
import type { IToken, ILexingError } from 'chevrotain';

export interface BulkLineParser<R> {
  rec: R;
  /** Newlines consumed so far by the current bulk parse. */
  lineIndex: number;
  onLine: (rec: R) => void;
  parseLines(tokens: IToken[]): boolean;
  parseLine(tokens: IToken[]): boolean;
}

export interface ChunkSink<R> {
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
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  for (const e of errors) {
    if (text.charCodeAt(e.offset) === 13 && e.length === 1) continue;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= e.offset) lo = mid;
      else hi = mid - 1;
    }
    bad.add(lo);
  }
  return bad;
}

/**
 * Parses the tokens of one newline-aligned chunk and reports every non-empty line exactly once, in order.
 * `newlines` names the token types that end a line.
 */
export function parseChunk<R>(parser: BulkLineParser<R>, text: string, tokens: IToken[], errors: ILexingError[], newlines: ReadonlySet<string>, sink: ChunkSink<R>): void {
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
    let i = 0;
    let nl = 0;
    while (i < body.length && nl < relInBody) if (isNewline(body[i++], newlines)) nl++;
    let j = i;
    while (j < body.length && !isNewline(body[j], newlines)) j++;
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
export class LineIndex {
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
    let e = this.text.indexOf('\n', start);
    if (e < 0) e = this.text.length;
    if (e > start && this.text.charCodeAt(e - 1) === 13) e--;
    return e;
  }
}
