// Optional: the same extension suite under @vscode/test-electron on machines that can download VS Code
// (not used in CI here, which runs test/e2e/run.mjs against code-server's VS Code instead).
//   npm run build && npx esbuild test/e2e/suite/index.ts --bundle --format=cjs --platform=node --external:vscode --outfile=out/e2e/suite.cjs
//   npx -y @vscode/test-cli@0.0.12
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  files: 'out/e2e/suite.cjs',
  workspaceFolder: './samples/bug237588',
  version: 'stable',
  launchArgs: ['--disable-workspace-trust'],
});
