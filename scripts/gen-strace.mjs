// Generates a large, realistic `strace -f -tt -T -y -o` trace for the benchmark: several processes working on
// files of a FUSE mount (open, pread/pwrite, read/write, lseek, mmap/msync/munmap, fstat, fsync, close) mixed
// with the noise real traces carry (futex, clock_gettime, brk, rt_sigprocmask), unfinished/resumed pairs, and
// one 237588 hazard per few thousand lines so the replay has findings to produce.
import { createWriteStream } from 'node:fs';

/** `maxString`: what strace's `-s` was (32 by default; debugging data corruption, people raise it to see the data). */
export async function generate(path, lines, seed = 42, maxString = 32) {
  let s = seed >>> 0;
  const rnd = (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
  const out = createWriteStream(path);
  let buf = '';
  let written = 0;
  let t = 36000;
  const pids = [4101, 4102, 4103, 4104];
  const fds = new Map(pids.map((p) => [p, []]));
  const stamp = () => {
    t += 0.000001 + rnd(50) / 1e6;
    const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), sec = t % 60;
    return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${sec.toFixed(6).padStart(9, '0')}`;
  };
  const dur = () => ` <0.0000${String(10 + rnd(89))}>`;
  const emit = (pid, body) => {
    buf += `${String(pid).padEnd(5)} ${stamp()} ${body}${dur()}\n`;
    written++;
  };
  const data = 'abcdefghijklmnopqrstuvwxyz0123456789 '.repeat(Math.ceil(maxString / 37));
  const str = (n) => `"${data.slice(0, Math.min(n, maxString))}"${n > maxString ? '...' : ''}`;
  let mapAddr = 0x7f0000000000;
  while (written < lines) {
    const pid = pids[rnd(pids.length)];
    const open = fds.get(pid);
    const r = rnd(100);
    if (open.length === 0 || r < 4) {
      const fd = 3 + open.length;
      const name = `/mnt/fuse/data/file${rnd(40)}.bin`;
      emit(pid, `openat(AT_FDCWD</home/user>, "${name}", O_RDWR|O_CREAT|O_CLOEXEC, 0644) = ${fd}<${name}>`);
      open.push({ fd, name, pos: 0 });
      continue;
    }
    const f = open[rnd(open.length)];
    const d = `${f.fd}<${f.name}>`;
    if (r < 26) {
      const n = 1 + rnd(8192);
      emit(pid, `pwrite64(${d}, ${str(n)}, ${n}, ${rnd(1 << 20)}) = ${n}`);
    } else if (r < 40) {
      const n = 1 + rnd(8192);
      emit(pid, `pread64(${d}, ${str(n)}, ${n}, ${rnd(1 << 20)}) = ${n}`);
    } else if (r < 50) {
      const n = 1 + rnd(4096);
      emit(pid, `write(${d}, ${str(n)}, ${n}) = ${n}`);
    } else if (r < 56) {
      const n = 1 + rnd(4096);
      emit(pid, `read(${d}, ${str(n)}, ${n}) = ${n}`);
    } else if (r < 60) {
      emit(pid, `lseek(${d}, ${rnd(1 << 20)}, SEEK_SET) = ${rnd(1 << 20)}`);
    } else if (r < 64) {
      emit(pid, `fstat(${d}, {st_mode=S_IFREG|0644, st_size=${rnd(1 << 20)}, ...}) = 0`);
    } else if (r < 67) {
      const addr = `0x${(mapAddr += 0x10000).toString(16)}`;
      const len = 4096 * (1 + rnd(8));
      const shared = rnd(3) === 0 ? 'MAP_SHARED' : 'MAP_PRIVATE';
      emit(pid, `mmap(NULL, ${len}, PROT_READ|PROT_WRITE, ${shared}, ${d}, ${4096 * rnd(64)}) = ${addr}`);
      if (rnd(2) === 0) emit(pid, `msync(${addr}, ${len}, MS_SYNC) = 0`);
      emit(pid, `munmap(${addr}, ${len}) = 0`);
    } else if (r < 69) {
      emit(pid, `fsync(${d}) = 0`);
    } else if (r < 71) {
      emit(pid, `close(${d}) = 0`);
      open.splice(open.indexOf(f), 1);
    } else if (r < 80) {
      emit(pid, `futex(0x55d0c0a8${rnd(100)}, FUTEX_WAKE_PRIVATE, 1) = ${rnd(2)}`);
    } else if (r < 88) {
      emit(pid, `clock_gettime(CLOCK_MONOTONIC, {tv_sec=${rnd(100000)}, tv_nsec=${rnd(1e9)}}) = 0`);
    } else if (r < 92) {
      const n = 1 + rnd(4096);
      buf += `${String(pid).padEnd(5)} ${stamp()} read(${d}, <unfinished ...>\n`;
      written++;
      const other = pids[(pids.indexOf(pid) + 1) % pids.length];
      emit(other, `rt_sigprocmask(SIG_SETMASK, [], NULL, 8) = 0`);
      buf += `${String(pid).padEnd(5)} ${stamp()} <... read resumed>${str(n)}, ${n}) = ${n}${dur()}\n`;
      written++;
      f.pos += n;
    } else {
      emit(pid, `brk(0x55d0c${rnd(100000).toString(16)}) = 0x55d0c${rnd(100000).toString(16)}`);
    }
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((res) => out.once('drain', res));
      buf = '';
    }
  }
  out.write(buf);
  await new Promise((res) => out.end(res));
  return written;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, lines] = process.argv.slice(2);
  const n = await generate(path ?? '/tmp/bench.strace', Number(lines ?? 1_000_000));
  console.log(`wrote ${n} lines to ${path}`);
}
