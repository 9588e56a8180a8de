// npm test: type-check and compile, bundle, then run every suite with node's built-in test runner.
// Suites: unit/expected-output (test/**), the README's commands, LSP over stdio, and (when its tools are installed by test/e2e/setup.mjs)
// end-to-end in a real VS Code. Exits non-zero if anything fails.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const step = (title, cmd, args) => {
  console.log(`\n== ${title}: ${cmd} ${args.join(' ')}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  console.log(`== ${title}: ${r.status === 0 ? 'ok' : `FAILED (exit ${r.status})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (r.status !== 0) process.exit(r.status ?? 1);
};

// strace, a C compiler and a FUSE daemon, for the tests that run real programs (installed as root).
step('system tools', process.execPath, ['scripts/system-tools.mjs']);
step('compile', process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.']);
step('bundle', process.execPath, ['esbuild.mjs']);
// Only *.test.js files: node 20's --test would also run every other .js file under a folder named "test".
const testFiles = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.test.js') ? [join(dir, e.name)] : []));
step('tests', process.execPath, ['--test', '--test-reporter=spec', ...testFiles(join(root, 'out', 'test')).sort()]);
// A real VS Code: installs its own tools (Node 24, code-server, Chromium, playwright-core) on first run.
if (process.env.CACHEREPLAY_SKIP_E2E !== '1') step('e2e (real VS Code)', process.execPath, ['test/e2e/run.mjs']);
