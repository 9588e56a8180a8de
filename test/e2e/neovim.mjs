// Neovim as a second real LSP client: Debian's neovim (0.7, which only takes pushed diagnostics) runs headless
// with the Lua setup the README shows, against the bundled server, on the bug 237588 sample.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = join(root, 'test-output', 'e2e', 'neovim');
mkdirSync(out, { recursive: true });

if (spawnSync('sh', ['-c', 'command -v nvim']).status !== 0) {
  console.log('[neovim] installing neovim from Debian');
  const r = spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim'], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.log('neovim: 0 passed, 1 failed (could not install neovim)');
    process.exit(1);
  }
}
const result = join(out, 'result.txt');
const t0 = Date.now();
const r = spawnSync('nvim', ['--headless', '--clean', '-u', 'NONE', '-c', `luafile ${join(root, 'test/e2e/neovim/check.lua')}`], {
  env: { ...process.env, SERVER: join(root, 'server/out/server.cjs'), TRACE: join(root, 'samples/bug237588/mmap_pwrite.strace'), OUT: result },
  encoding: 'utf8', timeout: 60_000,
});
const log = existsSync(result) ? readFileSync(result, 'utf8') : '(no result written)';
console.log(log.split('\n').map((l) => `  | ${l.slice(0, 160)}`).join('\n'));
const passed = r.status === 0;
console.log(`neovim (${((Date.now() - t0) / 1000).toFixed(1)} s): ${passed ? 1 : 0} passed, ${passed ? 0 : 1} failed`);
process.exit(passed ? 0 : 1);
