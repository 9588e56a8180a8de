// npm test: type-check and compile, bundle, then run every suite with node's built-in test runner.
// Suites: unit/golden (test/**), LSP over stdio, and (when its tools are installed by test/e2e/setup.mjs)
// end-to-end in a real VS Code. Exits non-zero if anything fails.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const step = (title, cmd, args) => {
  console.log(`\n== ${title}: ${cmd} ${args.join(' ')}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  console.log(`== ${title}: ${r.status === 0 ? 'ok' : `FAILED (exit ${r.status})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (r.status !== 0) process.exit(r.status ?? 1);
};

step('compile', process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.']);
step('bundle', process.execPath, ['esbuild.mjs']);
step('tests', process.execPath, ['--test', '--test-reporter=spec', 'out/test/']);
