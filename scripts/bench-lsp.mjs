// Language-server latency, measured the way an editor sees it: the bundled server (server/out/server.cjs
// --stdio) driven by a JSON-RPC client. Opens a generated 100,000-line strace trace and reports the time to the
// first diagnostics (pull, as VS Code asks; push, as Neovim 0.7 waits), the time to the complete diagnostics (a
// long analysis first shows what it has found so far: the server then asks a pull client to pull again, or
// publishes again), the first hover after that and the median of later hovers. Fresh server per run; medians.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generate } from './gen-strace.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const rpc = require('vscode-languageserver-protocol/node');
const LINES = Number(process.env.BENCH_LSP_LINES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const HOVERS = 50;

const trace = join(tmpdir(), `cachereplay-bench-${LINES}.strace`);
if (!existsSync(trace)) await generate(trace, LINES);
const text = readFileSync(trace, 'utf8');
const lines = text.split('\n');
const uri = pathToFileURL(trace).href;

async function session(pull) {
  const proc = spawn(process.execPath, [join(root, 'server/out/server.cjs'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = rpc.createProtocolConnection(new rpc.StreamMessageReader(proc.stdout), new rpc.StreamMessageWriter(proc.stdin));
  let pushed;
  const gotPush = new Promise((resolve) => { pushed = resolve; });
  let lastPush;
  conn.onNotification('textDocument/publishDiagnostics', (p) => { if (p.uri === uri && p.diagnostics.length > 0) { lastPush = p; pushed(p); } });
  // The status notification comes with the complete analysis; a pull client is asked to pull again.
  let completed;
  const gotComplete = new Promise((resolve) => { completed = resolve; });
  conn.onNotification('cachereplay/status', (p) => { if (p.uri === uri && !p.partial) completed(performance.now()); });
  let refreshed;
  const gotRefresh = new Promise((resolve) => { refreshed = resolve; });
  conn.onRequest('workspace/diagnostic/refresh', () => { refreshed(); return null; });
  conn.onRequest('workspace/configuration', (p) => p.items.map(() => ({ cacheMode: 'write-through', kernel: 'freebsd-2019' })));
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  await conn.sendRequest('initialize', {
    processId: process.pid, rootUri: null, workspaceFolders: null,
    capabilities: { workspace: { configuration: true }, window: { workDoneProgress: true }, textDocument: { hover: { contentFormat: ['markdown'] }, ...(pull ? { diagnostic: {} } : {}) } },
  });
  await conn.sendNotification('initialized', {});
  const t0 = performance.now();
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'strace', version: 1, text } });
  let count;
  let firstCount;
  let first;
  if (pull) {
    firstCount = (await conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })).items.length;
    first = performance.now() - t0;
    // Either that was complete (the status came with it), or the server asks for another pull when it is.
    const again = await Promise.race([gotComplete.then(() => false), gotRefresh.then(() => true)]);
    count = again ? (await conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })).items.length : firstCount;
  } else {
    firstCount = (await gotPush).diagnostics.length;
    first = performance.now() - t0;
  }
  const complete = (await gotComplete) - t0;
  if (!pull) count = lastPush.diagnostics.length;
  // hover positions: the syscall name on write lines spread over the file
  const targets = [];
  for (let i = 0; i < lines.length && targets.length < HOVERS; i += Math.floor(lines.length / HOVERS)) {
    const c = lines[i].indexOf('(');
    if (c > 0) targets.push({ line: i, character: c - 2 });
  }
  const h0 = performance.now();
  await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: targets[0] });
  const firstHover = performance.now() - h0;
  const times = [];
  for (const position of targets.slice(1)) {
    const t = performance.now();
    await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position });
    times.push(performance.now() - t);
  }
  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
  conn.dispose();
  proc.kill();
  return { first, firstCount, complete, count, firstHover, hover: median(times), hoverMax: Math.max(...times) };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const rows = [];
for (const pull of [true, false]) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await session(pull));
  rows.push({ mode: pull ? 'pull (VS Code)' : 'push (Neovim 0.7)', first: median(runs.map((r) => r.first)), firstCount: median(runs.map((r) => r.firstCount)), complete: median(runs.map((r) => r.complete)), firstHover: median(runs.map((r) => r.firstHover)), hover: median(runs.map((r) => r.hover)), hoverMax: Math.max(...runs.map((r) => r.hoverMax)), count: runs[0].count });
}
console.log(`\nlanguage server: ${LINES.toLocaleString('en-US')}-line strace trace (${(text.length / 1e6).toFixed(1)} MB), ${RUNS} fresh servers each, medians`);
console.log('diagnostics      first diagnostics (problems)   complete (problems)   first hover   hover median   hover max');
for (const r of rows) console.log(`${r.mode.padEnd(17)}${`${r.first.toFixed(0)} ms`.padStart(13)}${`(${r.firstCount})`.padStart(8)}${`${r.complete.toFixed(0)} ms`.padStart(18)}${`(${r.count})`.padStart(8)}${`${r.firstHover.toFixed(0)} ms`.padStart(12)}${`${r.hover.toFixed(1)} ms`.padStart(15)}${`${r.hoverMax.toFixed(1)} ms`.padStart(12)}`);
console.log(`targets: first diagnostics < 1000 ms (${(rows[0].first / 1000).toFixed(2)} of budget; complete ${(rows[0].complete / 1000).toFixed(2)}), hover < 50 ms (first ${(rows[0].firstHover / 50).toFixed(2)} of budget, max ${(Math.max(...rows.map((r) => r.hoverMax)) / 50).toFixed(2)})`);
