// Line texts and lengths of an open document, from a line index built with native newline searches. The
// TextDocument's own index is built char by char on first use, which took tens of milliseconds on a 10 MB
// trace and landed on the first hover.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { lineStartsOf } from '../engine/syntax/text.js';

const cache = new WeakMap<TextDocument, { version: number; starts: number[] }>();

function startsOf(doc: TextDocument): number[] {
  const c = cache.get(doc);
  if (c && c.version === doc.version) return c.starts;
  const starts = lineStartsOf(doc.getText());
  cache.set(doc, { version: doc.version, starts });
  return starts;
}

/** The text of line `line` without its line break ('' past the end). */
export function lineText(doc: TextDocument, line: number): string {
  const starts = startsOf(doc);
  if (line < 0 || line >= starts.length) return '';
  const text = doc.getText();
  const start = starts[line];
  let end = line + 1 < starts.length ? starts[line + 1] : text.length;
  if (end > start && text.charCodeAt(end - 1) === 10) end--;
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return text.slice(start, end);
}

export function lineLength(doc: TextDocument, line: number): number {
  return lineText(doc, line).length;
}
