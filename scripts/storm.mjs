// npm run storm [-- --mb 10 --edits 200 --rate 50 --pull]: the language server under real editing. Opens a
// generated strace document of about MB megabytes in the bundled server (stdio, as an editor does), then makes
// EDITS small incremental edits at RATE a second, with a hover after every other edit, a diagnostic pull (pull
// mode) after every tenth, and a cancelled hover now and then. Reports: requests answered (and how: a result, a
// stale result, RequestCancelled), hover latency p50/p95, the final diagnostics against the CLI's, the server's
// peak memory (VmHWM) and its memory 5 s after the document is closed. Also a module: test/lsp/storm.test.ts
// runs a small storm through `storm()`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { generate } from './gen-strace.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const rpc = require('vscode-languageserver-protocol/node');

/** Resident and peak memory of a process, in MB (Linux /proc). */
function memoryOf(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return { rss: 0, peak: 0 };
  }
}

const pct = (xs, p) => (xs.length === 0 ? 0 : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]);

/** A document of about `mb` MB, generated once into the temp folder. */
export async function stormDocument(mb) {
  const lines = Math.round(mb * 9200);
  const path = join(tmpdir(), `cachereplay-storm-${lines}.strace`);
  if (!existsSync(path)) await generate(path, lines, 7);
  return path;
}

export async function storm({ path, edits = 200, rate = 50, pull = false, kernel = 'freebsd-2019', settleMs = 5000, log = () => undefined }) {
  const text = readFileSync(path, 'utf8');
  const uri = pathToFileURL(path).href;
  const proc = spawn(process.execPath, [...(process.env.STORM_SERVER_ARGS ?? '').split(' ').filter(Boolean), join(root, 'server/out/server.cjs'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  let exited;
  const exit = new Promise((resolve) => proc.on('exit', (code, signal) => { exited = { code, signal }; resolve(exited); }));
  const conn = rpc.createProtocolConnection(new rpc.StreamMessageReader(proc.stdout), new rpc.StreamMessageWriter(proc.stdin));
  let peak = 0;
  const sampler = setInterval(() => { peak = Math.max(peak, memoryOf(proc.pid).rss); }, 100);
  const pushed = [];
  conn.onNotification('textDocument/publishDiagnostics', (p) => { if (p.uri === uri) pushed.push(p); });
  const statuses = [];
  conn.onNotification('cachereplay/status', (p) => { if (p.uri === uri) statuses.push(p); });
  const messages = [];
  conn.onNotification('window/showMessage', (p) => messages.push(p.message));
  conn.onRequest('workspace/diagnostic/refresh', () => null);
  conn.onRequest('workspace/codeLens/refresh', () => null);
  conn.onRequest('workspace/configuration', (p) => p.items.map(() => ({ cacheMode: 'write-through', kernel, maxProblems: 1_000_000 })));
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  await conn.sendRequest('initialize', {
    processId: process.pid, rootUri: null, workspaceFolders: null,
    capabilities: { workspace: { configuration: true, diagnostics: { refreshSupport: true } }, window: { workDoneProgress: true }, textDocument: { hover: { contentFormat: ['markdown'] }, ...(pull ? { diagnostic: {} } : {}) } },
  });
  await conn.sendNotification('initialized', {});
  const lines = text.split('\n');
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'strace', version: 1, text } });
  // A user reads the problems first, then edits.
  if (pull) await conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
  for (let t = 0; t < 1200 && !statuses.some((st) => !st.partial); t++) await new Promise((r) => setTimeout(r, 100));
  const openedMB = memoryOf(proc.pid).rss;
  const answers = { result: 0, stale: 0, cancelled: 0, error: 0, null: 0 };
  const hoverMs = [];
  const pending = [];
  let version = 1;
  const hoverAt = (line) => {
    const character = Math.max(0, lines[line].indexOf('(') - 2);
    const t = performance.now();
    const source = new rpc.CancellationTokenSource();
    const p = conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character } }, source.token).then((h) => {
      hoverMs.push(performance.now() - t);
      if (h === null) answers.null++;
      else if (/not yet analysed|analysed before your last edit/.test(h.contents.value)) answers.stale++;
      else answers.result++;
    }, (e) => {
      if (process.env.STORM_DEBUG) console.log("hover error", e.code, e.message);
      if (e.code === rpc.LSPErrorCodes.RequestCancelled) answers.cancelled++;
      else answers.error++;
    });
    pending.push(p);
    return source;
  };
  // Small edits spread over the document: a digit of a timestamp changes, as when a user fixes a line by hand.
  for (let i = 0; i < edits; i++) {
    const line = Math.floor(((i * 7919) % 997) / 997 * (lines.length - 2));
    const col = lines[line].indexOf(':') + 4;
    version++;
    const digit = String(i % 10);
    lines[line] = lines[line].slice(0, col) + digit + lines[line].slice(col + 1);
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range: { start: { line, character: col }, end: { line, character: col + 1 } }, text: digit }] });
    if (i % 2 === 0) {
      const source = hoverAt(Math.floor(lines.length / 3) + i);
      if (i % 20 === 0) setTimeout(() => source.cancel(), 5);
    }
    if (pull && i % 10 === 0) pending.push(conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } }).then(() => answers.result++, (e) => { if (e.code === rpc.LSPErrorCodes.RequestCancelled || e.code === rpc.LSPErrorCodes.ServerCancelled) answers.cancelled++; else answers.error++; }));
    await new Promise((r) => setTimeout(r, 1000 / rate));
  }
  log('edits sent; waiting for the answers');
  await Promise.race([Promise.all(pending), exit]);
  // The final diagnostics, as the client sees them after the storm.
  let final;
  if (!exited) {
    if (pull) {
      // The first answer of a long analysis is a snapshot: pull again once the status says it is complete.
      const seen = statuses.length;
      final = (await conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })).items.length;
      for (let t = 0; t < 1200 && !statuses.slice(seen).some((st) => !st.partial); t++) await new Promise((r) => setTimeout(r, 100));
      final = (await conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })).items.length;
    }
    else {
      for (let t = 0; t < 600 && !(statuses.at(-1) && !statuses.at(-1).partial && pushed.at(-1)?.version === version); t++) await new Promise((r) => setTimeout(r, 100));
      final = pushed.at(-1)?.diagnostics.length;
    }
  }
  const beforeClose = memoryOf(proc.pid);
  if (!exited) await conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  await new Promise((r) => setTimeout(r, settleMs));
  const afterClose = memoryOf(proc.pid);
  clearInterval(sampler);
  peak = Math.max(peak, beforeClose.peak, afterClose.peak);
  const alive = !exited;
  if (alive) {
    await conn.sendRequest('shutdown').catch(() => undefined);
    await conn.sendNotification('exit');
    await Promise.race([exit, new Promise((r) => setTimeout(r, 3000))]);
  }
  proc.kill();
  conn.dispose();
  return {
    alive, exited, stderr: stderr.slice(-2000), messages, requests: pending.length, answers, final,
    hoverP50: pct(hoverMs, 50), hoverP95: pct(hoverMs, 95), openedMB, peakMB: peak, beforeCloseMB: beforeClose.rss, afterCloseMB: afterClose.rss, version, text: lines.join('\n'),
  };
}

/** The findings and parse diagnostics the CLI reports for `text` (the final document). */
export function cliCount(text, kernel = 'freebsd-2019') {
  const r = spawnSync(process.execPath, [join(root, 'server/out/cli.cjs'), 'check', '-', '--kernel', kernel, '--output', 'json', '--fail-on', 'never'], { input: text, encoding: 'utf8', maxBuffer: 1 << 30 });
  return JSON.parse(r.stdout).files[0].findings.length;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { mb: { type: 'string', default: '10' }, edits: { type: 'string', default: '200' }, rate: { type: 'string', default: '50' }, pull: { type: 'boolean', default: false } } });
  const path = await stormDocument(Number(values.mb));
  const r = await storm({ path, edits: Number(values.edits), rate: Number(values.rate), pull: values.pull, log: (m) => console.log(m) });
  console.log(`document: ${path} (${(r.text.length / 1e6).toFixed(1)} MB, ${r.text.split('\n').length.toLocaleString('en-US')} lines), ${values.edits} edits at ${values.rate}/s, ${values.pull ? 'pull' : 'push'} diagnostics`);
  console.log(`server alive: ${r.alive}${r.exited ? ` (exited ${JSON.stringify(r.exited)})` : ''}`);
  console.log(`requests: ${r.requests}; answered: ${JSON.stringify(r.answers)}`);
  console.log(`hover: p50 ${r.hoverP50.toFixed(0)} ms, p95 ${r.hoverP95.toFixed(0)} ms`);
  if (r.alive) console.log(`final diagnostics: ${r.final}; the CLI on the final text: ${cliCount(r.text)}`);
  console.log(`memory: ${r.openedMB.toFixed(0)} MB once opened and analysed, peak ${r.peakMB.toFixed(0)} MB, before close ${r.beforeCloseMB.toFixed(0)} MB, 5 s after close ${r.afterCloseMB.toFixed(0)} MB`);
  if (r.messages.length) console.log(`messages: ${r.messages.join(' | ')}`);
  if (!r.alive) console.log(r.stderr);
}
