// npm run bench:ab -- BUILD_A BUILD_B [--threads 1|2] [--pairs N] [--trace PATH]: how long BUILD_B takes against
// BUILD_A (each a folder holding api.cjs, as server/out), in fresh processes, one after the other, pair by pair.
// The machine's pace swings by a third within minutes; within a pair it swings little, so the median of the
// pairs' ratios is the figure to quote (the README's "0.878 of the time (8 pairs)").
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generate } from './gen-strace.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { threads: { type: 'string', default: '1' }, pairs: { type: 'string', default: '8' }, trace: { type: 'string' } },
});
if (positionals.length !== 2) {
  console.error('usage: node scripts/bench-ab.mjs BUILD_A BUILD_B [--threads 1|2] [--pairs N] [--trace PATH]');
  process.exit(2);
}
const [a, b] = positionals.map((d) => resolve(d));
for (const d of [a, b]) if (!existsSync(join(d, 'api.cjs'))) throw new Error(`${d}: no api.cjs (a build folder, as server/out)`);
const threads = Number(values.threads);
const pairs = Number(values.pairs);
let trace = values.trace;
if (trace === undefined) {
  trace = join(tmpdir(), 'cachereplay-bench-1000000.strace');
  if (!existsSync(trace)) await generate(trace, 1_000_000, 42, 32);
}

/** Milliseconds the build at `dir` takes to analyse the trace as the CLI does, in a fresh process. */
function time(dir) {
  const code = `const api = require(${JSON.stringify(join(dir, 'api.cjs'))}); (async () => { const t0 = performance.now();
    await api.analyzeFile(${JSON.stringify(trace)}, { mode: 'write-through', kernel: 'freebsd-2019', threads: ${threads}, blockingReads: true });
    process.stdout.write(String(performance.now() - t0)); })();`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${dir}: ${r.stderr}`);
  return Number(r.stdout);
}

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const rows = [];
for (let i = 0; i < pairs; i++) {
  const ta = time(a);
  const tb = time(b);
  rows.push([ta, tb]);
  console.log(`pair ${i + 1}: A ${ta.toFixed(0)} ms, B ${tb.toFixed(0)} ms, B/A ${(tb / ta).toFixed(3)}`);
}
const ratios = rows.map(([ta, tb]) => tb / ta);
console.log(`${threads} thread${threads === 1 ? '' : 's'}, ${trace}: A median ${median(rows.map((r) => r[0])).toFixed(0)} ms, B median ${median(rows.map((r) => r[1])).toFixed(0)} ms; B took ${median(ratios).toFixed(3)} of A's time (median of ${pairs} pairs; B faster in ${ratios.filter((r) => r < 1).length})`);
