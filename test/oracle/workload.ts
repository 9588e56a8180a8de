// Seeded random workloads for the oracle (scripts/oracle.mjs): one to three processes, one or two files, and
// the calls the model knows, mixed: stores through shared mappings, msync with each flag, munmap and mmap again,
// write and pwrite, O_DIRECT pwrite (aligned), ftruncate (growing, and shrinking to any byte), fallocate
// (punch, zero range), fsync, close and open again. Emitted as events, from which the reducer's C emitter makes the
// program: the same code path that writes reproducers.
import type { EventDraft, OpenFlags, TraceEvent } from '../../server/src/engine/events.js';

const PAGE = 4096;
const RW: OpenFlags = { read: true, write: true, direct: false, trunc: false, append: false, cloexec: false, creat: true, directory: false };

export interface Workload {
  events: TraceEvent[];
  /** The files, by path as the events name them (the C program maps file i to PATH or PATH.i). */
  files: string[];
}

/** A deterministic generator of numbers below n. */
function random(seed: number): (n: number) => number {
  let s = (seed * 2654435761) >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

export interface WorkloadOptions {
  steps?: number;
  /** Whether the file system takes fallocate (bindfs 1.14's does not: EOPNOTSUPP for every mode). */
  fallocate?: boolean;
  /**
   * Whether shared mappings can be made: not under direct_io unless the daemon grants FUSE_DIRECT_IO_ALLOW_MMAP
   * (fuse_file_mmap returns ENODEV), which neither daemon here does.
   */
  mappings?: boolean;
  /**
   * Whether O_DIRECT descriptors are opened: not on mergerfs 2.33, which opens its backing file with the caller's
   * O_DIRECT and writes from unaligned buffers (EINVAL, and EIO for the write-back that picks that handle).
   */
  direct?: boolean;
}

export function workload(seed: number, options: WorkloadOptions = {}): Workload {
  const steps = options.steps ?? 24;
  const rnd = random(seed);
  const files = Array.from({ length: 1 + rnd(2) }, (_, i) => `/oracle/file${i}`);
  const events: TraceEvent[] = [];
  let line = 0;
  let nextAddr = 0x7f0000000000;
  const add = (e: EventDraft): void => {
    events.push({ ...e, seq: events.length + 1, span: { line: line++, start: 0, end: 1 }, ok: true } as TraceEvent);
  };
  const base = (pid: number, name: string) => ({ pid, name, ok: true });
  const size = files.map(() => (1 + rnd(8)) * PAGE);
  // main() opens every file (fd 3, 4) and sizes it; O_DIRECT descriptors are 5, 6.
  const pids = [1000];
  files.forEach((path, i) => {
    add({ ...base(1000, 'openat'), kind: 'open', fd: 3 + i, target: { path }, resolvedPath: path, flags: { ...RW, trunc: true } } as EventDraft);
    add({ ...base(1000, 'ftruncate'), kind: 'truncate', fd: 3 + i, size: size[i] } as EventDraft);
  });
  const direct = rnd(2) === 0 && options.direct !== false;
  if (direct) files.forEach((path, i) => add({ ...base(1000, 'openat'), kind: 'open', fd: 5 + i, target: { path }, resolvedPath: path, flags: { ...RW, direct: true } } as EventDraft));
  for (let p = 1, n = rnd(3); p <= n; p++) {
    pids.push(1000 + p);
    add({ ...base(1000, 'clone'), kind: 'fork', child: 1000 + p, shareFiles: false, shareVm: false, thread: false } as EventDraft);
  }
  // Each process maps each file, whole.
  const maps = new Map<number, Array<{ file: number; addr: number; length: number; live: boolean }>>();
  const map = (pid: number, file: number): void => {
    const length = size[file];
    const addr = nextAddr;
    nextAddr += 0x1000000;
    add({ ...base(pid, 'mmap'), kind: 'mmap', addr, length, prot: { read: true, write: true, exec: false }, shared: true, anonymous: false, fd: 3 + file, offset: 0 } as EventDraft);
    maps.get(pid)!.push({ file, addr, length, live: true });
  };
  for (const pid of pids) {
    maps.set(pid, []);
    if (options.mappings !== false) files.forEach((_, i) => map(pid, i));
  }
  /** A mapping of `file` in `pid` that is still live, if any. */
  const live = (pid: number, file: number) => maps.get(pid)!.find((m) => m.file === file && m.live);
  for (let k = 0; k < steps; k++) {
    const pid = pids[rnd(pids.length)];
    const file = rnd(files.length);
    const m = live(pid, file);
    const fsize = size[file];
    switch (rnd(12)) {
      case 0: case 1: case 2: {
        // A store inside the mapping and the file.
        if (!m) break;
        const limit = Math.min(m.length, fsize);
        if (limit <= 0) break;
        const off = rnd(limit);
        const len = 1 + rnd(Math.min(limit - off, 3 * PAGE));
        add({ ...base(pid, 'store'), kind: 'store', evidence: 'definite', addr: m.addr + off, length: len, source: 'pflt', wholePage: false } as EventDraft);
        break;
      }
      case 3: {
        if (!m) break;
        const off = rnd(m.length / PAGE) * PAGE;
        const flags = rnd(4);
        add({ ...base(pid, 'msync'), kind: 'msync', addr: m.addr + off, length: (1 + rnd((m.length - off) / PAGE)) * PAGE, sync: flags === 0 || flags === 3, async: flags === 1, invalidate: flags >= 2 } as EventDraft);
        break;
      }
      case 4: case 5: {
        // A buffered pwrite, within the file or growing it a little.
        const off = rnd(fsize + PAGE);
        const len = 1 + rnd(2 * PAGE);
        add({ ...base(pid, 'pwrite64'), kind: 'write', fd: 3 + file, offset: off, length: len } as EventDraft);
        size[file] = Math.max(fsize, off + len);
        break;
      }
      case 6: {
        if (!direct) break;
        const off = rnd(Math.floor(fsize / PAGE) + 1) * PAGE;
        const len = (1 + rnd(2)) * PAGE;
        add({ ...base(pid, 'pwrite64'), kind: 'write', fd: 5 + file, offset: off, length: len, direct: true } as EventDraft);
        size[file] = Math.max(fsize, off + len);
        break;
      }
      case 7: {
        // ftruncate: grow, or shrink, to any byte, under the mappings too: stores stay below the size (one
        // past it would be SIGBUS), so what a shrink drops is meant.
        const to = rnd(2) === 0 ? fsize + 1 + rnd(4 * PAGE) : 1 + rnd(fsize);
        if (to === fsize) break;
        add({ ...base(pid, 'ftruncate'), kind: 'truncate', fd: 3 + file, size: to } as EventDraft);
        size[file] = to;
        break;
      }
      case 8: {
        if (options.fallocate === false) break;
        const off = rnd(Math.max(1, fsize / PAGE)) * PAGE;
        const op = rnd(2) === 0 ? 'punch' : 'zero';
        add({ ...base(pid, 'fallocate'), kind: 'space', fd: 3 + file, offset: off, length: PAGE * (1 + rnd(2)), op, keepSize: true } as EventDraft);
        break;
      }
      case 9:
        add({ ...base(pid, 'fsync'), kind: 'sync', fd: 3 + file, how: 'fsync' } as EventDraft);
        break;
      case 10:
        // close and open again, the mappings left alive (Linux: the close flushes, the open invalidates).
        add({ ...base(pid, 'close'), kind: 'close', fd: 3 + file } as EventDraft);
        add({ ...base(pid, 'openat'), kind: 'open', fd: 3 + file, target: { path: files[file] }, resolvedPath: files[file], flags: RW } as EventDraft);
        break;
      default: {
        // munmap and map again (the file's size now).
        if (!m) break;
        add({ ...base(pid, 'munmap'), kind: 'munmap', addr: m.addr, length: m.length } as EventDraft);
        m.live = false;
        if (size[file] >= PAGE) map(pid, file);
        break;
      }
    }
  }
  for (const pid of pids.slice(1)) add({ ...base(pid, 'exit_group'), kind: 'exit', code: 0, threadOnly: false } as EventDraft);
  return { events, files };
}
