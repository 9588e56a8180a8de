#!/usr/bin/env node
// Runs a REAL VS Code (OSS 1.139.1 server + web workbench from the npm package code-server) in headless
// Chromium, offline. Library + CLI. Needs `node test/e2e/setup.mjs` first.
//
//   import { launchVSCode, runExtensionTests, installVsix } from './vscode-host.mjs';
//   const code = await runExtensionTests({ workspace, extensionDevelopmentPath, extensionTestsPath, outDir });
//   const vsc = await launchVSCode({ workspace, vsix: ['x.vsix'], outDir });   // UI mode
//   try { await vsc.page.keyboard.press('Control+P'); await vsc.screenshot('quick-open'); } finally { await vsc.close(); }
//
// CLI:
//   node test/e2e/vscode-host.mjs tests --workspace DIR --extension-development-path DIR --extension-tests-path FILE
//        [--out DIR] [--timeout SEC] [--vsix FILE]... [--env KEY=VALUE]... [--copy-workspace] [--verbose]
//   node test/e2e/vscode-host.mjs ui --workspace DIR [--vsix FILE]... [--extension-development-path DIR]
//        [--out DIR] [--hold SEC]        (opens the window, takes a screenshot, keeps it open --hold seconds)
//   node test/e2e/vscode-host.mjs install-vsix --extensions-dir DIR FILE...
//
// Every session gets fresh temp dirs (server data, user data, extensions, Chromium profile) under
// $TMPDIR/vscode-e2e-XXXX, removed by close(); close() also kills the server's whole process group and
// Chromium. close() runs on errors, timeouts, SIGINT/SIGTERM and (best effort, synchronously) on exit.

import { spawn } from 'node:child_process';
import {
  mkdtempSync, mkdirSync, rmSync, cpSync, createWriteStream, writeFileSync, existsSync, readdirSync, readFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname, basename } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { PATHS, REPO_ROOT } from './setup.mjs';

export { PATHS };

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--password-store=basic',
];

/** Settings written to <user-data-dir>/User/settings.json before start (override/extend with o.settings). */
export const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'files.simpleDialog.enable': true,
};

const now = () => Date.now();
const secs = (ms) => (ms / 1000).toFixed(1) + 's';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// cleanup registry: everything we start is registered here and torn down on any kind of exit
const live = new Set();
let handlersInstalled = false;
function installExitHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => { for (const s of live) s.killSync(); });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, async () => {
      console.error(`[vscode-host] ${sig}: cleaning up ${live.size} session(s)`);
      await Promise.allSettled([...live].map((s) => s.close()));
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

function killGroup(pid, signal) {
  if (!pid) return false;
  try { process.kill(-pid, signal); return true; } catch {}
  try { process.kill(pid, signal); return true; } catch {}
  return false;
}
function alive(pid) { try { process.kill(pid, 0); return true; } catch { return false; } }

/** PIDs of processes whose command line contains `needle` (used to find our Chromium by its unique profile dir). */
function pidsWithArg(needle) {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try { if (readFileSync(`/proc/${d}/cmdline`, 'latin1').includes(needle)) out.push(Number(d)); } catch {}
  }
  return out;
}

/** A log file stream that ignores writes after end() (late server output during shutdown) and never throws. */
function logFile(path) {
  const s = createWriteStream(path);
  s.on('error', () => {});
  const write = s.write.bind(s);
  s.write = (chunk) => (s.writableEnded || s.destroyed ? false : write(chunk));
  return s;
}

/** Strip variables that would make the server believe it runs inside another VS Code / Electron. */
function cleanEnv(extra = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE' || k === 'NODE_OPTIONS') delete env[k];
  return { ...env, ...extra };
}

function checkInstalled() {
  const missing = [['Node 24', PATHS.node24], ['VS Code server', PATHS.serverMain], ['playwright-core', PATHS.playwrightCore],
    ['chromium', PATHS.chromium]].filter(([, p]) => !existsSync(p));
  if (missing.length) {
    throw new Error(`e2e tools missing: ${missing.map(([n, p]) => `${n} (${p})`).join(', ')}. Run: node test/e2e/setup.mjs`);
  }
}

// ---------------------------------------------------------------------------------------------
/**
 * Installs .vsix files (or extension ids, but there's no marketplace offline) into `extensionsDir` by running
 * server-main.js --install-extension as its own short-lived process (same flags as the server uses).
 */
export async function installVsix(vsixPaths, { extensionsDir, serverDataDir, userDataDir, logFile: logPath, timeoutMs = 60000 } = {}) {
  checkInstalled();
  if (!extensionsDir) throw new Error('installVsix: extensionsDir is required');
  for (const v of vsixPaths) if (!existsSync(v)) throw new Error(`installVsix: no such file ${resolve(v)}`);
  const tmp = (!serverDataDir || !userDataDir) ? mkdtempSync(join(tmpdir(), 'vscode-e2e-install-')) : undefined;
  serverDataDir ||= join(tmp, 'server-data');
  userDataDir ||= join(tmp, 'user-data');
  const args = [PATHS.serverMain, '--accept-server-license-terms', '--disable-telemetry',
    '--server-data-dir', serverDataDir, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  for (const v of vsixPaths) args.push('--install-extension', resolve(v));
  args.push('--force');
  const t = now();
  const logStream = logPath ? createWriteStream(logPath, { flags: 'a' }) : undefined;
  logStream?.write(`$ node24 ${args.join(' ')}\n`);
  let output = '';
  const code = await new Promise((res, rej) => {
    const p = spawn(PATHS.node24, args, { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const timer = setTimeout(() => { killGroup(p.pid, 'SIGKILL'); rej(new Error(`installVsix timed out after ${timeoutMs} ms`)); }, timeoutMs);
    const onData = (d) => { output += d; logStream?.write(d); };
    p.stdout.on('data', onData); p.stderr.on('data', onData);
    p.on('error', (e) => { clearTimeout(timer); rej(e); });
    p.on('close', (c) => { clearTimeout(timer); res(c); });
  });
  logStream?.end();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  const ok = [...output.matchAll(/Extension '([^']+)' was successfully installed/g)].length;
  let installed = [];
  try { installed = JSON.parse(readFileSync(join(extensionsDir, 'extensions.json'), 'utf8')).map((e) => `${e.identifier.id}@${e.version}`); } catch {}
  if (code !== 0 || ok < vsixPaths.length) {
    throw new Error(`installVsix failed (exit ${code}, ${ok}/${vsixPaths.length} installed):\n${output.trim().split('\n').filter((l) => !NATIVE_NOISE.test(l)).slice(-15).join('\n')}`);
  }
  return { installed, ms: now() - t };
}

// ---------------------------------------------------------------------------------------------
/** Starts server-main.js with Node 24 on a free port; resolves when "Web UI available at" is printed. */
async function startServer({ dirs, logStream, timeoutMs = 60000, serverArgs = [], env = {} }) {
  const args = [PATHS.serverMain, '--host', '127.0.0.1', '--port', '0',
    '--without-connection-token', '--accept-server-license-terms', '--disable-telemetry',
    '--disable-workspace-trust', '--enable-smoke-test-driver',
    '--user-data-dir', dirs.userData, '--server-data-dir', dirs.serverData, '--extensions-dir', dirs.extensions,
    ...serverArgs];
  logStream.write(`$ ${PATHS.node24} ${args.join(' ')}\n`);
  const proc = spawn(PATHS.node24, args, { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const port = await new Promise((res, rej) => {
    let buf = '';
    const timer = setTimeout(() => rej(new Error(`server did not print "Web UI available at" within ${timeoutMs} ms`)), timeoutMs);
    const onData = (d) => {
      logStream.write(d);
      if (buf === null) return;
      buf += d;
      const m = /Web UI available at https?:\/\/[^:\s]+:(\d+)/.exec(buf);
      if (m) { clearTimeout(timer); buf = null; res(Number(m[1])); }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('error', (e) => { clearTimeout(timer); rej(e); });
    proc.on('exit', (c, s) => { clearTimeout(timer); rej(new Error(`server exited early (code ${c}, signal ${s}); see server.log`)); });
  });
  proc.removeAllListeners('exit');
  proc.on('exit', (c, s) => logStream.write(`\n[vscode-host] server exited code=${c} signal=${s}\n`));
  return { proc, port };
}

// ---------------------------------------------------------------------------------------------
/**
 * Starts server + Chromium and opens `workspace`.
 * @param {object} o
 * @param {string} [o.workspace]                 folder to open (absolute or relative to cwd)
 * @param {boolean} [o.copyWorkspace]            copy the folder into the temp root first (tests may then edit it freely)
 * @param {string} [o.extensionDevelopmentPath]  extension folder to load as under development
 * @param {string} [o.extensionTestsPath]        module exporting run(); with it the window runs the tests and exits
 * @param {string[]} [o.vsix]                    .vsix files installed into the fresh extensions dir before start
 * @param {object} [o.extensionEnv]              env vars for the extension host (payload "extensionEnvironment")
 * @param {object} [o.settings]                  extra settings (merged over DEFAULT_SETTINGS) -> <user-data-dir>/User/settings.json
 * @param {string} [o.outDir]                    logs + screenshots go here (default test-output/e2e/<timestamp>)
 * @param {number} [o.startTimeoutMs]            server + workbench start budget (default 60000)
 * @param {boolean|'all'} [o.echoExtHost]        print window/exthost log lines minus known noise; 'all': unfiltered
 *                                               (default: true with extensionTestsPath; everything is in exthost.log)
 * @param {(line:string)=>void} [o.onLog]        gets every codeAutomationLog line
 * @param {{width:number,height:number}} [o.viewport]
 */
export async function launchVSCode(o = {}) {
  checkInstalled();
  installExitHandlers();
  const s = new VSCodeSession(o);
  live.add(s);
  try {
    await s._start();
    return s;
  } catch (e) {
    await s.screenshot('start-failed').catch(() => {});
    await s.close();
    throw e;
  }
}

export class VSCodeSession {
  constructor(o) {
    this.o = o;
    this.t0 = now();
    this.timings = {};
    this.outDir = resolve(o.outDir || join(REPO_ROOT, 'test-output', 'e2e', new Date().toISOString().replace(/[:.]/g, '-')));
    mkdirSync(this.outDir, { recursive: true });
    this.root = mkdtempSync(join(tmpdir(), 'vscode-e2e-'));
    this.dirs = {
      serverData: join(this.root, 'server-data'), userData: join(this.root, 'user-data'),
      extensions: join(this.root, 'extensions'), browserProfile: join(this.root, 'chromium-profile'),
    };
    for (const d of Object.values(this.dirs)) mkdirSync(d, { recursive: true });
    this.serverLog = logFile(join(this.outDir, 'server.log'));
    this.extHostLog = logFile(join(this.outDir, 'exthost.log'));
    this.browserLog = logFile(join(this.outDir, 'browser-console.log'));
    this.shots = 0;
    this.closed = false;
    this.exitCode = new Promise((res) => { this._resolveExit = res; });
    this.echo = o.echoExtHost ?? !!o.extensionTestsPath;
  }

  log(msg) { console.log(`[vscode-host] ${msg}`); }
  mark(name) { this.timings[name] = now() - this.t0; }

  /** vscode-remote URI for an absolute path on this machine, as the workbench needs it. */
  remoteUri(p) { return `vscode-remote://127.0.0.1:${this.port}${resolve(p).split('/').map(encodeURIComponent).join('/')}`; }

  async _start() {
    const o = this.o;
    let workspace = o.workspace && resolve(o.workspace);
    if (workspace && o.copyWorkspace) {
      const copy = join(this.root, 'workspace', basename(workspace));
      cpSync(workspace, copy, { recursive: true });
      workspace = copy;
    }
    this.workspace = workspace;

    const settings = { ...DEFAULT_SETTINGS, ...o.settings };
    // code-server's workbench keeps *user* settings on the server: <user-data-dir>/User/settings.json (verified:
    // it hides the chat side bar; the same file as remote Machine settings did not, it is read too late for layout).
    mkdirSync(join(this.dirs.userData, 'User'), { recursive: true });
    writeFileSync(join(this.dirs.userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

    if (o.vsix?.length) {
      const r = await installVsix(o.vsix, { extensionsDir: this.dirs.extensions, serverDataDir: this.dirs.serverData,
        userDataDir: this.dirs.userData, logFile: join(this.outDir, 'install-vsix.log') });
      this.log(`installed ${r.installed.join(', ')} in ${secs(r.ms)}`);
      this.mark('vsixInstalled');
    }

    const { proc, port } = await startServer({ dirs: this.dirs, logStream: this.serverLog, timeoutMs: o.startTimeoutMs ?? 60000,
      serverArgs: o.serverArgs, env: o.serverEnv });
    this.server = proc; this.port = port;
    proc.on('exit', (c, sig) => {
      if (this.closed) return;
      this.log(`server exited unexpectedly (code ${c}, signal ${sig}); see ${join(this.outDir, 'server.log')}`);
      this._resolveExit(71);
    });
    this.mark('serverReady');

    const { chromium } = await import(pathToFileURL(PATHS.playwrightCore).href);
    this.context = await chromium.launchPersistentContext(this.dirs.browserProfile, {
      executablePath: PATHS.chromium, headless: o.headless ?? true,
      args: CHROMIUM_ARGS,
      // crashpad writes "Crash Reports" under $XDG_CONFIG_HOME/chromium: keep that inside the temp root too
      env: { ...process.env, XDG_CONFIG_HOME: join(this.root, 'xdg-config'), XDG_CACHE_HOME: join(this.root, 'xdg-cache') },
      viewport: o.viewport ?? { width: 1400, height: 900 }, timeout: 30000,
      handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
    });
    this.mark('browserLaunched');
    const page = this.page = this.context.pages()[0] ?? await this.context.newPage();
    page.on('console', (m) => this.browserLog.write(`[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => this.browserLog.write(`[pageerror] ${e.stack || e}\n`));
    page.on('crash', () => { this.log('page crashed'); this._resolveExit(70); });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = Array.isArray(args) ? args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ') : String(args);
      const line = `[${type}] ${text}`;
      this.extHostLog.write(line + '\n');
      o.onLog?.(line);
      if (this.echo === 'all' || (this.echo && !isNoise(text))) console.log(`  ${type === 'error' ? '!' : '|'} ${text}`);
    });
    await page.exposeFunction('codeAutomationExit', (code, logs) => {
      if (Array.isArray(logs)) {
        for (const l of logs) {
          try { const f = join(this.outDir, 'vscode-logs', l.relativePath); mkdirSync(dirname(f), { recursive: true }); writeFileSync(f, l.contents); } catch {}
        }
      }
      this._resolveExit(Number(code));
    });

    const payload = [['skipWelcome', 'true'], ['skipReleaseNotes', 'true']];
    if (o.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', this.remoteUri(o.extensionDevelopmentPath)]);
    if (o.extensionTestsPath) payload.push(['extensionTestsPath', this.remoteUri(o.extensionTestsPath)]);
    if (o.extensionEnv) payload.push(['extensionEnvironment', JSON.stringify(o.extensionEnv)]);
    let url = `http://127.0.0.1:${port}/?`;
    if (workspace) url += `folder=${encodeURIComponent(this.remoteUri(workspace))}&`;
    url += `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    this.url = url;
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: o.startTimeoutMs ?? 60000 });
    this.mark('pageLoaded');
    if (!o.extensionTestsPath) await this.whenRestored(o.startTimeoutMs ?? 60000);
  }

  /** Waits until the workbench finished restoring (smoke-test driver API, see README). */
  async whenRestored(timeoutMs = 60000) {
    await this.page.waitForFunction(() => !!window.driver, null, { timeout: timeoutMs });
    await this.page.evaluate(() => window.driver.whenWorkbenchRestored());
    await this.page.locator('.monaco-workbench').first().waitFor({ timeout: timeoutMs });
    this.mark('workbenchRestored');
  }

  /** Waits for codeAutomationExit (extension tests finished); returns the exit code, 124 on timeout. */
  async waitForExit(timeoutMs = 120000) {
    let timer;
    const code = await Promise.race([this.exitCode, new Promise((r) => { timer = setTimeout(() => r('timeout'), timeoutMs); })]);
    clearTimeout(timer);
    if (code === 'timeout') {
      this.log(`no codeAutomationExit within ${secs(timeoutMs)}; see ${this.outDir}`);
      await this.screenshot('timeout').catch(() => {});
      return 124;
    }
    this.mark('exit');
    return code;
  }

  /** Screenshot into <outDir>/screenshots/NN-name.png; returns the path. */
  async screenshot(name) {
    if (!this.page || this.page.isClosed()) return undefined;
    const dir = join(this.outDir, 'screenshots');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${String(++this.shots).padStart(2, '0')}-${name.replace(/[^\w.-]+/g, '_')}.png`);
    await this.page.screenshot({ path: file, timeout: 15000 });
    return file;
  }

  /** Kills browser + server (whole process group), removes temp dirs. Idempotent, never throws. */
  async close() {
    if (this.closed) return;
    this.closed = true;
    live.delete(this);
    const t = now();
    if (this.context) {
      await Promise.race([this.context.close().catch(() => {}), sleep(5000)]);
    }
    for (const pid of pidsWithArg(this.dirs.browserProfile)) killGroup(pid, 'SIGKILL');
    if (this.server?.pid) {
      const pid = this.server.pid;
      killGroup(pid, 'SIGTERM');
      for (let i = 0; i < 30 && alive(pid); i++) await sleep(100);
      killGroup(pid, 'SIGKILL');
    }
    await Promise.all([this.serverLog, this.extHostLog, this.browserLog].map((s) => new Promise((r) => s.end(r))));
    for (let i = 0; i < 5; i++) {
      try { rmSync(this.root, { recursive: true, force: true }); break; } catch { await sleep(200); }
    }
    this.timings.closeMs = now() - t;
  }

  /** Synchronous last-resort cleanup for process 'exit'. */
  killSync() {
    if (this.closed) return;
    this.closed = true;
    for (const pid of pidsWithArg(this.dirs.browserProfile)) killGroup(pid, 'SIGKILL');
    if (this.server?.pid) killGroup(this.server.pid, 'SIGKILL');
    try { rmSync(this.root, { recursive: true, force: true }); } catch {}
  }
}

// the server runs without native modules (installed with --ignore-scripts): these errors are expected
const NATIVE_NOISE = /spdlog|bindings file|^\s*tries: \[|^\s*\]$|^\}$|^\s*'\/.*\.node',?$/;

/**
 * Workbench/exthost log lines not echoed to the console by default (they still go to exthost.log). They are
 * expected on this offline machine: no native modules (--ignore-scripts), no network, chat/agent features.
 */
const NOISE = [
  /^\[(AgentHost(:\w+)?|ChatModelSelection|AccountPolicyGate|reconnection-grace-time|RemoteAgentHostProtocol|Service Worker|driver)\]/,
  /^(Resolving|Resolved) connection token/, /^Creating a socket/, /^Updating additional builtin extensions cache/,
  /^Creation of workbench contribution/, /Could not locate the bindings file/, /Cannot find module '[^']*(watchdog|\.node)'/,
  /ENOTFOUND|getaddrinfo|ERR_NAME_NOT_RESOLVED/, /authentication provider/, /open-vsx\.org|marketplace/i,
  /^Canceled(: Canceled)*\s/, /^No search provider registered for scheme/,
];
function isNoise(text) { return NOISE.some((r) => r.test(text)); }

// ---------------------------------------------------------------------------------------------
/**
 * Extension-tests mode: opens the workspace with extensionDevelopmentPath + extensionTestsPath and waits for the
 * tests' exit code (0 = pass). Always cleans up. Returns { code, outDir, timings, summary }.
 */
export async function runExtensionTests(o) {
  if (!o.extensionTestsPath) throw new Error('runExtensionTests: extensionTestsPath is required');
  let summary;
  const onLog = (line) => {
    const m = /(\d+) passed, (\d+) failed(?:, (\d+) skipped)?/.exec(line);
    if (m) summary = { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3] || 0) };
    o.onLog?.(line);
  };
  const vsc = await launchVSCode({ ...o, onLog });
  try {
    const code = await vsc.waitForExit(o.timeoutMs ?? 120000);
    return { code, outDir: vsc.outDir, timings: vsc.timings, summary };
  } finally {
    await vsc.close();
  }
}

/** UI mode with guaranteed cleanup: await withVSCode(opts, async (vsc) => { ... vsc.page ... }). */
export async function withVSCode(o, fn) {
  const vsc = await launchVSCode(o);
  try {
    return await fn(vsc);
  } catch (e) {
    await vsc.screenshot('failure').catch(() => {});
    throw e;
  } finally {
    await vsc.close();
  }
}

// ---------------------------------------------------------------------------------------------
// CLI
function parseArgs(argv) {
  const a = { _: [], vsix: [], env: {} };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const next = () => argv[++i];
    switch (k) {
      case '--workspace': a.workspace = next(); break;
      case '--extension-development-path': a.extensionDevelopmentPath = next(); break;
      case '--extension-tests-path': a.extensionTestsPath = next(); break;
      case '--out': a.outDir = next(); break;
      case '--timeout': a.timeoutMs = Number(next()) * 1000; break;
      case '--hold': a.holdMs = Number(next()) * 1000; break;
      case '--vsix': a.vsix.push(next()); break;
      case '--extensions-dir': a.extensionsDir = next(); break;
      case '--env': { const [key, ...v] = next().split('='); a.env[key] = v.join('='); break; }
      case '--copy-workspace': a.copyWorkspace = true; break;
      case '--verbose': a.verbose = true; break;
      default: a._.push(k);
    }
  }
  return a;
}

async function cli() {
  const a = parseArgs(process.argv.slice(2));
  const mode = a._.shift();
  const t = now();
  if (mode === 'tests') {
    if (!a.extensionTestsPath || !a.extensionDevelopmentPath) throw new Error('tests mode needs --extension-development-path and --extension-tests-path');
    const r = await runExtensionTests({ ...a, extensionEnv: Object.keys(a.env).length ? a.env : undefined,
      echoExtHost: a.verbose ? 'all' : true });
    console.log(`[vscode-host] exit code ${r.code} after ${secs(now() - t)} (server ${secs(r.timings.serverReady)}, ` +
      `page ${secs(r.timings.pageLoaded)}); logs in ${r.outDir}`);
    // CI reads the last "N passed, N failed" line: repeat the tests' own count if they printed one.
    const s = r.summary && (r.code === 0) === (r.summary.failed === 0) ? r.summary
      : { passed: r.code === 0 ? 1 : 0, failed: r.code === 0 ? 0 : 1 };
    console.log(`${s.passed} passed, ${s.failed} failed`);
    process.exitCode = r.code === 0 ? 0 : 1;
  } else if (mode === 'ui') {
    await withVSCode({ ...a, extensionEnv: Object.keys(a.env).length ? a.env : undefined }, async (vsc) => {
      console.log(`[vscode-host] workbench restored after ${secs(vsc.timings.workbenchRestored)}: ${vsc.url}`);
      const shot = await vsc.screenshot('opened');
      console.log(`[vscode-host] screenshot ${shot}`);
      if (a.holdMs) { console.log(`[vscode-host] holding ${secs(a.holdMs)} (port ${vsc.port})`); await sleep(a.holdMs); }
    });
  } else if (mode === 'install-vsix') {
    if (!a.extensionsDir) throw new Error('install-vsix needs --extensions-dir');
    const r = await installVsix(a._, { extensionsDir: resolve(a.extensionsDir) });
    console.log(`[vscode-host] installed ${r.installed.join(', ')} in ${secs(r.ms)}`);
  } else {
    console.error('usage: vscode-host.mjs tests|ui|install-vsix [options]  (see the header of this file)');
    process.exitCode = 2;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli().catch((e) => { console.error(`[vscode-host] ${e.stack || e}`); console.log('0 passed, 1 failed'); process.exitCode = 1; });
}
