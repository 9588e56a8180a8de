// JSON-RPC framing abuse: a frame whose Content-Length is too small, negative, missing, not a number or too large
// costs that frame; the requests after it are answered (server/src/lsp/framing.ts).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { ResyncingMessageReader } from '../../server/src/lsp/framing.js';
import { resolveRoot } from '../helpers.js';

const frame = (obj: object, length?: number) => {
  const body = Buffer.from(JSON.stringify(obj));
  return Buffer.concat([Buffer.from(`Content-Length: ${length ?? body.length}\r\n\r\n`), body]);
};
const request = (id: number) => ({ jsonrpc: '2.0', id, method: 'textDocument/hover', params: { textDocument: { uri: 'file:///none.strace' }, position: { line: 0, character: 0 } } });

const BAD: Array<[string, Buffer]> = [
  ['too small', frame(request(900), 9)],
  ['negative', Buffer.from('Content-Length: -3\r\n\r\n{"jsonrpc":"2.0","id":901,"method":"shutdown"}')],
  ['missing', Buffer.from('Content-Type: application/vscode-jsonrpc\r\n\r\n{"jsonrpc":"2.0","id":902,"method":"shutdown"}')],
  ['not a number', Buffer.from('Content-Length: ten\r\n\r\n{"jsonrpc":"2.0","id":903,"method":"shutdown"}')],
  ['garbage before a header', Buffer.from('\u0000\u0001 hello\r\n')],
  ['absurd', Buffer.from('Content-Length: 99999999999\r\n\r\n{}')],
];

describe('JSON-RPC framing', () => {
  it('the reader gives up each bad frame and reads on (in pieces of any size)', async () => {
    for (const piece of [1, 7, 1 << 16]) {
      const stream = new PassThrough();
      const discarded: string[] = [];
      const got: number[] = [];
      const reader = new ResyncingMessageReader(stream, (why) => discarded.push(why));
      reader.listen((m) => got.push((m as unknown as { id: number }).id));
      const all = Buffer.concat([frame(request(1)), ...BAD.map(([, b]) => Buffer.concat([b, frame(request(2))])), frame(request(3))]);
      for (let at = 0; at < all.length; at += piece) stream.write(all.subarray(at, at + piece));
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(got, [1, ...BAD.map(() => 2), 3], `pieces of ${piece}`);
      assert.equal(discarded.length, BAD.length - 1, discarded.join('; ')); // garbage alone is skipped silently
      reader.dispose();
    }
  });

  it('a frame longer than what was sent is given up once later frames have waited behind it', async () => {
    const stream = new PassThrough();
    const got: number[] = [];
    const reader = new ResyncingMessageReader(stream);
    reader.listen((m) => got.push((m as unknown as { id: number }).id));
    stream.write(Buffer.concat([frame(request(1), 5000), frame(request(2))]));
    await new Promise((r) => setTimeout(r, 2500));
    assert.deepEqual(got, [2]);
    reader.dispose();
  });

  it('the server answers every valid request after each kind of bad frame', async () => {
    const proc = spawn(process.execPath, [resolveRoot('server', 'out', 'server.cjs'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d) => { out += d; });
    proc.stdin.write(frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }));
    let id = 10;
    const expected: number[] = [];
    for (const [, bad] of BAD) {
      proc.stdin.write(bad);
      expected.push(id);
      proc.stdin.write(frame(request(id++)));
    }
    const ids = () => [...out.matchAll(/"id":(\d+)/g)].map((m) => Number(m[1]));
    for (let t = 0; t < 100 && !expected.every((i) => ids().includes(i)); t++) await new Promise((r) => setTimeout(r, 100));
    proc.kill();
    assert.deepEqual(expected.filter((i) => !ids().includes(i)), [], 'unanswered requests');
    assert.ok(!ids().some((i) => i >= 900), 'no bad frame was taken for a request');
  });
});
