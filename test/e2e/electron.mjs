// Optional runner for machines with internet: downloads VS Code with @vscode/test-electron and runs the same
// extension suite as test/e2e/run.mjs. Not part of CI (no downloads there).
//   npx -y -p @vscode/test-electron@2 node test/e2e/electron.mjs
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { runTests } = await import('@vscode/test-electron');
const suite = join(root, 'out', 'e2e', 'suite.cjs');
await esbuild.build({ entryPoints: [join(root, 'test/e2e/suite/index.ts')], outfile: suite, bundle: true, format: 'cjs', platform: 'node', external: ['vscode'] });
const workspace = join(mkdtempSync(join(tmpdir(), 'cachereplay-electron-')), 'bug237588');
cpSync(join(root, 'samples', 'bug237588'), workspace, { recursive: true });
await runTests({ extensionDevelopmentPath: root, extensionTestsPath: suite, launchArgs: [workspace, '--disable-workspace-trust', '--disable-extensions'] });
