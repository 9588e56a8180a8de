// FUSE daemon debug logs → fuse-request / fuse-reply events.
//
// libfuse prints a request line, then (high-level API, lib/fuse.c) per-operation lines that carry no unique,
// then the reply line. With the multi-threaded loop several requests are in flight and their lines interleave;
// the only key is `unique`, so a high-level line is attributed to the nearest preceding unanswered request of a
// matching opcode. A request's event is therefore complete only at its reply: events are kept in line order in
// a small reorder buffer and a request is released when its reply arrives (or, for requests that get no reply,
// when the next request or reply line arrives; or after MAX_IN_FLIGHT later requests; or at the end).
// Every event is anchored at its own line; a request's endSpan is its reply line.
import { detach } from '../../detach.js';
import type { IToken, Lexer } from 'chevrotain';
import type { EventDraft, FuseReplyEvent, FuseRequestEvent, Span } from '../../events.js';
import type { EventSink, ParserOptions, TraceParser } from '../parser-api.js';
import { LineDriver, reportRejected, type LineText } from '../line-driver.js';
import { lineEnd } from '../strace/scan.js';
import { FuseLineParser, type FuseLineRecord } from './line-parser.js';
import { ENTRY_OPS, errnoName, errnoNameLoose, NO_REPLY, NOTIFY_NAMES, OPCODE_NAMES, PARENT_OPS } from './ops.js';
import {
  BsdOp, createFuseLexer, FuserReq, GoRx, GoTx, HlIo, HlIoReply, HlNodeId, HlOp, HlOpened, Newline, Notify, Other, Reply, Request, Stamp,
} from './tokens.js';
import { byName } from '../../by-name.js';

let sharedLexer: Lexer | undefined;
let sharedParser: FuseLineParser | undefined;

/** Requests that can be in flight at once before an unanswered one is given up on (libfuse: threads + background). */
const MAX_IN_FLIGHT = 128;
/** sizeof(fuse_in_header) + sizeof(fuse_write_in) since protocol 7.9 (24 before): WRITE insize minus this is the data. */
const WRITE_IN_OVERHEAD = 80;
const WRITE_IN_OVERHEAD_OLD = 64;
const OUT_HEADER = 16;

type RequestDraft = Omit<FuseRequestEvent, 'seq'>;
type ReplyDraft = Omit<FuseReplyEvent, 'seq'>;

interface Slot {
  ev: EventDraft;
  ready: boolean;
  req: Req | undefined;
}

interface Req {
  ev: RequestDraft;
  slot: Slot;
  op: string;
  insize: number;
  /** Index of this request among all request lines (for MAX_IN_FLIGHT). */
  index: number;
  answered: boolean;
  /** Released to the sink: high-level lines can no longer change it. */
  done: boolean;
  replySize: number | undefined;
  replyNodeid: number | undefined;
  renameTo: string | undefined;
  /** Waiting in `open` for high-level lines. */
  listed: boolean;
}

/** Which requests each high-level line can belong to. */
const HL_OPS: Record<string, readonly string[]> = byName({
  'LOOKUP': ['LOOKUP'],
  'getattr': ['GETATTR', 'SETATTR', 'LOOKUP', 'CREATE', 'MKNOD', 'MKDIR', 'SYMLINK', 'LINK', 'OPEN', 'RENAME', 'RENAME2'],
  'fgetattr': ['GETATTR', 'SETATTR', 'CREATE', 'OPEN'],
  'chmod': ['SETATTR'], 'chown': ['SETATTR'], 'utimens': ['SETATTR'], 'utime': ['SETATTR'],
  'truncate': ['SETATTR'], 'ftruncate': ['SETATTR'],
  'open': ['OPEN'], 'create': ['CREATE'], 'flush': ['FLUSH'], 'release': ['RELEASE'], 'release+flush': ['RELEASE'],
  'fsync': ['FSYNC'], 'fsyncdir': ['FSYNCDIR'], 'opendir': ['OPENDIR'], 'readdir': ['READDIR', 'READDIRPLUS'],
  'readdirplus': ['READDIRPLUS'], 'releasedir': ['RELEASEDIR'], 'statfs': ['STATFS'], 'rename': ['RENAME', 'RENAME2'],
  'unlink': ['UNLINK'], 'rmdir': ['RMDIR'], 'symlink': ['SYMLINK'], 'link': ['LINK'], 'access': ['ACCESS'], 'readlink': ['READLINK'],
  'mknod': ['MKNOD'], 'mkdir': ['MKDIR'], 'setxattr': ['SETXATTR'], 'getxattr': ['GETXATTR'], 'listxattr': ['LISTXATTR'],
  'removexattr': ['REMOVEXATTR'], 'bmap': ['BMAP'], 'ioctl': ['IOCTL'], 'poll': ['POLL'], 'fallocate': ['FALLOCATE'],
  'copy_file_range': ['COPY_FILE_RANGE', 'COPY_FILE_RANGE_64'], 'lseek': ['LSEEK'], 'lock': ['GETLK', 'SETLK', 'SETLKW'],
  'flock': ['SETLK', 'SETLKW'], 'syncfs': ['SYNCFS'], 'statx': ['STATX'],
});

const NUM = /^\d+$/;
const ENTRY_LIST = [...ENTRY_OPS];

function tools(): { lexer: Lexer; parser: FuseLineParser } {
  sharedLexer ??= createFuseLexer();
  sharedParser ??= new FuseLineParser();
  return { lexer: sharedLexer, parser: sharedParser };
}

function num(s: string | undefined): number | undefined {
  if (s === undefined || s.length === 0) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

function hex(s: string | undefined): number | undefined {
  if (s === undefined || s.length === 0) return undefined;
  const n = parseInt(s, 16);
  return Number.isNaN(n) ? undefined : n;
}

/** `a b c` → [`a b`, `c`] for the last `n` space-separated fields (paths may contain spaces, numbers do not). */
function splitTail(rest: string, n: number): [string, string[]] {
  const parts = rest.split(' ');
  if (parts.length <= n) return ['', parts];
  return [parts.slice(0, parts.length - n).join(' '), parts.slice(parts.length - n)];
}

/** Two absolute paths separated by a space (`rename /a b /c`): split at the last ` /`. */
function splitPaths(rest: string): [string, string] | undefined {
  const i = rest.lastIndexOf(' /');
  return i > 0 ? [rest.slice(0, i), rest.slice(i + 1)] : undefined;
}

function joinPath(dir: string | undefined, name: string): string | undefined {
  if (dir === undefined) return undefined;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

function stampSeconds(m: RegExpExecArray): number {
  const sec = (Number(m[4]) * 60 + Number(m[5])) * 60 + Number(m[6]);
  if (m[1] === undefined) return sec;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 1000 + sec;
}

export class FuseParser extends LineDriver<FuseLineRecord> implements TraceParser {
  readonly format = 'fuse' as const;
  /** Events in line order; the head is released once ready. */
  private readonly out: Slot[] = [];
  private outHead = 0;
  /** Unanswered requests by unique. */
  private readonly pending = new Map<number, Req>();
  /** Unanswered, unreleased requests in arrival order: candidates for high-level lines. */
  private open: Req[] = [];
  /** Requests that get no reply, released at the next request or reply line. */
  private noReply: Req[] = [];
  private readonly paths = new Map<number, string>([[1, '/']]);
  private requests = 0;
  private syntheticUnique = 0;
  private kernelMinor: number | undefined;
  private readonly pid: number | undefined;

  constructor(private readonly sink: EventSink, options: ParserOptions = {}) {
    const t = tools();
    super(t.lexer, t.parser, Newline);
    this.pid = options.defaultPid;
  }

  end(): void {
    this.endLines();
    for (let i = this.outHead; i < this.out.length; i++) this.release(this.out[i]);
    this.flush();
    this.pending.clear();
    this.open = [];
    this.noReply = [];
  }

  protected reject(l: LineText, cut: boolean): void {
    reportRejected(this.rejected, l, cut, 'a FUSE debug log line', this.pid);
    this.flush();
  }

  /** Where the events of rejected lines go: through the reorder buffer. */
  private readonly rejected: EventSink = { event: (e) => this.push(e), diagnostic: (d) => this.sink.diagnostic(d) };

  protected accept(rec: FuseLineRecord, line: number, text: string, start: number): void {
    const main = rec.main!;
    const end = lineEnd(text, start);
    const m = main.payload as RegExpExecArray;
    const span: Span = { line, start: (rec.prefix?.tokenType === Stamp ? rec.prefix.startOffset : main.startOffset) - start, end: end - start };
    const time = rec.prefix?.tokenType === Stamp ? stampSeconds(rec.prefix.payload as RegExpExecArray) : undefined;
    switch (main.tokenType) {
      case Request: this.request(m, span); break;
      case Reply: this.reply(m, span); break;
      case HlIo: this.hlIo(m); break;
      case HlIoReply: this.hlIoReply(m); break;
      case HlNodeId: this.hlNodeId(m); break;
      case HlOpened: this.hlOpened(m); break;
      case HlOp: this.hlOp(m); break;
      case Notify: this.notify(m, span); break;
      case GoRx: this.goRx(m, span, time); break;
      case GoTx: this.goTx(m, span, time); break;
      case BsdOp: this.bsdOp(m, span); break;
      case FuserReq: this.fuserReq(m, span); break;
      case Other: this.other(main); break;
      default: break;
    }
    this.flush();
  }

  // ---------------------------------------------------------------- output

  private push(ev: EventDraft, req?: Req): Slot {
    const slot: Slot = { ev, ready: req === undefined, req };
    this.out.push(slot);
    return slot;
  }

  private release(slot: Slot): void {
    slot.ready = true;
    const r = slot.req;
    if (r && !r.done) {
      r.done = true;
      if (r.listed) this.unlist(r);
      this.finishRequest(r);
    }
  }

  private flush(): void {
    const out = this.out;
    while (this.outHead < out.length) {
      const s = out[this.outHead];
      if (!s.ready) {
        if (s.req && this.requests - s.req.index > MAX_IN_FLIGHT) this.release(s);
        else break;
      }
      this.sink.event(s.ev);
      this.outHead++;
    }
    if (this.outHead > 1024 && this.outHead * 2 > out.length) {
      out.splice(0, this.outHead);
      this.outHead = 0;
    }
  }

  /** Fills what only the end of the request tells (sizes from insize when no high-level line gave them). */
  private finishRequest(r: Req): void {
    const ev = r.ev;
    if (ev.size === undefined && r.op === 'WRITE' && r.insize > 0) {
      const overhead = this.kernelMinor !== undefined && this.kernelMinor < 9 ? WRITE_IN_OVERHEAD_OLD : WRITE_IN_OVERHEAD;
      if (r.insize >= overhead) ev.size = r.insize - overhead;
    }
    if (ev.path === undefined && !PARENT_OPS.has(r.op)) ev.path = this.paths.get(ev.nodeid);
  }

  private unlist(r: Req): void {
    r.listed = false;
    const i = this.open.lastIndexOf(r);
    if (i >= 0) this.open.splice(i, 1);
  }

  /** A request or reply line arrived: requests that get no reply have had their high-level lines. */
  private releaseNoReply(): void {
    if (this.noReply.length === 0) return;
    for (const r of this.noReply) {
      this.release(r.slot);
      // FORGET and BATCH_FORGET are never answered; libfuse may answer an INTERRUPT (EAGAIN, ENOSYS).
      if (r.op !== 'INTERRUPT' && this.pending.get(r.ev.unique) === r) this.pending.delete(r.ev.unique);
    }
    this.noReply = [];
  }

  // ---------------------------------------------------------------- requests and replies

  /**
   * Queues a request event. `listed`: high-level lines may still add to it (libfuse); otherwise the caller fills
   * it from its own line and releases it.
   */
  private newRequest(span: Span, unique: number, op: string, nodeid: number, requester: number | undefined, insize: number, time: number | undefined, listed: boolean): Req {
    const old = this.pending.get(unique);
    if (old) {
      // A unique reused before its reply (macOS numbers streams separately): the old request gets none now.
      this.pending.delete(unique);
      this.release(old.slot);
    }
    const ev: RequestDraft = {
      kind: 'fuse-request', span, endSpan: undefined, name: op, ok: true, errno: undefined, pid: this.pid, time,
      unique, opcode: op, nodeid, requester, offset: undefined, size: undefined, path: undefined, fh: undefined,
      writepage: undefined, flags: undefined,
    };
    const r: Req = {
      ev, slot: undefined as unknown as Slot, op, insize, index: ++this.requests, answered: false, done: false,
      replySize: undefined, replyNodeid: undefined, renameTo: undefined, listed,
    };
    r.slot = this.push(ev, r);
    this.pending.set(unique, r);
    if (listed) {
      this.open.push(r);
      if (NO_REPLY.has(op)) this.noReply.push(r);
    }
    return r;
  }

  private request(m: RegExpExecArray, span: Span): void {
    this.releaseNoReply();
    let op = m[3];
    if (op === '???' || op.length === 0) op = OPCODE_NAMES[Number(m[4])] ?? op;
    const pid = m[7] !== undefined ? Number(m[7]) : undefined;
    this.newRequest(span, Number(m[2]), op, Number(m[5]), pid, Number(m[6]), undefined, true);
  }

  private reply(m: RegExpExecArray, span: Span): void {
    this.releaseNoReply();
    const unique = Number(m[1]);
    const error = m[2] !== undefined ? 0 : Number(m[3]);
    const errText = m[2] !== undefined ? undefined : m[4];
    const outsize = Number(m[5]);
    const r = this.pending.get(unique);
    const span2: Span = { line: span.line, start: span.start + (m[0].length - m[0].trimStart().length), end: span.end };
    let size: number | undefined;
    if (r) {
      size = r.replySize;
      if (size === undefined && r.op === 'READ' && error === 0 && outsize >= OUT_HEADER) size = outsize - OUT_HEADER;
    }
    this.answer(r, unique, error, error === 0 ? undefined : errnoName(errText), span2, undefined, size, r?.replyNodeid, undefined);
  }

  /** A reply: completes its request (if seen) and queues the reply event. */
  private answer(r: Req | undefined, unique: number, error: number, errno: string | undefined, span: Span, time: number | undefined, size: number | undefined, nodeid: number | undefined, attrSize: number | undefined): void {
    if (r) {
      this.pending.delete(unique);
      r.answered = true;
      if (!r.done) {
        r.ev.ok = error === 0;
        r.ev.errno = errno;
        r.ev.endSpan = span;
      }
      if (error === 0) {
        if (nodeid !== undefined && r.ev.path !== undefined && ENTRY_OPS.has(r.op)) this.paths.set(nodeid, detach(r.ev.path));
        if (r.renameTo !== undefined && r.ev.path !== undefined) this.renamed(r.ev.path, r.renameTo);
      }
      this.release(r.slot);
    }
    const ev: ReplyDraft = {
      kind: 'fuse-reply', span, name: r?.op ?? 'reply', ok: error === 0, errno, pid: this.pid, time, unique, opcode: r?.op, error,
      size, nodeid, attrSize,
    };
    this.push(ev);
  }

  private renamed(from: string, to: string): void {
    const prefix = from.endsWith('/') ? from : `${from}/`;
    for (const [id, p] of this.paths) {
      if (p === from) this.paths.set(id, detach(to));
      else if (p.startsWith(prefix)) this.paths.set(id, detach(to + p.slice(from.length)));
    }
  }

  // ---------------------------------------------------------------- high-level lines (lib/fuse.c)

  /** The nearest preceding unanswered request with one of `ops` (optionally preferring one that `prefer` accepts). */
  private find(ops: readonly string[], prefer?: (r: Req) => boolean): Req | undefined {
    let fallback: Req | undefined;
    for (let i = this.open.length - 1; i >= 0; i--) {
      const r = this.open[i];
      if (!ops.includes(r.op)) continue;
      if (prefer === undefined || prefer(r)) return r;
      fallback ??= r;
    }
    return fallback;
  }

  private hlIo(m: RegExpExecArray): void {
    const r = this.find(m[1] === 'read' ? ['READ'] : ['WRITE']);
    if (!r) return;
    const ev = r.ev;
    ev.fh = num(m[2]);
    ev.size = Number(m[3]);
    ev.offset = Number(m[4]);
    ev.flags = hex(m[5]);
    if (m[1] !== 'read') ev.writepage = m[1] === 'writepage';
  }

  private hlIoReply(m: RegExpExecArray): void {
    const fh = num(m[2]);
    const offset = Number(m[4]);
    const r = this.find(m[1] === 'read' ? ['READ'] : ['WRITE'], (c) => c.ev.offset === offset && (fh === undefined || c.ev.fh === fh));
    if (r) r.replySize = Number(m[3]);
  }

  private hlNodeId(m: RegExpExecArray): void {
    const r = this.find(ENTRY_LIST);
    if (r) r.replyNodeid = Number(m[1]);
  }

  private hlOpened(m: RegExpExecArray): void {
    const op = m[1] === 'create' ? 'CREATE' : m[1] === 'open' ? 'OPEN' : 'OPENDIR';
    const r = this.find([op]);
    if (!r) return;
    r.ev.fh = num(m[2]);
    r.ev.flags ??= hex(m[3]);
    if (r.ev.path === undefined && m[4].length > 0) r.ev.path = m[4];
  }

  private hlOp(m: RegExpExecArray): void {
    const word = m[1];
    const ops = HL_OPS[word];
    if (ops === undefined) return; // LOOKUP-DOT, FORGET, getdir: nothing to add
    const bracket = m[2];
    const rest = m[3] ?? '';
    const fh = bracket !== undefined && NUM.test(bracket) ? Number(bracket) : undefined;
    const r = this.find(ops);
    if (!r) return;
    const ev = r.ev;
    if (fh !== undefined) ev.fh ??= fh;
    const setPath = (p: string | undefined): void => {
      if (p === undefined || p.length === 0) return;
      ev.path ??= p;
      if (!PARENT_OPS.has(r.op)) this.paths.set(ev.nodeid, detach(p));
    };
    switch (word) {
      case 'LOOKUP': case 'statfs': case 'unlink': case 'rmdir': case 'fgetattr':
        setPath(rest);
        return;
      case 'getattr':
        // lookup_path() and the create/mknod/mkdir/symlink/link paths call getattr on the new entry too; a
        // rename's getattr is of the target, not of what the request names.
        if (r.op !== 'RENAME' && r.op !== 'RENAME2') setPath(rest);
        return;
      case 'statx':
        setPath(splitTail(rest, 2)[0]);
        return;
      case 'open': case 'opendir': case 'create': {
        const f = /^flags: 0x([0-9a-fA-F]+) (.*?)(?: 0[0-7]+ umask=0[0-7]+)?$/.exec(rest);
        if (!f) return;
        ev.flags = hex(f[1]);
        setPath(f[2]);
        return;
      }
      case 'truncate': case 'ftruncate': {
        const [p, tail] = splitTail(rest, 1);
        const size = num(tail[0]);
        if (size !== undefined) ev.size = size;
        setPath(p);
        return;
      }
      case 'chmod': setPath(splitTail(rest, 1)[0]); return;
      case 'chown': case 'utimens': case 'utime': setPath(splitTail(rest, 2)[0]); return;
      case 'release': case 'release+flush': case 'releasedir': {
        const f = /flags: 0x([0-9a-fA-F]+)/.exec(rest);
        if (f) ev.flags = hex(f[1]);
        return;
      }
      case 'readdir': case 'readdirplus': {
        const f = /^from (\d+)/.exec(rest);
        if (f) ev.offset = Number(f[1]);
        return;
      }
      case 'mkdir': case 'mknod': setPath(rest.replace(/ 0[0-7]+(?: 0x[0-9a-fA-F]+)? umask=0[0-7]+$/, '')); return;
      case 'access': case 'listxattr': case 'readlink': setPath(splitTail(rest, 1)[0]); return;
      case 'getxattr': case 'removexattr': case 'setxattr': {
        const n = word === 'setxattr' ? 3 : word === 'getxattr' ? 2 : 1;
        setPath(splitTail(rest, n)[0]);
        return;
      }
      case 'symlink': case 'link': case 'rename': {
        const pair = splitPaths(rest.replace(/ 0x[0-9a-fA-F]+$/, ''));
        if (!pair) return;
        if (word === 'rename') {
          setPath(pair[0]);
          r.renameTo = pair[1];
        } else setPath(pair[1]);
        return;
      }
      case 'fallocate': {
        const f = /^(.*) mode [0-9a-fA-F]+, offset: (\d+), length: (\d+)$/.exec(rest);
        if (!f) return;
        setPath(f[1]);
        ev.offset = Number(f[2]);
        ev.size = Number(f[3]);
        return;
      }
      case 'copy_file_range': {
        const f = /^from (.*):(\d+) to (.*):(\d+), length: (\d+)$/.exec(rest);
        if (!f) return;
        ev.path ??= f[3];
        ev.offset = Number(f[4]);
        ev.size = Number(f[5]);
        return;
      }
      case 'lseek': {
        const f = /^(\d+) /.exec(rest);
        if (f) ev.offset = Number(f[1]);
        return;
      }
      default:
        return; // flush, fsync, fsyncdir, bmap, ioctl, poll, lock, flock, syncfs: the fh was all
    }
  }

  private notify(m: RegExpExecArray, span: Span): void {
    const code = Number(m[1]);
    const name = NOTIFY_NAMES[code];
    this.push({ kind: 'generic', span, name: name ? `NOTIFY_${name}` : 'NOTIFY', ok: true, pid: this.pid });
  }

  private other(tok: IToken): void {
    // The kernel's half of the INIT negotiation: `INIT: 7.45` (the library's answer is indented).
    if (this.kernelMinor === undefined && tok.image.startsWith('INIT: ')) {
      const v = /^INIT: (\d+)\.(\d+)/.exec(tok.image);
      if (v) this.kernelMinor = Number(v[1]) > 7 ? 99 : Number(v[2]);
    }
  }

  // ---------------------------------------------------------------- go-fuse, OpenBSD, fuser

  private goRx(m: RegExpExecArray, span: Span, time: number | undefined): void {
    this.releaseNoReply();
    const op = m[2];
    const nodeid = Number(m[3]);
    const rest = m[4] ?? '';
    const r = this.newRequest(span, Number(m[1]), op, nodeid, num(m[5]), 0, time, false);
    const ev = r.ev;
    const fh = /\bFh (\d+)/.exec(rest);
    if (fh) ev.fh = Number(fh[1]);
    const range = /\[(\d+) \+(\d+)\)/.exec(rest) ?? /\boff (\d+),? sz (\d+)/.exec(rest);
    if (range) {
      ev.offset = Number(range[1]);
      ev.size = Number(range[2]);
    }
    if (op === 'SETATTR') {
      const size = /\bsize (\d+)/.exec(rest);
      if (size) ev.size = Number(size[1]);
    }
    const name = /"((?:[^"\\]|\\.)*)"/.exec(rest);
    if (name && PARENT_OPS.has(op)) ev.path = joinPath(this.paths.get(nodeid), name[1]);
    this.release(r.slot);
  }

  private goTx(m: RegExpExecArray, span: Span, time: number | undefined): void {
    this.releaseNoReply();
    const unique = Number(m[1]);
    const status = m[2];
    const rest = m[3] ?? '';
    let error = 0;
    let errno: string | undefined;
    const e = /^(-?\d+)=(.*)$/.exec(status);
    if (e) {
      error = -Math.abs(Number(e[1]));
      errno = errnoNameLoose(e[2]);
    }
    const r = this.pending.get(unique);
    let nodeid: number | undefined;
    let size: number | undefined;
    const entry = /^\{[ni](\d+) g\d+/.exec(rest);
    if (entry && (r === undefined || ENTRY_OPS.has(r.op))) nodeid = Number(entry[1]);
    const written = /^\{(\d+)b ?\}/.exec(rest) ?? /^\{n (\d+)\}/.exec(rest);
    if (written) size = Number(written[1]);
    const data = /(?:^| )(\d+)b data/.exec(rest);
    if (data) size = Number(data[1]);
    const attr = /\bSZ=(\d+)/.exec(rest);
    this.answer(r, unique, error, errno, span, time, size, nodeid, attr ? Number(attr[1]) : undefined);
  }

  private bsdOp(m: RegExpExecArray, span: Span): void {
    const op = (m[1] ?? m[2]).toUpperCase();
    const r = this.newRequest(span, --this.syntheticUnique, op, 0, undefined, 0, undefined, false);
    const ev = r.ev;
    let name: string | undefined;
    for (const field of m[3].split('\t')) {
      const kv = /^([A-Za-z_]+): (.*)$/.exec(field);
      if (!kv) {
        const p = field.trimEnd();
        if (p.length > 0) ev.path = p;
        continue;
      }
      const v = num(kv[2].trim());
      switch (kv[1].toLowerCase()) {
        case 'inode': if (v !== undefined && ev.nodeid === 0) ev.nodeid = v; break;
        case 'size': ev.size = v; break;
        case 'offset': ev.offset = v; break;
        case 'pid': ev.requester = v; break;
        case 'fh': ev.fh = v; break;
        case 'name': name = kv[2]; break;
        default: break;
      }
    }
    if (ev.path === undefined && name !== undefined) ev.path = joinPath(this.paths.get(ev.nodeid), name);
    if (ev.path !== undefined && !PARENT_OPS.has(op) && ev.nodeid !== 0) this.paths.set(ev.nodeid, detach(ev.path));
    // OpenBSD's log has no unique and no reply lines: the request is complete as printed.
    this.pending.delete(ev.unique);
    this.release(r.slot);
  }

  private fuserReq(m: RegExpExecArray, span: Span): void {
    this.releaseNoReply();
    const op = m[3];
    const nodeid = parseInt(m[2], 16);
    const r = this.newRequest({ ...span, start: span.start + m[0].indexOf('FUSE(') }, Number(m[1]), op, nodeid, undefined, 0, undefined, false);
    const ev = r.ev;
    const rest = m[4];
    const f = /\bfh (\d+)/.exec(rest);
    if (f) ev.fh = Number(f[1]);
    const off = /\boffset (\d+)/.exec(rest);
    if (off) ev.offset = Number(off[1]);
    const size = /\bsize (\d+)/.exec(rest);
    if (size) ev.size = Number(size[1]);
    const name = /\bname "((?:[^"\\]|\\.)*)"/.exec(rest);
    if (name && PARENT_OPS.has(op)) ev.path = joinPath(this.paths.get(nodeid), name[1]);
    // fuser logs requests only: no reply will come.
    this.pending.delete(ev.unique);
    this.release(r.slot);
  }
}

/** Format detection (formats.ts): request and reply lines of every FUSE implementation handled here. */
export const FUSE_DETECT_LINE =
  /^(?:[^\n]*?[$#>] )?(?:dev |cqe )?unique: \d+, opcode: | *unique: \d+, (?:success|error: )|^(?:\d{4}\/\d\d\/\d\d )?(?:\d\d:\d\d:\d\d(?:\.\d+)? +)?[rt]x \d+: |^Opcode: [a-z]|^[a-z_]+ +inode: \d|FUSE\( *\d+\) ino 0x/;

/** Lines typical of the format that say nothing on their own: INIT negotiation, banners, high-level lines. */
export const FUSE_DETECT_NEUTRAL =
  /^(?:FUSE library version|nullpath_ok: |nopath: |utime_omit_ok: |using FUSE kernel interface|INIT: \d|flags=0x|max_readahead=0x|fuse: |\s+(?:INIT: |flags=|max_\w+=|congestion_threshold=|time_gran=|NODEID: |secctx: |(?:create|open|opendir|write|writepage|read|poll)\[)|(?:write|writepage|read)\[\S+\] \d+ bytes|(?:LOOKUP|getattr|fgetattr|create|open|opendir|truncate|ftruncate|release|flush|fsync|unlink|rename|mkdir|rmdir|statfs|chmod|chown|utimens|getxattr|setxattr|listxattr|removexattr|readdir|releasedir|access|FORGET|DELETE:|NOTIFY:|INTERRUPT:|QUEUE PATH|DEQUEUE PATH)\b)/;
