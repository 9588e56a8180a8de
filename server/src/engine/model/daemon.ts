// The daemon's side of a FUSE log: requests paired with their replies by `unique` (in any order), nodeids
// mapped to paths, and which bytes the daemon received and from whom (`pid: 0` is the kernel writing back dirty
// pages). Used two ways: replayed alone (findings a daemon log shows by itself: failed WRITEs the cache kept,
// size growth that drops dirty pages), and summarised as evidence for a client trace of the same run.
import type { FuseReplyEvent, FuseRequestEvent, Span } from '../events.js';
import { IntervalMap } from './interval-map.js';

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
  /** Byte ranges the kernel wrote back (pid 0 / writepage): pages that were dirty in the cache. value = request seq. */
  writtenBack: IntervalMap;
  /** The log saw the file's handles released: any dirty page would have been written back by then. */
  complete: boolean;
  writes: DaemonWrite[];
}

export interface DaemonEvidence {
  /** Path of the log (for related locations in another document). */
  logPath: string;
  files: Map<string, DaemonFileEvidence>;
}

export function evidenceOf(session: FuseSession, logPath: string): DaemonEvidence {
  const files = new Map<string, DaemonFileEvidence>();
  const get = (path: string): DaemonFileEvidence => {
    let f = files.get(path);
    if (!f) {
      f = { path, writtenBack: new IntervalMap(), complete: session.released.has(path), writes: [] };
      files.set(path, f);
    }
    return f;
  };
  for (const w of session.writes) {
    const f = get(w.path);
    f.writes.push(w);
    if (w.error === undefined && (w.pid === 0 || w.writepage) && w.size > 0) f.writtenBack.set(w.offset, w.offset + w.size, w.seq);
  }
  for (const path of session.released) get(path);
  return { logPath, files };
}

/**
 * The daemon file a client path names: the client sees `<mount>/a/b`, the daemon `/a/b`. With known mounts the
 * prefix is stripped; otherwise the longest daemon path that is a suffix of the client path wins.
 */
export function daemonFileFor(ev: DaemonEvidence, path: string, mounts: string[] | undefined): DaemonFileEvidence | undefined {
  // A relative client path (fsx names its file relative to the mount it runs in) compares by its tail.
  const clientPath = path.startsWith('/') ? path : `/${path}`;
  for (const m of mounts ?? []) {
    const root = m.endsWith('/') ? m.slice(0, -1) : m;
    if (clientPath.startsWith(`${root}/`)) return ev.files.get(clientPath.slice(root.length));
  }
  let best: DaemonFileEvidence | undefined;
  for (const f of ev.files.values()) {
    if (f.path === '/' || !clientPath.endsWith(f.path)) continue;
    const boundary = clientPath.length - f.path.length;
    if (boundary > 0 && clientPath[boundary] !== '/' && clientPath[boundary - 1] !== '/') continue;
    if (!best || f.path.length > best.path.length) best = f;
  }
  return best;
}
