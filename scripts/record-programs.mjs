// npm run record:programs [-- DIR]: how much of strace's guesswork recording removes on real programs. Runs the
// programs of test/fixtures/programs (sqlite3, LMDB, fio, git, tar, cp, rsync, dd) on a bindfs mount under
// `cachereplay record` (make-program-traces.sh --record; as root, with the programs installed), then replays each
// recording under every kernel (write-through) twice: the strace trace alone, and with its write faults. Prints
// the findings of each, by evidence. With DIR, uses the recordings already there.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let dir = process.argv[2];
if (dir === undefined) {
  dir = mkdtempSync(join(tmpdir(), 'cachereplay-record-programs-'));
  const r = spawnSync('bash', [join(root, 'test', 'fixtures', 'programs', 'make-program-traces.sh'), '--record', dir], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const { analyzeFile } = await import(join(root, 'out', 'server', 'src', 'io', 'read-trace.js'));
const { readFaultsFile } = await import(join(root, 'out', 'server', 'src', 'io', 'faults-file.js'));
const names = readdirSync(dir).filter((f) => f.endsWith('.strace')).map((f) => f.slice(0, -'.strace'.length)).sort();
const count = (findings) => {
  const c = { definite: 0, unsynced: 0, again: 0 };
  for (const f of findings) {
    if (f.evidence === 'definite') c.definite++;
    else if (f.tier === 'unsynced') c.unsynced++;
    else c.again++;
  }
  return c;
};
const cell = (c) => (c.definite + c.unsynced + c.again === 0 ? '-' : [c.definite && `${c.definite} definite`, c.unsynced && `${c.unsynced} unsynced`, c.again && `${c.again} stored again`].filter(Boolean).join(', '));
console.log(`recordings in ${dir}: findings under write-through, strace alone -> with the recorded write faults`);
console.log('| program | faults | freebsd-2019 | freebsd | linux |');
console.log('|---|---|---|---|---|');
const totals = { alone: 0, recorded: 0, definite: 0 };
for (const name of names) {
  const faultsPath = join(dir, `${name}.faults`);
  const faults = existsSync(faultsPath) ? (await readFaultsFile(faultsPath)).faults : undefined;
  const cells = [];
  for (const kernel of ['freebsd-2019', 'freebsd', 'linux']) {
    const alone = count((await analyzeFile(join(dir, `${name}.strace`), { kernel, mode: 'write-through' })).findings);
    const rec = count((await analyzeFile(join(dir, `${name}.strace`), { kernel, mode: 'write-through', faults })).findings);
    totals.alone += alone.definite + alone.unsynced + alone.again;
    totals.recorded += rec.definite + rec.unsynced + rec.again;
    totals.definite += rec.definite;
    cells.push(`${cell(alone)} -> ${cell(rec)}`);
  }
  console.log(`| ${name} | ${faults?.length ?? 'none'} | ${cells.join(' | ')} |`);
}
console.log(`all programs and kernels: ${totals.alone} findings from strace alone, ${totals.recorded} with the write faults (${totals.definite} definite)`);
