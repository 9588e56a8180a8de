// npm run bench:reduce: how far `cachereplay reduce` takes the samples' losses and the real programs' traces, and
// how long it takes. For each: the events up to the losing call, the events kept, the calls of the C program, the
// replays delta debugging made, and the median time of BENCH_RUNS (5) reductions (all in this process, one after
// another, so that the times compare).
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const runs = Number(process.env.BENCH_RUNS ?? 5);
const load = (p) => import(join(root, 'out', 'server', 'src', ...p.split('/')));
const { analyzeFile } = await load('io/read-trace.js');
const { reproducerOf } = await load('engine/reduce/reproducer.js');

const CASES = [
  ['samples/bug237588/mmap_pwrite.strace', 'freebsd-2019', 33],
  ['samples/bug237588/mmap_odirect_pwrite.strace', 'freebsd', 37],
  ['samples/bug237588/mmap_fork_pwrite.strace', 'freebsd-2019', 37],
  ['samples/kdump/mmap_pwrite.kdump', 'freebsd-2019', 15],
  ['samples/fsx/freebsd-U-seed8.fsxlog', 'freebsd-2019', 3],
  ['samples/fsx/bug237588.fsxlog', 'freebsd-2019', undefined],
  ['samples/record/mmap_thread_pwrite.strace', 'freebsd-2019', 55],
  ['test/fixtures/programs/fio-mmap-psync/fio-mmap-psync.strace.gz', 'freebsd-2019', 2415],
  ['test/fixtures/programs/fio-mmap-direct/fio-mmap-direct.strace.gz', 'freebsd', 2401],
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`bench:reduce: medians of ${runs} reductions (node ${process.version})`);
console.log('| trace | kernel | loss at line | events before | events kept | C calls | replays | ms |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [path, kernel, at] of CASES) {
  const options = { kernel, mode: 'write-through' };
  const a = await analyzeFile(join(root, path), { ...options, keepEvents: true, threads: 1 });
  const line = at ?? a.findings.find((f) => f.lostBytes > 0).span.line + 1;
  const times = [];
  let rep;
  for (let i = 0; i < runs; i++) {
    rep = reproducerOf(a.events, options, line - 1, path, a.format);
    times.push(rep.reduction.ms);
  }
  const { reduction: r, c } = rep;
  console.log(`| ${path.split('/').pop()} | ${kernel} | ${line} | ${r.before} | ${r.events.length} | ${c.calls} | ${r.tests} | ${median(times)} |`);
}
