// A long analysis shows what it has found so far: push clients get snapshots published before the complete
// diagnostics, a pull is answered with the first snapshot and the client is asked to pull again. Every snapshot is
// part of the final answer (a loss is found at the call that causes it; later lines only add). The server runs with
// CACHEREPLAY_PARTIAL_MS=0, so it takes a snapshot after every 64 KiB chunk instead of after 300 ms.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { analyzeText } from '../../server/src/engine/analyze.js';
import { generateTrace } from '../helpers.js';
import { startClient } from './lsp-client.js';

const key = (d: Diagnostic) => `${d.range.start.line}:${d.code}:${d.message}`;

describe('partial results of a long analysis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cachereplay-partial-'));
  const path = join(dir, 'big.strace');
  const uri = pathToFileURL(path).href;
  let text = '';
  let expected = 0;
  before(async () => {
    await generateTrace(path, 20_000);
    text = readFileSync(path, 'utf8');
    expected = analyzeText(text, { kernel: 'freebsd-2019', mode: 'write-through' }).findings.length;
    assert.ok(expected > 5, `the generated trace has findings (${expected})`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('push: snapshots grow and each is part of the complete diagnostics', async () => {
    const c = await startClient({ pull: false, settings: { cacheMode: 'write-through', kernel: 'freebsd-2019', maxProblems: 100_000 }, env: { CACHEREPLAY_PARTIAL_MS: '0' } });
    try {
      await c.open(uri, text);
      const final = await c.waitForDiagnostics(uri, (d) => d.length === expected, 60_000);
      await new Promise((r) => setTimeout(r, 200));
      const published = c.diagnostics.get(uri)!.map((p) => p.diagnostics);
      assert.ok(published.length >= 3, `snapshots were published before the complete diagnostics (${published.length})`);
      const all = new Set(final.map(key));
      for (let i = 0; i < published.length; i++) {
        if (i > 0) assert.ok(published[i].length >= published[i - 1].length);
        for (const d of published[i]) assert.ok(all.has(key(d)), `snapshot ${i}: ${key(d)} is in the complete diagnostics`);
      }
      assert.ok(published[0].length < final.length);
      assert.equal(published.at(-1)!.length, expected);
      // The status notifications say which counts are partial; the last one is the complete analysis.
      const statuses = c.notifications.filter((n) => n.method === 'cachereplay/status').map((n) => n.params as { partial?: boolean; warnings: number; information: number });
      assert.ok(statuses.some((s) => s.partial === true));
      assert.equal(statuses.at(-1)!.partial, undefined);
      assert.equal(statuses.at(-1)!.warnings + statuses.at(-1)!.information, expected);
    } finally {
      await c.close();
    }
  });

  it('pull: the first answer is a snapshot, then the client is asked to pull again and gets everything', async () => {
    const c = await startClient({ pull: true, settings: { cacheMode: 'write-through', kernel: 'freebsd-2019', maxProblems: 100_000 }, env: { CACHEREPLAY_PARTIAL_MS: '0' } });
    try {
      await c.open(uri, text);
      const first = (await c.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: Diagnostic[] };
      assert.ok(first.items.length < expected, `the first answer is partial (${first.items.length} of ${expected})`);
      for (let t = 0; !c.requests.includes('workspace/diagnostic/refresh'); t++) {
        assert.ok(t < 600, 'the server asks for another pull');
        await new Promise((r) => setTimeout(r, 100));
      }
      const second = (await c.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: Diagnostic[] };
      assert.equal(second.items.length, expected);
      const all = new Set(second.items.map(key));
      for (const d of first.items) assert.ok(all.has(key(d)));
      assert.equal(c.diagnostics.get(uri), undefined, 'nothing is pushed to a pull client');
    } finally {
      await c.close();
    }
  });
});
