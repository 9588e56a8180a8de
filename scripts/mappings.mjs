// npm run bench:mappings [-- --api PATH]: replay time against the number of live shared mappings. A generated
// strace trace opens N files, maps each MAP_SHARED and writable (all live at once), pwrites, msyncs and stores
// into each while all are mapped, then unmaps and closes them; N = 8,000, 16,000, 32,000 and 64,000. Time per
// call should not grow with N. Each N runs in a fresh process, three times; medians are reported.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { api: { type: 'string' }, runs: { type: 'string', default: '3' }, sizes: { type: 'string', default: '8000,16000,32000,64000' } } });
const api = values.api ?? join(root, 'server', 'out', 'api.cjs');

function trace(n) {
  const path = join(tmpdir(), `cachereplay-mappings-${n}.strace`);
  const lines = [];
  const addr = (i) => `0x${(0x7f0000000000 + i * 0x10000).toString(16)}`;
  for (let i = 0; i < n; i++) {
    const fd = 3 + i;
    lines.push(`100 openat(AT_FDCWD, "/mnt/fuse/f${i}", O_RDWR|O_CREAT, 0644) = ${fd}`, `100 ftruncate(${fd}, 8192) = 0`, `100 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, ${fd}, 0) = ${addr(i)}`);
  }
  for (let i = 0; i < n; i++) {
    const fd = 3 + i;
    lines.push(`100 pwrite64(${fd}, "x"..., 100, 1000) = 100`, `100 msync(${addr(i)}, 8192, MS_SYNC) = 0`, `100 pwrite64(${fd}, "x"..., 100, 5000) = 100`);
  }
  for (let i = 0; i < n; i++) lines.push(`100 munmap(${addr(i)}, 8192) = 0`, `100 close(${3 + i}) = 0`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return { path, calls: lines.length };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`replay of N live shared mappings (${api}), kernel freebsd-2019, write-through; median of ${values.runs} runs\n`);
console.log('| live mappings | calls | time | per call |');
console.log('|---|---|---|---|');
for (const n of values.sizes.split(',').map(Number)) {
  const { path, calls } = trace(n);
  const ms = [];
  let findings = 0;
  for (let r = 0; r < Number(values.runs); r++) {
    const script = `const api = require(${JSON.stringify(api)}); (async () => { const t0 = performance.now();
      const a = await api.analyzeFile(${JSON.stringify(path)}, { kernel: 'freebsd-2019', mode: 'write-through', threads: 1 });
      console.log(JSON.stringify({ ms: performance.now() - t0, findings: a.findings.length })); })();`;
    const out = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 600_000 });
    if (out.status !== 0) throw new Error(out.stderr || `timed out at ${n} mappings`);
    const res = JSON.parse(out.stdout);
    ms.push(res.ms);
    findings = res.findings;
  }
  const m = median(ms);
  console.log(`| ${n.toLocaleString('en-US')} | ${calls.toLocaleString('en-US')} | ${(m / 1000).toFixed(2)} s | ${((m * 1000) / calls).toFixed(1)} µs (${findings} findings) |`);
}
