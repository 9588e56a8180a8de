// The normalised event model shared by every trace format (docs/architecture.md, The event model).
// Parsers produce these; the replay consumes them. Nothing here knows about editors.

/** A place in the trace text: 0-based line, UTF-16 columns within that line. */
export interface Span {
  line: number;
  start: number;
  end: number;
}

export type Evidence = 'definite' | 'possible';

export interface OpenFlags {
  read: boolean;
  write: boolean;
  direct: boolean;
  trunc: boolean;
  append: boolean;
  cloexec: boolean;
  creat: boolean;
  directory: boolean;
}

export interface EventBase {
  /** Replay order, 1-based and dense. Unfinished calls get theirs when they resume. */
  seq: number;
  /** The line the event is anchored at (the call's line for unfinished/resumed pairs). */
  span: Span;
  /** The line that completed the event, when it differs from `span` (a resumed line, a kdump RET). */
  endSpan?: Span;
  pid?: number;
  tid?: number;
  /** Timestamp in seconds as printed (absolute, relative or elapsed: see `timeKind`). */
  time?: number;
  durationSec?: number;
  /** The syscall, record or opcode name as the trace spells it. */
  name: string;
  ok: boolean;
  errno?: string;
  /** Path of the event's fd argument from an `-y` decoration, for fds opened before the trace began. */
  fdPath?: string;
}

/** A path plus the directory it is relative to, when the trace shows one. */
export interface PathRef {
  path: string;
  /** `openat` dirfd; AT_FDCWD is represented by undefined. */
  dirfd?: number;
  /** Directory path from an `-y` decoration of the dirfd, when present. */
  dirPath?: string;
}

export interface OpenEvent extends EventBase {
  kind: 'open';
  fd: number;
  target?: PathRef;
  /** Resolved path from an `-y` decoration of the returned fd (authoritative when present). */
  resolvedPath?: string;
  flags: OpenFlags;
}

export interface CloseEvent extends EventBase {
  kind: 'close';
  fd: number;
}

export interface DupEvent extends EventBase {
  kind: 'dup';
  fd: number;
  newfd: number;
  cloexec: boolean;
}

/** fcntl(F_SETFL): O_DIRECT and O_APPEND toggles on the open file description. */
export interface SetFlEvent extends EventBase {
  kind: 'setfl';
  fd: number;
  direct: boolean;
  append: boolean;
}

/** fcntl(F_SETFD): FD_CLOEXEC on the descriptor. */
export interface SetFdEvent extends EventBase {
  kind: 'setfd';
  fd: number;
  cloexec: boolean;
}

export interface ForkEvent extends EventBase {
  kind: 'fork';
  child: number;
  /** CLONE_FILES: the child shares the fd table instead of copying it. */
  shareFiles: boolean;
  /** CLONE_VM: the child shares the address space (threads, vfork). */
  shareVm: boolean;
  thread: boolean;
}

export interface ExecEvent extends EventBase {
  kind: 'exec';
  path?: string;
}

export interface ExitEvent extends EventBase {
  kind: 'exit';
  code?: number;
  signal?: string;
  /** exit(2)/thr_exit end one thread; exit_group and "+++ exited" end the process. */
  threadOnly: boolean;
}

export interface Prot {
  read: boolean;
  write: boolean;
  exec: boolean;
}

export interface MmapEvent extends EventBase {
  kind: 'mmap';
  /** The mapped address (the call's result). */
  addr: number;
  length: number;
  prot: Prot;
  shared: boolean;
  anonymous: boolean;
  fd: number;
  offset: number;
  /** The trace shows every store made through this mapping (fsx logs them): no stores are assumed. */
  storesKnown?: boolean;
}

export interface MunmapEvent extends EventBase {
  kind: 'munmap';
  addr: number;
  length: number;
}

export interface MremapEvent extends EventBase {
  kind: 'mremap';
  oldAddr: number;
  oldLength: number;
  newAddr: number;
  newLength: number;
}

export interface MprotectEvent extends EventBase {
  kind: 'mprotect';
  addr: number;
  length: number;
  prot: Prot;
}

export interface MsyncEvent extends EventBase {
  kind: 'msync';
  addr: number;
  length: number;
  sync: boolean;
  async: boolean;
  invalidate: boolean;
}

/** Known stores into a file's pages: fsx MAPWRITE, kdump PFLT with write access, a daemon-side writeback. */
export interface StoreEvent extends EventBase {
  kind: 'store';
  evidence: Evidence;
  /** Address of the store when known (PFLT); resolved through the process's mappings. */
  addr?: number;
  /** File range when known directly (fsx MAPWRITE). */
  fd?: number;
  path?: string;
  offset?: number;
  length: number;
  source: 'fsx' | 'pflt' | 'daemon';
  /** The trace the store was recorded in, when it is not the one replayed (a fault recording beside a strace trace). */
  trace?: string;
  /** The trace names a page, not bytes (a page fault): the model widens addr/offset to its page size. */
  wholePage?: boolean;
}

/** A program's own check of file content (fsx READ BAD DATA, a size check): linked to the finding that explains it. */
export interface VerifyEvent extends EventBase {
  kind: 'verify';
  /** The traced file, when the format names it. */
  path?: string;
  /** The range the program read and checked. */
  offset: number;
  length: number;
  /** First byte that differed, when reported. */
  badOffset?: number;
  /** The operation number the program suspects wrote the lost bytes (fsx "operation# (mod 256) ... may be N"). */
  suspectOp?: number;
  detail?: string;
}

export interface WriteEvent extends EventBase {
  kind: 'write';
  fd: number;
  /** Explicit offset (pwrite family); undefined means the fd's file position. */
  offset?: number;
  /** Bytes actually transferred (the return value; 0 for a failed call). */
  length: number;
  /** Per-call direct I/O (pwritev2 RWF_DIRECT is not a thing; kept for formats that state it). */
  direct?: boolean;
  /**
   * Bytes the call asked to write, where that differs from `length`: a short write, or a failed one (`ok` false),
   * which is replayed too when its error came from the file system (model/write-errors.ts).
   */
  requested?: number;
}

export interface ReadEvent extends EventBase {
  kind: 'read';
  fd: number;
  offset?: number;
  length: number;
}

export interface LseekEvent extends EventBase {
  kind: 'lseek';
  fd: number;
  /** Resulting absolute offset, when the result is known. */
  result?: number;
  /** Request, used when the result is not printed (dtruss -e prints it, kdump prints it). */
  offset: number;
  whence: 'set' | 'cur' | 'end' | 'data' | 'hole';
}

export interface TruncateEvent extends EventBase {
  kind: 'truncate';
  fd?: number;
  path?: string;
  size: number;
}

export interface SyncEvent extends EventBase {
  kind: 'sync';
  /** undefined for sync(2)/syncfs of everything. */
  fd?: number;
  range?: { offset: number; length: number };
  how: 'fsync' | 'fdatasync' | 'range' | 'all';
}

/** fallocate/posix_fallocate/fspacectl and the destination of copy_file_range. */
export interface SpaceEvent extends EventBase {
  kind: 'space';
  fd: number;
  offset: number;
  length: number;
  op: 'allocate' | 'punch' | 'zero' | 'copy-dest';
  keepSize: boolean;
  /** copy_file_range: the source fd and offset (the source is flushed first on FreeBSD and Linux). */
  srcFd?: number;
  srcOffset?: number;
}

export interface AdviseEvent extends EventBase {
  kind: 'advise';
  fd?: number;
  addr?: number;
  offset: number;
  length: number;
  advice: string;
}

export interface ChdirEvent extends EventBase {
  kind: 'chdir';
  path?: string;
  fd?: number;
}

export interface RenameEvent extends EventBase {
  kind: 'rename';
  from: string;
  to: string;
}

export interface UnlinkEvent extends EventBase {
  kind: 'unlink';
  path: string;
}

/** A stat-family result that tells a regular file's size (fstat, newfstatat, statx, kdump STRU stat). */
export interface StatEvent extends EventBase {
  kind: 'stat';
  fd?: number;
  path?: string;
  size: number;
}

export interface SignalEvent extends EventBase {
  kind: 'signal';
  signal: string;
}

/** A FUSE request seen in a daemon's debug log. */
export interface FuseRequestEvent extends EventBase {
  kind: 'fuse-request';
  unique: number;
  opcode: string;
  nodeid: number;
  /** pid of the requesting process; 0 is the kernel itself (e.g. write-back of dirty pages). */
  requester?: number;
  offset?: number;
  size?: number;
  path?: string;
  fh?: number;
  /** libfuse's high-level "writepage" marker: cache write-back rather than write(2). */
  writepage?: boolean;
  /** FUSE_WRITE write_flags / open flags as printed (hex), when the log shows them. */
  flags?: number;
}

export interface FuseReplyEvent extends EventBase {
  kind: 'fuse-reply';
  unique: number;
  opcode?: string;
  error?: number;
  /** Bytes accepted by a WRITE or returned by a READ, from the high-level follow-up line. */
  size?: number;
  /** nodeid learned from a LOOKUP/CREATE reply. */
  nodeid?: number;
  /** File size reported by a GETATTR/LOOKUP reply, where the log prints one. */
  attrSize?: number;
  /** The request line this reply answers, when seen. */
  requestSeq?: number;
}

/** A syscall or record the model does not interpret; kept so hovers and symbols can show it. */
export interface GenericEvent extends EventBase {
  kind: 'generic';
}

/** A line none of the format's rules accept. Always paired with a parse diagnostic. */
export interface UnparsedEvent extends EventBase {
  kind: 'unparsed';
}

export type TraceEvent =
  | OpenEvent
  | CloseEvent
  | DupEvent
  | SetFlEvent
  | SetFdEvent
  | ForkEvent
  | ExecEvent
  | ExitEvent
  | MmapEvent
  | MunmapEvent
  | MremapEvent
  | MprotectEvent
  | MsyncEvent
  | StoreEvent
  | WriteEvent
  | ReadEvent
  | LseekEvent
  | TruncateEvent
  | SyncEvent
  | SpaceEvent
  | AdviseEvent
  | ChdirEvent
  | RenameEvent
  | UnlinkEvent
  | StatEvent
  | VerifyEvent
  | SignalEvent
  | FuseRequestEvent
  | FuseReplyEvent
  | GenericEvent
  | UnparsedEvent;

export type EventKind = TraceEvent['kind'];

/** Distributive Omit, so that object literals of one union member keep their own fields. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event as a parser builds it, before the sink numbers it. */
export type EventDraft = DistributiveOmit<TraceEvent, 'seq'>;

export interface ParseDiagnostic {
  span: Span;
  message: string;
  /** What it reports: a line the format does not accept (the default), or a value the model cannot hold exactly. */
  rule?: 'parse-error' | 'inexact-value' | 'faults-not-placed';
  /** 'error' for malformed lines; 'information' for lines kept but not understood (e.g. a cut-off record). */
  severity: 'error' | 'warning' | 'information';
}

export type TraceFormat = 'strace' | 'kdump' | 'dtruss' | 'dtrace' | 'fuse' | 'fsx' | 'perf';

export const TRACE_FORMATS: readonly TraceFormat[] = ['strace', 'kdump', 'dtruss', 'dtrace', 'fuse', 'fsx', 'perf'];

export const NO_FLAGS: OpenFlags = Object.freeze({
  read: true,
  write: false,
  direct: false,
  trunc: false,
  append: false,
  cloexec: false,
  creat: false,
  directory: false,
});
