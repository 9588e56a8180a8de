import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lineLength, lineText } from '../../server/src/lsp/doc-lines.js';

describe('document lines', () => {
  it('match the TextDocument lines, with \\n, \\r\\n, a last line with or without a break, and edits', () => {
    for (const text of ['a\nbb\r\nccc', 'a\nbb\r\nccc\n', '', '\n\n', 'x\r\n']) {
      const doc = TextDocument.create('file:///t', 'strace', 1, text);
      for (let line = 0; line < doc.lineCount + 1; line++) {
        const expected = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
        assert.equal(lineText(doc, line), expected, JSON.stringify({ text, line }));
        assert.equal(lineLength(doc, line), expected.length);
      }
    }
    const doc = TextDocument.create('file:///t', 'strace', 1, 'one\ntwo\n');
    assert.equal(lineText(doc, 1), 'two');
    TextDocument.update(doc, [{ text: 'one\nthree\n' }], 2);
    assert.equal(lineText(doc, 1), 'three');
  });
});
