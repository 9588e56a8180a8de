// npm run bench:cache: instructions and simulated cache misses of the engine, from valgrind's cachegrind.
// A run's time on these shared machines swings by a third; cachegrind's counts repeat within about 0.3%, so they
// decide what interleaved timings cannot (the README's Performance section). It measures the first 300,000 lines of
// the benchmark's trace, parsed alone and parsed + replayed in one thread, and node loading the bundle, to subtract.
// Usage: node scripts/bench-cache.mjs [BUILD_DIR ...]: each a folder holding api.cjs (default: server/out); give
// two (a copy of server/out from before a change, and server/out) to compare them in one run.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { generate } from './gen-strace.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const LINES = 300_000;

if (spawnSync('valgrind', ['--version']).status !== 0) {
  console.error('bench:cache needs valgrind (Debian: apt-get install valgrind)');
  process.exit(2);
}
const builds = process.argv.length > 2 ? process.argv.slice(2).map((d) => resolve(d)) : [join(root, 'server/out')];
if (builds.length === 1 && !existsSync(join(builds[0], 'api.cjs'))) execFileSync(process.execPath, [join(root, 'esbuild.mjs')], { stdio: 'inherit' });
for (const b of builds) if (!existsSync(join(b, 'api.cjs'))) throw new Error(`${b}: no api.cjs (a build folder, as server/out)`);

/** The first LINES lines of the benchmark's 1,000,000-line trace (both made once, kept in the temp folder). */
async function trace() {
  const full = join(tmpdir(), 'cachereplay-bench-1000000.strace');
  if (!existsSync(full)) await generate(full, 1_000_000, 42, 32);
  const path = join(tmpdir(), `cachereplay-bench-1000000-head${LINES}.strace`);
  if (existsSync(path)) return path;
  const out = createWriteStream(path);
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(full) })) {
    if (n++ === LINES) break;
    out.write(`${line}\n`);
  }
  await new Promise((done) => out.end(done));
  return path;
}

/** What a measured process runs: `kind` over the trace with the build at `dir`. */
function script(dir, kind, path) {
  const api = JSON.stringify(join(dir, 'api.cjs'));
  if (kind === 'load') return `require(${api});`;
  if (kind === 'parse') {
    return `const api = require(${api}); const fs = require('node:fs'); (async () => {
      const reader = new api.TraceReader({ event() {}, diagnostic() {} }, { format: 'strace' });
      await api.readChunks(${JSON.stringify(path)}, fs.statSync(${JSON.stringify(path)}).size, reader, { blockingReads: true });
      reader.end(); })();`;
  }
  return `const api = require(${api}); (async () => {
    await api.analyzeFile(${JSON.stringify(path)}, { mode: 'write-through', kernel: 'freebsd-2019', threads: 1, blockingReads: true }); })();`;
}

/** cachegrind's totals for one process: instructions, instruction-cache misses, data L1 misses. */
function cachegrind(code) {
  return new Promise((done, fail) => {
    const p = spawn('valgrind', ['--tool=cachegrind', '--cache-sim=yes', '--cachegrind-out-file=/dev/null', process.execPath, '-e', code]);
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('error', fail);
    p.on('close', (status) => {
      const count = (label) => Number((new RegExp(`${label}\\s+(?:refs|misses):\\s+([\\d,]+)`).exec(err)?.[1] ?? 'NaN').replaceAll(',', ''));
      if (status !== 0) fail(new Error(`cachegrind failed (${status}): ${err.slice(-500)}`));
      else done({ instructions: count('I'), i1: count('I1'), d1: count('D1') });
    });
  });
}

const path = await trace();
const jobs = [];
for (const dir of builds) for (const kind of ['load', 'parse', 'parse+replay']) jobs.push({ dir, kind });
// Two at a time: the machines have two cores, and the counts do not depend on what else runs.
const results = new Map();
for (let i = 0; i < jobs.length; i += 2) {
  await Promise.all(jobs.slice(i, i + 2).map(async (j) => results.set(j, await cachegrind(script(j.dir, j.kind, path)))));
}
const M = (n) => (n / 1e6).toFixed(1).padStart(9);
console.log(`\ncachereplay cache benchmark: the first ${LINES.toLocaleString('en-US')} lines of the benchmark's trace, cachegrind (valgrind), millions`);
console.log('build / stage                      instructions   I1 misses   D1 misses   (loading the bundle subtracted)');
for (const dir of builds) {
  const load = results.get(jobs.find((j) => j.dir === dir && j.kind === 'load'));
  for (const kind of ['parse', 'parse+replay']) {
    const r = results.get(jobs.find((j) => j.dir === dir && j.kind === kind));
    const label = `${builds.length > 1 ? `${dir.split('/').slice(-2).join('/')} ` : ''}${kind}`;
    console.log(`${label.slice(0, 34).padEnd(34)} ${M(r.instructions - load.instructions)}    ${M(r.i1 - load.i1)}   ${M(r.d1 - load.d1)}`);
  }
}
