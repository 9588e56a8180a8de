// Line texts and lengths of an open document, through its line index (ChunkedDocument keeps one per piece, so a
// line is found without reading the whole text).
import type { TextDocument } from 'vscode-languageserver-textdocument';

/** The text of line `line` without its line break ('' past the end). */
export function lineText(doc: TextDocument, line: number): string {
  if (line < 0 || line >= doc.lineCount) return '';
  let text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  if (text.endsWith('\n')) text = text.slice(0, -1);
  if (text.endsWith('\r')) text = text.slice(0, -1);
  return text;
}

export function lineLength(doc: TextDocument, line: number): number {
  return lineText(doc, line).length;
}
