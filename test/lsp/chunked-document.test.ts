// The server's document (ChunkedDocument) against vscode-languageserver-textdocument's, the reference: random
// edits (insertions, deletions, replacements across pieces, line breaks added and removed, whole-text changes),
// then the text, line count, offsets and positions compared everywhere.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ChunkedDocument } from '../../server/src/lsp/chunked-document.js';
import { seededRandom } from '../helpers.js';

function randomText(rnd: (n: number) => number, lines: number): string {
  const out: string[] = [];
  // CRLF line ends now and then; never a lone CR (TextDocument takes one for a line break; traces have none).
  for (let i = 0; i < lines; i++) out.push('x'.repeat(rnd(120)) + (i < lines - 1 && rnd(50) === 0 ? '\r' : ''));
  return out.join('\n') + (rnd(2) === 0 ? '\n' : '');
}

describe('ChunkedDocument', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`seed ${seed}: the same text, lines, offsets and positions as TextDocument after 300 random edits`, () => {
      const rnd = seededRandom(seed);
      const text = randomText(rnd, 4000 + rnd(4000));
      const ref = TextDocument.create('file:///x', 'strace', 1, text);
      const doc = new ChunkedDocument('file:///x', 'strace', 1, text);
      for (let v = 2; v < 302; v++) {
        const lines = ref.lineCount;
        const start = { line: rnd(lines + 2), character: rnd(140) };
        const end = rnd(3) === 0 ? { line: start.line + rnd(400), character: rnd(140) } : { line: start.line, character: start.character + rnd(10) };
        const inserted = ['', 'a', '\n', 'bc\nde', '\r\n', 'z'.repeat(70_000), '\n\n\n'][rnd(7)];
        const change = rnd(100) === 0 ? { text: randomText(rnd, 100) } : { range: { start, end }, text: inserted };
        TextDocument.update(ref, [change], v);
        doc.update([change], v);
        assert.equal(doc.lineCount, ref.lineCount, `v${v}: lines`);
        assert.equal(doc.version, v);
        if (v % 25 === 0) assert.equal(doc.getText(), ref.getText(), `v${v}: text`);
        for (let k = 0; k < 20; k++) {
          const p = { line: rnd(ref.lineCount + 1), character: rnd(130) };
          assert.equal(doc.offsetAt(p), ref.offsetAt(p), `v${v}: offsetAt ${JSON.stringify(p)}`);
          const o = rnd(ref.getText().length + 2);
          assert.deepEqual(doc.positionAt(o), ref.positionAt(o), `v${v}: positionAt ${o}`);
          const q = { line: p.line + rnd(3), character: rnd(130) };
          assert.equal(doc.getText({ start: p, end: q }), ref.getText({ start: p, end: q }), `v${v}: getText ${JSON.stringify([p, q])}`);
        }
      }
      assert.equal(doc.chunks().join(''), ref.getText());
      for (const c of doc.chunks().slice(0, -1)) assert.ok(c.endsWith('\n'), 'pieces end at line breaks');
    });
  }
});
