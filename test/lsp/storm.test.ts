// The language server under real editing, scaled to CI's time: a generated document of about 2 MB, 60 small edits
// at 50 a second with hovers (some cancelled by the client) and, with a pull client, diagnostic pulls in between.
// Every request is answered (a hover from the last complete analysis while a newer one runs), the final
// diagnostics are the CLI's, and memory stays bounded by the document. `npm run storm` runs the full-size storm.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { resolveRoot } from '../helpers.js';

interface StormResult {
  alive: boolean; exited: unknown; stderr: string; requests: number; final: number | undefined; text: string;
  answers: { result: number; stale: number; cancelled: number; error: number; null: number };
  hoverP95: number; openedMB: number; peakMB: number; afterCloseMB: number;
}
interface StormModule {
  stormDocument(mb: number): Promise<string>;
  storm(o: { path: string; edits: number; rate: number; pull: boolean; settleMs: number }): Promise<StormResult>;
  cliCount(text: string): number;
}

const load = async () => (await import(pathToFileURL(resolveRoot('scripts', 'storm.mjs')).href)) as StormModule;

describe('the language server under a storm of edits', () => {
  for (const pull of [false, true]) {
    it(`${pull ? 'pull' : 'push'} diagnostics: every request answered, the CLI's final diagnostics, memory bounded`, async () => {
      const s = await load();
      const path = await s.stormDocument(2);
      const r = await s.storm({ path, edits: 60, rate: 50, pull, settleMs: 1500 });
      assert.ok(r.alive, `the server died: ${JSON.stringify(r.exited)} ${r.stderr}`);
      assert.equal(r.answers.error, 0, r.stderr);
      const answered = r.answers.result + r.answers.stale + r.answers.null + r.answers.cancelled;
      assert.equal(answered, r.requests, 'every request got an answer');
      // Only what the client cancelled (every tenth hover) or a pull a newer version superseded may be cancelled.
      assert.ok(r.answers.cancelled <= 3 + (pull ? 6 : 0), JSON.stringify(r.answers));
      assert.ok(r.answers.stale + r.answers.result >= 25, JSON.stringify(r.answers));
      assert.ok(r.hoverP95 < 2000, `hover p95 ${r.hoverP95} ms`);
      assert.equal(r.final, s.cliCount(r.text), 'the final diagnostics are what the CLI finds in the final text');
      // A 2 MB document: a few hundred MB at the most, however many edits (the unbounded server took 1 GB on 10 MB).
      assert.ok(r.peakMB < 500, `peak ${r.peakMB} MB`);
      assert.ok(r.afterCloseMB <= r.peakMB, `after close ${r.afterCloseMB} MB`);
    });
  }
});
