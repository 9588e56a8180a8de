// Comparing cache modes replays every mode as the events go by (`modes`), without keeping the events. That must
// find, per mode, exactly what replaying the kept events under that mode finds: on every sample and the iocc
// fixtures, under every kernel, and on a generated trace with thousands of findings.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeText, replayEvents } from '../../server/src/engine/analyze.js';
import { CACHE_MODES, KERNEL_PROFILES } from '../../server/src/engine/model/profiles.js';
import { generateTrace, ROOT, tempDir, traceFiles } from '../helpers.js';

/** Every mode at once, and each mode replayed from the kept events, as plain data. */
function bothWays(text: string, kernel: (typeof KERNEL_PROFILES)[number]): [unknown, unknown] {
  const once = analyzeText(text, { kernel, modes: CACHE_MODES });
  assert.equal(once.events.length, 0, 'no events are kept');
  const kept = analyzeText(text, { kernel, keepEvents: true });
  const atOnce = CACHE_MODES.map((mode) => JSON.stringify(once.findingsByMode?.[mode]));
  const oneByOne = CACHE_MODES.map((mode) => JSON.stringify(replayEvents(kept.events, { kernel, mode }).findings));
  return [atOnce, oneByOne];
}

describe('every cache mode replayed at once', () => {
  const files = [
    ...traceFiles(join(ROOT, 'samples', 'bug237588'), /\.(strace|fuselog)$/),
    ...traceFiles(join(ROOT, 'samples', 'fsx'), /\.fsxlog$/),
    ...traceFiles(join(ROOT, 'samples', 'kdump'), /\.kdump$/),
    ...traceFiles(join(ROOT, 'test', 'fixtures', 'iocc'), /\.strace$/),
  ];
  for (const f of files) {
    it(f.slice(ROOT.length + 1), () => {
      for (const kernel of KERNEL_PROFILES) {
        const [atOnce, oneByOne] = bothWays(readFileSync(f, 'utf8'), kernel);
        assert.deepStrictEqual(atOnce, oneByOne, kernel);
      }
    });
  }

  const dir = tempDir('modes');
  it('a generated trace of 30,000 lines, with findings under several modes', async () => {
    const p = join(dir, 'g.strace');
    await generateTrace(p, 30_000, 9);
    const text = readFileSync(p, 'utf8');
    const [atOnce, oneByOne] = bothWays(text, 'freebsd-2019');
    assert.deepStrictEqual(atOnce, oneByOne);
    assert.ok((atOnce as string[]).filter((f) => f !== '[]').length >= 2, 'findings under at least two modes');
  });
});
