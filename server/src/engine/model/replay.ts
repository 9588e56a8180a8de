// Replays normalised events in order against processes, fd tables, mappings and per-file page caches.
// Streaming: events are applied one at a time and need not be kept, so the CLI can replay traces of any size.
import { detach } from '../detach.js';
import { withRoom } from '../typed-arrays.js';
import type {
  CloseEvent, DupEvent, EventKind, ExecEvent, ExitEvent, ForkEvent, MmapEvent, MprotectEvent, MremapEvent, MsyncEvent,
  MunmapEvent, OpenEvent, ReadEvent, SpaceEvent, Span, StoreEvent, SyncEvent, TraceEvent, TruncateEvent, WriteEvent,
} from '../events.js';
import type { FuseReplyEvent, VerifyEvent } from '../events.js';
import { FuseSession } from './daemon.js';
import { DaemonAlignment } from './daemon-alignment.js';
import type { AnchorOp, DaemonWrite } from './daemon.js';
import { FileCache, type CacheContext, type Divergence, type LostRange, type StorableMapping } from './file-cache.js';
import type { Clock } from './file-history.js';
import { EditorIndex, type Ref, type Touch } from './editor-index.js';

export type { Ref, Touch };
import { AddressSpace, FdTable, OpenFile, Process, type Mapping } from './processes.js';
import { PROFILES, type ProfileRules, type ReplayOptions } from './profiles.js';
import { DAEMON_SEQ, STORED_SINCE_SEQ, StoredSinceSources } from './stored-since.js';
import { failedWriteReachedFs } from './write-errors.js';

/** What the rules and front ends need to know about an event that wrote bytes (a provenance source). */
export interface SourceInfo {
  seq: number;
  kind: EventKind;
  name: string;
  span: Span;
  /** Set when the event is in another trace (a FUSE log correlated with this one): that trace's path. */
  trace?: string;
  /** For mappings: the mapped file range; for stores, the mapping they went through. */
  fileId?: number;
  mappingSeq?: number;
  range?: [number, number];
  /**
   * For possible stores of the second tier: the event after which the program may have stored (it made the pages
   * clean: wrote them back, dropped them, or grew the file). Absent for the first tier (stores since the mapping).
   */
  since?: { seq: number; name: string; span: Span };
  /** For a recorded store (a write fault): the faulting address and, when recorded, the time. */
  fault?: { addr: number; time?: number };
}


export interface MappingInfo {
  seq: number;
  pid: number | undefined;
  start: number;
  end: number;
  path: string | undefined;
  offset: number;
  shared: boolean;
  writable: boolean;
  unmapSeq?: number;
}

export interface FileInfo {
  id: number;
  name: string;
  size: number;
  opens: number[];
}

export interface ProcessInfo {
  pid: number | undefined;
  parent: number | undefined;
  firstLine: number;
  lastLine: number;
}

export interface VerifyInfo {
  seq: number;
  span: Span;
  fileId: number | undefined;
  offset: number;
  length: number;
  badOffset?: number;
  suspectOp?: number;
  detail?: string;
}

/** Bytes [start, end) of a file that the event `seq` sends to the daemon in WRITE requests. */
export interface SentWrite {
  seq: number;
  fileId: number;
  start: number;
  end: number;
}

export interface ReplayResult {
  options: ReplayOptions;
  divergences: Divergence[];
  /** The program's own content checks (fsx READ BAD DATA...), to link with the findings that explain them. */
  verifies: VerifyInfo[];
  sources: Map<number, SourceInfo>;
  files: FileInfo[];
  processes: ProcessInfo[];
  mappings: MappingInfo[];
  /** Per-event page states (only with `record`). */
  touches: Map<number, Touch[]>;
  /** The bytes each event sends the daemon in WRITEs: write(2) data and write-backs (only with `writes`). */
  writes: SentWrite[];
  /** The page states of the event `seq` (with `record` or `history`; empty otherwise). */
  touchesAt(seq: number): Touch[];
  /** The fds and addresses the event `seq` used (with `record` or `history`; empty otherwise). */
  refsAt(seq: number): Ref[];
  /** The events that used the open or mmap `defSeq` through an fd or an address (with `record` or `history`). */
  usesOf(defSeq: number, what: 'fd' | 'addr'): Array<{ seq: number; value: number }>;
  /** seq → line, for every event. */
  lineOf(seq: number): number;
  /** What kind of event `seq` was, for describing provenance ('write' for writes, which keep no details). */
  kindOf(seq: number): EventKind | 'unknown';
  /** What the replay knows of the source `seq` (an event, or a possible store made of several). */
  source(seq: number): SourceInfo | undefined;
}

const NON_FILE = /^(socket|pipe|anon_inode|net|mnt|TCP|UDP|UNIX|NETLINK|UDPv6|TCPv6):|^\/(dev|proc|sys)\//;

const normalized = new Map<string, string>();

/** The absolute path with `.`, `..` and repeated slashes resolved, detached from the trace text. */
function normalize(path: string): string {
  // The same few paths come back on every open: resolve each once.
  let n = normalized.get(path);
  if (n !== undefined) return n;
  if (!path.startsWith('/')) n = detach(path);
  else {
    const out: string[] = [];
    for (const part of path.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') out.pop();
      else out.push(part);
    }
    n = `/${out.join('/')}`;
  }
  if (normalized.size >= 4096) normalized.clear();
  normalized.set(detach(path), n);
  return n;
}

function join(dir: string, rel: string): string {
  return normalize(`${dir.replace(/\/$/, '')}/${rel}`);
}

export class Replay {
  private readonly rules: ProfileRules;
  private readonly files = new Map<string, FileCache>();
  private readonly fileList: FileCache[] = [];
  private readonly opens = new Map<number, number[]>();
  private readonly procs = new Map<number, Process>();
  private initial: Process | undefined;
  private readonly procList: Process[] = [];
  private readonly divergences: Divergence[] = [];
  private readonly sources = new Map<number, SourceInfo>();
  private readonly mappingInfos: MappingInfo[] = [];
  private readonly mappingBySeq = new Map<number, MappingInfo>();
  /** What the editor asks of the replay (references, page states); the rules never read it. */
  private readonly index: EditorIndex;
  private readonly verifies: VerifyInfo[] = [];
  private readonly fuse = new FuseSession();
  private lines = new Int32Array(1024);
  private writeSources = new Uint8Array(1024);
  /** The event being applied, for the files' histories. */
  private readonly clock: Clock = { seq: 0 };
  /** Its name, for the stored-since sources it makes. */
  private clockName = '';
  private readonly storedSince = new StoredSinceSources();
  /** The daemon's log of the same run, aligned with this trace as it is replayed (`--fuse-log`). */
  private readonly daemon: DaemonAlignment | undefined;
  /** The trace has shown a write fault: it records every store (withoutPossibleStores). */
  private faultsRecorded = false;
  /** Sources for write-backs in that log, by the log's request seq. */
  private readonly daemonSources = new Map<number, number>();
  /** The WRITEs the daemon is expected to receive (options.writes). */
  private readonly writes: SentWrite[] = [];

  constructor(readonly options: ReplayOptions) {
    this.daemon = options.daemon ? new DaemonAlignment(options.daemon, options.mounts) : undefined;
    this.rules = PROFILES[options.kernel];
    this.index = new EditorIndex(options, this.fileList);
    this.cacheContext = {
      pageSize: options.pageSize,
      blockSize: options.blockSize,
      pageViews: options.record === true || options.history === true,
      validityMatters: this.rules.directWrite === 'direct-invalidate' || this.rules.space === 'block-invalidate',
      isWriteSource: (seq: number) => seq < this.writeSources.length && this.writeSources[seq] === 1,
      isPossibleStore: (seq: number) => this.isPossibleStore(seq),
      report: (d: Divergence) => this.report(d),
      storedSince: (m: StorableMapping) => this.storedSince.sourceFor(m, this.clock.seq, this.clockName),
      sent: options.writes ? (fileId: number, start: number, end: number) => this.writes.push({ seq: this.clock.seq, fileId, start, end }) : undefined,
    };
  }

  // ------------------------------------------------------------------ entities

  private proc(pid: number | undefined): Process {
    if (pid === undefined) {
      this.initial ??= this.newProcess(undefined, new FdTable(), new AddressSpace(), undefined, undefined);
      return this.initial;
    }
    let p = this.procs.get(pid);
    if (p === undefined) {
      // Lines before strace's second tracee attaches carry no pid: the first unknown pid that is nobody's
      // child is that initial process.
      if (this.initial !== undefined && this.initial.pid === undefined) {
        p = this.initial;
        p.pid = pid;
      } else p = this.newProcess(pid, new FdTable(), new AddressSpace(), undefined, undefined);
      this.procs.set(pid, p);
    }
    return p;
  }

  private newProcess(pid: number | undefined, fds: FdTable, vm: AddressSpace, cwd: string | undefined, parent: number | undefined): Process {
    const p = new Process(pid, fds, vm, cwd, parent);
    this.procList.push(p);
    return p;
  }

  private readonly cacheContext: CacheContext;

  private fileFor(path: string): FileCache | undefined {
    if (NON_FILE.test(path)) return undefined;
    const mounts = this.options.mounts;
    if (mounts && mounts.length > 0 && path.startsWith('/') && !mounts.some((m) => path === m || path.startsWith(m.endsWith('/') ? m : `${m}/`))) return undefined;
    let f = this.files.get(path);
    if (f === undefined) {
      f = new FileCache(this.fileList.length, path, this.cacheContext);
      if (this.options.history) f.keepHistory(this.clock);
      this.files.set(path, f);
      this.fileList.push(f);
    }
    return f;
  }

  private resolve(p: Process, path: string, dirfd: number | undefined, dirPath: string | undefined): string {
    if (path.startsWith('/')) return normalize(path);
    let dir = dirPath;
    if (dir === undefined && dirfd !== undefined) dir = p.fds.fds.get(dirfd)?.ofd.path;
    if (dir === undefined) dir = p.cwd;
    return dir === undefined ? normalize(path) : join(dir, path);
  }

  /** The open file description behind `fd`, inventing one for fds opened before the trace began. */
  private ofd(p: Process, fd: number, fdPath: string | undefined, line: number): OpenFile | undefined {
    const e = p.fds.fds.get(fd);
    if (e) return e.ofd;
    if (fd < 0) return undefined;
    if (fdPath === undefined && fd <= 2) return undefined; // a terminal, almost always
    const path = fdPath !== undefined ? normalize(fdPath) : `fd ${fd} of pid ${p.pid ?? '?'} (opened before line ${line + 1})`;
    const ofd = new OpenFile(this.fileFor(path), path, 0, false, false, true, true);
    ofd.refs = 1;
    if (ofd.file) {
      ofd.file.openCount++;
      ofd.file.handles.add(`rw:${p.pid ?? -1}`);
    }
    p.fds.fds.set(fd, { ofd, cloexec: false });
    return ofd;
  }

  // ------------------------------------------------------------------ recording

  private noteSeq(ev: TraceEvent): void {
    if (ev.seq >= this.lines.length) {
      this.lines = withRoom(this.lines, ev.seq + 1);
      this.writeSources = withRoom(this.writeSources, ev.seq + 1);
    }
    this.lines[ev.seq] = ev.span.line;
  }

  private addSource(info: SourceInfo): void {
    this.sources.set(info.seq, info);
  }

  // ------------------------------------------------------------------ dispatch

  apply(ev: TraceEvent): void {
    this.noteSeq(ev);
    this.clock.seq = ev.seq;
    this.clockName = ev.name;
    const p = this.proc(ev.pid);
    if (p.firstLine < 0) p.firstLine = ev.span.line;
    p.lastLine = Math.max(p.lastLine, ev.endSpan?.line ?? ev.span.line);
    if (ev.ok || ev.kind === 'exit' || ev.kind === 'fuse-request' || ev.kind === 'fuse-reply' || ev.kind === 'verify' || (ev.kind === 'write' && failedWriteReachedFs(ev.errno))) this.dispatch(p, ev);
    this.index.close(ev.seq);
  }

  private dispatch(p: Process, ev: TraceEvent): void {
    switch (ev.kind) {
      case 'open': return this.open(p, ev);
      case 'close': return this.close(p, ev);
      case 'dup': return this.dup(p, ev);
      case 'setfl': {
        const e = p.fds.fds.get(ev.fd);
        if (e) {
          e.ofd.direct = ev.direct;
          e.ofd.append = ev.append;
          this.index.ref(ev.seq, 'fd', ev.fd, e.ofd.openSeq, e.ofd.path);
        }
        return;
      }
      case 'setfd': {
        const e = p.fds.fds.get(ev.fd);
        if (e) e.cloexec = ev.cloexec;
        return;
      }
      case 'fork': return this.fork(p, ev);
      case 'exec': return this.exec(p, ev);
      case 'exit': return this.exit(p, ev);
      case 'mmap': return this.mmap(p, ev);
      case 'munmap': return this.munmap(p, ev);
      case 'mremap': return this.mremap(p, ev);
      case 'mprotect': return this.mprotect(p, ev);
      case 'msync': return this.msync(p, ev);
      case 'store': return this.store(p, ev);
      case 'write': return this.write(p, ev);
      case 'read': return this.read(p, ev);
      case 'lseek': {
        const o = this.ofd(p, ev.fd, ev.fdPath, ev.span.line);
        if (!o) return;
        this.index.ref(ev.seq, 'fd', ev.fd, o.openSeq, o.path);
        if (ev.result !== undefined) o.pos = ev.result;
        else if (ev.whence === 'set') o.pos = ev.offset;
        else if (ev.whence === 'cur') o.pos += ev.offset;
        else if (ev.whence === 'end' && o.file) o.pos = o.file.size + ev.offset;
        return;
      }
      case 'truncate': return this.truncate(p, ev);
      case 'sync': return this.sync(p, ev);
      case 'space': return this.space(p, ev);
      case 'stat': {
        const f = ev.fd !== undefined ? this.ofd(p, ev.fd, ev.fdPath, ev.span.line)?.file : ev.path !== undefined ? this.files.get(this.resolve(p, ev.path, undefined, undefined)) : undefined;
        if (f && !f.sizeKnown) {
          f.size = Math.max(f.size, ev.size);
          f.sizeKnown = true;
        }
        return;
      }
      case 'chdir': {
        if (ev.path !== undefined) p.cwd = this.resolve(p, ev.path, undefined, undefined);
        else if (ev.fd !== undefined) p.cwd = p.fds.fds.get(ev.fd)?.ofd.path ?? p.cwd;
        return;
      }
      case 'rename': {
        const from = this.resolve(p, ev.from, undefined, undefined);
        const to = this.resolve(p, ev.to, undefined, undefined);
        const f = this.files.get(from);
        this.files.delete(from);
        if (f) {
          f.name = to;
          this.files.set(to, f);
        }
        return;
      }
      case 'unlink':
        this.files.delete(this.resolve(p, ev.path, undefined, undefined));
        return;
      case 'fuse-request':
        this.fuse.request(ev);
        return;
      case 'fuse-reply':
        return this.fuseReply(ev);
      case 'verify':
        return this.verify(p, ev);
      default:
        return;
    }
  }

  // ------------------------------------------------------------------ the daemon's log

  /** The client call `ev` on `file` made the request `op`: a point where this trace and the daemon's log align. */
  private anchor(ev: TraceEvent, op: AnchorOp, file: FileCache | undefined, offset?: number): void {
    if (this.daemon !== undefined && file !== undefined) this.daemon.anchor(ev.seq, op, ev.pid, file.name, offset);
  }

  private report(d: Divergence): void {
    let refined: Divergence | undefined = d;
    if (this.faultsRecorded) refined = this.withoutPossibleStores(d);
    else if (this.daemon !== undefined) refined = this.withDaemonEvidence(d);
    if (refined !== undefined) this.divergences.push(refined);
  }

  /** Whether the source `seq` is a possible store (a mapping's, either tier). */
  private isPossibleStore(seq: number): boolean {
    const k = this.source(seq)?.kind;
    return k === 'mmap' || k === 'mremap' || k === 'mprotect';
  }

  /**
   * A trace that records write faults (kdump PFLT, a perf recording) shows every store into a clean page: the
   * kernel write-protects a page when it cleans it, so the next store faults. Then a page is dirty exactly from a
   * recorded fault to its next clean, and what is only possibly stored was not stored.
   */
  private withoutPossibleStores(d: Divergence): Divergence | undefined {
    const lost = d.lost.filter((l) => !this.isPossibleStore(l.src));
    return lost.length === 0 ? undefined : lost.length === d.lost.length ? d : { ...d, lost };
  }

  /**
   * A loss judged with the daemon's log (DaemonAlignment.page): each page of bytes possibly stored through a mapping
   * becomes a definite store where the log shows its write-back between its last clean and this call, drops out
   * where the log shows it was not stored since, and stays possible otherwise.
   */
  private withDaemonEvidence(d: Divergence): Divergence | undefined {
    const file = this.fileList[d.fileId];
    const evidence = this.daemon!.file(file.name);
    if (evidence === undefined) return d;
    const ps = this.options.pageSize;
    const lost: LostRange[] = [];
    const keep = (start: number, end: number, src: number) => {
      const last = lost[lost.length - 1];
      if (last !== undefined && last.end === start && last.src === src) last.end = end;
      else lost.push({ start, end, src });
    };
    for (const l of d.lost) {
      const s = this.source(l.src);
      if (s === undefined || (s.kind !== 'mmap' && s.kind !== 'mremap' && s.kind !== 'mprotect')) {
        keep(l.start, l.end, l.src);
        continue;
      }
      const since = s.since?.seq ?? l.src;
      const first = s.since === undefined && file.firstStorableSeq === l.src;
      for (let a = l.start; a < l.end;) {
        const b = Math.min(l.end, (Math.floor(a / ps) + 1) * ps);
        const v = this.daemon!.page(evidence, a, b, since, first);
        if (v.stored) keep(a, b, this.daemonSource(v.writeBack, file, s.mappingSeq ?? l.src));
        else if (!v.notStored) keep(a, b, l.src);
        a = b;
      }
    }
    return lost.length === 0 ? undefined : { ...d, lost };
  }

  /** The source of bytes a write-back in the daemon's log shows stored through the mapping `mappingSeq`. */
  private daemonSource(w: DaemonWrite, file: FileCache, mappingSeq: number): number {
    let seq = this.daemonSources.get(w.seq);
    if (seq === undefined) {
      seq = DAEMON_SEQ + this.daemonSources.size;
      this.daemonSources.set(w.seq, seq);
      this.addSource({
        seq, kind: 'store', name: `WRITE from pid ${w.pid ?? '?'} (daemon log)`, span: w.span, trace: this.options.daemon!.logPath,
        fileId: file.id, mappingSeq, range: [w.offset, w.offset + w.size],
      });
    }
    return seq;
  }

  // ------------------------------------------------------------------ fds and processes

  private open(p: Process, ev: OpenEvent): void {
    const path = ev.resolvedPath !== undefined ? normalize(ev.resolvedPath) : ev.target ? this.resolve(p, ev.target.path, ev.target.dirfd, ev.target.dirPath) : `fd ${ev.fd} opened at line ${ev.span.line + 1}`;
    const file = ev.flags.directory ? undefined : this.fileFor(path);
    this.closeFd(p, ev.fd, ev.seq);
    if (file) {
      this.anchor(ev, 'open', file);
      const list = this.opens.get(file.id);
      if (list) list.push(ev.seq);
      else this.opens.set(file.id, [ev.seq]);
      // A FUSE_OPEN without FOPEN_KEEP_CACHE writes back and invalidates the cache (fuse_io_invalbuf, Linux
      // invalidate_inode_pages2 with launder).
      if (this.sendsFuseOpen(file, p, ev.flags.read, ev.flags.write)) {
        this.index.touchDirty(file);
        file.flushAndInvalidate();
      }
      if (ev.flags.trunc && ev.flags.write) {
        this.index.touch(file, 0, file.size);
        file.truncate(0);
      }
      file.openCount++;
    }
    this.addSource({ seq: ev.seq, kind: 'open', name: ev.name, span: ev.span, fileId: file?.id });
    const ofd = new OpenFile(file, path, ev.seq, ev.flags.direct, ev.flags.append, ev.flags.write, ev.flags.read);
    ofd.refs = 1;
    p.fds.fds.set(ev.fd, { ofd, cloexec: ev.flags.cloexec });
  }

  /**
   * Whether open(2) sends a FUSE_OPEN: Linux on every open; FreeBSD when none of the file's handles matches the
   * access mode and the process (fuse_filehandle_validrw; an O_RDWR handle serves either), its handles living until
   * the vnode is inactive. uid and gid, which it compares too, are not in traces: taken as the same.
   */
  private sendsFuseOpen(file: FileCache, p: Process, read: boolean, write: boolean): boolean {
    if (this.rules.openInvalidates === 'every-open') return true;
    const pid = p.pid ?? -1;
    const type = read && write ? 'rw' : write ? 'w' : 'r';
    if (file.handles.has(`${type}:${pid}`) || file.handles.has(`rw:${pid}`)) return false;
    file.handles.add(`${type}:${pid}`);
    return true;
  }

  private closeFd(p: Process, fd: number, seq: number): void {
    const e = p.fds.fds.get(fd);
    if (!e) return;
    p.fds.fds.delete(fd);
    this.releaseOfd(e.ofd, seq);
  }

  private releaseOfd(ofd: OpenFile, _seq: number): void {
    ofd.refs--;
    const f = ofd.file;
    if (!f) return;
    if (this.rules.closeFlush === 'every-close') {
      this.index.touchDirty(f);
      f.flush();
    }
    if (ofd.refs > 0) return;
    f.openCount--;
    this.maybeInactive(f);
  }

  /** FreeBSD vinactive: the last reference (no open files, no mappings) writes dirty pages back and releases the handles. */
  private maybeInactive(f: FileCache): void {
    if (this.rules.closeFlush === 'last-reference' && f.openCount <= 0 && f.mapCount <= 0) {
      this.index.touchDirty(f);
      f.flush();
      f.handles.clear();
    }
  }

  private close(p: Process, ev: CloseEvent): void {
    const e = p.fds.fds.get(ev.fd);
    if (e) {
      this.index.ref(ev.seq, 'fd', ev.fd, e.ofd.openSeq, e.ofd.path);
      this.anchor(ev, 'flush', e.ofd.file);
    }
    this.closeFd(p, ev.fd, ev.seq);
  }

  private dup(p: Process, ev: DupEvent): void {
    const e = p.fds.fds.get(ev.fd);
    if (!e || ev.fd === ev.newfd) return;
    this.index.ref(ev.seq, 'fd', ev.fd, e.ofd.openSeq, e.ofd.path);
    this.closeFd(p, ev.newfd, ev.seq);
    e.ofd.refs++;
    p.fds.fds.set(ev.newfd, { ofd: e.ofd, cloexec: ev.cloexec });
  }

  private fork(p: Process, ev: ForkEvent): void {
    const old = this.procs.get(ev.child);
    if (old && old !== p && old.alive) return; // already known (its lines came first): keep what it has
    const fds = ev.shareFiles || ev.thread ? p.fds : p.fds.copy();
    const vm = ev.shareVm || ev.thread ? p.vm : p.vm.copy();
    if (ev.thread) {
      this.procs.set(ev.child, p);
      return;
    }
    const child = this.newProcess(ev.child, fds, vm, p.cwd, p.pid);
    this.procs.set(ev.child, child);
  }

  private exec(p: Process, _ev: ExecEvent): void {
    if (p.fds.users > 1) {
      p.fds.users--;
      p.fds = p.fds.copy();
      p.fds.users = 1;
    }
    for (const [fd, e] of [...p.fds.fds]) if (e.cloexec) this.closeFd(p, fd, _ev.seq);
    this.releaseVm(p, _ev.seq);
    p.vm = new AddressSpace();
    p.vm.users = 1;
  }

  private releaseVm(p: Process, seq: number): void {
    p.vm.users--;
    if (p.vm.users > 0) return;
    for (const m of [...p.vm.maps]) this.unmap(p, m.start, m.end, seq);
  }

  private exit(p: Process, ev: ExitEvent): void {
    if (!p.alive) return;
    if (ev.threadOnly) {
      if (ev.pid !== undefined && p.pid !== ev.pid) this.procs.delete(ev.pid);
      return;
    }
    p.alive = false;
    p.fds.users--;
    if (p.fds.users <= 0) for (const fd of [...p.fds.fds.keys()]) this.closeFd(p, fd, ev.seq);
    this.releaseVm(p, ev.seq);
  }

  // ------------------------------------------------------------------ memory

  private mmap(p: Process, ev: MmapEvent): void {
    const start = ev.addr;
    const end = ev.addr + ev.length;
    // Whatever was mapped there before is gone (MAP_FIXED, or an address the kernel reused).
    this.unmap(p, start, end, ev.seq);
    let file: FileCache | undefined;
    let path: string | undefined;
    if (!ev.anonymous && ev.fd >= 0) {
      const o = this.ofd(p, ev.fd, ev.fdPath, ev.span.line);
      if (o) {
        file = o.file;
        path = o.path;
        this.index.ref(ev.seq, 'fd', ev.fd, o.openSeq, o.path);
      }
    }
    const writable = ev.prot.write && ev.shared;
    const m: Mapping = { start, end, file, path, offset: ev.offset, shared: ev.shared, writable, seq: ev.seq, storesKnown: ev.storesKnown === true, storableSeq: ev.seq };
    p.vm.add(m);
    const info: MappingInfo = { seq: ev.seq, pid: p.pid, start, end, path, offset: ev.offset, shared: ev.shared, writable };
    this.addSource({ seq: ev.seq, kind: 'mmap', name: ev.name, span: ev.span, fileId: file?.id });
    this.mappingInfos.push(info);
    this.mappingBySeq.set(ev.seq, info);
    if (file && writable && !ev.storesKnown) this.possibleStores(file, ev.seq, ev.offset, ev.offset + ev.length, 'mmap', ev.name, ev.span, ev.seq);
  }

  /**
   * A writable shared mapping (or the part of one that `seq` made writable) may dirty any of its pages from now on:
   * possible evidence, first tier (docs/semantics.md, Evidence). The file cache marks them again whenever they are cleaned.
   */
  private possibleStores(file: FileCache, seq: number, fileStart: number, fileEnd: number, kind: EventKind, name: string, span: Span, mappingSeq: number): void {
    const end = file.sizeKnown ? Math.min(fileEnd, file.size) : fileEnd;
    this.addSource({ seq, kind, name, span, fileId: file.id, mappingSeq, range: [fileStart, end] });
    file.firstStorableSeq ??= seq;
    if (end <= fileStart) return;
    if (!file.sizeKnown) file.grow(end);
    this.index.touch(file, fileStart, end);
    file.possiblyDirty(fileStart, end, seq);
  }

  private fuseReply(ev: FuseReplyEvent): void {
    const paired = this.fuse.reply(ev);
    if (!paired) return;
    const { request, path } = paired;
    const file = path.startsWith('nodeid ') ? undefined : this.fileFor(path);
    if (!file) return;
    const failed = (ev.error ?? 0) !== 0;
    if (request.opcode === 'WRITE' && request.offset !== undefined) {
      const size = ev.size ?? request.size ?? 0;
      if (size <= 0) return;
      const range: [number, number] = [request.offset, request.offset + size];
      this.addSource({ seq: request.seq, kind: 'fuse-request', name: request.requester === 0 ? 'WRITE (kernel write-back)' : 'WRITE', span: request.span, fileId: file.id, range });
      if (!failed) {
        this.index.touch(file, range[0], range[1]);
        file.daemon.set(range[0], range[1], request.seq);
        file.grow(range[1]);
        return;
      }
      // The daemon refused the data. Where the kernel keeps what it sent as if written, readers see bytes the
      // file system does not have.
      if (!this.rules.failedWriteKept.includes(this.options.mode)) return;
      this.addSource({ seq: ev.seq, kind: 'fuse-reply', name: `WRITE reply ${ev.error}`, span: ev.span, fileId: file.id });
      this.divergences.push({
        seq: ev.seq, fileId: file.id, cause: 'daemon-write-failed', granularity: 'page', invalidated: range,
        lost: [{ start: range[0], end: range[1], src: request.seq }],
        detail: `error ${ev.error}${request.requester === 0 ? ' on the kernel\'s write-back of dirty pages' : request.requester !== undefined ? ` on a write by pid ${request.requester}` : ''}`,
      });
      return;
    }
    if (ev.attrSize !== undefined && !failed) {
      const ignoredSize = this.rules.daemonSizeIgnored[this.options.mode];
      const ignored = ignoredSize === 'all' || (ignoredSize === 'getattr' && request.opcode === 'GETATTR');
      if (ignored) return;
      if (file.sizeKnown && ev.attrSize < file.size) {
        // Both kernels drop what lies past a smaller size (fuse_vnode_setsize, truncate_pagecache): the file was
        // truncated behind the client's back, which is no loss of the client's.
        file.truncate(ev.attrSize);
        return;
      }
      if (this.rules.sizeGrowthDropsDirty.includes(this.options.mode) && file.sizeKnown && ev.attrSize > file.size && file.hasDirty()) {
        this.addSource({ seq: ev.seq, kind: 'fuse-reply', name: `${request.opcode} reply`, span: ev.span, fileId: file.id });
        this.index.touchDirty(file);
        file.dropForSizeGrowth(ev.seq, ev.attrSize, `the daemon reported size ${ev.attrSize} while the cache had ${file.size}`);
      } else if (!file.sizeKnown) {
        file.size = ev.attrSize;
        file.sizeKnown = true;
      }
    }
  }

  private verify(p: Process, ev: VerifyEvent): void {
    const file = ev.path !== undefined ? this.files.get(this.resolve(p, ev.path, undefined, undefined)) : this.fileList.length === 1 ? this.fileList[0] : undefined;
    this.verifies.push({
      seq: ev.seq, span: ev.span, fileId: file?.id, offset: ev.offset, length: ev.length,
      ...(ev.badOffset !== undefined ? { badOffset: ev.badOffset } : {}),
      ...(ev.suspectOp !== undefined ? { suspectOp: ev.suspectOp } : {}),
      ...(ev.detail !== undefined ? { detail: ev.detail } : {}),
    });
  }

  private unmap(p: Process, start: number, end: number, seq: number): void {
    const removed = p.vm.remove(start, end);
    for (const m of removed) {
      const info = this.mappingBySeq.get(m.seq);
      if (info && info.unmapSeq === undefined && !p.vm.holds(m.seq)) info.unmapSeq = seq;
      if (!m.file) continue;
      if (this.rules.munmapFlushes) {
        this.index.touchDirty(m.file);
        m.file.flush();
      }
      this.maybeInactive(m.file);
    }
  }

  private munmap(p: Process, ev: MunmapEvent): void {
    for (const m of p.vm.overlapping(ev.addr, ev.addr + ev.length)) this.index.ref(ev.seq, 'addr', ev.addr, m.seq, m.path ?? 'anonymous memory');
    this.unmap(p, ev.addr, ev.addr + ev.length, ev.seq);
  }

  private mremap(p: Process, ev: MremapEvent): void {
    const old = p.vm.find(ev.oldAddr);
    if (!old) return;
    this.index.ref(ev.seq, 'addr', ev.oldAddr, old.seq, old.path ?? 'anonymous memory');
    const moved: Mapping = { ...old, start: ev.newAddr, end: ev.newAddr + ev.newLength };
    p.vm.remove(ev.oldAddr, ev.oldAddr + ev.oldLength);
    p.vm.add(moved);
    if (old.file && old.writable && ev.newLength > ev.oldLength) {
      this.possibleStores(old.file, ev.seq, old.offset + ev.oldLength, old.offset + ev.newLength, 'mremap', ev.name, ev.span, old.seq);
    }
  }

  private mprotect(p: Process, ev: MprotectEvent): void {
    for (const m of p.vm.overlapping(ev.addr, ev.addr + ev.length)) {
      const becomesWritable = ev.prot.write && m.shared && !m.writable;
      if (!becomesWritable) continue;
      const s = Math.max(m.start, ev.addr);
      const e = Math.min(m.end, ev.addr + ev.length);
      p.vm.makeWritable(m, ev.seq);
      if (m.file) this.possibleStores(m.file, ev.seq, m.offset + (s - m.start), m.offset + (e - m.start), 'mprotect', ev.name, ev.span, m.seq);
    }
  }

  /** File ranges behind [start, end) of the address space. */
  private fileRanges(p: Process, start: number, end: number): Array<{ m: Mapping; from: number; to: number }> {
    const out: Array<{ m: Mapping; from: number; to: number }> = [];
    for (const m of p.vm.overlapping(start, end)) {
      const s = Math.max(m.start, start);
      const e = Math.min(m.end, end);
      out.push({ m, from: m.offset + (s - m.start), to: m.offset + (e - m.start) });
    }
    return out;
  }

  private msync(p: Process, ev: MsyncEvent): void {
    let start = ev.addr;
    let end = ev.addr + ev.length;
    if (ev.length === 0) {
      // FreeBSD vm_map_sync: a zero length syncs the whole entry containing addr (fsx -i uses it); Linux returns.
      if (!this.rules.msyncZeroLengthSyncsEntry) return;
      const m = p.vm.find(ev.addr);
      if (!m) return;
      start = m.start;
      end = m.end;
    }
    const mode = this.options.mode;
    const syncs = ev.sync || (!ev.async && this.rules.msyncSyncsUnlessAsync) || (ev.async && this.rules.msyncAsyncFlushes.includes(mode));
    const invalidates = ev.invalidate && this.rules.msyncInvalidates;
    const widens = this.rules.msyncWidensToBlock.includes(mode);
    for (const { m, from, to } of this.fileRanges(p, start, end)) {
      this.index.ref(ev.seq, 'addr', ev.addr, m.seq, m.path ?? 'anonymous memory');
      if (!m.file || !m.shared) continue;
      if (ev.sync) this.anchor(ev, 'fsync', m.file);
      const ps = this.options.pageSize;
      let a = Math.floor(from / ps) * ps;
      let b = Math.ceil(to / ps) * ps;
      // The pager writes only when a page of the range is dirty; then FreeBSD writes more than the range (the dirty
      // pages next to it, and in cached modes the rest of each 64 KiB buffer). Where the range holds only possibly
      // stored bytes, a world in which it was clean, and the rest stays dirty, cannot be excluded.
      if ((syncs || invalidates) && m.file.knownDirtyIn(a, b)) {
        if (widens) [a, b] = [Math.floor(a / this.options.blockSize) * this.options.blockSize, Math.ceil(b / this.options.blockSize) * this.options.blockSize];
        [a, b] = m.file.clusterDirty(a, b, this.rules.msyncClusterPages);
      }
      this.index.touch(m.file, a, b);
      if (invalidates) m.file.flushAndInvalidate(a, b);
      else if (syncs) m.file.flush(a, b);
    }
  }

  private store(p: Process, ev: StoreEvent): void {
    if (ev.source === 'pflt') this.faultsRecorded = true;
    if (ev.addr !== undefined) {
      const ps = this.options.pageSize;
      const addr = ev.wholePage ? Math.floor(ev.addr / ps) * ps : ev.addr;
      const ranges = this.fileRanges(p, addr, addr + (ev.wholePage ? ps : ev.length));
      for (const { m, from, to } of ranges) {
        if (!m.file || !m.shared) continue;
        this.addSource({ seq: ev.seq, kind: 'store', name: ev.name, span: ev.span, fileId: m.file.id, mappingSeq: m.seq, range: [from, to], ...(ev.trace !== undefined ? { trace: ev.trace } : {}), fault: { addr: ev.addr, time: ev.time } });
        this.index.ref(ev.seq, 'addr', ev.addr, m.seq, m.path ?? '');
        this.index.touch(m.file, from, to);
        m.file.store(ev.seq, from, to - from);
      }
      return;
    }
    let file: FileCache | undefined;
    if (ev.fd !== undefined) file = this.ofd(p, ev.fd, ev.fdPath ?? ev.path, ev.span.line)?.file;
    else if (ev.path !== undefined) file = this.fileFor(this.resolve(p, ev.path, undefined, undefined));
    if (!file || ev.offset === undefined) return;
    // The mapping a store went through: the newest writable shared mapping of this file covering it.
    let mappingSeq: number | undefined;
    for (const m of p.vm.maps) if (m.file === file && m.writable && m.offset <= ev.offset && ev.offset < m.offset + (m.end - m.start)) mappingSeq = m.seq;
    this.addSource({ seq: ev.seq, kind: 'store', name: ev.name, span: ev.span, fileId: file.id, mappingSeq, range: [ev.offset, ev.offset + ev.length] });
    this.index.touch(file, ev.offset, ev.offset + ev.length);
    file.store(ev.seq, ev.offset, ev.length);
  }

  // ------------------------------------------------------------------ I/O


  private write(p: Process, ev: WriteEvent): void {
    const o = this.ofd(p, ev.fd, ev.fdPath, ev.span.line);
    if (!o) return;
    this.index.ref(ev.seq, 'fd', ev.fd, o.openSeq, o.path);
    const f = o.file;
    let off = ev.offset;
    if (off === undefined) {
      off = o.append && f ? f.size : o.pos;
      o.pos = off + ev.length;
    }
    // A short write drops what it asked for and leaves what it wrote; a failed one (requested, length 0) drops only.
    const asked = ev.requested ?? ev.length;
    if (!f || asked < 0) return;
    const policy = ev.direct || o.direct ? this.rules.directWrite : this.rules.write[this.options.mode];
    // A write of no bytes reaches FreeBSD's invalidation (docs/semantics.md); everywhere else it does nothing.
    if (asked === 0 && policy !== 'around-invalidate' && policy !== 'direct-invalidate') return;
    if (asked > 0) this.anchor(ev, 'write', f, off);
    this.writeSources[ev.seq] = 1;
    const g = this.options.granularity ?? this.rules.aroundGranularity;
    const unit = policy === 'direct-invalidate' || g === 'block' ? this.options.blockSize : this.options.pageSize;
    this.index.touch(f, Math.floor(off / unit) * unit, Math.ceil((off + Math.max(asked, 1)) / unit) * unit);
    const before = this.divergences.length;
    f.write(ev.seq, off, ev.length, asked, policy, g, this.rules.fillUnit);
    if (this.divergences.length > before) {
      // Writes are the most common events: only those that caused a finding keep their details.
      this.addSource({ seq: ev.seq, kind: 'write', name: ev.name, span: ev.span, fileId: f.id, range: [off, off + ev.length] });
      for (let i = before; i < this.divergences.length; i++) this.divergences[i].viaOpen = o.openSeq;
    }
  }

  private read(p: Process, ev: ReadEvent): void {
    const o = this.ofd(p, ev.fd, ev.fdPath, ev.span.line);
    if (!o) return;
    this.index.ref(ev.seq, 'fd', ev.fd, o.openSeq, o.path);
    let off = ev.offset;
    if (off === undefined) {
      off = o.pos;
      o.pos = off + ev.length;
    }
    const f = o.file;
    if (!f || ev.length <= 0) return;
    if (o.direct || !this.rules.readsFill.includes(this.options.mode)) return;
    this.index.touch(f, off, off + ev.length);
    f.read(off, off + ev.length, this.rules.fillUnit === 'block' ? 'block' : 'page');
  }

  private truncate(p: Process, ev: TruncateEvent): void {
    let f: FileCache | undefined;
    if (ev.fd !== undefined) {
      const o = this.ofd(p, ev.fd, ev.fdPath, ev.span.line);
      if (o) this.index.ref(ev.seq, 'fd', ev.fd, o.openSeq, o.path);
      f = o?.file;
    } else if (ev.path !== undefined) f = this.fileFor(this.resolve(p, ev.path, undefined, undefined));
    if (!f) return;
    this.anchor(ev, 'setattr', f);
    const ps = this.options.pageSize;
    const changes = ev.size !== f.size || !f.sizeKnown;
    this.index.touch(f, Math.floor(Math.min(ev.size, f.size) / ps) * ps, Math.max(ev.size, f.size));
    f.truncate(ev.size);
    if (this.rules.truncateLaunders && changes) {
      // Linux fuse_do_setattr: truncate_pagecache, then invalidate_inode_pages2 (which launders dirty pages).
      this.index.touchDirty(f);
      f.flushAndInvalidate();
    }
  }

  private sync(p: Process, ev: SyncEvent): void {
    if (ev.fd === undefined || ev.how === 'all') {
      const targets = ev.fd === undefined ? this.fileList : [this.ofd(p, ev.fd, ev.fdPath, ev.span.line)?.file].filter((x): x is FileCache => x !== undefined);
      for (const f of targets) {
        this.index.touchDirty(f);
        f.flush();
      }
      return;
    }
    const o = this.ofd(p, ev.fd, ev.fdPath, ev.span.line);
    if (!o) return;
    this.index.ref(ev.seq, 'fd', ev.fd, o.openSeq, o.path);
    const f = o.file;
    if (!f) return;
    this.anchor(ev, 'fsync', f);
    this.index.touchDirty(f);
    if (ev.how === 'range' && ev.range && ev.range.length > 0) f.flush(ev.range.offset, ev.range.offset + ev.range.length);
    else f.flush();
  }

  private space(p: Process, ev: SpaceEvent): void {
    const o = this.ofd(p, ev.fd, ev.fdPath, ev.span.line);
    if (!o) return;
    this.index.ref(ev.seq, 'fd', ev.fd, o.openSeq, o.path);
    if (ev.srcFd !== undefined) {
      // copy_file_range: the source's mapped writes are flushed first (FreeBSD vnode_pager_clean_sync, Linux writeback).
      const src = this.ofd(p, ev.srcFd, undefined, ev.span.line);
      if (src) {
        this.index.ref(ev.seq, 'fd', ev.srcFd, src.openSeq, src.path);
        if (src.file) {
          this.index.touchDirty(src.file);
          src.file.flush();
        }
        if (ev.srcOffset === undefined) src.pos += ev.length;
      }
    }
    const f = o.file;
    let off = ev.offset;
    if (off < 0) {
      off = o.pos;
      o.pos += ev.length;
    }
    if (!f) return;
    this.addSource({ seq: ev.seq, kind: 'space', name: ev.name, span: ev.span, fileId: f.id, range: [off, off + ev.length] });
    const bs = this.options.blockSize;
    this.index.touch(f, Math.floor(off / bs) * bs, Math.ceil((off + ev.length) / bs) * bs);
    const before = this.divergences.length;
    f.space(ev.seq, off, ev.length, ev.op, ev.keepSize, this.rules.space);
    for (let i = before; i < this.divergences.length; i++) this.divergences[i].viaOpen = o.openSeq;
  }

  // ------------------------------------------------------------------ results

  finish(): ReplayResult {
    const lines = this.lines;
    return {
      options: this.options,
      divergences: this.divergences,
      verifies: this.verifies,
      sources: this.sources,
      files: this.fileList.map((f) => ({ id: f.id, name: f.name, size: f.size, opens: this.opens.get(f.id) ?? [] })),
      processes: this.procList.map((p) => ({ pid: p.pid, parent: p.parent, firstLine: p.firstLine, lastLine: p.lastLine })),
      mappings: this.mappingInfos,
      touches: this.index.touches,
      writes: this.writes,
      touchesAt: (seq: number) => this.index.touchesAt(seq),
      refsAt: (seq: number) => this.index.refsAt(seq),
      usesOf: (defSeq: number, what: 'fd' | 'addr') => this.index.usesOf(defSeq, what),
      lineOf: (seq: number) => (seq < lines.length ? lines[seq] : -1),
      kindOf: (seq: number) => this.source(seq)?.kind ?? (seq < this.writeSources.length && this.writeSources[seq] === 1 ? 'write' : 'unknown'),
      source: (seq: number) => this.source(seq),
    };
  }

  /** The source `seq`: an event's, or a stored-since source made into one when first asked for. */
  private source(seq: number): SourceInfo | undefined {
    const known = this.sources.get(seq);
    if (known !== undefined || seq < STORED_SINCE_SEQ) return known;
    const s = this.storedSince.get(seq);
    if (s === undefined) return undefined;
    const m = this.sources.get(s.storableSeq);
    const since = this.sources.get(s.sinceSeq);
    const info: SourceInfo = {
      seq, kind: m?.kind ?? 'mmap', name: m?.name ?? 'mmap', span: m?.span ?? { line: this.lineOf(s.storableSeq), start: 0, end: 0 },
      ...(m?.fileId !== undefined ? { fileId: m.fileId } : {}), mappingSeq: s.storableSeq,
      since: { seq: s.sinceSeq, name: s.sinceName, span: since?.span ?? { line: this.lineOf(s.sinceSeq), start: 0, end: 0 } },
    };
    this.sources.set(seq, info);
    return info;
  }

  private lineOf(seq: number): number {
    return seq < this.lines.length ? this.lines[seq] : -1;
  }

  /** Name of a file by id (files keep their last path after renames). */
  fileName(id: number): string {
    return this.fileList[id]?.name ?? `file #${id}`;
  }
}
