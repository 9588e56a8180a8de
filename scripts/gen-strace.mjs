// Generates a large, realistic `strace -f -tt -T -y -o` trace for the benchmark: several processes working on
// files of a FUSE mount (open, pread/pwrite, read/write, lseek, mmap/msync/munmap, fstat, fsync, close) mixed
// with the noise real traces carry (futex, clock_gettime, brk, rt_sigprocmask), unfinished/resumed pairs, and
// one 237588 hazard per few thousand lines so the replay has findings to produce.
import { createWriteStream } from 'node:fs';

/** The parts both workloads share: a seeded random source, the line format, strings cut as -s cuts them, a buffered file. */
function traceWriter(path, seed, maxString) {
  let s = seed >>> 0;
  const rnd = (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
  const out = createWriteStream(path);
  const w = { rnd, buf: '', written: 0 };
  let t = 36000;
  w.stamp = () => {
    t += 0.000001 + rnd(50) / 1e6;
    const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), sec = t % 60;
    return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${sec.toFixed(6).padStart(9, '0')}`;
  };
  w.dur = () => ` <0.0000${String(10 + rnd(89))}>`;
  w.emit = (pid, body) => {
    w.buf += `${String(pid).padEnd(5)} ${w.stamp()} ${body}${w.dur()}\n`;
    w.written++;
  };
  const data = 'abcdefghijklmnopqrstuvwxyz0123456789 '.repeat(Math.ceil(maxString / 37));
  w.str = (n) => `"${data.slice(0, Math.min(n, maxString))}"${n > maxString ? '...' : ''}`;
  w.drain = async () => {
    if (w.buf.length > 1 << 20) {
      if (!out.write(w.buf)) await new Promise((res) => out.once('drain', res));
      w.buf = '';
    }
  };
  w.close = async () => {
    out.write(w.buf);
    await new Promise((res) => out.end(res));
    return w.written;
  };
  return w;
}

/**
 * A database's pattern: one process doing random 4 KiB pwrite64 (and some pread64) all over one 1 GiB file, with
 * an fsync now and then. Its provenance map ends up in a quarter of a million fragments, which is what this
 * workload measures.
 */
export async function generateRandomWrites(path, lines, seed = 42) {
  const w = traceWriter(path, seed, 32);
  const name = '/mnt/fuse/db/table.ibd';
  const d = `3<${name}>`;
  w.emit(4200, `openat(AT_FDCWD</var/lib/db>, "${name}", O_RDWR|O_CLOEXEC) = ${d}`);
  while (w.written < lines) {
    const off = w.rnd(1 << 18) * 4096;
    const r = w.rnd(100);
    if (r < 70) w.emit(4200, `pwrite64(${d}, ${w.str(4096)}, 4096, ${off}) = 4096`);
    else if (r < 99) w.emit(4200, `pread64(${d}, ${w.str(4096)}, 4096, ${off}) = 4096`);
    else w.emit(4200, `fsync(${d}) = 0`);
    await w.drain();
  }
  return w.close();
}

/** `maxString`: what strace's `-s` was (32 by default; debugging data corruption, people raise it to see the data). */
export async function generate(path, lines, seed = 42, maxString = 32) {
  const w = traceWriter(path, seed, maxString);
  const { rnd, emit, str, stamp, dur } = w;
  const pids = [4101, 4102, 4103, 4104];
  const fds = new Map(pids.map((p) => [p, []]));
  let mapAddr = 0x7f0000000000;
  while (w.written < lines) {
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
      w.buf += `${String(pid).padEnd(5)} ${stamp()} read(${d}, <unfinished ...>\n`;
      w.written++;
      const other = pids[(pids.indexOf(pid) + 1) % pids.length];
      emit(other, `rt_sigprocmask(SIG_SETMASK, [], NULL, 8) = 0`);
      w.buf += `${String(pid).padEnd(5)} ${stamp()} <... read resumed>${str(n)}, ${n}) = ${n}${dur()}\n`;
      w.written++;
      f.pos += n;
    } else {
      emit(pid, `brk(0x55d0c${rnd(100000).toString(16)}) = 0x55d0c${rnd(100000).toString(16)}`);
    }
    await w.drain();
  }
  return w.close();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, lines, workload] = process.argv.slice(2);
  const make = workload === 'random-writes' ? generateRandomWrites : generate;
  const n = await make(path ?? '/tmp/bench.strace', Number(lines ?? 1_000_000));
  console.log(`wrote ${n} lines to ${path}`);
}
