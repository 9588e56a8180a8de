// kdump CALL/RET pair -> normalised event. Arguments come from the CALL line (hex `%#jx` numbers, decoded masks
// like `0x602<O_RDWR|O_CREAT|O_TRUNC>`, or raw numbers with -n), paths from the NAMI records in between, struct
// contents from STRU records, and the result from the RET line. Only what the model needs is decoded.
import type { EventDraft, Span } from '../../events.js';
import {
  ARGS_ONLY_HANDLERS, ev, fcntlCmd, int32, IO_CALLS, mapFlags, maskNames, msyncFlags, num, openFlags, protOf, whenceOf,
  type Base, type Dialect, type DialectBits,
} from './bsd.js';
import { byName } from '../../by-name.js';

export interface KCall {
  name: string;
  /** The text between the parentheses of the CALL line ('' without arguments). */
  args: string;
  span: Span;
  pid: number;
  tid: number | undefined;
  time: number | undefined;
  /** NAMI paths recorded during the call, in order. */
  paths: string[] | undefined;
  /** The first `struct stat {...}` STRU record of the call. */
  stru: string | undefined;
  /** A child already announced for this fork (its first record came before the parent's RET). */
  child: number | undefined;
}

export interface KResult {
  /** undefined for RESTART/JUSTRETURN and unreadable values. */
  ret: number | undefined;
  ok: boolean;
  errno: string | undefined;
}

interface Ctx {
  call: KCall;
  res: KResult;
  d: DialectBits;
  dialect: Dialect;
}

type Handler = (a: string[], c: Ctx, b: Base) => EventDraft | undefined;

/** Splits the CALL argument text at top-level commas (NetBSD masks `0x1002<PRIVATE,ANONYMOUS>` contain commas). */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  if (text.length === 0) return out;
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 60 || c === 40 || c === 91 || c === 123) depth++;
    else if (c === 62 || c === 41 || c === 93 || c === 125) {
      if (depth > 0) depth--;
    } else if (c === 34) {
      const e = text.indexOf('"', i + 1);
      if (e > i) i = e;
    } else if (c === 44 && depth === 0) {
      out.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  out.push(text.slice(from).trim());
  return out;
}

function fdArg(arg: string | undefined, d: DialectBits): number | undefined {
  if (arg === undefined) return undefined;
  if (arg === 'AT_FDCWD') return d.atFdcwd;
  return int32(arg);
}

/** A 64-bit value printed in one slot, or in two (low, high) on 32-bit ABIs. */
function off64(a: string[], i: number, split: boolean): number | undefined {
  const lo = num(a[i]);
  if (!split || lo === undefined) return lo;
  const hi = num(a[i + 1]);
  return hi === undefined ? undefined : (lo >>> 0) + hi * 4294967296;
}

/** Where the offset of pread/pwrite/lseek/ftruncate is when the call has one more argument than on amd64. */
function offsetArg(a: string[], i: number, normal: number, dialect: Dialect): number | undefined {
  if (a.length <= normal) return num(a[i]);
  // NetBSD (and OpenBSD before 7.x) pass an `int pad` before 64-bit offsets; FreeBSD i386 splits them in two slots.
  if (dialect === 'openbsd' || dialect === 'netbsd') return num(a[i + 1]);
  return off64(a, i, true);
}

function io(kind: 'read' | 'write', a: string[], c: Ctx, b: Base, positional: boolean): EventDraft | undefined {
  const fd = int32(a[0]);
  const n = c.res.ret;
  if (fd === undefined || n === undefined || n < 0) return undefined;
  let offset: number | undefined;
  if (positional) {
    offset = offsetArg(a, 3, 4, c.dialect);
    if (offset === undefined) return undefined;
  }
  return ev(b, kind, { fd, offset, length: n });
}

function pathOf(c: Ctx, i = 0): string | undefined {
  return c.call.paths?.[i];
}

function openEv(b: Base, c: Ctx, path: string | undefined, dirfd: number | undefined, flagsArg: string | undefined): EventDraft | undefined {
  if (c.res.ret === undefined) return undefined;
  return ev(b, 'open', {
    fd: c.res.ret, flags: openFlags(flagsArg, c.d),
    target: path === undefined ? undefined : { path, dirfd: dirfd === c.d.atFdcwd ? undefined : dirfd, dirPath: undefined },
    resolvedPath: undefined,
  });
}

/** `struct stat {... mode=0100644, ... size=8192, ...}` (`mode=-rw-r--r--` with kdump -r). */
function statOf(b: Base, c: Ctx, fd: number | undefined, path: string | undefined): EventDraft | undefined {
  const s = c.call.stru;
  if (s === undefined || (fd === undefined && path === undefined)) return undefined;
  const mode = /\bmode=([^,\s]+)/.exec(s)?.[1];
  const size = /\bsize=(\d+)/.exec(s)?.[1];
  if (mode === undefined || size === undefined) return undefined;
  const regular = mode.startsWith('-') || (/^0[0-7]+$/.test(mode) && (parseInt(mode, 8) & 0o170000) === 0o100000);
  return regular ? ev(b, 'stat', { fd, path, size: Number(size) }) : undefined;
}

function forkEv(b: Base, child: number | undefined, shareVm: boolean, shareFiles: boolean): EventDraft | undefined {
  if (child === undefined || child <= 0) return undefined;
  return ev(b, 'fork', { child, shareFiles, shareVm, thread: false });
}

const RFFDG = 1 << 2;
const RFPROC = 1 << 4;
const RFMEM = 1 << 5;
const RFCFDG = 1 << 12;
const RFSPAWN = 2 ** 31;

function rforkFlags(arg: string | undefined): { proc: boolean; mem: boolean; copyFds: boolean } {
  const names = maskNames(arg);
  if (names !== undefined) {
    const spawn = names.has('SPAWN');
    return { proc: names.has('PROC') || spawn, mem: names.has('MEM') || spawn, copyFds: names.has('FDG') || names.has('CFDG') || spawn };
  }
  const v = num(arg) ?? 0;
  const spawn = v >= RFSPAWN;
  const low = v % RFSPAWN;
  return { proc: (low & RFPROC) !== 0 || spawn, mem: (low & RFMEM) !== 0 || spawn, copyFds: (low & (RFFDG | RFCFDG)) !== 0 || spawn };
}

const handlers: Record<string, Handler> = byName({
  ...ARGS_ONLY_HANDLERS,
  open: (a, c, b) => openEv(b, c, pathOf(c), undefined, a[1]),
  openat: (a, c, b) => openEv(b, c, pathOf(c), fdArg(a[0], c.d), a[2]),
  dup: (a, c, b) => { const fd = int32(a[0]); return fd === undefined || c.res.ret === undefined ? undefined : ev(b, 'dup', { fd, newfd: c.res.ret, cloexec: false }); },
  dup3: (a, _c, b) => {
    const fd = int32(a[0]); const nfd = int32(a[1]);
    return fd === undefined || nfd === undefined ? undefined : ev(b, 'dup', { fd, newfd: nfd, cloexec: maskNames(a[2])?.has('CLOEXEC') ?? false });
  },
  fcntl: (a, c, b) => {
    const fd = int32(a[0]);
    const cmd = fcntlCmd(a[1], c.d);
    if (fd === undefined || cmd === undefined) return undefined;
    if (cmd === 'F_DUPFD' || cmd === 'F_DUPFD_CLOEXEC') return c.res.ret === undefined ? undefined : ev(b, 'dup', { fd, newfd: c.res.ret, cloexec: cmd === 'F_DUPFD_CLOEXEC' });
    if (cmd === 'F_DUP2FD' || cmd === 'F_DUP2FD_CLOEXEC') { const nfd = int32(a[2]); return nfd === undefined ? undefined : ev(b, 'dup', { fd, newfd: nfd, cloexec: cmd === 'F_DUP2FD_CLOEXEC' }); }
    if (cmd === 'F_SETFL') { const f = openFlags(a[2], c.d); return ev(b, 'setfl', { fd, direct: f.direct, append: f.append }); }
    if (cmd === 'F_SETFD') return ev(b, 'setfd', { fd, cloexec: (a[2] ?? '').includes('FD_CLOEXEC') || ((num(a[2]) ?? 0) & 1) === 1 });
    return undefined;
  },
  fork: (_a, c, b) => forkEv(b, c.res.ret, false, false),
  vfork: (_a, c, b) => forkEv(b, c.res.ret, true, false),
  pdfork: (_a, c, b) => forkEv(b, c.res.ret, false, false),
  rfork: (a, c, b) => {
    const f = rforkFlags(a[0]);
    return f.proc ? forkEv(b, c.res.ret, f.mem, !f.copyFds) : undefined;
  },
  execve: (_a, c, b) => ev(b, 'exec', { path: pathOf(c) }),
  fexecve: (_a, _c, b) => ev(b, 'exec', { path: undefined }),
  mmap: (a, c, b) => {
    if (a.length < 6 || c.res.ret === undefined) return undefined;
    const length = num(a[1]); const fd = int32(a[4]);
    const offset = a.length >= 7 ? (c.dialect === 'openbsd' || c.dialect === 'netbsd' ? num(a[6]) : off64(a, 5, true)) : num(a[5]);
    if (length === undefined || fd === undefined || offset === undefined) return undefined;
    const f = mapFlags(a[3], c.d);
    return ev(b, 'mmap', { addr: c.res.ret, length, prot: protOf(a[2]), shared: f.shared, anonymous: f.anonymous, fd, offset });
  },
  msync: (a, c, b) => {
    const addr = num(a[0]); const length = num(a[1]);
    if (addr === undefined || length === undefined) return undefined;
    return ev(b, 'msync', { addr, length, ...msyncFlags(a[2], c.d) });
  },
  madvise: (a, _c, b) => { const addr = num(a[0]); const length = num(a[1]); return addr === undefined || length === undefined ? undefined : ev(b, 'advise', { addr, offset: 0, length, advice: a[2] ?? '' }); },
  posix_fadvise: (a, _c, b) => {
    const fd = int32(a[0]); const offset = num(a[1]); const length = num(a[2]);
    return fd === undefined || offset === undefined || length === undefined ? undefined : ev(b, 'advise', { fd, offset, length, advice: a[3] ?? '' });
  },
  lseek: (a, c, b) => {
    const fd = int32(a[0]);
    const offset = offsetArg(a, 1, 3, c.dialect);
    if (fd === undefined || offset === undefined) return undefined;
    return ev(b, 'lseek', { fd, offset, result: c.res.ret, whence: whenceOf(a[a.length - 1]) });
  },
  ftruncate: (a, c, b) => { const fd = int32(a[0]); const size = offsetArg(a, 1, 2, c.dialect); return fd === undefined || size === undefined ? undefined : ev(b, 'truncate', { fd, size }); },
  truncate: (a, c, b) => { const path = pathOf(c); const size = offsetArg(a, 1, 2, c.dialect); return path === undefined || size === undefined ? undefined : ev(b, 'truncate', { path, size }); },
  sync: (_a, _c, b) => ev(b, 'sync', { how: 'all' }),
  copy_file_range: (a, c, b) => {
    // The offsets are pointers kdump does not follow: only calls that use the file positions (NULL) are placed.
    const src = int32(a[0]); const dst = int32(a[2]);
    if (src === undefined || dst === undefined || c.res.ret === undefined || num(a[1]) !== 0 || num(a[3]) !== 0) return undefined;
    return ev(b, 'space', { fd: dst, offset: -1, length: c.res.ret, op: 'copy-dest', keepSize: false, srcFd: src, srcOffset: undefined });
  },
  fstat: (a, c, b) => statOf(b, c, int32(a[0]), undefined),
  stat: (_a, c, b) => statOf(b, c, undefined, pathOf(c)),
  lstat: (_a, c, b) => statOf(b, c, undefined, pathOf(c)),
  fstatat: (a, c, b) => {
    const p = pathOf(c);
    return p === '' ? statOf(b, c, fdArg(a[0], c.d), undefined) : statOf(b, c, undefined, p);
  },
  chdir: (_a, c, b) => ev(b, 'chdir', { path: pathOf(c) }),
  rename: (_a, c, b) => { const f = pathOf(c, 0); const t = pathOf(c, 1); return f === undefined || t === undefined ? undefined : ev(b, 'rename', { from: f, to: t }); },
  unlink: (_a, c, b) => { const p = pathOf(c); return p === undefined ? undefined : ev(b, 'unlink', { path: p }); },
});
for (const [name, [kind, positional]] of Object.entries(IO_CALLS)) handlers[name] = (a, c, b) => io(kind, a, c, b, positional);
handlers.renameat = handlers.rename;
handlers.unlinkat = handlers.unlink;
handlers.freebsd11_fstat = handlers.fstat;
handlers.freebsd11_stat = handlers.stat;
handlers.freebsd11_lstat = handlers.lstat;
handlers.freebsd11_fstatat = handlers.fstatat;
handlers.__vfork14 = handlers.vfork; // NetBSD
handlers.__fstat50 = handlers.fstat;
handlers.__stat50 = handlers.stat;
handlers.__lstat50 = handlers.lstat;

/** Calls that end a thread or process: they have a CALL and never a RET. */
export const EXIT_CALLS: Record<string, boolean> = byName({ exit: false, thr_exit: true, __threxit: true, _lwp_exit: true, sys_exit: false });

export const FORK_CALLS = new Set(['fork', 'vfork', 'rfork', 'pdfork', '__vfork14']);

/** Builds the event for a completed call; unknown, failed or undecodable calls become generic events. */
export function buildCallEvent(call: KCall, res: KResult, b: Base, d: DialectBits, dialect: Dialect): EventDraft {
  const h = handlers[call.name];
  if (h !== undefined && res.ok) {
    const e = h(splitArgs(call.args), { call, res, d, dialect }, b);
    if (e !== undefined) return e;
  }
  return ev(b, 'generic', {});
}

/** The exit event of an `exit(0x45)` CALL. */
export function exitEvent(call: KCall, b: Base, threadOnly: boolean): EventDraft {
  const code = int32(splitArgs(call.args)[0]);
  return ev(b, 'exit', { code, threadOnly });
}

export function isModelled(name: string): boolean {
  return name in handlers;
}
