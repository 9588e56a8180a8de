// npm run oracle -- [--seeds N] [--from S] [--mounts cached,direct_io,mergerfs-cached,writeback] [--batch B]
//                   [--keep DIR [--keep-all]]
// The model's Linux column against the real Linux FUSE stack (test/oracle/oracle.ts says how): random workloads
// as C programs on bindfs (cached, -o direct_io) and mergerfs (cached, writeback cache), recorded and replayed
// under kernel linux. Prints the agreement table and every disagreement with its seed and C program (reduced where
// the model found the loss); exits 1 on a disagreement. Needs root, strace, perf, bindfs, mergerfs and cc
// (scripts/system-tools.mjs installs them).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({ options: { seeds: { type: 'string' }, from: { type: 'string' }, mounts: { type: 'string' }, batch: { type: 'string' }, keep: { type: 'string' }, 'keep-all': { type: 'boolean' }, quiet: { type: 'boolean' } } });
const { runOracle, tableOf, MOUNTS } = await import(join(root, 'out', 'test', 'oracle', 'oracle.js'));
const work = values.keep ?? mkdtempSync(join(tmpdir(), 'cachereplay-oracle-'));
mkdirSync(work, { recursive: true });
const from = Number(values.from ?? 1);
const seeds = Number(values.seeds ?? 100);
const t0 = Date.now();
const { rows, disagreements } = await runOracle({
  from, seeds, work,
  mounts: (values.mounts ?? Object.keys(MOUNTS).join(',')).split(','),
  batch: values.batch ? Number(values.batch) : undefined,
  keepAll: values['keep-all'],
  cli: join(root, 'server', 'out', 'cli.cjs'),
  log: values.quiet ? undefined : (line) => process.stderr.write(`${line}\n`),
});
console.log(`oracle: seeds ${from}..${from + seeds - 1} on ${rows.length} mounts in ${((Date.now() - t0) / 1000).toFixed(0)} s (kernel ${process.platform} ${(await import('node:os')).release()})`);
console.log(tableOf(rows));
for (const d of disagreements) console.log(`disagreement: ${d.mount} seed ${d.seed}: ${d.why}\n  C program: ${d.c}${d.reduced ? `\n  reduced: ${d.reduced}` : ''}`);
if (!values.keep && disagreements.length === 0) rmSync(work, { recursive: true, force: true });
process.exitCode = disagreements.length > 0 ? 1 : 0;
