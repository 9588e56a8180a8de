// `cachereplay record` for real: the bug 237588 program and its twins run on a bindfs FUSE mount under the
// recorder (as root, with strace, perf and bindfs: scripts/system-tools.mjs installs them), and, as an unprivileged
// user, with strace alone. What each program does decides what must be found (samples/bug237588/*.c).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { resolveRoot, sample } from '../helpers.js';

const { missingTools } = (await import(pathToFileURL(resolveRoot('scripts', 'system-tools.mjs')).href)) as { missingTools(): string[] };
const CLI = resolveRoot('server', 'out', 'cli.cjs');
const root = process.getuid?.() === 0;
const missing = missingTools();
const skip = !root ? 'records on a FUSE mount: needs root' : missing.length > 0 ? `needs ${missing.join(', ')} (scripts/system-tools.mjs installs them as root)` : false;

function cli(args: string[], cwd: string, uid?: number) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000, ...(uid !== undefined ? { uid, gid: uid } : {}) });
}

describe('cachereplay record', { skip }, () => {
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cachereplay-record-'));
    chmodSync(dir, 0o777);
    mkdirSync(join(dir, 'backing'));
    mkdirSync(join(dir, 'mnt'));
    for (const p of ['mmap_pwrite', 'mmap_nostore_pwrite']) {
      const cc = spawnSync('cc', ['-Wall', '-Werror', '-o', join(dir, p), sample('bug237588', `${p}.c`)], { encoding: 'utf8' });
      assert.equal(cc.status, 0, cc.stderr);
    }
    spawn('bindfs', ['-f', join(dir, 'backing'), join(dir, 'mnt')], { stdio: 'ignore', detached: true }).unref();
    for (let i = 0; i < 100 && spawnSync('mountpoint', ['-q', join(dir, 'mnt')]).status !== 0; i++) await new Promise((r) => setTimeout(r, 100));
  });
  after(() => {
    spawnSync('fusermount', ['-u', join(dir, 'mnt')]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the bug 237588 program: a definite error at its pwrite, with the exact bytes, and a recording check reads again', () => {
    const r = cli(['record', '--kernel', 'freebsd-2019', '--no-color', '-o', 'rec', '--', './mmap_pwrite', 'mnt/file.bin'], dir);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /into rec\.strace and rec\.faults \(its write faults/);
    assert.match(r.stdout, /^rec\.strace:33:\d+: error: data loss: this pwrite64 went around the cache and invalidated page 0 of .*mnt\/file\.bin \(write-through, freebsd-2019\); 3996 bytes stored by the page_fault_user at line \d+ of rec\.faults and never synced were dropped: \[0x0, 0x3e8\) \[0x44c, 0x1000\)/m);
    assert.match(r.stdout, /rec\.faults:\d+: note: bytes \[0x0, 0x3e8\) \[0x44c, 0x1000\) stored here \(definite evidence: a write fault at 0x[0-9a-f]+, [\d:.]+ UTC\)/);
    assert.ok(existsSync(join(dir, 'rec.strace')) && existsSync(join(dir, 'rec.faults')) && !existsSync(join(dir, 'rec.perf.data')));
    const again = cli(['check', 'rec.strace', '--kernel', 'freebsd-2019', '--no-color'], dir);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /with the \d+ write faults recorded in rec\.faults/);
    assert.equal(again.stdout.split('\n')[0], r.stdout.split('\n')[0]);
  });

  it('its no-store twin: nothing (strace alone would warn)', () => {
    const r = cli(['record', '--kernel', 'freebsd-2019', '--no-color', '-o', 'nostore', '--', './mmap_nostore_pwrite', 'mnt/file.bin'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /0 errors, 0 warnings, 0 information/);
    // The same trace without its faults beside it: strace alone cannot exclude the stores.
    copyFileSync(join(dir, 'nostore.strace'), join(dir, 'nostore-alone.strace'));
    const alone = cli(['check', 'nostore-alone.strace', '--kernel', 'freebsd-2019', '--no-color'], dir);
    assert.equal(alone.status, 0);
    assert.match(alone.stdout, /0 errors, 1 warning/);
  });

  it('without the rights to record faults: strace alone, said once, and the loss is possible, printed as the command runs', () => {
    const r = cli(['record', '--kernel', 'freebsd-2019', '--no-color', '-o', 'alone', '--', './mmap_pwrite', 'plain.bin'], dir, 65534);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /with strace alone: the page-fault tracepoint needs root .*every loss found is possible, not definite/);
    assert.match(r.stdout, /^alone\.strace:33:\d+: warning: possible data loss: this pwrite64 went around the cache/m);
    assert.ok(!existsSync(join(dir, 'alone.faults')));
  });

  it('a command is needed after --', () => {
    const r = cli(['record', '-o', 'x'], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /record: give the command after --/);
  });
});
