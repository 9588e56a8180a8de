// npm run bench: parse and replay throughput and peak memory on a generated strace trace of 1,000,000 lines.
// Each measurement runs in a fresh process (so peak RSS is its own), several times; medians are reported, and
// ratios are computed from numbers of the same run. Machines are shared and noisy: compare ratios, not runs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, generateRandomWrites } from './gen-strace.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET_MBPS = 50;
const TRACEWHY_LINES_PER_SEC = 1.4e6;

if (!existsSync(join(root, 'server/out/api.cjs'))) execFileSync(process.execPath, [join(root, 'esbuild.mjs')], { stdio: 'inherit' });

/** The generated trace of `lines` lines with strings cut at `maxString` (made once, kept in the temp folder). */
async function traceOf(lines, maxString, workload = 'mixed') {
  const path = join(tmpdir(), `cachereplay-bench-${lines}${maxString === 32 ? '' : `-s${maxString}`}${workload === 'mixed' ? '' : `-${workload}`}.strace`);
  if (!existsSync(path)) {
    process.stdout.write(`generating ${lines.toLocaleString('en-US')} lines (${workload}, -s ${maxString}) to ${path} ... `);
    await (workload === 'random-writes' ? generateRandomWrites(path, lines, 42) : generate(path, lines, 42, maxString));
    process.stdout.write('done\n');
  }
  return path;
}

const trace = await traceOf(LINES, 32);
const mb = statSync(trace).size / 1e6;
// Traces made to debug corruption often show the data (`strace -s 1000`): long strings, a tenth as many lines.
const LONG_LINES = Math.max(1, Math.round(LINES / 10));
const longTrace = await traceOf(LONG_LINES, 1000);
const longMB = statSync(longTrace).size / 1e6;
// A database's pattern: random 4 KiB writes all over one 1 GiB file, whose provenance map fragments the most.
const dbTrace = await traceOf(LINES, 32, 'random-writes');
const dbMB = statSync(dbTrace).size / 1e6;

/**
 * Runs one measurement in a child process; it prints JSON {ms, rss, events, findings}. `threads` 2: parsed in a
 * second thread while the first replays (what the CLI does for traces of about 500,000 lines or more).
 */
function measure(kind, trace, threads = 1) {
  const worker = `
    const api = require(${JSON.stringify(join(root, 'server/out/api.cjs'))});
    const fs = require('node:fs');
    (async () => {
      const t0 = performance.now();
      let events = 0, findings = 0;
      if (${JSON.stringify(kind)} === 'parse') {
        // Parser only, on the CLI's reading of the file: events are counted and dropped.
        const reader = new api.TraceReader({ event: () => events++, diagnostic: () => {} }, { format: 'strace' });
        await api.readChunks(${JSON.stringify(trace)}, fs.statSync(${JSON.stringify(trace)}).size, reader, { blockingReads: true });
        reader.end();
      } else {
        // As the CLI reads (blocking reads: it does nothing else meanwhile).
        const a = await api.analyzeFile(${JSON.stringify(trace)}, { mode: 'write-through', kernel: 'freebsd-2019', threads: ${threads}, blockingReads: true });
        events = a.eventCount;
        findings = a.findings.length;
      }
      const ms = performance.now() - t0;
      process.stdout.write(JSON.stringify({ ms, rss: process.resourceUsage().maxRSS * 1024, events, findings }));
    })();
  `;
  const r = spawnSync(process.execPath, ['-e', worker], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${kind} worker failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/**
 * The machine's pace, measured in the same run: one charCodeAt loop over the whole trace (a table lookup per
 * character, as the scanners do). Figures from different days compare only as ratios to this floor.
 */
function calibrate() {
  const worker = `
    const text = require('node:fs').readFileSync(${JSON.stringify(trace)}, 'latin1');
    const T = new Uint8Array(128);
    for (const ch of '"()[]{}\\n\\r</,') T[ch.charCodeAt(0)] = 1;
    const runs = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      let k = 0;
      for (let i = 0; i < text.length; i++) { const c = text.charCodeAt(i); if (c < 128 && T[c] === 1) k++; }
      runs.push(performance.now() - t0 + (k < 0 ? 1 : 0));
    }
    runs.sort((a, b) => a - b);
    process.stdout.write(String(runs[1]));
  `;
  const r = spawnSync(process.execPath, ['-e', worker], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`calibration failed: ${r.stderr}`);
  return mb / (Number(r.stdout) / 1000);
}

/**
 * The issue's own yardstick ("a single regular expression per line scans about 300 MB/s"): one anchored regular
 * expression for a whole strace call line, run on every line. It is compiled to native code at once, so it does not
 * swing with the machine's load as the JIT-compiled loop above does.
 */
function calibrateRegex() {
  const worker = `
    const text = require('node:fs').readFileSync(${JSON.stringify(trace)}, 'utf8');
    const re = /^(\\d+) +([\\d:.]+) (\\w+)\\((.*)\\) += (-?\\w+)/;
    const runs = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      let n = 0;
      for (let pos = 0; pos < text.length; ) {
        let e = text.indexOf('\\n', pos);
        if (e < 0) e = text.length;
        if (re.test(text.slice(pos, e))) n++;
        pos = e + 1;
      }
      runs.push(performance.now() - t0 + (n < 0 ? 1 : 0));
    }
    runs.sort((a, b) => a - b);
    process.stdout.write(String(runs[1]));
  `;
  const r = spawnSync(process.execPath, ['-e', worker], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`regex calibration failed: ${r.stderr}`);
  return mb / (Number(r.stdout) / 1000);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const KINDS = [['parse', 'parse', 1], ['parse+replay', 'parse+replay', 1], ['2 threads', 'parse+replay', 2]];
const runsOf = Object.fromEntries(KINDS.map(([name]) => [name, []]));
// Interleaved, so that a slow spell of the machine does not land on one kind only; the calibration too, so that
// it measures the machine in the same minutes as the runs it is compared with.
const paces = [];
const regexPaces = [];
for (let i = 0; i < RUNS; i++) {
  paces.push(calibrate());
  regexPaces.push(calibrateRegex());
  for (const [name, kind, threads] of KINDS) runsOf[name].push(measure(kind, trace, threads));
}
const results = {};
for (const [name] of KINDS) {
  const runs = runsOf[name];
  results[name] = {
    mbps: median(runs.map((r) => mb / (r.ms / 1000))),
    linesPerSec: median(runs.map((r) => LINES / (r.ms / 1000))),
    ms: median(runs.map((r) => r.ms)),
    rssMB: Math.max(...runs.map((r) => r.rss)) / 1e6,
    events: runs[0].events,
    findings: runs[0].findings,
    all: runs.map((r) => (mb / (r.ms / 1000)).toFixed(1)),
  };
}
if (results['2 threads'].events !== results['parse+replay'].events || results['2 threads'].findings !== results['parse+replay'].findings) {
  throw new Error('one thread and two threads disagree: a bug in the two-thread path');
}

const longRuns = { 1: [], 2: [] };
for (let i = 0; i < RUNS; i++) for (const t of [1, 2]) longRuns[t].push(measure('parse+replay', longTrace, t));
const dbRuns = { 1: [], 2: [] };
for (let i = 0; i < RUNS; i++) for (const t of [1, 2]) dbRuns[t].push(measure('parse+replay', dbTrace, t));

const floor = median(paces);
const fmt = (n, d = 1) => n.toFixed(d);
console.log(`\ncachereplay benchmark: ${LINES.toLocaleString('en-US')} strace lines, ${fmt(mb)} MB, ${RUNS} runs each (median), node ${process.version}`);
console.log('stage           MB/s    lines/s      median ms   peak RSS MB   runs (MB/s)');
for (const [k, r] of Object.entries(results)) {
  console.log(`${k.padEnd(14)} ${fmt(r.mbps).padStart(6)} ${Math.round(r.linesPerSec).toLocaleString('en-US').padStart(11)} ${fmt(r.ms, 0).padStart(12)} ${fmt(r.rssMB, 0).padStart(12)}   ${r.all.join(' ')}`);
}
/** One row for the runs of a trace other than the main one. */
const row = (label, runs, traceMB, lines, what) => {
  const mbps = runs.map((r) => traceMB / (r.ms / 1000));
  console.log(`${label.padEnd(14)} ${fmt(median(mbps)).padStart(6)} ${Math.round(median(runs.map((r) => lines / (r.ms / 1000)))).toLocaleString('en-US').padStart(11)} ${fmt(median(runs.map((r) => r.ms)), 0).padStart(12)} ${fmt(Math.max(...runs.map((r) => r.rss)) / 1e6, 0).padStart(12)}   ${mbps.map((x) => x.toFixed(1)).join(' ')}   (parse+replay, ${what}, ${fmt(traceMB)} MB)`);
};
for (const t of [1, 2]) row(`-s 1000${t === 2 ? ', 2 thr' : ''}`, longRuns[t], longMB, LONG_LINES, `${LONG_LINES.toLocaleString('en-US')} lines`);
for (const t of [1, 2]) row(`rand 4K${t === 2 ? ', 2 thr' : ''}`, dbRuns[t], dbMB, LINES, 'random 4 KiB writes over a 1 GiB file');
const one = results['parse+replay'];
const two = results['2 threads'];
console.log(`events: ${one.events.toLocaleString('en-US')}, findings (freebsd-2019 write-through): ${one.findings}, the same in one thread and in two`);
console.log(`calibration: a bare charCodeAt loop over the same text runs at ${fmt(floor, 0)} MB/s on this machine now (runs: ${paces.map((p) => fmt(p, 0)).join(' ')}); parse = 1/${fmt(floor / results.parse.mbps)} of it, parse+replay = 1/${fmt(floor / one.mbps)} in one thread, 1/${fmt(floor / two.mbps)} in two (the 50 MB/s target would be 1/${fmt(floor / TARGET_MBPS)})`);
console.log(`the issue's yardstick: one regular expression per strace line scans ${fmt(median(regexPaces), 0)} MB/s now (runs: ${regexPaces.map((p) => fmt(p, 0)).join(' ')}; the issue measured about 300 when it set the target): parse + replay = 1/${fmt(median(regexPaces) / two.mbps)} of it in two threads (auto's choice for this trace), 1/${fmt(median(regexPaces) / one.mbps)} in one (the target: 1/6)`);
console.log(`ratios: two threads / one = ${fmt(two.mbps / one.mbps, 2)}; parse+replay / target ${TARGET_MBPS} MB/s = ${fmt(two.mbps / TARGET_MBPS, 2)} (two threads), ${fmt(one.mbps / TARGET_MBPS, 2)} (one); replay share of one thread's time = ${fmt(1 - results.parse.ms / one.ms, 2)}; lines/s vs TraceWhy's 1.4 M = ${fmt(two.linesPerSec / TRACEWHY_LINES_PER_SEC, 2)} (two threads); peak memory ${fmt(Math.max(one.rssMB, two.rssMB), 0)} MB of the 1024 MB budget`);
