// One hand-written trace per row of docs/semantics.md (test/fixtures/semantics/NAME.*), replayed under every kernel
// and mode; NAME.expected holds what each cell finds, reviewed against the kernel function the page cites. A
// changed verdict shows as a diff of that file. CACHEREPLAY_UPDATE=1 rewrites the files instead of comparing.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeText } from '../../server/src/engine/analyze.js';
import { CACHE_MODES, KERNEL_PROFILES } from '../../server/src/engine/model/profiles.js';
import { formatRanges } from '../../server/src/engine/rules/findings.js';
import { expectFile, fixture, read, ROOT } from '../helpers.js';

const DIR = fixture('semantics');
const traces = readdirSync(DIR).filter((f) => /\.(strace|kdump|fuselog)$/.test(f)).sort();

/** What a trace finds in every cell, a line each. */
function verdicts(text: string): string {
  const out: string[] = [];
  for (const kernel of KERNEL_PROFILES) {
    for (const mode of CACHE_MODES) {
      const a = analyzeText(text, { kernel, mode });
      assert.deepEqual(a.diagnostics, [], `${kernel} ${mode}: the trace reads cleanly`);
      const found = a.findings.map((f) => `${f.rule} ${f.severity} ${f.tier ?? f.evidence} L${f.span.line + 1} lost ${formatRanges(f.lostRanges)}`);
      out.push(`${kernel} ${mode}: ${found.length === 0 ? 'nothing lost' : found.join('; ')}`);
    }
  }
  return `${out.join('\n')}\n`;
}

describe('docs/semantics.md, a trace per row', () => {
  assert.ok(traces.length >= 20, 'the fixtures are there');
  for (const name of traces) {
    it(name, () => {
      const got = verdicts(read(join(DIR, name)));
      expectFile(join(DIR, `${name.replace(/\.\w+$/, '')}.expected`), got);
    });
  }

  it('every fixture is cited in docs/semantics.md, and every fixture the page cites exists', () => {
    const page = read(join(ROOT, 'docs', 'semantics.md'));
    for (const name of traces) assert.ok(page.includes(name), `docs/semantics.md does not cite ${name}`);
    for (const m of page.matchAll(/test\/fixtures\/semantics\/([\w.-]+)/g)) assert.ok(traces.includes(m[1]), `docs/semantics.md cites ${m[1]}, which does not exist`);
  });
});
