// The language server on broken documents: mutated samples of every format are opened, and every request the
// extension makes is sent for every line. No request may answer an internal error and nothing may be logged as
// failed; the server must still serve afterwards.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, seededRandom } from '../helpers.js';
import { startClient, type TestClient } from './lsp-client.js';

const FILES = [
  'samples/bug237588/mmap_pwrite.strace', 'samples/bug237588/mmap_fork_pwrite.strace', 'samples/bug237588/mmap_pwrite.fuselog',
  'samples/kdump/mmap_pwrite.kdump', 'samples/dtrace/mmap_pwrite.dtruss', 'samples/fsx/bug237588.fsxlog',
  ...readdirSync(join(ROOT, 'test/fixtures/formats')).filter((f) => f.endsWith('.txt')).map((f) => `test/fixtures/formats/${f}`),
];

function mutate(text: string, rnd: (n: number) => number): string {
  const lines = text.split('\n');
  const pieces = ['(', ')', '"', '<unfinished ...>', '<... read resumed>', '= ?', '0x', '\u0000', 'é', '+++ ', '--- SIG'];
  for (let m = 1 + rnd(4); m > 0; m--) {
    const li = rnd(lines.length);
    const l = lines[li];
    const at = rnd(l.length + 1);
    lines[li] = rnd(2) === 0 ? l.slice(0, at) + pieces[rnd(pieces.length)] + l.slice(at) : l.slice(0, at) + l.slice(at + 1 + rnd(8));
    if (rnd(4) === 0) lines.splice(rnd(lines.length), 0, lines[rnd(lines.length)]);
  }
  return lines.join('\n');
}

describe('language server on mutated documents', () => {
  let c: TestClient;
  before(async () => {
    c = await startClient({ pull: false, settings: { showPossibleLosses: true } });
  });
  after(async () => {
    await c.close();
  });

  it('answers every request on every line of 24 broken documents without an internal error', async () => {
    const rnd = seededRandom(7);
    let requests = 0;
    for (let k = 0; k < 24; k++) {
      const file = FILES[k % FILES.length];
      const text = mutate(readFileSync(join(ROOT, file), 'utf8'), rnd);
      const uri = `file:///mutated/${k}/${file.split('/').pop()}`;
      await c.open(uri, text, 'trace'); // detected from content
      await c.waitForDiagnostics(uri, () => true, 20_000);
      const textDocument = { uri };
      const lines = text.split('\n');
      const calls: Array<Promise<unknown>> = [
        c.conn.sendRequest('textDocument/documentSymbol', { textDocument }),
        c.conn.sendRequest('textDocument/codeLens', { textDocument }),
        c.conn.sendRequest('textDocument/foldingRange', { textDocument }),
        c.conn.sendRequest('cachereplay/compareModes', { uri }),
        c.conn.sendRequest('cachereplay/pageTimeline', { uri }),
      ];
      for (let line = 0; line < Math.min(lines.length, 80); line++) {
        for (const character of [0, rnd(lines[line].length + 1), lines[line].length + 5]) {
          const position = { line, character };
          calls.push(c.conn.sendRequest('textDocument/hover', { textDocument, position }));
          calls.push(c.conn.sendRequest('textDocument/definition', { textDocument, position }));
          calls.push(c.conn.sendRequest('textDocument/references', { textDocument, position, context: { includeDeclaration: true } }));
          calls.push(c.conn.sendRequest('textDocument/documentHighlight', { textDocument, position }));
        }
      }
      const results = await Promise.allSettled(calls);
      requests += results.length;
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.deepEqual(failed.map((r) => String(r.reason)), [], `${file} (mutation ${k})`);
      await c.conn.sendNotification('textDocument/didClose', { textDocument });
    }
    assert.ok(requests > 2000, `${requests} requests`);
    const logged = c.notifications.filter((n) => n.method === 'window/logMessage' && /failed/.test(JSON.stringify(n.params)));
    assert.deepEqual(logged.map((n) => JSON.stringify(n.params).slice(0, 400)), []);
  });
});
