// End-to-end tests in a real VS Code (code-server's VS Code OSS server + web workbench in Debian's Chromium):
//  1. extension tests: test/e2e/suite runs inside the extension host against the extension loaded from source;
//  2. a user's session: the packaged .vsix is installed, and Playwright opens the bug 237588 sample, reads the
//     problem count, hovers the pwrite line, and switches the cache mode from the command palette.
// Screenshots and logs go to test-output/e2e/. Installs what it needs first (test/e2e/setup.mjs).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { runExtensionTests, withVSCode } from './vscode-host.mjs';
import * as ui from './ui.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = join(root, 'test-output', 'e2e');
const only = process.argv[2]; // 'tests' | 'ui' | undefined (both)
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

function setup() {
  const r = spawnSync(process.execPath, [join(root, 'test/e2e/setup.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('e2e setup failed');
}

async function extensionTests() {
  const suite = join(root, 'out', 'e2e', 'suite.cjs');
  await esbuild.build({ entryPoints: [join(root, 'test/e2e/suite/index.ts')], outfile: suite, bundle: true, format: 'cjs', platform: 'node', target: 'node20', external: ['vscode'], logLevel: 'warning' });
  console.log('\n== e2e: extension tests inside VS Code (extension loaded from source)');
  const r = await runExtensionTests({
    workspace: join(root, 'samples', 'bug237588'), copyWorkspace: true, extensionDevelopmentPath: root,
    extensionTestsPath: suite, outDir: join(out, 'extension-tests'), timeoutMs: 180_000, echoExtHost: true,
    // Long analyses show partial results after every 64 KiB chunk instead of after 300 ms (the last test uses it).
    serverEnv: { CACHEREPLAY_PARTIAL_MS: '0' },
  });
  console.log(`== e2e extension tests: exit ${r.code}`);
  return r.summary ?? { passed: r.code === 0 ? 1 : 0, failed: r.code === 0 ? 0 : 1 };
}

async function userSession() {
  console.log('\n== e2e: a user with the packaged .vsix installed');
  const vsix = join(root, 'out', 'cachereplay.vsix');
  execFileSync(process.execPath, [join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', vsix], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  let failed = 0;
  let passed = 0;
  await withVSCode({
    workspace: join(root, 'samples', 'bug237588'), copyWorkspace: true, vsix: [vsix], outDir: join(out, 'user-session'),
    settings: { 'cachereplay.kernel': 'freebsd-2019', 'cachereplay.cacheMode': 'write-through', 'workbench.colorTheme': 'Default Dark Modern' },
    viewport: { width: 1600, height: 1000 },
  }, async (vsc) => {
    const page = vsc.page;
    const run = ui.steps(vsc);
    await run.step('open the bug 237588 sample', () => ui.quickOpen(page, 'mmap_pwrite.strace'));
    await run.step('the Problems count shows one warning', async () => {
      const p = await ui.waitForProblems(page, (x) => x.warnings === 1 && x.errors === 0, { timeout: 60_000 });
      return p.label;
    });
    await run.step('the status bar shows the cache mode', async () => {
      const item = page.locator('.statusbar-item').filter({ hasText: 'write-through · freebsd-2019' }).first();
      await item.waitFor({ timeout: 20_000 });
      return (await item.textContent()).trim();
    });
    await run.step('the warning is on the pwrite line', async () => {
      await page.keyboard.press('Control+Shift+M');
      const row = page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'possible data loss' }).first();
      await row.waitFor({ timeout: 20_000 });
      const text = (await row.innerText()).replace(/\s+/g, ' ');
      if (!/pwrite64 went around the cache/.test(text) || !/\[Ln 33/.test(text)) throw new Error(`unexpected problem row: ${text}`);
      await vsc.screenshot('problems-panel');
      await page.keyboard.press('Control+Shift+M');
      return text.slice(0, 120);
    });
    await run.step('hovering the pwrite line shows the lost bytes of page 0', async () => {
      const text = await ui.hoverText(page, 'pwrite64');
      for (const want of ['invalidated', 'lost [0x0, 0x3e8) [0x44c, 0x1000)', 'daemon holds']) if (!text.includes(want)) throw new Error(`hover lacks "${want}": ${text}`);
      await page.mouse.move(5, 5);
      await page.waitForTimeout(500);
      // The same hover without the diagnostic above it: point at the line's timestamp instead of the call.
      const table = await ui.hoverText(page, '830264');
      if (!table.includes('invalidated') || !table.includes('daemon holds')) throw new Error(`timestamp hover lacks the page table: ${table}`);
      await vsc.screenshot('hover-page-table');
      await page.mouse.move(5, 5);
      return text.split('\n').slice(0, 2).join(' / ');
    });
    await run.step('Show Page Timeline opens the timeline', async () => {
      await ui.runCommand(page, 'Cache Replay: Show Page Timeline');
      await page.locator('.tab').filter({ hasText: 'Page Timeline' }).first().waitFor({ timeout: 20_000 });
      await page.waitForTimeout(1500);
    });
    await run.step('Replay Under Cache Mode... writeback clears the warning', async () => {
      await ui.quickOpen(page, 'mmap_pwrite.strace');
      await ui.runCommand(page, 'Cache Replay: Replay Under Cache Mode...');
      // the palette closes and our QuickPick opens: wait for its placeholder
      await page.locator(`${ui.SELECTORS.quickInputBox}[placeholder^="Replay the trace under"]`).waitFor({ timeout: 20_000 });
      const items = await ui.quickInputItems(page);
      if (items.length !== 3 || !items.some((i) => i.startsWith('writeback'))) throw new Error(`expected the three modes, got ${JSON.stringify(items)}`);
      await vsc.screenshot('mode-quickpick');
      await ui.pickItem(page, 'writeback');
      const p = await ui.waitForProblems(page, (x) => x.warnings === 0 && x.errors === 0, { timeout: 30_000 });
      await page.locator('.statusbar-item').filter({ hasText: 'writeback · freebsd-2019' }).first().waitFor({ timeout: 20_000 });
      return p.label;
    });
    const f = run.finish();
    failed += f;
    passed += run.results.length - f;
  });
  return { passed, failed };
}

function neovim() {
  console.log('\n== e2e: Neovim 0.7 (push diagnostics) as a second client');
  const r = spawnSync(process.execPath, [join(root, 'test/e2e/neovim.mjs')], { stdio: 'inherit' });
  return r.status === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
}

setup();
const totals = { passed: 0, failed: 0 };
for (const [name, fn] of [['tests', extensionTests], ['ui', userSession], ['neovim', neovim]]) {
  if (only && only !== name) continue;
  try {
    const r = await fn();
    totals.passed += r.passed;
    totals.failed += r.failed;
  } catch (e) {
    console.log(`e2e ${name} failed: ${e.stack ?? e}`);
    totals.failed++;
  }
}
// Keep the picture a person should look at beside the logs.
try {
  const shots = join(out, 'user-session', 'screenshots');
  const hover = readdirSync(shots).find((f) => f.endsWith('hover-page-table.png'));
  if (hover) copyFileSync(join(shots, hover), join(out, 'hover-page-table.png'));
} catch {
  // no UI run
}
console.log(`\ne2e: ${totals.passed} passed, ${totals.failed} failed (screenshots and logs in ${out})`);
process.exit(totals.failed > 0 ? 1 : 0);
