// Without page views (no `record`, no `history`: the CLI), a file's daemon and valid-page maps are not kept, since
// only page views show them. The findings must not change: every sample and fixture under every kernel and mode,
// a daemon log correlated with its trace, and a generated trace with over a hundred findings give the same
// findings both ways.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeText, type AnalyzeOptions } from '../../server/src/engine/analyze.js';
import { readDaemonLog } from '../../server/src/engine/correlate.js';
import { UnkeptMap } from '../../server/src/engine/model/interval-map.js';
import { CACHE_MODES, KERNEL_PROFILES } from '../../server/src/engine/model/profiles.js';
import { generateTrace, read, ROOT, sample, tempDir, traceFiles } from '../helpers.js';

/** The findings with every map kept (history) and without the view-only ones, as plain data. */
function bothWays(text: string, options: AnalyzeOptions): [string, string] {
  const kept = analyzeText(text, { ...options, history: true });
  const unkept = analyzeText(text, options);
  return [JSON.stringify(kept.findings), JSON.stringify(unkept.findings)];
}

describe('findings without the maps only page views read', () => {
  const files = [
    ...traceFiles(join(ROOT, 'samples', 'bug237588'), /\.(strace|fuselog)$/),
    ...traceFiles(join(ROOT, 'samples', 'fsx'), /\.(fsxlog|fuselog)$/),
    ...traceFiles(join(ROOT, 'samples', 'kdump'), /\.kdump$/),
    ...traceFiles(join(ROOT, 'samples', 'dtrace'), /\.dtruss$/),
    ...traceFiles(join(ROOT, 'test', 'fixtures', 'iocc'), /\.strace$/),
  ];
  for (const f of files) {
    it(f.slice(ROOT.length + 1), () => {
      const text = readFileSync(f, 'utf8');
      for (const kernel of KERNEL_PROFILES) {
        for (const mode of CACHE_MODES) {
          const [kept, unkept] = bothWays(text, { kernel, mode });
          assert.equal(unkept, kept, `${kernel} ${mode}`);
        }
      }
    });
  }

  it('a trace correlated with its daemon log (the kernel’s write-back turns a possible loss definite)', () => {
    const log = readDaemonLog(read(sample('bug237588', 'mmap_odirect_pwrite.fuselog')), 'mmap_odirect_pwrite.fuselog');
    const [kept, unkept] = bothWays(read(sample('bug237588', 'mmap_odirect_pwrite.strace')), { kernel: 'freebsd-2019', mode: 'write-through', daemon: log.evidence });
    assert.equal(unkept, kept);
    assert.match(unkept, /"definite"/);
  });

  const dir = tempDir('unkept');
  it('a generated trace of 30,000 lines, under every mode', async () => {
    const p = join(dir, 'g.strace');
    await generateTrace(p, 30_000, 5);
    const text = readFileSync(p, 'utf8');
    let findings = 0;
    for (const mode of CACHE_MODES) {
      const [kept, unkept] = bothWays(text, { mode });
      assert.equal(unkept, kept, mode);
      findings += (JSON.parse(unkept) as unknown[]).length;
    }
    assert.ok(findings > 100, `${findings} findings`);
  });

  it('an unkept map takes no update, so it is empty whatever is written', () => {
    const m = new UnkeptMap();
    m.set(0, 100, 1);
    m.truncate(0);
    m.clear(0, 10);
    assert.equal(m.size, 0);
    assert.deepEqual(m.segments(), []);
  });
});
