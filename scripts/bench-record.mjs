// npm run bench:record: what recording costs a program. A C workload (stores into a shared mapping, msync, pwrite
// and pread, 20,000 rounds, on a file in the temporary folder) is timed alone, under strace with the recorder's
// options, and under `cachereplay record` (strace, perf's write faults where the machine allows, and the analysis
// of the recording). Medians of BENCH_RUNS (5) runs, interleaved; ratios against the program alone.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const runs = Number(process.env.BENCH_RUNS ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'cachereplay-bench-record-'));
const src = join(dir, 'workload.c');
writeFileSync(src, `
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#define PAGES 256
#define PAGE 4096
int main(int argc, char **argv) {
  int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
  char buf[512] = {0};
  if (fd < 0 || ftruncate(fd, PAGES * PAGE) < 0) return 1;
  char *m = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (m == MAP_FAILED) return 1;
  for (int i = 0; i < 20000; i++) {
    m[(i % PAGES) * PAGE + (i % 512)] = (char)i;
    if (i % 64 == 63) msync(m, PAGES * PAGE, MS_SYNC);
    if (pwrite(fd, buf, sizeof buf, (off_t)((i * 7) % PAGES) * PAGE) < 0) return 1;
    if (pread(fd, buf, sizeof buf, (off_t)((i * 11) % PAGES) * PAGE) < 0) return 1;
  }
  return munmap(m, PAGES * PAGE) < 0 || close(fd) < 0;
}
`);
const cc = spawnSync('cc', ['-O2', '-o', join(dir, 'workload'), src], { encoding: 'utf8' });
if (cc.status !== 0) {
  console.error(`bench:record needs a C compiler: ${cc.stderr}`);
  process.exit(1);
}
const file = join(dir, 'data.bin');
const { straceArgs, faultRecording } = await import(join(root, 'out', 'server', 'src', 'cli', 'record.js'));
const can = faultRecording();
const kinds = {
  alone: () => [join(dir, 'workload'), file],
  strace: () => ['strace', ...straceArgs(join(dir, 's.strace')), '--', join(dir, 'workload'), file],
  record: () => [process.execPath, join(root, 'server', 'out', 'cli.cjs'), 'record', '--fail-on', 'never', '--output', 'json', '-o', join(dir, 'r'), '--', join(dir, 'workload'), file],
};
const times = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
for (let r = 0; r < runs; r++) {
  for (const [k, argv] of Object.entries(kinds)) {
    const a = argv();
    const t0 = process.hrtime.bigint();
    const res = spawnSync(a[0], a.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (res.status !== 0) {
      console.error(`${k} failed (exit ${res.status}): ${res.stderr}`);
      process.exit(1);
    }
    times[k].push(ms);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(times.alone);
console.log(`recorder overhead: 20,000 rounds of store + msync every 64 + pwrite + pread; medians of ${runs} runs (write faults ${can.ok ? 'recorded' : `not recorded: ${can.why}`})`);
console.log('| run | median | runs (ms) | against the program alone |');
console.log('|---|---|---|---|');
for (const [k, xs] of Object.entries(times)) console.log(`| ${k} | ${median(xs).toFixed(0)} ms | ${xs.map((x) => x.toFixed(0)).join(', ')} | ${(median(xs) / base).toFixed(1)}x |`);
rmSync(dir, { recursive: true, force: true });
