// fsx logs → the syscalls fsx makes. fsx works on one file through one descriptor and logs operations, not
// syscalls, so each operation is expanded into the syscall events its implementation makes (fsx.c doread,
// dowrite, domapread, domapwrite, dotruncate, docloseopen, doinvl; xfstests adds fallocate-family ops and
// fsync), all anchored at the operation's line: fd 3, opened O_RDWR|O_CREAT|O_TRUNC before the first one.
//
// Three sources of operations: -d/-p progress lines (printed as the run goes), the LOG DUMP printed on failure
// (after the failure report), and xfstests .fsxops files. A failure report (READ BAD DATA and the like) comes
// before the LOG DUMP that lists the operations leading to it, so it becomes a `verify` event emitted after the
// dump, still anchored at its own line. When progress lines were seen, the dump repeats operations already
// expanded and its entries are kept as generic events only.
//
// Whether a MAPWRITE is followed by msync(MS_SYNC) is not in any log (see `msyncAfterMapwrite`).
import type { Lexer } from 'chevrotain';
import type { EventDraft, OpenFlags, Span } from '../../events.js';
import type { EventSink, ParserOptions, TraceParser } from '../parser-api.js';
import { LineDriver, reportRejected, type LineText } from '../line-driver.js';
import { lineEnd } from '../strace/scan.js';
import { FsxLineParser, type FsxLineRecord } from './line-parser.js';
import {
  BadData, createFsxLexer, DumpHead, Entry, Failure, Hint, Info, Newline, OpsLine, Progress, Pseudo, TableHead, TableRow, type FsxPayload,
} from './tokens.js';
import { byName } from '../../by-name.js';

let sharedLexer: Lexer | undefined;
let sharedParser: FsxLineParser | undefined;

function tools(): { lexer: Lexer; parser: FsxLineParser } {
  sharedLexer ??= createFsxLexer();
  sharedParser ??= new FsxLineParser();
  return { lexer: sharedLexer, parser: sharedParser };
}

/** The descriptor fsx's test file gets (0-2 are stdio; fsx opens the test file first). */
export const FSX_FD = 3;
/** fsx maps with getpagesize(): 4 KiB on the platforms that matter here. */
const PAGE = 4096;
/** Synthetic address of fsx's (short-lived, never overlapping) mappings. */
export const FSX_MAP_ADDR = 0x7f0000000000;
export const FSX_DEFAULT_FILE = 'fsx.bin';

type Dialect = 'freebsd' | 'xfstests';

type OpKind =
  | 'read' | 'write' | 'mapread' | 'mapwrite' | 'truncate' | 'falloc' | 'punch' | 'zero' | 'collapse' | 'insert' | 'copy'
  | 'clone' | 'dedupe' | 'exchange' | 'fsync' | 'closeopen' | 'invalidate' | 'skipped' | 'bogus' | 'other';

interface Op {
  kind: OpKind;
  /** Event name: the op as the log spells it in a dump (`WRITE`, `MAPWRITE`...). */
  name: string;
  offset: number;
  length: number;
  /** TRUNCATE: the new size. */
  newSize: number;
  /** Range copies: the destination offset. */
  dest: number;
  keepSize: boolean;
}

type VerifyDraft = Extract<EventDraft, { kind: 'verify' }>;
type OpenDraft = Extract<EventDraft, { kind: 'open' }>;

interface PendingVerify {
  ev: VerifyDraft;
  /** The range is the failing operation's (the dump's last entry), filled when the dump has been read. */
  needsRange: boolean;
}

const NAMES: Record<string, [OpKind, string]> = byName({
  // dump entries
  READ: ['read', 'READ'], WRITE: ['write', 'WRITE'], MAPREAD: ['mapread', 'MAPREAD'], MAPWRITE: ['mapwrite', 'MAPWRITE'],
  TRUNCATE: ['truncate', 'TRUNCATE'], FALLOC: ['falloc', 'FALLOC'], PUNCH: ['punch', 'PUNCH'], ZERO: ['zero', 'ZERO'],
  COLLAPSE: ['collapse', 'COLLAPSE'], INSERT: ['insert', 'INSERT'], COPY: ['copy', 'COPY'], CLONE: ['clone', 'CLONE'],
  DEDUPE: ['dedupe', 'DEDUPE'], XCHG: ['exchange', 'XCHG'], FSYNC: ['fsync', 'FSYNC'], SKIPPED: ['skipped', 'SKIPPED'],
  BOGUS: ['bogus', 'BOGUS'],
  // progress lines
  read: ['read', 'READ'], write: ['write', 'WRITE'], mapread: ['mapread', 'MAPREAD'], mapwrite: ['mapwrite', 'MAPWRITE'],
  trunc: ['truncate', 'TRUNCATE'], falloc: ['falloc', 'FALLOC'], punch: ['punch', 'PUNCH'], zero: ['zero', 'ZERO'],
  collapse: ['collapse', 'COLLAPSE'], insert: ['insert', 'INSERT'], copy: ['copy', 'COPY'], clone: ['clone', 'CLONE'],
  dedupe: ['dedupe', 'DEDUPE'], swap: ['exchange', 'XCHG'], fsync: ['fsync', 'FSYNC'], 'close/open': ['closeopen', 'CLOSE/OPEN'],
  'msync(MS_INVALIDATE)': ['invalidate', 'MS_INVALIDATE'], pollute_eof: ['other', 'POLLUTE_EOF'],
  // .fsxops
  read_dontcache: ['read', 'READ'], write_dontcache: ['write', 'WRITE'], write_atomic: ['write', 'WRITE'], truncate: ['truncate', 'TRUNCATE'],
  fallocate: ['falloc', 'FALLOC'], punch_hole: ['punch', 'PUNCH'], zero_range: ['zero', 'ZERO'], collapse_range: ['collapse', 'COLLAPSE'],
  insert_range: ['insert', 'INSERT'], clone_range: ['clone', 'CLONE'], dedupe_range: ['dedupe', 'DEDUPE'], copy_range: ['copy', 'COPY'],
  exchange_range: ['exchange', 'XCHG'],
});

const RW_CREATE_TRUNC: OpenFlags = { read: true, write: true, direct: false, trunc: true, append: false, cloexec: false, creat: true, directory: false };
const RW: OpenFlags = { read: true, write: true, direct: false, trunc: false, append: false, cloexec: false, creat: false, directory: false };

function newOp(kind: OpKind, name: string, offset = 0, length = 0): Op {
  return { kind, name, offset, length, newSize: 0, dest: 0, keepSize: false };
}

export class FsxParser extends LineDriver<FsxLineRecord> implements TraceParser {
  readonly format = 'fsx' as const;
  private readonly pid: number;
  private dialect: Dialect | undefined;
  /** FreeBSD's stdout banner for -U. */
  private msyncDisabled = false;
  /** Some stdout-only banner (Seed set to, Chance of, Will begin...): the run's options were printed. */
  private bannerSeen = false;
  private fileSize = 0;
  private opened = false;
  private closed = false;
  private openEv: OpenDraft | undefined;
  private fname: string | undefined;
  /** -b N: operations before N only update fsx's own image; N starts with a write of the whole image. */
  private beginAt: number | undefined;
  private imageWritten = false;
  private sawProgress = false;
  private inDump = false;
  private dumpBuf: EventDraft[] = [];
  private verifies: PendingVerify[] = [];
  /**
   * The READ BAD DATA report being read: its table and hint lines fill its verify event until that is emitted
   * (`emitted`); an event handed to the sink is never changed, so that the result does not depend on where the
   * chunks end.
   */
  private bad: { v: VerifyDraft; line: LineText; hinted: boolean; emitted: boolean } | undefined;
  private lastOp: { offset: number; length: number } | undefined;
  private opsLines = 0;

  constructor(private readonly sink: EventSink, private readonly options: ParserOptions = {}) {
    const t = tools();
    super(t.lexer, t.parser, Newline);
    this.pid = options.defaultPid ?? 1;
  }

  end(): void {
    this.endLines();
    this.closeDump();
    if (this.bad && !this.bad.hinted) {
      const l = this.bad.line;
      this.sink.diagnostic({ span: { line: l.line, start: 0, end: l.text.length }, severity: 'warning', message: 'the READ BAD DATA report was cut off before its operation hint' });
    }
    this.bad = undefined;
    this.flushVerifies();
  }

  /**
   * Whether MAPWRITE is followed by msync(MS_SYNC, the mapping): no log says. The `fsxMsync` option decides;
   * without it: FreeBSD's stdout banner `mapped msync DISABLED` (-U) means no; xfstests always msyncs (its -U is
   * io_uring); a FreeBSD stdout capture whose option banners lack that line means yes; otherwise (a FreeBSD
   * .fsxlog, where banners are never written) no, as in the bug 237588 reproduction `fsx -U`.
   */
  private msyncAfterMapwrite(): boolean {
    if (this.options.fsxMsync !== undefined) return this.options.fsxMsync;
    if (this.msyncDisabled) return false;
    if (this.dialect === 'xfstests') return true;
    return this.bannerSeen;
  }

  // ---------------------------------------------------------------- driver callbacks

  protected reject(l: LineText, cut: boolean): void {
    this.leaveDump();
    reportRejected(this.rejected, l, cut, 'an fsx log line', this.pid);
  }

  /** Where the events of rejected lines go. */
  private readonly rejected: EventSink = { event: (e) => this.emit(e), diagnostic: (d) => this.sink.diagnostic(d) };

  protected accept(rec: FsxLineRecord, line: number, text: string, start: number): void {
    const tok = rec.main!;
    const p = tok.payload as FsxPayload;
    const span: Span = { line, start: 0, end: lineEnd(text, start) - start };
    if (p.flags !== undefined && this.dialect === undefined) {
      if (p.flags.includes('xfstests')) this.dialect = 'xfstests';
      else if (p.flags.includes('freebsd')) this.dialect = 'freebsd';
    }
    switch (tok.tokenType) {
      case Entry: {
        // Entries pasted without their `LOG DUMP` header still come after the failure report they explain.
        if (!this.inDump && this.verifies.length > 0) this.inDump = true;
        this.dumpEntry(p, span);
        return;
      }
      case Pseudo: {
        const op = p.what === 'CLOSE/OPEN' ? newOp('closeopen', 'CLOSE/OPEN') : newOp('invalidate', 'MS_INVALIDATE');
        this.run(op, span, undefined, this.inDump);
        return;
      }
      case Progress:
        this.leaveDump();
        this.progress(p, span);
        return;
      case OpsLine:
        this.leaveDump();
        this.dialect ??= 'xfstests';
        this.opsLine(p, span);
        return;
      case BadData:
        this.leaveDump();
        this.badData(p, line, text.slice(start, start + span.end), span);
        return;
      case TableHead:
        this.leaveDump();
        return;
      case TableRow:
        this.leaveDump();
        this.tableRow(p);
        return;
      case Hint:
        this.leaveDump();
        if (this.bad && !this.bad.hinted && !this.bad.emitted) {
          this.bad.hinted = true;
          if (p.n.length > 0) this.bad.v.suspectOp = p.n[0];
          else this.bad.v.detail = `${this.bad.v.detail ?? ''}${this.bad.v.detail ? '; ' : ''}fsx cannot tell which operation wrote the bad data`;
        }
        return;
      case DumpHead:
        this.leaveDump();
        this.inDump = true;
        return;
      case Failure:
        this.leaveDump();
        this.failure(p, span);
        return;
      case Info:
        this.info(p, span);
        return;
      default:
        return; // comments, blank lines
    }
  }

  // ---------------------------------------------------------------- lines

  private info(p: FsxPayload, span: Span): void {
    switch (p.what) {
      case 'good saved': case 'ops saved':
        return; // part of the failure report, after the dump entries
      case 'hexdump':
        this.fname ??= p.text;
        this.closeDump();
        return;
      default:
        break;
    }
    this.leaveDump();
    switch (p.what) {
      case 'A-OK':
        // fsx closes the file, then prints this.
        if (this.opened && !this.closed) {
          this.closed = true;
          this.emit({ kind: 'close', span, name: 'close', ok: true, pid: this.pid, fd: FSX_FD });
        }
        return;
      case 'begin':
        this.beginAt = p.n[0];
        this.bannerSeen = true;
        return;
      case 'no msync':
        this.msyncDisabled = true;
        this.bannerSeen = true;
        return;
      case 'no writes': case 'no reads': case 'banner':
        this.bannerSeen = true;
        return;
      default:
        return;
    }
  }

  private dumpEntry(p: FsxPayload, span: Span): void {
    const [kind, name] = NAMES[p.what] ?? ['other', p.what];
    const op = newOp(kind, name);
    const n = p.n;
    switch (kind) {
      case 'truncate':
        op.newSize = n[1]; // TRUNCATE UP|DOWN from OLD to NEW
        break;
      case 'copy': case 'clone': case 'dedupe': case 'exchange':
        op.offset = n[0];
        op.length = n[2];
        op.dest = n[3];
        break;
      case 'falloc':
        op.offset = n[0];
        op.length = n[1] - n[0]; // FALLOC prints offset + length as "thru"
        op.keepSize = p.text === 'PAST_EOF';
        break;
      case 'fsync': case 'skipped': case 'bogus':
        break;
      default:
        op.offset = n[0];
        op.length = n[1] - n[0] + 1; // "thru" is inclusive
        break;
    }
    if (kind === 'bogus') op.name = 'BOGUS LOG ENTRY';
    this.run(op, span, p.op, true);
  }

  private progress(p: FsxPayload, span: Span): void {
    if (p.what === '...') return; // a count of simulated operations
    this.sawProgress = true;
    const [kind, name] = NAMES[p.what] ?? ['other', p.what];
    const op = newOp(kind, name);
    const n = p.n;
    switch (kind) {
      case 'truncate':
        op.newSize = n[1]; // trunc from OLD to NEW
        break;
      case 'punch': case 'zero': case 'collapse': case 'insert': case 'falloc':
        op.offset = n[0];
        op.length = n[2];
        break;
      case 'copy': case 'clone': case 'dedupe': case 'exchange':
        op.offset = n[0];
        op.length = n[2];
        op.dest = n[3];
        break;
      case 'read': case 'write': case 'mapread': case 'mapwrite': case 'other':
        if (n.length >= 2) {
          op.offset = n[0];
          op.length = n[1] - n[0] + 1; // "thru" is inclusive
        }
        break;
      default:
        break;
    }
    this.run(op, span, p.op, false);
  }

  private opsLine(p: FsxPayload, span: Span): void {
    const num = ++this.opsLines;
    const [kind, name] = NAMES[p.what] ?? ['other', p.what.toUpperCase()];
    const n = p.n;
    const flags = p.flags ?? [];
    if (p.text === 'skip') {
      this.run(newOp('skipped', `SKIPPED ${name}`), span, num, false);
    } else {
      const op = newOp(kind, name, n[0] ?? 0, n[1] ?? 0);
      if (kind === 'truncate') op.newSize = n[1] ?? 0; // truncate 0 NEWSIZE OLDSIZE
      if (kind === 'copy' || kind === 'clone' || kind === 'dedupe' || kind === 'exchange') op.dest = n[2] ?? 0;
      op.keepSize = flags.includes('keep_size');
      this.run(op, span, num, false);
    }
    if (flags.includes('close_open')) this.run(newOp('closeopen', 'CLOSE/OPEN'), span, undefined, false);
  }

  private badData(p: FsxPayload, line: number, lineText: string, span: Span): void {
    if (p.text !== undefined) this.fname ??= p.text;
    const v: VerifyDraft = {
      kind: 'verify', span, name: 'READ BAD DATA', ok: false, pid: this.pid, path: this.fname, offset: p.n[0], length: p.n[1],
      badOffset: undefined, suspectOp: undefined, detail: undefined,
    };
    this.bad = { v, line: { line, text: lineText }, hinted: false, emitted: false };
    this.verifies.push({ ev: v, needsRange: false });
  }

  private tableRow(p: FsxPayload): void {
    const b = this.bad;
    if (!b || b.emitted || b.v.badOffset !== undefined) return;
    const [off, good, bad, count] = p.n;
    b.v.badOffset = off;
    const g = good.toString(16).padStart(4, '0');
    const x = bad.toString(16).padStart(4, '0');
    // FreeBSD's last column counts the differing bytes; xfstests' numbers the row.
    const n = this.dialect === 'xfstests' || Number.isNaN(count) ? '' : `, 0x${count.toString(16)} bytes differ`;
    b.v.detail = `first bad byte at 0x${off.toString(16)}: expected 0x${g}, read 0x${x}${n}`;
  }

  private failure(p: FsxPayload, span: Span): void {
    const base = { kind: 'verify' as const, span, name: p.what, ok: false, pid: this.pid, path: this.fname, badOffset: undefined, suspectOp: undefined };
    const h = (x: number): string => `0x${x.toString(16)}`;
    switch (p.what) {
      case 'Size error': {
        const [expected, stat, seek] = p.n;
        this.verifies.push({ ev: { ...base, offset: 0, length: expected, detail: `file size: expected ${h(expected)}, fstat says ${h(stat)}, lseek(SEEK_END) says ${h(seek)}` }, needsRange: false });
        return;
      }
      case 'Mapped Read': case 'Mapped Write': {
        const [last, pageOff, value] = p.n;
        const offset = Math.floor((last + 1) / PAGE) * PAGE + pageOff;
        this.verifies.push({ ev: { ...base, offset, length: 1, detail: `non-zero byte 0x${value.toString(16)} past EOF (${h(last + 1)}) in the last page of the mapping` }, needsRange: false });
        return;
      }
      case 'no extend on truncate':
        this.verifies.push({ ev: { ...base, offset: 0, length: 100000, detail: 'ftruncate(100000) did not extend the file' }, needsRange: false });
        return;
      default: {
        const detail = p.text ?? (p.n.length >= 2 ? `${p.what}: ${h(p.n[0])} bytes instead of ${h(p.n[1])}` : p.what);
        this.verifies.push({ ev: { ...base, offset: 0, length: 0, detail }, needsRange: true });
      }
    }
  }

  // ---------------------------------------------------------------- dump and output

  private emit(ev: EventDraft): void {
    if (this.inDump) this.dumpBuf.push(ev);
    else this.sink.event(ev);
  }

  /** A line that cannot be part of a LOG DUMP: the dump is over. */
  private leaveDump(): void {
    if (this.inDump) this.closeDump();
  }

  private closeDump(): void {
    if (this.inDump) {
      this.inDump = false;
      if (this.openEv && this.fname !== undefined && this.openEv.target?.path === FSX_DEFAULT_FILE) this.openEv.target.path = this.fname;
      const buf = this.dumpBuf;
      this.dumpBuf = [];
      for (const ev of buf) this.sink.event(ev);
    }
    this.flushVerifies();
  }

  private flushVerifies(): void {
    if (this.verifies.length === 0) return;
    for (const { ev, needsRange } of this.verifies) {
      if (needsRange && this.lastOp) {
        ev.offset = this.lastOp.offset;
        ev.length = this.lastOp.length;
      }
      ev.path ??= this.fname;
      if (ev === this.bad?.v) this.bad.emitted = true;
      this.sink.event(ev);
    }
    this.verifies = [];
    if (this.bad?.hinted) this.bad = undefined;
  }

  // ---------------------------------------------------------------- operations → syscalls

  private generic(span: Span, name: string, ok = true): void {
    this.emit({ kind: 'generic', span, name, ok, pid: this.pid });
  }

  private ensureOpen(span: Span): void {
    if (this.opened) return;
    this.opened = true;
    const ev: OpenDraft = {
      kind: 'open', span, name: 'open', ok: true, pid: this.pid, fd: FSX_FD, target: { path: this.fname ?? FSX_DEFAULT_FILE },
      resolvedPath: undefined, flags: RW_CREATE_TRUNC,
    };
    this.openEv = ev;
    this.emit(ev);
  }

  /**
   * One operation. `num` is its number when the line gives one; `fromDump` marks LOG DUMP entries, which are
   * only a record (generic events) when progress lines already expanded the same operations.
   */
  private run(op: Op, span: Span, num: number | undefined, fromDump: boolean): void {
    if (fromDump && this.sawProgress) {
      this.generic(span, op.name, op.kind !== 'bogus');
      return;
    }
    if (!this.inDump) this.flushVerifies();
    if (num !== undefined && this.beginAt !== undefined && !this.imageWritten) {
      if (num < this.beginAt) {
        // -b: a simulated operation changes fsx's image of the file, not the file.
        this.resize(op);
        this.generic(span, op.name, op.kind !== 'bogus');
        return;
      }
      // writefileimage(): the whole expected image in one write, then ftruncate to its size.
      this.imageWritten = true;
      this.ensureOpen(span);
      const pid = this.pid;
      this.emit({ kind: 'write', span, name: 'write', ok: true, pid, fd: FSX_FD, offset: 0, length: this.fileSize });
      this.emit({ kind: 'truncate', span, name: 'ftruncate', ok: true, pid, fd: FSX_FD, size: this.fileSize });
    }
    if (op.kind === 'skipped' || op.kind === 'bogus' || op.kind === 'other') {
      this.generic(span, op.name, op.kind !== 'bogus');
      return;
    }
    this.ensureOpen(span);
    this.syscalls(op, span);
    if (op.kind !== 'closeopen' && op.kind !== 'invalidate' && op.kind !== 'fsync') this.lastOp = { offset: op.offset, length: op.length };
  }

  /** File size bookkeeping for an operation (fsx tracks the size the same way). */
  private resize(op: Op): void {
    switch (op.kind) {
      case 'write': case 'mapwrite':
        this.fileSize = Math.max(this.fileSize, op.offset + op.length);
        break;
      case 'truncate':
        this.fileSize = op.newSize;
        break;
      case 'falloc': case 'zero':
        if (!op.keepSize) this.fileSize = Math.max(this.fileSize, op.offset + op.length);
        break;
      case 'copy': case 'clone':
        this.fileSize = Math.max(this.fileSize, op.dest + op.length);
        break;
      case 'collapse':
        this.fileSize = Math.max(0, this.fileSize - op.length);
        break;
      case 'insert':
        this.fileSize += op.length;
        break;
      default:
        break;
    }
  }

  private syscalls(op: Op, span: Span): void {
    const pid = this.pid;
    const fd = FSX_FD;
    const addr = FSX_MAP_ADDR;
    const name = op.name;
    switch (op.kind) {
      case 'read':
        this.emit({ kind: 'read', span, name, ok: true, pid, fd, offset: op.offset, length: op.length });
        return;
      case 'write':
        this.emit({ kind: 'write', span, name, ok: true, pid, fd, offset: op.offset, length: op.length });
        this.resize(op);
        return;
      case 'mapread': {
        const pg = op.offset % PAGE;
        const length = pg + op.length;
        this.emit({ kind: 'mmap', span, name, ok: true, pid, addr, length, prot: { read: true, write: false, exec: false }, shared: true, anonymous: false, fd, offset: op.offset - pg });
        this.emit({ kind: 'munmap', span, name: 'munmap', ok: true, pid, addr, length });
        return;
      }
      case 'mapwrite': {
        const end = op.offset + op.length;
        if (end > this.fileSize) {
          this.emit({ kind: 'truncate', span, name: 'ftruncate', ok: true, pid, fd, size: end });
          this.fileSize = end;
        }
        const pg = op.offset % PAGE;
        const length = pg + op.length;
        // fsx logs every byte it stores: the mapping needs no "possibly stored" assumption.
        this.emit({ kind: 'mmap', span, name: 'mmap', ok: true, pid, addr, length, prot: { read: true, write: true, exec: false }, shared: true, anonymous: false, fd, offset: op.offset - pg, storesKnown: true });
        this.emit({ kind: 'store', span, name, ok: true, pid, evidence: 'definite', fd, offset: op.offset, length: op.length, source: 'fsx' });
        if (this.msyncAfterMapwrite()) this.emit({ kind: 'msync', span, name: 'msync', ok: true, pid, addr, length, sync: true, async: false, invalidate: false });
        this.emit({ kind: 'munmap', span, name: 'munmap', ok: true, pid, addr, length });
        return;
      }
      case 'truncate':
        this.emit({ kind: 'truncate', span, name, ok: true, pid, fd, size: op.newSize });
        this.fileSize = op.newSize;
        return;
      case 'falloc': case 'punch': case 'zero':
        this.emit({ kind: 'space', span, name, ok: true, pid, fd, offset: op.offset, length: op.length, op: op.kind === 'falloc' ? 'allocate' : op.kind, keepSize: op.keepSize || op.kind === 'punch' });
        this.resize(op);
        return;
      case 'copy': case 'clone':
        this.emit({ kind: 'space', span, name, ok: true, pid, fd, offset: op.dest, length: op.length, op: 'copy-dest', keepSize: false, srcFd: fd, srcOffset: op.offset });
        this.resize(op);
        return;
      case 'fsync':
        this.emit({ kind: 'sync', span, name, ok: true, pid, fd, how: 'fsync' });
        return;
      case 'closeopen':
        this.emit({ kind: 'close', span, name: 'close', ok: true, pid, fd });
        this.emit({ kind: 'open', span, name: 'open', ok: true, pid, fd, target: { path: this.fname ?? this.openEv?.target?.path ?? FSX_DEFAULT_FILE }, resolvedPath: undefined, flags: RW });
        return;
      case 'invalidate':
        // doinvl(): map the whole file, msync(p, 0, MS_SYNC|MS_INVALIDATE), unmap; nothing when the file is empty.
        if (this.fileSize === 0) {
          this.generic(span, name);
          return;
        }
        this.emit({ kind: 'mmap', span, name: 'mmap', ok: true, pid, addr, length: this.fileSize, prot: { read: true, write: true, exec: false }, shared: true, anonymous: false, fd, offset: 0, storesKnown: true });
        this.emit({ kind: 'msync', span, name, ok: true, pid, addr, length: 0, sync: true, async: false, invalidate: true });
        this.emit({ kind: 'munmap', span, name: 'munmap', ok: true, pid, addr, length: this.fileSize });
        return;
      default:
        // dedupe and exchange change no bytes the model tracks; collapse and insert shift data (not modelled).
        this.generic(span, name);
        this.resize(op);
    }
  }
}

/** Format detection (formats.ts): dump entries, progress lines, .fsxops lines, failure headers. */
export const FSX_DETECT_LINE =
  /^\d+\( *\d+ mod 256\): |^\d+ (?:read|write|mapread|mapwrite|pollute_eof)\t0x|^\d+ (?:trunc|punch|zero|collapse|insert|falloc|clone|dedupe|copy|swap)\tfrom 0x|^\d+ (?:fsync|close\/open|msync\(MS_INVALIDATE\))\s*$|^(?:skip )?(?:read|read_dontcache|write|write_dontcache|write_atomic|mapread|mapwrite|truncate|fallocate|punch_hole|zero_range|collapse_range|insert_range|clone_range|dedupe_range|copy_range|fsync|exchange_range)(?: 0x[0-9a-f]+){2,}|^READ BAD DATA: |^LOG DUMP \(\d+ total operations\)/;

/** fsx's banners, informational lines and the bad-data table. */
export const FSX_DETECT_NEUTRAL =
  /^(?:#|\t\t(?:CLOSE\/OPEN|MS_INVALIDATE)|Seed set to |skipping |truncating to largest ever|All (?:\d+ )?operations completed|Log of operations saved|Correct content saved|\(maybe hexdump|signal \d|testcalls = |Will begin at|Chance of |mapped \w+ DISABLED|OFFSET\s+GOOD|0x *[0-9a-f]+\s+0x|operation# \(mod 256\)|\?{16})/;
