// strace syscall → normalised event. Each handler decodes only the arguments the model needs; anything else
// (and any call whose arguments are cut off, e.g. a resumed line without its first half) becomes a generic event.
import type { EventBase, EventDraft, OpenFlags, Prot } from '../../events.js';
import { AT_FDCWD, argDecoration, argInt, argString, fieldOf, flagsOf, LINUX_FLAG_BITS } from './args.js';
import { ArgList, COMMAS, decimalIn, decorationIn, trimEnd, trimStart } from './scan.js';
import { IO_ARGS, ioArgsAre, ioArgsOfBytes, type IoArgs } from './scan-bytes.js';
import { byName } from '../../by-name.js';
import { addFields } from '../../event-fields.js';

const ARGS = new ArgList();

export type Base = Omit<EventBase, 'seq'>;

export interface CallInfo {
  readonly name: string;
  /** The arguments: split already, or the text to split when the call is modelled. */
  readonly args: ArgList | string | undefined;
  readonly ret: number | undefined;
  /** The return value as printed (`3</tmp/x>` under -y): decoded only by the calls that return an fd. */
  readonly retText: string | undefined;
}

type Handler = (a: ArgList, c: CallInfo, b: Base) => EventDraft | undefined;

type Fields<K extends EventDraft['kind']> = Omit<Extract<EventDraft, { kind: K }>, keyof Base | 'kind'>;

/**
 * Turns the base record into an event of `kind` by adding fields in place. Spreading the base into a new
 * literal per event was the parser's hottest spot (megamorphic copies); in-place assignment of every field of the
 * kind, in the order of event-fields.ts, keeps one hidden class per kind (the one the event codec decodes).
 */
function ev<K extends EventDraft['kind']>(b: Base, kind: K, fields: Fields<K>): EventDraft {
  const e = b as Record<string, unknown>;
  e.kind = kind;
  addFields(kind)(e, fields as Record<string, unknown>);
  return e as unknown as EventDraft;
}

/** An integer argument: read in place when it is plain decimal (most are), else decoded. */
function int(a: ArgList, i: number): number | undefined {
  return a.decimal(i) ?? argInt(a.at(i));
}

function openFlags(text: string | undefined): OpenFlags {
  const f = flagsOf(text, LINUX_FLAG_BITS.open);
  const write = f.has('O_WRONLY') || f.has('O_RDWR');
  return {
    read: !f.has('O_WRONLY'),
    write,
    direct: f.has('O_DIRECT'),
    trunc: f.has('O_TRUNC'),
    append: f.has('O_APPEND'),
    cloexec: f.has('O_CLOEXEC'),
    creat: f.has('O_CREAT'),
    directory: f.has('O_DIRECTORY'),
  };
}

function prot(text: string | undefined): Prot {
  const f = flagsOf(text, LINUX_FLAG_BITS.prot);
  return { read: f.has('PROT_READ'), write: f.has('PROT_WRITE'), exec: f.has('PROT_EXEC') };
}

function open(b: Base, c: CallInfo, path: string | undefined, dirfd: number | undefined, dirArg: string | undefined, flags: OpenFlags): EventDraft | undefined {
  if (c.ret === undefined) return undefined;
  return ev(b, 'open', {
    fd: c.ret, flags,
    target: path === undefined ? undefined : { path, dirfd: dirfd === AT_FDCWD ? undefined : dirfd, dirPath: argDecoration(dirArg) },
    resolvedPath: argDecoration(c.retText),
  });
}

function needs(a: ArgList, n: number): boolean {
  return a.length >= n;
}

const handlers: Record<string, Handler> = byName({
  open: (a, c, b) => needs(a, 2) ? open(b, c, argString(a.at(0))?.value, undefined, undefined, openFlags(a.at(1))) : undefined,
  openat: (a, c, b) => needs(a, 3) ? open(b, c, argString(a.at(1))?.value, argInt(a.at(0)), a.at(0), openFlags(a.at(2))) : undefined,
  openat2: (a, c, b) => needs(a, 3) ? open(b, c, argString(a.at(1))?.value, argInt(a.at(0)), a.at(0), openFlags(fieldOf(a.at(2), 'flags'))) : undefined,
  creat: (a, c, b) => needs(a, 1) ? open(b, c, argString(a.at(0))?.value, undefined, undefined, openFlags('O_WRONLY|O_CREAT|O_TRUNC')) : undefined,
  close: (a, _c, b) => { const fd = int(a, 0); return fd === undefined ? undefined : ev(b, 'close', { fd }); },
  dup: (a, c, b) => { const fd = argInt(a.at(0)); return fd === undefined || c.ret === undefined ? undefined : ev(b, 'dup', { fd, newfd: c.ret, cloexec: false }); },
  dup2: (a, _c, b) => { const fd = argInt(a.at(0)); const nfd = argInt(a.at(1)); return fd === undefined || nfd === undefined ? undefined : ev(b, 'dup', { fd, newfd: nfd, cloexec: false }); },
  dup3: (a, _c, b) => { const fd = argInt(a.at(0)); const nfd = argInt(a.at(1)); return fd === undefined || nfd === undefined ? undefined : ev(b, 'dup', { fd, newfd: nfd, cloexec: (a.at(2) ?? '').includes('O_CLOEXEC') }); },
  fcntl: (a, c, b) => {
    const fd = argInt(a.at(0));
    const cmd = symbol(a.at(1), FCNTL_CMDS);
    if (fd === undefined || cmd === undefined) return undefined;
    if (cmd === 'F_DUPFD' || cmd === 'F_DUPFD_CLOEXEC') return c.ret === undefined ? undefined : ev(b, 'dup', { fd, newfd: c.ret, cloexec: cmd === 'F_DUPFD_CLOEXEC' });
    if (cmd === 'F_SETFL') { const f = openFlags(a.at(2)); return ev(b, 'setfl', { fd, direct: f.direct, append: f.append }); }
    if (cmd === 'F_SETFD') return ev(b, 'setfd', { fd, cloexec: (a.at(2) ?? '').includes('FD_CLOEXEC') || argInt(a.at(2)) === 1 });
    return undefined;
  },
  clone: (a, c, b) => {
    if (c.ret === undefined) return undefined;
    const flagsArg = a.find((x) => x.startsWith('flags=')) ?? a.at(0);
    const f = flagsOf(flagsArg, LINUX_FLAG_BITS.clone);
    return ev(b, 'fork', { child: c.ret, shareFiles: f.has('CLONE_FILES'), shareVm: f.has('CLONE_VM'), thread: f.has('CLONE_THREAD') });
  },
  clone3: (a, c, b) => {
    if (c.ret === undefined || a.length === 0) return undefined;
    const f = flagsOf(fieldOf(a.at(0), 'flags'), LINUX_FLAG_BITS.clone);
    return ev(b, 'fork', { child: c.ret, shareFiles: f.has('CLONE_FILES'), shareVm: f.has('CLONE_VM'), thread: f.has('CLONE_THREAD') });
  },
  fork: (_a, c, b) => c.ret === undefined ? undefined : ev(b, 'fork', { child: c.ret, shareFiles: false, shareVm: false, thread: false }),
  vfork: (_a, c, b) => c.ret === undefined ? undefined : ev(b, 'fork', { child: c.ret, shareFiles: false, shareVm: true, thread: false }),
  execve: (a, _c, b) => (ev(b, 'exec', { path: argString(a.at(0))?.value })),
  execveat: (a, _c, b) => (ev(b, 'exec', { path: argString(a.at(1))?.value })),
  exit: (a, _c, b) => (ev(b, 'exit', { code: argInt(a.at(0)), threadOnly: true })),
  exit_group: (a, _c, b) => (ev(b, 'exit', { code: argInt(a.at(0)), threadOnly: false })),
  mmap: (a, c, b) => mmap(a, c, b, 1),
  mmap2: (a, c, b) => mmap(a, c, b, 4096),
  munmap: (a, _c, b) => { const addr = argInt(a.at(0)); const len = argInt(a.at(1)); return addr === undefined || len === undefined ? undefined : ev(b, 'munmap', { addr, length: len }); },
  mremap: (a, c, b) => {
    const oldAddr = argInt(a.at(0)); const oldLength = argInt(a.at(1)); const newLength = argInt(a.at(2));
    if (oldAddr === undefined || oldLength === undefined || newLength === undefined || c.ret === undefined) return undefined;
    return ev(b, 'mremap', { oldAddr, oldLength, newLength, newAddr: c.ret });
  },
  mprotect: (a, _c, b) => { const addr = argInt(a.at(0)); const len = argInt(a.at(1)); return addr === undefined || len === undefined ? undefined : ev(b, 'mprotect', { addr, length: len, prot: prot(a.at(2)) }); },
  msync: (a, _c, b) => {
    const addr = argInt(a.at(0)); const len = argInt(a.at(1));
    if (addr === undefined || len === undefined) return undefined;
    const f = flagsOf(a.at(2), LINUX_FLAG_BITS.msync);
    return ev(b, 'msync', { addr, length: len, sync: f.has('MS_SYNC'), async: f.has('MS_ASYNC'), invalidate: f.has('MS_INVALIDATE') });
  },
  sendfile: (a, c, b) => {
    // sendfile(out, in, [off], count): the written side is what can touch a page cache we model.
    const out = argInt(a.at(0));
    if (out === undefined || c.ret === undefined || c.ret < 0) return undefined;
    return ev(b, 'write', { fd: out, length: c.ret });
  },
  lseek: (a, c, b) => {
    const fd = int(a, 0); const off = int(a, 1);
    if (fd === undefined || off === undefined) return undefined;
    return ev(b, 'lseek', { fd, offset: off, result: c.ret, whence: whence(a.at(2)) });
  },
  _llseek: (a, _c, b) => {
    const fd = argInt(a.at(0)); const hi = argInt(a.at(1)); const lo = argInt(a.at(2)); const res = argInt(a.at(3));
    if (fd === undefined || hi === undefined || lo === undefined) return undefined;
    return ev(b, 'lseek', { fd, offset: hi * 2 ** 32 + lo, result: res, whence: whence(a.at(4)) });
  },
  ftruncate: (a, _c, b) => { const fd = argInt(a.at(0)); const size = argInt(a.at(1)); return fd === undefined || size === undefined ? undefined : ev(b, 'truncate', { fd, size }); },
  truncate: (a, _c, b) => { const p = argString(a.at(0))?.value; const size = argInt(a.at(1)); return p === undefined || size === undefined ? undefined : ev(b, 'truncate', { path: p, size }); },
  fsync: (a, _c, b) => sync(a, b, 'fsync'),
  fdatasync: (a, _c, b) => sync(a, b, 'fdatasync'),
  sync_file_range: (a, _c, b) => {
    const fd = argInt(a.at(0)); const off = argInt(a.at(1)); const len = argInt(a.at(2));
    if (fd === undefined) return undefined;
    // Only SYNC_FILE_RANGE_WRITE (with or without WAIT_*) starts write-back; the model treats it as a flush.
    return ev(b, 'sync', { fd, how: 'range', range: off === undefined || len === undefined ? undefined : { offset: off, length: len } });
  },
  sync: (_a, _c, b) => (ev(b, 'sync', { how: 'all' })),
  syncfs: (a, _c, b) => (ev(b, 'sync', { fd: argInt(a.at(0)), how: 'all' })),
  fallocate: (a, _c, b) => {
    const fd = argInt(a.at(0)); const off = argInt(a.at(2)); const len = argInt(a.at(3));
    if (fd === undefined || off === undefined || len === undefined) return undefined;
    const mode = a.at(1) ?? '0';
    const op = mode.includes('PUNCH_HOLE') ? 'punch' : mode.includes('ZERO_RANGE') ? 'zero' : 'allocate';
    return ev(b, 'space', { fd, offset: off, length: len, op, keepSize: mode.includes('KEEP_SIZE') || op === 'punch' });
  },
  copy_file_range: (a, c, b) => {
    const src = argInt(a.at(0)); const dst = argInt(a.at(2));
    if (src === undefined || dst === undefined || c.ret === undefined || c.ret < 0) return undefined;
    const srcOff = a.at(1) === 'NULL' ? undefined : argInt(a.at(1));
    const dstOff = a.at(3) === 'NULL' ? undefined : argInt(a.at(3));
    return ev(b, 'space', { fd: dst, offset: dstOff ?? -1, length: c.ret, op: 'copy-dest', keepSize: false, srcFd: src, srcOffset: srcOff });
  },
  fadvise64: (a, _c, b) => {
    const fd = argInt(a.at(0)); const off = argInt(a.at(1)); const len = argInt(a.at(2));
    if (fd === undefined || off === undefined || len === undefined) return undefined;
    return ev(b, 'advise', { fd, offset: off, length: len, advice: a.at(3) ?? '' });
  },
  madvise: (a, _c, b) => {
    const addr = argInt(a.at(0)); const len = argInt(a.at(1));
    if (addr === undefined || len === undefined) return undefined;
    return ev(b, 'advise', { addr, offset: 0, length: len, advice: a.at(2) ?? '' });
  },
  fstat: (a, _c, b) => statOf(b, int(a, 0), undefined, a.at(1), 'st_'),
  stat: (a, _c, b) => statOf(b, undefined, argString(a.at(0))?.value, a.at(1), 'st_'),
  newfstatat: (a, _c, b) => {
    const p = argString(a.at(1))?.value;
    return p === '' ? statOf(b, argInt(a.at(0)), undefined, a.at(2), 'st_') : statOf(b, undefined, p, a.at(2), 'st_');
  },
  statx: (a, _c, b) => {
    const p = argString(a.at(1))?.value;
    return p === '' ? statOf(b, argInt(a.at(0)), undefined, a.at(4), 'stx_') : statOf(b, undefined, p, a.at(4), 'stx_');
  },
  chdir: (a, _c, b) => (ev(b, 'chdir', { path: argString(a.at(0))?.value })),
  fchdir: (a, _c, b) => (ev(b, 'chdir', { fd: argInt(a.at(0)), path: argDecoration(a.at(0)) })),
  rename: (a, _c, b) => renameOf(b, a.at(0), a.at(1)),
  renameat: (a, _c, b) => renameOf(b, a.at(1), a.at(3)),
  renameat2: (a, _c, b) => renameOf(b, a.at(1), a.at(3)),
  unlink: (a, _c, b) => { const p = argString(a.at(0))?.value; return p === undefined ? undefined : ev(b, 'unlink', { path: p }); },
  unlinkat: (a, _c, b) => { const p = argString(a.at(1))?.value; return p === undefined ? undefined : ev(b, 'unlink', { path: p }); },
});
/** read(2), write(2) and their vector and positional forms: the kind, and which argument is the offset (-1: none). */
const IO_CALLS: Record<string, ['read' | 'write', number]> = {
  write: ['write', -1], writev: ['write', -1], pwrite64: ['write', 3], pwrite: ['write', 3], pwritev: ['write', 3], pwritev2: ['write', 3],
  read: ['read', -1], readv: ['read', -1], pread64: ['read', 3], pread: ['read', 3], preadv: ['read', 3], preadv2: ['read', 3],
};
for (const [name, [kind, offArg]] of Object.entries(IO_CALLS)) handlers[name] = (a, c, b) => io(kind, a, c, b, offArg);
handlers.fcntl64 = handlers.fcntl;
handlers.fstat64 = handlers.fstat;
handlers.stat64 = handlers.stat;
handlers.lstat = handlers.stat;
handlers.lstat64 = handlers.stat;
handlers.fstatat64 = handlers.newfstatat;
handlers.ftruncate64 = handlers.ftruncate;
handlers.truncate64 = handlers.truncate;
handlers.fadvise64_64 = handlers.fadvise64;
handlers.arm_fadvise64_64 = handlers.fadvise64;

/** Linux fcntl command numbers, for `-X raw` and `-X verbose` traces. */
const FCNTL_CMDS: Record<number, string> = { 0: 'F_DUPFD', 1: 'F_GETFD', 2: 'F_SETFD', 3: 'F_GETFL', 4: 'F_SETFL', 1030: 'F_DUPFD_CLOEXEC' };

/** A symbolic argument: its name, the name in a -X verbose comment, or the name of a raw number. */
function symbol(arg: string | undefined, names: Record<number, string>): string | undefined {
  if (arg === undefined) return undefined;
  const comment = /\/\*\s*([A-Z_][A-Z0-9_]*)\s*\*\//.exec(arg);
  if (comment) return comment[1];
  const n = argInt(arg);
  return n !== undefined && /^-?(?:0x)?[0-9a-fA-F]+$/.test(arg.trim()) ? names[n] ?? arg : arg;
}

function isRegular(mode: string | undefined): boolean {
  if (mode === undefined) return false;
  if (mode.includes('S_IFREG')) return true;
  const n = argInt(mode);
  return n !== undefined && (n & 0o170000) === 0o100000;
}

function statOf(b: Base, fd: number | undefined, path: string | undefined, struct: string | undefined, prefix: string): EventDraft | undefined {
  if (struct === undefined || (fd === undefined && path === undefined)) return undefined;
  if (!isRegular(fieldOf(struct, `${prefix}mode`))) return undefined;
  const size = argInt(fieldOf(struct, `${prefix}size`));
  return size === undefined ? undefined : ev(b, 'stat', { fd, path, size });
}

function renameOf(b: Base, from: string | undefined, to: string | undefined): EventDraft | undefined {
  const f = argString(from)?.value; const t = argString(to)?.value;
  return f === undefined || t === undefined ? undefined : ev(b, 'rename', { from: f, to: t });
}

function whence(arg: string | undefined): 'set' | 'cur' | 'end' | 'data' | 'hole' {
  switch (arg) {
    case 'SEEK_CUR': case '1': return 'cur';
    case 'SEEK_END': case '2': return 'end';
    case 'SEEK_DATA': case '3': return 'data';
    case 'SEEK_HOLE': case '4': return 'hole';
    default: return 'set';
  }
}

function sync(a: ArgList, b: Base, how: 'fsync' | 'fdatasync'): EventDraft | undefined {
  const fd = int(a, 0);
  return fd === undefined ? undefined : ev(b, 'sync', { fd, how });
}

function mmap(a: ArgList, c: CallInfo, b: Base, offsetUnit: number): EventDraft | undefined {
  if (!needs(a, 6) || c.ret === undefined) return undefined;
  const length = int(a, 1); const fd = int(a, 4); const off = int(a, 5);
  if (length === undefined || fd === undefined || off === undefined) return undefined;
  const f = flagsOf(a.at(3), LINUX_FLAG_BITS.map);
  return ev(b, 'mmap', {
    addr: c.ret, length, prot: prot(a.at(2)), shared: f.has('MAP_SHARED') || f.has('MAP_SHARED_VALIDATE'),
    anonymous: f.has('MAP_ANONYMOUS') || f.has('MAP_ANON'), fd, offset: off * offsetUnit,
  });
}

/** Calls with a byte count as argument 2 (the vector forms give an iovec count there). */
const COUNTED = new Set(['write', 'pwrite64', 'pwrite']);

function io(kind: 'read' | 'write', a: ArgList, c: CallInfo, b: Base, offArg: number): EventDraft | undefined {
  const fd = int(a, 0);
  if (fd === undefined || c.ret === undefined) return undefined;
  // A failed write can still have reached the file system (and dropped cached pages before it failed): it is kept,
  // with what it asked for. Other failed calls change nothing.
  const asked = kind === 'write' && COUNTED.has(b.name) ? int(a, 2) : undefined;
  if (c.ret < 0 && asked === undefined) return undefined;
  let offset: number | undefined;
  if (offArg >= 0) {
    if (offArg >= a.length) return undefined;
    offset = int(a, offArg);
    if (offset === undefined) return undefined;
    if (offset === -1) offset = undefined; // pwritev2/preadv2 with offset -1 use the file position
  }
  const e = ioFields(b, kind, fd, offset, Math.max(0, c.ret));
  if (asked !== undefined && asked !== c.ret) (e as { requested?: number }).requested = asked;
  return e;
}

/**
 * The commonest events, made from the base in place: fields assigned in one order, for one hidden class per kind
 * (the order and fields the event codec decodes them with: a write's `direct` too). The handler and lineIoEvent both.
 */
function ioFields(b: Base, kind: 'read' | 'write', fd: number, offset: number | undefined, length: number): EventDraft {
  const e = b as Record<string, unknown>;
  e.kind = kind;
  e.fd = fd;
  e.offset = offset;
  e.length = length;
  if (kind === 'write') {
    e.direct = undefined;
    e.requested = undefined;
  }
  return e as unknown as EventDraft;
}

/**
 * The event of a one-line read(2), write(2), pread64 or pwrite64 whose fd, offset and result are plain decimals,
 * read in place (arguments text[open + 1, close) split at the `commaCount` offsets at COMMAS.at[commaFrom...], the
 * result text[retAt, retEnd); from `bytes`, text's bytes one per character, when given): half the lines of a busy
 * trace. The same event as the handler's (io() and modelledCallEvent), fields in the same order; undefined for any
 * other call or form, which the handler then reads.
 */
export function lineIoEvent(text: string, name: string, open: number, close: number, commaFrom: number, commaCount: number, retAt: number, retEnd: number, b: Base, bytes?: Uint8Array): EventDraft | undefined {
  const io = LINE_IO[name];
  if (io === undefined || commaCount === 0 || retEnd <= retAt) return undefined;
  const counted = io[0] === 'write';
  const read = bytes !== undefined ? ioArgsOfBytes(bytes, open, close, commaFrom, commaCount, retAt, retEnd, io[1], counted) : ioArgsOfText(text, open, close, commaFrom, commaCount, retAt, retEnd, io[1], counted);
  return read ? ioEvent(io[0], IO_ARGS, text, b) : undefined;
}

/** The io event of `args` (fdPath cut from the decoration of text[args.fdStart, args.fdEnd)), built on `b`. */
function ioEvent(kind: 'read' | 'write', args: IoArgs, text: string, b: Base): EventDraft {
  const e = ioFields(b, kind, args.fd, args.offset, args.length);
  const fdPath = decorationIn(text, args.fdStart, args.fdEnd);
  if (fdPath !== undefined) e.fdPath = fdPath;
  return e;
}

/** Reads an io call's arguments into IO_ARGS from text; false when one is no plain decimal. */
function ioArgsOfText(text: string, open: number, close: number, commaFrom: number, commaCount: number, retAt: number, retEnd: number, offArg: number, counted: boolean): boolean {
  const commas = COMMAS.at;
  const s0 = trimStart(text, open + 1, commas[commaFrom]);
  const e0 = trimEnd(text, s0, commas[commaFrom]);
  const fd = decimalIn(text, s0, e0);
  const ret = decimalIn(text, retAt, retEnd);
  if (fd === undefined || ret === undefined) return false;
  let offset: number | undefined;
  if (offArg >= 0) {
    if (offArg > commaCount) return false;
    const end = offArg < commaCount ? commas[commaFrom + offArg] : close;
    const s = trimStart(text, commas[commaFrom + offArg - 1] + 1, end);
    offset = decimalIn(text, s, trimEnd(text, s, end));
    if (offset === undefined) return false;
  }
  // A short write is the handler's: it keeps what the call asked for.
  if (counted) {
    if (commaCount < 2) return false;
    const end = commaCount > 2 ? commas[commaFrom + 2] : close;
    const s = trimStart(text, commas[commaFrom + 1] + 1, end);
    if (decimalIn(text, s, trimEnd(text, s, end)) !== ret) return false;
  }
  return ioArgsAre(fd, offset, ret, s0, e0);
}

/** The calls lineIoEvent reads: the kind, and which argument is the offset (-1: none). */
const LINE_IO: Record<string, ['read' | 'write', number] | undefined> = Object.assign(Object.create(null) as Record<string, never>, {
  write: ['write', -1], pwrite64: ['write', 3], read: ['read', -1], pread64: ['read', 3],
});

function argList(c: CallInfo): ArgList {
  return typeof c.args === 'string' || c.args === undefined ? ARGS.reset(c.args ?? '') : c.args;
}

/** Builds the event for a completed call; unknown or cut-off calls become generic events. */
export function buildCallEvent(c: CallInfo, b: Base): EventDraft {
  return isGenericCall(c.name, b.ok) ? genericEvent(b) : modelledCallEvent(c, b);
}

/** The event of a call that isGenericCall said the model knows (its caller has asked already). */
export function modelledCallEvent(c: CallInfo, b: Base): EventDraft {
  const a = argList(c);
  const e = handlers[c.name](a, c, b);
  if (e === undefined) return genericEvent(b);
  if ('fd' in e && e.fd !== undefined) {
    const fdPath = a.decoration(e.kind === 'mmap' ? 4 : e.kind === 'space' && e.srcFd !== undefined ? 2 : 0);
    if (fdPath !== undefined) e.fdPath = fdPath;
  }
  return e;
}

/**
 * Whether the call's event is generic whatever its arguments and result say: a call the model does not know,
 * or a failed one (only exits matter when they fail). Its arguments need not be split or read at all.
 */
export function isGenericCall(name: string, ok: boolean): boolean {
  return handlers[name] === undefined || (!ok && !KEPT_WHEN_FAILED.has(name));
}

/** Calls whose failure the model reads: exits, and writes (a failed write may have dropped cached pages). */
const KEPT_WHEN_FAILED = new Set(['exit', 'exit_group', 'write', 'pwrite64', 'pwrite']);

/** The generic event of a call (see isGenericCall). */
export function genericEvent(b: Base): EventDraft {
  // A generic event has no fields of its own: the base (made with kind 'generic') is the event.
  const e = b as Record<string, unknown>;
  e.kind = 'generic';
  return e as unknown as EventDraft;
}

export function isModelled(name: string): boolean {
  return name in handlers;
}
