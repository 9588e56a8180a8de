// Values shared by the BSD-family formats (kdump, dtruss/DTrace): flag bits per system, errno names, number
// parsing for kdump's `%#jx` and dtruss's `0x%X` arguments, and the in-place event builder.
import { detach } from '../../detach.js';
import type { EventBase, EventDraft, OpenFlags, Prot } from '../../events.js';
import { byName } from '../../by-name.js';

export type Base = Omit<EventBase, 'seq'>;

type Fields<K extends EventDraft['kind']> = Omit<Extract<EventDraft, { kind: K }>, keyof Base | 'kind'>;

/** Turns a base record into an event of `kind` by adding fields in place (one hidden class per kind, as in strace). */
export function ev<K extends EventDraft['kind']>(b: Base, kind: K, fields: Fields<K>): EventDraft {
  const e = b as Record<string, unknown>;
  e.kind = kind;
  for (const k in fields) e[k] = (fields as Record<string, unknown>)[k];
  return e as unknown as EventDraft;
}

/** A base record with every field in a fixed order (one hidden class for all bases). */
export function base(name: string, span: EventBase['span'], pid: number | undefined, tid: number | undefined, time: number | undefined, ok: boolean, errno: string | undefined): Base {
  return { span, endSpan: undefined, pid, tid, time, name, ok, errno, durationSec: undefined, fdPath: undefined };
}

/** The systems whose raw flag numbers differ. Decoded names (`0x602<O_RDWR|O_CREAT|O_TRUNC>`) need no dialect. */
export type Dialect = 'freebsd' | 'openbsd' | 'netbsd' | 'macos' | 'solaris';

export interface DialectBits {
  open: { WRONLY: number; RDWR: number; APPEND: number; CREAT: number; TRUNC: number; DIRECT: number; DIRECTORY: number; CLOEXEC: number };
  map: { SHARED: number; PRIVATE: number; FIXED: number; ANON: number };
  /** MS_SYNC is 0 on FreeBSD: a call without MS_ASYNC is synchronous everywhere. */
  msync: { ASYNC: number; INVALIDATE: number };
  fcntl: Record<number, string>;
  atFdcwd: number;
}

const BSD_FCNTL: Record<number, string> = { 0: 'F_DUPFD', 1: 'F_GETFD', 2: 'F_SETFD', 3: 'F_GETFL', 4: 'F_SETFL' };

export const DIALECTS: Record<Dialect, DialectBits> = {
  // sys/fcntl.h, sys/mman.h of FreeBSD 14
  freebsd: {
    open: { WRONLY: 1, RDWR: 2, APPEND: 8, CREAT: 0x200, TRUNC: 0x400, DIRECT: 0x10000, DIRECTORY: 0x20000, CLOEXEC: 0x100000 },
    map: { SHARED: 1, PRIVATE: 2, FIXED: 0x10, ANON: 0x1000 },
    msync: { ASYNC: 1, INVALIDATE: 2 },
    fcntl: { ...BSD_FCNTL, 10: 'F_DUP2FD', 17: 'F_DUPFD_CLOEXEC', 18: 'F_DUP2FD_CLOEXEC' },
    atFdcwd: -100,
  },
  openbsd: {
    open: { WRONLY: 1, RDWR: 2, APPEND: 8, CREAT: 0x200, TRUNC: 0x400, DIRECT: 0, DIRECTORY: 0x20000, CLOEXEC: 0x10000 },
    map: { SHARED: 1, PRIVATE: 2, FIXED: 0x10, ANON: 0x1000 },
    msync: { ASYNC: 1, INVALIDATE: 4 },
    fcntl: { ...BSD_FCNTL, 10: 'F_DUPFD_CLOEXEC' },
    atFdcwd: -100,
  },
  netbsd: {
    open: { WRONLY: 1, RDWR: 2, APPEND: 8, CREAT: 0x200, TRUNC: 0x400, DIRECT: 0x80000, DIRECTORY: 0x200000, CLOEXEC: 0x400000 },
    map: { SHARED: 1, PRIVATE: 2, FIXED: 0x10, ANON: 0x1000 },
    msync: { ASYNC: 1, INVALIDATE: 2 },
    fcntl: { ...BSD_FCNTL, 12: 'F_DUPFD_CLOEXEC' },
    atFdcwd: -100,
  },
  macos: {
    open: { WRONLY: 1, RDWR: 2, APPEND: 8, CREAT: 0x200, TRUNC: 0x400, DIRECT: 0, DIRECTORY: 0x100000, CLOEXEC: 0x1000000 },
    map: { SHARED: 1, PRIVATE: 2, FIXED: 0x10, ANON: 0x1000 },
    msync: { ASYNC: 1, INVALIDATE: 2 },
    fcntl: { ...BSD_FCNTL, 67: 'F_DUPFD_CLOEXEC' },
    atFdcwd: -2,
  },
  solaris: {
    open: { WRONLY: 1, RDWR: 2, APPEND: 8, CREAT: 0x100, TRUNC: 0x200, DIRECT: 0, DIRECTORY: 0x1000000, CLOEXEC: 0x800000 },
    map: { SHARED: 1, PRIVATE: 2, FIXED: 0x10, ANON: 0x100 },
    msync: { ASYNC: 1, INVALIDATE: 2 },
    fcntl: { ...BSD_FCNTL, 37: 'F_DUPFD_CLOEXEC' },
    atFdcwd: 0xffd19553 | 0,
  },
};

// ------------------------------------------------------------------ numbers

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/**
 * The numeric value of an argument: `0x1f`, `0X1F`, `31`, `-1`, the leading number of a mask `0x602<...>`, a
 * string in decimal. 16-digit hex with the top bit set is a negative 64-bit value (`0xffffffffffffff9c` = -100).
 * Returns undefined for anything else (names, pointers in `"..."`, empty).
 */
export function num(arg: string | undefined): number | undefined {
  if (arg === undefined) return undefined;
  let i = 0;
  const n = arg.length;
  while (i < n && arg.charCodeAt(i) === 32) i++;
  let neg = false;
  if (arg.charCodeAt(i) === 45) {
    neg = true;
    i++;
  }
  const c0 = arg.charCodeAt(i);
  if (c0 === 48 && (arg.charCodeAt(i + 1) | 32) === 120) {
    let j = i + 2;
    while (j < n && isHexDigit(arg.charCodeAt(j))) j++;
    if (j === i + 2 || !endsNumber(arg, j)) return undefined;
    const digits = arg.slice(i + 2, j);
    let v: number;
    if (digits.length === 16 && parseInt(digits[0], 16) >= 8) v = Number(BigInt.asIntN(64, BigInt(`0x${digits}`)));
    else v = parseInt(digits, 16);
    return neg ? -v : v;
  }
  if (c0 < 48 || c0 > 57) return undefined;
  let j = i;
  let v = 0;
  while (j < n) {
    const c = arg.charCodeAt(j);
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
    j++;
  }
  if (!endsNumber(arg, j)) return undefined;
  return neg ? -v : v;
}

/** A number ends at the end of the text, at a mask `<`, at `/` (`100/0x64`) or at a space. */
function endsNumber(s: string, j: number): boolean {
  if (j >= s.length) return true;
  const c = s.charCodeAt(j);
  return c === 60 || c === 47 || c === 32 || c === 9;
}

/** An `int` argument printed from a 64-bit register: only the low 32 bits count (`0xffffffff` is fd -1). */
export function int32(arg: string | undefined): number | undefined {
  if (arg === undefined) return undefined;
  const t = arg.trim();
  if (t.length > 2 && t.charCodeAt(0) === 48 && (t.charCodeAt(1) | 32) === 120) {
    let j = 2;
    while (j < t.length && isHexDigit(t.charCodeAt(j))) j++;
    if (j === 2 || !endsNumber(t, j)) return undefined;
    const digits = t.slice(Math.max(2, j - 8), j);
    return parseInt(digits, 16) | 0;
  }
  const v = num(t);
  return v === undefined ? undefined : v;
}

// ------------------------------------------------------------------ flags

const maskCache = new Map<string, ReadonlySet<string> | null>();
const EMPTY: ReadonlySet<string> = new Set();
const PREFIXES = ['VM_PROT_', 'PROT_', 'MAP_', 'MS_', 'O_', 'RF'];

/**
 * The names inside a decoded mask, without their prefixes: `0x602<O_RDWR|O_CREAT|O_TRUNC>` gives
 * {RDWR, CREAT, TRUNC}; NetBSD's `0x1002<PRIVATE,ANONYMOUS,ALIGN=NONE>` gives {PRIVATE, ANONYMOUS, ALIGN=NONE};
 * a bare `PROT_READ|PROT_WRITE` (NetBSD prot) gives {READ, WRITE}. Returns undefined for a plain number.
 */
export function maskNames(arg: string | undefined): ReadonlySet<string> | undefined {
  if (arg === undefined) return undefined;
  let v = maskCache.get(arg);
  if (v === undefined) {
    v = null;
    const lt = arg.indexOf('<');
    let inner: string | undefined;
    if (lt >= 0) {
      const gt = arg.lastIndexOf('>');
      inner = arg.slice(lt + 1, gt > lt ? gt : arg.length);
    } else if (/^[A-Z_][A-Z0-9_]*(?:[|,][A-Z_][A-Z0-9_=()]*)*$/.test(arg.trim())) inner = arg.trim();
    if (inner !== undefined) {
      const set = new Set<string>();
      for (const part of inner.split(/[|,]/)) {
        let p = part.trim();
        if (p.length === 0) continue;
        for (const pre of PREFIXES) {
          if (p.startsWith(pre) && p.length > pre.length) {
            p = p.slice(pre.length);
            break;
          }
        }
        set.add(p);
      }
      v = set.size > 0 ? set : EMPTY;
    }
    if (maskCache.size > 10_000) maskCache.clear();
    maskCache.set(detach(arg), v);
  }
  return v ?? undefined;
}

export function openFlags(arg: string | undefined, d: DialectBits): OpenFlags {
  const names = maskNames(arg);
  if (names !== undefined) {
    const write = names.has('WRONLY') || names.has('RDWR');
    return {
      read: !names.has('WRONLY'), write, direct: names.has('DIRECT'), trunc: names.has('TRUNC'), append: names.has('APPEND'),
      cloexec: names.has('CLOEXEC'), creat: names.has('CREAT'), directory: names.has('DIRECTORY'),
    };
  }
  const v = num(arg) ?? 0;
  const o = d.open;
  const acc = v & 3;
  return {
    read: acc !== o.WRONLY, write: acc === o.WRONLY || acc === o.RDWR, direct: o.DIRECT !== 0 && (v & o.DIRECT) !== 0,
    trunc: (v & o.TRUNC) !== 0, append: (v & o.APPEND) !== 0, cloexec: (v & o.CLOEXEC) !== 0,
    creat: (v & o.CREAT) !== 0, directory: (v & o.DIRECTORY) !== 0,
  };
}

export function protOf(arg: string | undefined): Prot {
  const names = maskNames(arg);
  if (names !== undefined && !(names.size === 1 && names.has('NONE') && (num(arg) ?? 0) !== 0)) {
    return { read: names.has('READ'), write: names.has('WRITE'), exec: names.has('EXEC') };
  }
  const v = num(arg) ?? 0;
  return { read: (v & 1) !== 0, write: (v & 2) !== 0, exec: (v & 4) !== 0 };
}

export function mapFlags(arg: string | undefined, d: DialectBits): { shared: boolean; anonymous: boolean } {
  const names = maskNames(arg);
  if (names !== undefined) return { shared: names.has('SHARED'), anonymous: names.has('ANON') || names.has('ANONYMOUS') };
  const v = num(arg) ?? 0;
  return { shared: (v & d.map.SHARED) !== 0, anonymous: (v & d.map.ANON) !== 0 };
}

export function msyncFlags(arg: string | undefined, d: DialectBits): { sync: boolean; async: boolean; invalidate: boolean } {
  const names = maskNames(arg);
  let async: boolean;
  let invalidate: boolean;
  if (names !== undefined) {
    async = names.has('ASYNC');
    invalidate = names.has('INVALIDATE');
  } else {
    const v = num(arg) ?? 0;
    async = (v & d.msync.ASYNC) !== 0;
    invalidate = (v & d.msync.INVALIDATE) !== 0;
  }
  // FreeBSD's MS_SYNC is 0 and its msync(2) is synchronous unless MS_ASYNC is given; other systems require one of the two.
  return { sync: !async, async, invalidate };
}

export function whenceOf(arg: string | undefined): 'set' | 'cur' | 'end' | 'data' | 'hole' {
  const t = arg?.trim();
  switch (t) {
    case 'SEEK_CUR': case '1': case '0x1': return 'cur';
    case 'SEEK_END': case '2': case '0x2': return 'end';
    case 'SEEK_DATA': case '3': case '0x3': return 'data';
    case 'SEEK_HOLE': case '4': case '0x4': return 'hole';
    default: return 'set';
  }
}

/** A symbolic fcntl command (`F_SETFL`) or its number in the dialect. */
export function fcntlCmd(arg: string | undefined, d: DialectBits): string | undefined {
  if (arg === undefined) return undefined;
  const t = arg.trim();
  if (t.startsWith('F_')) return t;
  const v = num(t);
  return v === undefined ? undefined : d.fcntl[v] ?? t;
}

// ------------------------------------------------------------------ calls

type ArgsHandler = (a: string[], c: unknown, b: Base) => EventDraft | undefined;

/** Calls whose event follows from their printed arguments alone: kdump and dtruss decode them alike. */
export const ARGS_ONLY_HANDLERS: Readonly<Record<string, ArgsHandler>> = {
  close: (a, _c, b) => { const fd = int32(a[0]); return fd === undefined ? undefined : ev(b, 'close', { fd }); },
  dup2: (a, _c, b) => { const fd = int32(a[0]); const nfd = int32(a[1]); return fd === undefined || nfd === undefined ? undefined : ev(b, 'dup', { fd, newfd: nfd, cloexec: false }); },
  munmap: (a, _c, b) => { const addr = num(a[0]); const length = num(a[1]); return addr === undefined || length === undefined ? undefined : ev(b, 'munmap', { addr, length }); },
  mprotect: (a, _c, b) => { const addr = num(a[0]); const length = num(a[1]); return addr === undefined || length === undefined ? undefined : ev(b, 'mprotect', { addr, length, prot: protOf(a[2]) }); },
  fsync: (a, _c, b) => { const fd = int32(a[0]); return fd === undefined ? undefined : ev(b, 'sync', { fd, how: 'fsync' }); },
  fdatasync: (a, _c, b) => { const fd = int32(a[0]); return fd === undefined ? undefined : ev(b, 'sync', { fd, how: 'fdatasync' }); },
  posix_fallocate: (a, _c, b) => {
    const fd = int32(a[0]); const offset = num(a[1]); const length = num(a[2]);
    return fd === undefined || offset === undefined || length === undefined ? undefined : ev(b, 'space', { fd, offset, length, op: 'allocate', keepSize: false });
  },
  fchdir: (a, _c, b) => ev(b, 'chdir', { fd: int32(a[0]) }),
};

/** The read and write calls: the event kind, and whether the call takes an offset (the p* calls). */
export const IO_CALLS: Readonly<Record<string, readonly ['read' | 'write', boolean]>> = {
  write: ['write', false], writev: ['write', false], pwrite: ['write', true], pwritev: ['write', true],
  read: ['read', false], readv: ['read', false], pread: ['read', true], preadv: ['read', true],
};

// ------------------------------------------------------------------ errno

/** 4.4BSD errno numbers, shared by FreeBSD, OpenBSD, NetBSD and macOS up to 80 (1-34 are also Linux's and Solaris's). */
const BSD_ERRNO: readonly string[] = [
  '', 'EPERM', 'ENOENT', 'ESRCH', 'EINTR', 'EIO', 'ENXIO', 'E2BIG', 'ENOEXEC', 'EBADF', 'ECHILD', 'EDEADLK', 'ENOMEM',
  'EACCES', 'EFAULT', 'ENOTBLK', 'EBUSY', 'EEXIST', 'EXDEV', 'ENODEV', 'ENOTDIR', 'EISDIR', 'EINVAL', 'ENFILE', 'EMFILE',
  'ENOTTY', 'ETXTBSY', 'EFBIG', 'ENOSPC', 'ESPIPE', 'EROFS', 'EMLINK', 'EPIPE', 'EDOM', 'ERANGE', 'EAGAIN', 'EINPROGRESS',
  'EALREADY', 'ENOTSOCK', 'EDESTADDRREQ', 'EMSGSIZE', 'EPROTOTYPE', 'ENOPROTOOPT', 'EPROTONOSUPPORT', 'ESOCKTNOSUPPORT',
  'EOPNOTSUPP', 'EPFNOSUPPORT', 'EAFNOSUPPORT', 'EADDRINUSE', 'EADDRNOTAVAIL', 'ENETDOWN', 'ENETUNREACH', 'ENETRESET',
  'ECONNABORTED', 'ECONNRESET', 'ENOBUFS', 'EISCONN', 'ENOTCONN', 'ESHUTDOWN', 'ETOOMANYREFS', 'ETIMEDOUT', 'ECONNREFUSED',
  'ELOOP', 'ENAMETOOLONG', 'EHOSTDOWN', 'EHOSTUNREACH', 'ENOTEMPTY', 'EPROCLIM', 'EUSERS', 'EDQUOT', 'ESTALE', 'EREMOTE',
  'EBADRPC', 'ERPCMISMATCH', 'EPROGUNAVAIL', 'EPROGMISMATCH', 'EPROCUNAVAIL', 'ENOLCK', 'ENOSYS', 'EFTYPE',
];

/** strerror(3) texts of the BSDs (FreeBSD wording, plus the few that differ elsewhere). */
const ERRNO_TEXT: Record<string, string> = byName({
  'Operation not permitted': 'EPERM', 'No such file or directory': 'ENOENT', 'No such process': 'ESRCH',
  'Interrupted system call': 'EINTR', 'Input/output error': 'EIO', 'Device not configured': 'ENXIO',
  'Argument list too long': 'E2BIG', 'Exec format error': 'ENOEXEC', 'Bad file descriptor': 'EBADF',
  'No child processes': 'ECHILD', 'Resource deadlock avoided': 'EDEADLK', 'Cannot allocate memory': 'ENOMEM',
  'Permission denied': 'EACCES', 'Bad address': 'EFAULT', 'Block device required': 'ENOTBLK', 'Device busy': 'EBUSY',
  'Device or resource busy': 'EBUSY', 'File exists': 'EEXIST', 'Cross-device link': 'EXDEV',
  'Operation not supported by device': 'ENODEV', 'Not a directory': 'ENOTDIR', 'Is a directory': 'EISDIR',
  'Invalid argument': 'EINVAL', 'Too many open files in system': 'ENFILE', 'Too many open files': 'EMFILE',
  'Inappropriate ioctl for device': 'ENOTTY', 'Text file busy': 'ETXTBSY', 'File too large': 'EFBIG',
  'No space left on device': 'ENOSPC', 'Illegal seek': 'ESPIPE', 'Read-only file system': 'EROFS',
  'Too many links': 'EMLINK', 'Broken pipe': 'EPIPE', 'Numerical argument out of domain': 'EDOM',
  'Result too large': 'ERANGE', 'Resource temporarily unavailable': 'EAGAIN', 'Operation now in progress': 'EINPROGRESS',
  'Operation already in progress': 'EALREADY', 'Socket operation on non-socket': 'ENOTSOCK',
  'Operation not supported': 'EOPNOTSUPP', 'Operation timed out': 'ETIMEDOUT', 'Connection refused': 'ECONNREFUSED',
  'Too many levels of symbolic links': 'ELOOP', 'File name too long': 'ENAMETOOLONG', 'Directory not empty': 'ENOTEMPTY',
  'Disc quota exceeded': 'EDQUOT', 'Disk quota exceeded': 'EDQUOT', 'Stale NFS file handle': 'ESTALE',
  'No locks available': 'ENOLCK', 'Function not implemented': 'ENOSYS', 'Value too large to be stored in data type': 'EOVERFLOW',
  'Operation canceled': 'ECANCELED', 'Illegal byte sequence': 'EILSEQ', 'Not permitted in capability mode': 'ECAPMODE',
  'Capabilities insufficient': 'ENOTCAPABLE', 'Integrity check failed': 'EINTEGRITY',
});

/** `ENOENT` from kdump's strerror text, else from the number (1-80 are common to the 4.4BSD family), else `errno N`. */
export function errnoName(n: number, text: string | undefined): string {
  if (text !== undefined && text.length > 0) {
    const byText = ERRNO_TEXT[text];
    if (byText !== undefined) return byText;
  }
  if (n > 0 && n < BSD_ERRNO.length) return BSD_ERRNO[n];
  return `errno ${n}`;
}
