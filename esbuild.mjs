// One build script for every bundle (vscode-eslint style): the CLI, the language server and the VS Code client.
// Type checking is separate (`npm run compile`); this only bundles, so it is fast enough to run on install.
import * as esbuild from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: !production,
  sourcesContent: false,
  minify: production,
  logLevel: 'warning',
  // import.meta.url only serves the tsc-compiled modules (tests); a bundle finds its files by __dirname.
  define: { CACHEREPLAY_VERSION: JSON.stringify(version), 'import.meta.url': 'undefined' },
};

const entries = [
  { entryPoints: ['server/src/cli/bin.ts'], outfile: 'server/out/cli.cjs' },
  { entryPoints: ['server/src/api.ts'], outfile: 'server/out/api.cjs' },
  // The parsing thread of two-thread analyses, beside the bundles that start it.
  { entryPoints: ['server/src/io/parse-worker.ts'], outfile: 'server/out/parse-worker.cjs' },
  { entryPoints: ['server/src/lsp/main.ts'], outfile: 'server/out/server.cjs' },
  { entryPoints: ['client/src/extension.ts'], outfile: 'client/out/extension.cjs', external: ['vscode'] },
].filter((e) => existsSync(e.entryPoints[0]));

const contexts = await Promise.all(entries.map((e) => esbuild.context({ ...common, ...e })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
