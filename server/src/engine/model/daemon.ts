// The daemon's side of a FUSE log: requests paired with their replies by `unique` (in any order), nodeids
// mapped to paths, and which bytes the daemon received and from whom (`pid: 0` is the kernel writing back dirty
// pages). Used two ways: replayed alone (findings a daemon log shows by itself: failed WRITEs the cache kept,
// size growth that drops dirty pages), and summarised as evidence for a client trace of the same run.
import type { FuseReplyEvent, FuseRequestEvent, Span } from '../events.js';

export interface DaemonWrite {
  /** seq of the request event. */
  seq: number;
  span: Span;
  path: string;
  offset: number;
  size: number;
  /** 0: the kernel's own write-back of cached pages; otherwise the process that wrote. */
  pid: number | undefined;
  writepage: boolean;
  error: number | undefined;
}

/**
 * A request a client call makes, as the daemon's log shows it: the points at which the client trace and the log
 * are aligned (the log has no clock of its own). `pos` is its place in the log (the request event's seq).
 */
export interface AnchorRequest {
  pos: number;
  op: AnchorOp;
  pid: number | undefined;
  path: string;
  offset?: number;
}

/** The client calls the alignment uses, by the request each makes (open(2): OPEN or CREATE; close(2): FLUSH...). */
export type AnchorOp = 'open' | 'write' | 'flush' | 'fsync' | 'setattr';

const ANCHOR_OPS: Record<string, AnchorOp | undefined> = { OPEN: 'open', CREATE: 'open', WRITE: 'write', FLUSH: 'flush', FSYNC: 'fsync', SETATTR: 'setattr' };

export interface PairedReply {
  request: FuseRequestEvent;
  reply: FuseReplyEvent;
  path: string;
}

/** Pairs requests and replies and keeps nodeid → path. Feed it every fuse event in order. */
export class FuseSession {
  private readonly pending = new Map<number, FuseRequestEvent>();
  private readonly paths = new Map<number, string>([[1, '/']]);
  readonly writes: DaemonWrite[] = [];
  /** Requests a client's call made, in log order (see AnchorRequest). */
  readonly anchors: AnchorRequest[] = [];
  /** Paths whose file handles were all released (RELEASE answered): the log saw their whole life in the cache. */
  readonly released = new Set<string>();
  private readonly openHandles = new Map<string, number>();

  pathOf(nodeid: number, given?: string): string {
    if (given !== undefined) {
      this.paths.set(nodeid, given);
      return given;
    }
    return this.paths.get(nodeid) ?? `nodeid ${nodeid}`;
  }

  request(ev: FuseRequestEvent): void {
    this.pending.set(ev.unique, ev);
    if (ev.path !== undefined && ev.nodeid > 1 && ev.opcode !== 'LOOKUP' && ev.opcode !== 'CREATE' && ev.opcode !== 'MKNOD') this.paths.set(ev.nodeid, ev.path);
    const op = ANCHOR_OPS[ev.opcode];
    // The kernel's own requests (pid 0: write-back, release) answer no client call.
    if (op === undefined || ev.requester === 0 || ev.writepage === true) return;
    const path = ev.opcode === 'CREATE' ? ev.path : this.pathOf(ev.nodeid, undefined);
    if (path === undefined || path.startsWith('nodeid ')) return;
    this.anchors.push({ pos: ev.seq, op, pid: ev.requester, path, ...(op === 'write' && ev.offset !== undefined ? { offset: ev.offset } : {}) });
  }

  /** Returns the request this reply answers, with the path it concerns. */
  reply(ev: FuseReplyEvent): PairedReply | undefined {
    const request = this.pending.get(ev.unique);
    if (!request) return undefined;
    this.pending.delete(ev.unique);
    // LOOKUP/CREATE name a child: the reply's nodeid gets the request's path.
    if ((request.opcode === 'LOOKUP' || request.opcode === 'CREATE' || request.opcode === 'MKNOD') && ev.nodeid !== undefined && request.path !== undefined) {
      this.paths.set(ev.nodeid, request.path);
    }
    const nodeid = request.opcode === 'LOOKUP' || request.opcode === 'CREATE' ? ev.nodeid ?? request.nodeid : request.nodeid;
    const path = request.opcode === 'LOOKUP' || request.opcode === 'CREATE' ? request.path ?? this.pathOf(nodeid) : this.pathOf(nodeid, undefined);
    const ok = (ev.error ?? 0) === 0;
    if (ok && (request.opcode === 'OPEN' || request.opcode === 'CREATE')) this.openHandles.set(path, (this.openHandles.get(path) ?? 0) + 1);
    if (request.opcode === 'RELEASE') {
      const n = (this.openHandles.get(path) ?? 1) - 1;
      this.openHandles.set(path, n);
      if (n <= 0) this.released.add(path);
    }
    if (request.opcode === 'WRITE' && request.offset !== undefined) {
      this.writes.push({
        seq: request.seq, span: request.span, path, offset: request.offset, size: ev.size ?? request.size ?? 0,
        pid: request.requester, writepage: request.writepage === true, error: ok ? undefined : ev.error,
      });
    }
    return { request, reply: ev, path };
  }
}

/** What a daemon log says about one file's pages, for correlating with a client trace. */
export interface DaemonFileEvidence {
  /** Daemon path (relative to the mount root). */
  path: string;
  /** The kernel's write-backs of cached pages (pid 0 or writepage, accepted), in log order. */
  writeBacks: DaemonWrite[];
  /** The log saw the file's handles released: any dirty page would have been written back by then. */
  complete: boolean;
  writes: DaemonWrite[];
}

export interface DaemonEvidence {
  /** Path of the log (for related locations in another document). */
  logPath: string;
  files: Map<string, DaemonFileEvidence>;
  /** Every path the log names, for mapping client paths to daemon paths. */
  paths: Set<string>;
  /** Log positions of the requests client calls made, by anchorKey, in log order. */
  anchors: Map<string, number[]>;
}

/** The key of a request a client call makes: op, pid (or * for any), daemon path, and a write's offset. */
export function anchorKey(op: AnchorOp, pid: number | undefined, path: string, offset?: number): string {
  return op === 'write' ? `${op}|${pid ?? '*'}|${path}|${offset ?? ''}` : `${op}|${pid ?? '*'}|${path}`;
}

export function evidenceOf(session: FuseSession, logPath: string): DaemonEvidence {
  const files = new Map<string, DaemonFileEvidence>();
  const paths = new Set<string>();
  const get = (path: string): DaemonFileEvidence => {
    let f = files.get(path);
    if (!f) {
      f = { path, writeBacks: [], complete: session.released.has(path), writes: [] };
      files.set(path, f);
      paths.add(path);
    }
    return f;
  };
  for (const w of session.writes) {
    const f = get(w.path);
    f.writes.push(w);
    if (w.error === undefined && (w.pid === 0 || w.writepage) && w.size > 0) f.writeBacks.push(w);
  }
  for (const path of session.released) get(path);
  const anchors = new Map<string, number[]>();
  const add = (key: string, pos: number) => {
    const list = anchors.get(key);
    if (list) list.push(pos);
    else anchors.set(key, [pos]);
  };
  for (const a of session.anchors) {
    paths.add(a.path);
    add(anchorKey(a.op, a.pid, a.path, a.offset), a.pos);
    // A client trace without pids (strace without -f) matches any requester.
    if (a.pid !== undefined) add(anchorKey(a.op, undefined, a.path, a.offset), a.pos);
  }
  return { logPath, files, paths, anchors };
}

/**
 * The daemon path a client path names: the client sees `<mount>/a/b`, the daemon `/a/b`. With known mounts the
 * prefix is stripped; otherwise the longest daemon path that is a suffix of the client path wins.
 */
export function daemonPathFor(ev: DaemonEvidence, path: string, mounts: string[] | undefined): string | undefined {
  // A relative client path (fsx names its file relative to the mount it runs in) compares by its tail.
  const clientPath = path.startsWith('/') ? path : `/${path}`;
  for (const m of mounts ?? []) {
    const root = m.endsWith('/') ? m.slice(0, -1) : m;
    if (clientPath.startsWith(`${root}/`)) {
      const p = clientPath.slice(root.length);
      return ev.paths.has(p) ? p : undefined;
    }
  }
  let best: string | undefined;
  for (const p of ev.paths) {
    if (p === '/' || !clientPath.endsWith(p)) continue;
    const boundary = clientPath.length - p.length;
    if (boundary > 0 && clientPath[boundary] !== '/' && clientPath[boundary - 1] !== '/') continue;
    if (!best || p.length > best.length) best = p;
  }
  return best;
}
