// dtruss line -> normalised event. dtruss prints each call once, at its return, with a fixed number of
// arguments per clause (3 by default, `0x%X`; strings as `"%S"` with octal escapes and often a trailing `\0`),
// the return value (`%d`, `0x%X` for mmap) and `0` or `Err#N`. Calls whose clause does not print what the model
// needs (Solaris pwrite without its offset, mmap with 3 arguments) stay generic.
import type { EventDraft } from '../../events.js';
import { decodeCString } from '../text.js';
import {
  ARGS_ONLY_HANDLERS, ev, fcntlCmd, int32, IO_CALLS, mapFlags, msyncFlags, num, openFlags, protOf, whenceOf, type Base, type DialectBits,
} from '../kdump/bsd.js';
import { byName } from '../../by-name.js';

export interface DCall {
  /** The name as printed. */
  name: string;
  argsText: string;
  ret: number | undefined;
  ok: boolean;
}

type Handler = (a: string[], c: DCall, b: Base, d: DialectBits) => EventDraft | undefined;

/** Splits `0x3, "a, b\0", 0x8` at top-level commas (strings may hold commas and parentheses). */
export function splitDtrussArgs(text: string): string[] {
  const out: string[] = [];
  if (text.trim().length === 0) return out;
  let depth = 0;
  let from = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i++;
      while (i < n && text.charCodeAt(i) !== 34) i += text.charCodeAt(i) === 92 ? 2 : 1;
    } else if (c === 40 || c === 91) depth++;
    else if ((c === 41 || c === 93) && depth > 0) depth--;
    else if (c === 44 && depth === 0) {
      out.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  out.push(text.slice(from).trim());
  return out;
}

/** A `"%S"` argument, decoded, without the trailing NUL that dtruss copies along; undefined for non-strings. */
export function strArg(arg: string | undefined): string | undefined {
  if (arg === undefined || arg.charCodeAt(0) !== 34) return undefined;
  let e = arg.length - 1;
  while (e > 0) {
    if (arg.charCodeAt(e) === 34 && arg.charCodeAt(e - 1) !== 92) break;
    e--;
  }
  if (e <= 0) e = arg.length;
  let s = decodeCString(arg.slice(1, e));
  const nul = s.indexOf('\0');
  if (nul >= 0) s = s.slice(0, nul);
  return s;
}

/** macOS, FreeBSD and Solaris suffixes and variants of the same call. */
const ALIASES: Record<string, string> = byName({
  open_nocancel: 'open', open64: 'open', openat_nocancel: 'openat', openat64: 'openat', close_nocancel: 'close',
  read_nocancel: 'read', write_nocancel: 'write', pread_nocancel: 'pread', pwrite_nocancel: 'pwrite', pread64: 'pread',
  pwrite64: 'pwrite', readv_nocancel: 'readv', writev_nocancel: 'writev', fcntl_nocancel: 'fcntl', fcntl64: 'fcntl',
  msync_nocancel: 'msync', fsync_nocancel: 'fsync', mmap64: 'mmap', lseek64: 'lseek', ftruncate64: 'ftruncate',
  truncate64: 'truncate', exece: 'execve', rexit: 'exit', __vfork14: 'vfork', forkall: 'fork',
});

export function canonicalName(name: string): string {
  return ALIASES[name] ?? name;
}

function fdOrCwd(arg: string | undefined, d: DialectBits): number | undefined {
  const v = int32(arg);
  return v === undefined || v === d.atFdcwd || v < 0 ? undefined : v;
}

function io(kind: 'read' | 'write', a: string[], c: DCall, b: Base, positional: boolean): EventDraft | undefined {
  const fd = int32(a[0]);
  if (fd === undefined || c.ret === undefined || c.ret < 0) return undefined;
  let offset: number | undefined;
  if (positional) {
    // Solaris dtruss prints pread/pwrite with three arguments: without the offset the write cannot be placed.
    if (a.length < 4) return undefined;
    offset = num(a[3]);
    if (offset === undefined) return undefined;
  }
  return ev(b, kind, { fd, offset, length: c.ret });
}

function forkEv(b: Base, c: DCall, shareVm: boolean): EventDraft | undefined {
  // The child's own line says 0: only the parent's names the child.
  if (c.ret === undefined || c.ret <= 0) return undefined;
  return ev(b, 'fork', { child: c.ret, shareFiles: false, shareVm, thread: false });
}

function openEv(b: Base, c: DCall, d: DialectBits, pathArg: string | undefined, dirfd: number | undefined, flagsArg: string | undefined): EventDraft | undefined {
  if (c.ret === undefined) return undefined;
  const path = strArg(pathArg);
  return ev(b, 'open', {
    fd: c.ret, flags: openFlags(flagsArg, d),
    target: path === undefined ? undefined : { path, dirfd, dirPath: undefined }, resolvedPath: undefined,
  });
}

const handlers: Record<string, Handler> = byName({
  ...ARGS_ONLY_HANDLERS,
  open: (a, c, b, d) => openEv(b, c, d, a[0], undefined, a[1]),
  openat: (a, c, b, d) => openEv(b, c, d, a[1], fdOrCwd(a[0], d), a[2]),
  dup: (a, c, b) => { const fd = int32(a[0]); return fd === undefined || c.ret === undefined ? undefined : ev(b, 'dup', { fd, newfd: c.ret, cloexec: false }); },
  fcntl: (a, c, b, d) => {
    const fd = int32(a[0]);
    const cmd = fcntlCmd(a[1], d);
    if (fd === undefined || cmd === undefined) return undefined;
    if (cmd === 'F_DUPFD' || cmd === 'F_DUPFD_CLOEXEC') return c.ret === undefined ? undefined : ev(b, 'dup', { fd, newfd: c.ret, cloexec: cmd === 'F_DUPFD_CLOEXEC' });
    if (cmd === 'F_SETFL') { const f = openFlags(a[2], d); return ev(b, 'setfl', { fd, direct: f.direct, append: f.append }); }
    if (cmd === 'F_SETFD') return ev(b, 'setfd', { fd, cloexec: ((num(a[2]) ?? 0) & 1) === 1 });
    return undefined;
  },
  fork: (_a, c, b) => forkEv(b, c, false),
  vfork: (_a, c, b) => forkEv(b, c, true),
  pdfork: (_a, c, b) => forkEv(b, c, false),
  rfork: (_a, c, b) => forkEv(b, c, false),
  forksys: (a, c, b) => forkEv(b, c, num(a[0]) === 1),
  execve: (a, _c, b) => ev(b, 'exec', { path: strArg(a[0]) }),
  exit: (a, _c, b) => ev(b, 'exit', { code: int32(a[0]), threadOnly: false }),
  mmap: (a, c, b, d) => {
    if (a.length < 6 || c.ret === undefined) return undefined;
    const length = num(a[1]); const fd = int32(a[4]); const offset = num(a[5]);
    if (length === undefined || fd === undefined || offset === undefined) return undefined;
    const f = mapFlags(a[3], d);
    return ev(b, 'mmap', { addr: c.ret, length, prot: protOf(a[2]), shared: f.shared, anonymous: f.anonymous, fd, offset });
  },
  msync: (a, _c, b, d) => {
    const addr = num(a[0]); const length = num(a[1]);
    if (addr === undefined || length === undefined || a.length < 3) return undefined;
    return ev(b, 'msync', { addr, length, ...msyncFlags(a[2], d) });
  },
  lseek: (a, c, b) => {
    const fd = int32(a[0]); const offset = num(a[1]);
    if (fd === undefined || offset === undefined) return undefined;
    return ev(b, 'lseek', { fd, offset, result: c.ret, whence: whenceOf(a[2]) });
  },
  llseek: (a, c, b) => {
    // Solaris llseek(fd, offset as two words, whence): the arguments are split, the result is the new offset.
    const fd = int32(a[0]);
    if (fd === undefined || c.ret === undefined) return undefined;
    return ev(b, 'lseek', { fd, offset: c.ret, result: c.ret, whence: 'set' });
  },
  ftruncate: (a, _c, b) => { const fd = int32(a[0]); const size = num(a[1]); return fd === undefined || size === undefined ? undefined : ev(b, 'truncate', { fd, size }); },
  truncate: (a, _c, b) => { const path = strArg(a[0]); const size = num(a[1]); return path === undefined || size === undefined ? undefined : ev(b, 'truncate', { path, size }); },
  fdsync: (a, _c, b) => {
    // Solaris fsync/fdatasync: fdsync(fd, FSYNC=0x10 | FDSYNC=0x40)
    const fd = int32(a[0]);
    return fd === undefined ? undefined : ev(b, 'sync', { fd, how: ((num(a[1]) ?? 0) & 0x40) !== 0 ? 'fdatasync' : 'fsync' });
  },
  rename: (a, _c, b) => { const f = strArg(a[0]); const t = strArg(a[1]); return f === undefined || t === undefined ? undefined : ev(b, 'rename', { from: f, to: t }); },
  unlink: (a, _c, b) => { const p = strArg(a[0]); return p === undefined ? undefined : ev(b, 'unlink', { path: p }); },
  chdir: (a, _c, b) => ev(b, 'chdir', { path: strArg(a[0]) }),
  /** cachereplay.d's page-fault line: `vm_fault(0xADDR, 0xTYPE)`, TYPE a VM_PROT_* mask (VM_PROT_WRITE = 2). */
  vm_fault: (a, _c, b) => {
    const addr = num(a[0]); const type = num(a[1]);
    if (addr === undefined || type === undefined || (type & 2) === 0) return undefined;
    return ev(b, 'store', { evidence: 'definite', addr, fd: undefined, path: undefined, offset: undefined, length: 0, source: 'pflt', wholePage: true });
  },
});
for (const [name, [kind, positional]] of Object.entries(IO_CALLS)) handlers[name] = (a, c, b) => io(kind, a, c, b, positional);

/** Builds the event of a dtruss line; unknown, failed or undecodable calls become generic events. */
export function buildDtrussEvent(c: DCall, b: Base, d: DialectBits): EventDraft {
  const h = handlers[canonicalName(c.name)];
  if (h !== undefined && c.ok) {
    const e = h(splitDtrussArgs(c.argsText), c, b, d);
    if (e !== undefined) return e;
  }
  return ev(b, 'generic', {});
}

/** macOS dtruss: `posix_spawn(0x7FF... -> PID 1234, "/bin/ls" (0x...), ...)`: the child and its program. */
export function spawnOf(argsText: string): { child: number; path: string | undefined } | undefined {
  const m = /->\s*PID\s+(\d+)/.exec(argsText);
  if (!m) return undefined;
  const a = splitDtrussArgs(argsText);
  const p = a[1] === undefined ? undefined : strArg(a[1].replace(/\s*\(0x[0-9A-Fa-f]+\)\s*$/, ''));
  return { child: Number(m[1]), path: p };
}
