// An open document kept as newline-aligned pieces of about PIECE characters, with how many lines each holds: an
// edit rebuilds the pieces it touches, not the whole text. vscode-languageserver-textdocument keeps one string,
// and every edit of a 10 MB trace copied all of it (34 ms an edit, so 50 keystrokes a second were more than the
// server could take). The analysis reads the pieces as its chunks (they end at line breaks), so the whole text is
// never built.
import type { Position, Range, TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import type { TextDocument } from 'vscode-languageserver-textdocument';

const PIECE = 64 * 1024;

/** `text` cut after line breaks into pieces of about `size` characters (a longer line is a piece of its own). */
function split(text: string, size = PIECE): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < text.length) {
    if (text.length - at <= size) {
      out.push(text.slice(at));
      break;
    }
    let cut = text.lastIndexOf('\n', at + size - 1);
    if (cut < at) cut = text.indexOf('\n', at + size);
    if (cut < 0) {
      out.push(text.slice(at));
      break;
    }
    out.push(text.slice(at, cut + 1));
    at = cut + 1;
  }
  return out;
}

function linesIn(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

export class ChunkedDocument implements TextDocument {
  private pieces: string[];
  private breaks: number[];
  /** Offset and first line of each piece (rebuilt after an edit, when first asked for). */
  private starts: Float64Array | undefined;
  private firstLines: Float64Array | undefined;
  private length = 0;
  private totalBreaks = 0;

  constructor(readonly uri: string, readonly languageId: string, public version: number, text: string) {
    this.pieces = split(text);
    this.breaks = this.pieces.map(linesIn);
    this.recount();
  }

  private recount(): void {
    this.length = 0;
    this.totalBreaks = 0;
    for (let i = 0; i < this.pieces.length; i++) {
      this.length += this.pieces[i].length;
      this.totalBreaks += this.breaks[i];
    }
    this.starts = undefined;
    this.firstLines = undefined;
  }

  private index(): { starts: Float64Array; firstLines: Float64Array } {
    if (this.starts === undefined || this.firstLines === undefined) {
      const n = this.pieces.length;
      this.starts = new Float64Array(n + 1);
      this.firstLines = new Float64Array(n + 1);
      for (let i = 0; i < n; i++) {
        this.starts[i + 1] = this.starts[i] + this.pieces[i].length;
        this.firstLines[i + 1] = this.firstLines[i] + this.breaks[i];
      }
    }
    return { starts: this.starts, firstLines: this.firstLines };
  }

  /** The pieces, newline-aligned: the analysis reads them as its chunks. */
  chunks(): readonly string[] {
    return this.pieces;
  }

  get lineCount(): number {
    return this.totalBreaks + 1;
  }

  /** The last index i with a[i] <= x. */
  private static floor(a: Float64Array, x: number, n: number): number {
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (a[mid] <= x) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  offsetAt(position: Position): number {
    const n = this.pieces.length;
    if (n === 0) return 0;
    const { starts, firstLines } = this.index();
    // As TextDocument: a line past the last is the end of the text, one before the first its start.
    if (position.line > this.totalBreaks) return this.length;
    if (position.line < 0) return 0;
    const line = position.line;
    // The piece holding the line's start: the last whose first line is at or before it.
    const k = ChunkedDocument.floor(firstLines, line, n);
    const piece = this.pieces[k];
    let at = 0;
    for (let l = firstLines[k]; l < line; l++) at = piece.indexOf('\n', at) + 1;
    const lineStart = starts[k] + at;
    let lineEnd = this.lineEnd(lineStart);
    // A CRLF line ends before its CR, as TextDocument counts it (lone CRs, which it also takes for line breaks, are
    // not in traces).
    if (lineEnd > lineStart && lineEnd < this.length && this.charAt(lineEnd - 1) === 13) lineEnd--;
    return Math.max(lineStart, Math.min(lineStart + Math.max(0, position.character), lineEnd));
  }

  private charAt(offset: number): number {
    const { starts } = this.index();
    const k = ChunkedDocument.floor(starts, offset, this.pieces.length);
    return this.pieces[k].charCodeAt(offset - starts[k]);
  }

  /** The offset of the line break ending the line that starts at `lineStart` (or the text's end). */
  private lineEnd(lineStart: number): number {
    const { starts } = this.index();
    for (let k = ChunkedDocument.floor(starts, lineStart, this.pieces.length); k < this.pieces.length; k++) {
      const nl = this.pieces[k].indexOf('\n', Math.max(0, lineStart - starts[k]));
      if (nl >= 0) return starts[k] + nl;
    }
    return this.length;
  }

  positionAt(offset: number): Position {
    const n = this.pieces.length;
    if (n === 0) return { line: 0, character: 0 };
    const { starts, firstLines } = this.index();
    const o = Math.max(0, Math.min(offset, this.length));
    const k = ChunkedDocument.floor(starts, o, n);
    const piece = this.pieces[k];
    const rel = o - starts[k];
    let line = firstLines[k];
    for (let i = piece.indexOf('\n'); i >= 0 && i < rel; i = piece.indexOf('\n', i + 1)) line++;
    const lineStart = this.offsetAt({ line, character: 0 });
    // An offset inside a CRLF is before it, as TextDocument has it.
    let at = o;
    while (at > lineStart && this.charAt(at - 1) === 13) at--;
    return { line, character: at - lineStart };
  }

  /** The range of line `line`, without its line break. */
  getLineRange(line: number): Range {
    const start = this.offsetAt({ line, character: 0 });
    return { start: this.positionAt(start), end: this.positionAt(this.lineEnd(start)) };
  }

  getEOLCharacters(line: number): string {
    if (line < 0 || line >= this.totalBreaks) return '';
    const end = this.lineEnd(this.offsetAt({ line, character: 0 }));
    return end > 0 && this.slice(end - 1, end) === '\r' ? '\r\n' : '\n';
  }

  getText(range?: Range): string {
    if (range === undefined) return this.pieces.join('');
    // A range given end first is read start first, as TextDocument reads it.
    const a = this.offsetAt(range.start);
    const b = this.offsetAt(range.end);
    return this.slice(Math.min(a, b), Math.max(a, b));
  }

  /** The text of [a, b). */
  private slice(a: number, b: number): string {
    const { starts } = this.index();
    const n = this.pieces.length;
    if (n === 0 || b <= a) return '';
    let k = ChunkedDocument.floor(starts, a, n);
    let out = '';
    for (; k < n && starts[k] < b; k++) out += this.pieces[k].slice(Math.max(0, a - starts[k]), Math.max(0, b - starts[k]));
    return out;
  }

  /** Applies the client's changes (each a range and its new text, or a whole new text). */
  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if (!('range' in change) || change.range === undefined) {
        this.pieces = split(change.text);
        this.breaks = this.pieces.map(linesIn);
        this.recount();
        continue;
      }
      const x = this.offsetAt(change.range.start);
      const y = this.offsetAt(change.range.end);
      this.replace(Math.min(x, y), Math.max(x, y), change.text);
    }
    this.version = version;
  }

  /** Replaces [a, b) with `text`: only the pieces the range touches are rebuilt. */
  private replace(a: number, b: number, text: string): void {
    const n = this.pieces.length;
    if (n === 0) {
      this.pieces = split(text);
      this.breaks = this.pieces.map(linesIn);
      this.recount();
      return;
    }
    const { starts } = this.index();
    const first = ChunkedDocument.floor(starts, a, n);
    let last = ChunkedDocument.floor(starts, Math.max(a, b - 1), n);
    if (b > a && starts[last] >= b) last--;
    last = Math.max(first, last);
    const joined = this.pieces.slice(first, last + 1).join('');
    const base = starts[first];
    const rebuilt = split(joined.slice(0, a - base) + text + joined.slice(b - base));
    this.pieces.splice(first, last - first + 1, ...rebuilt);
    this.breaks.splice(first, last - first + 1, ...rebuilt.map(linesIn));
    this.recount();
  }
}

/** What TextDocuments needs to keep ChunkedDocuments. */
export const CHUNKED_DOCUMENTS = {
  create: (uri: string, languageId: string, version: number, content: string): ChunkedDocument => new ChunkedDocument(uri, languageId, version, content),
  update: (doc: ChunkedDocument, changes: TextDocumentContentChangeEvent[], version: number): ChunkedDocument => {
    doc.update(changes, version);
    return doc;
  },
};
