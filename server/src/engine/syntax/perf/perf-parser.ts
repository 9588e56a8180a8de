// perf's text output -> events. Two kinds of lines (tokens.ts):
// - `perf script` samples. Of these, write faults are what the model needs: the `exceptions:page_fault_user`
//   tracepoint with bit 1 of error_code set is a store into a page that was clean (Linux write-protects a page of a
//   shared file mapping when it cleans it, so the next store faults: do_wp_page / do_shared_fault); a
//   `page_fault_kernel` write fault at a user address is the kernel storing for the program (copy_to_user, as a
//   read(2) into a mapped buffer does). Other samples are generic events. With the header's reference time
//   (`perf script --header` of a recording made with `-k CLOCK_MONOTONIC`) the times become the time of day, the
//   clock of strace's `-ttt`: that is how `record` puts faults between the calls of a strace trace.
// - `perf trace` lines: syscalls with their arguments by name (`fd: 3</mnt/f>`, `count: 100`) and tracepoints in
//   the same form. perf omits arguments that are zero, prints a path only for an fd it could look up, and prints
//   openat's filename as a pointer (without BPF augmentation): an open whose path is not printed is emitted when a
//   later call on its fd shows the path, or when the fd is used or closed first (then under a name of its own).
import type { Lexer } from 'chevrotain';
import type { EventDraft, OpenFlags, Span } from '../../events.js';
import { base, ev, type Base } from '../kdump/bsd.js';
import { LineDriver, reportRejected, type LineText } from '../line-driver.js';
import type { EventSink, ParserOptions, TraceParser } from '../parser-api.js';
import { PerfLineParser, type PerfLineRecord } from './line-parser.js';
import { createPerfLexer, Newline, ReferenceTime, ScriptLine, TraceLine, type PerfPayload } from './tokens.js';

let sharedLexer: Lexer | undefined;
let sharedParser: PerfLineParser | undefined;

function tools(): { lexer: Lexer; parser: PerfLineParser } {
  sharedLexer ??= createPerfLexer();
  sharedParser ??= new PerfLineParser();
  return { lexer: sharedLexer, parser: sharedParser };
}

/** Addresses below this are user space on x86-64 and arm64 (a kernel fault there is the kernel storing for the program). */
const USER_SPACE_END = 2 ** 47;

/** `name: value` pairs of a perf trace argument list, or `name=value` pairs of perf script's fields. */
function fieldsOf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/([A-Za-z_][\w]*)(?::\s*|=)("(?:[^"\\]|\\.)*"|[^,\s]+(?:<[^>]*>)?)/g)) out.set(m[1], m[2]);
  return out;
}

/** A number as perf prints it: decimal, or hex with 0x. */
function num(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(-?)(0x[0-9a-fA-F]+|\d+)/.exec(v);
  if (!m) return undefined;
  const n = m[2].startsWith('0x') ? parseInt(m[2], 16) : Number(m[2]);
  return m[1] === '-' ? -n : n;
}

/** `3</mnt/f>` -> 3 and the path. */
function fdOf(v: string | undefined): { fd: number | undefined; path: string | undefined } {
  if (v === undefined) return { fd: undefined, path: undefined };
  const m = /^(-?\d+)(?:<([^>]*)>)?/.exec(v);
  return m ? { fd: Number(m[1]), path: m[2] !== undefined && m[2].startsWith('/') ? m[2] : undefined } : { fd: undefined, path: undefined };
}

/** perf's flag names without their prefix (`RDWR|CREAT`, `SHARED`, `READ|WRITE`). */
function flagSet(v: string | undefined): Set<string> {
  return new Set((v ?? '').split('|').map((s) => s.replace(/^(?:O_|MAP_|PROT_|MS_|CLONE_)/, '')));
}

function openFlags(v: string | undefined): OpenFlags {
  const f = flagSet(v);
  const write = f.has('WRONLY') || f.has('RDWR');
  return {
    read: !f.has('WRONLY'), write, direct: f.has('DIRECT'), trunc: f.has('TRUNC'), append: f.has('APPEND'), cloexec: f.has('CLOEXEC'),
    creat: f.has('CREAT'), directory: f.has('DIRECTORY'),
  };
}

interface PendingOpen {
  b: Base;
  fd: number;
  flags: OpenFlags;
  /** `filename` when perf printed a string. */
  path: string | undefined;
}

export class PerfParser extends LineDriver<PerfLineRecord> implements TraceParser {
  readonly format = 'perf' as const;
  /** perf's clock at the header's reference time, and the time of day then: converts script times. */
  private reference: { tod: number; clock: number } | undefined;
  /** Opens whose path perf did not print, by `pid/fd`, until a call on the fd shows it. */
  private readonly pendingOpens = new Map<string, PendingOpen>();

  constructor(private readonly sink: EventSink, _options: ParserOptions = {}) {
    const t = tools();
    super(t.lexer, t.parser, Newline);
  }

  end(): void {
    this.endLines();
    for (const key of [...this.pendingOpens.keys()]) this.releaseOpen(key, undefined);
  }

  protected reject(l: LineText, cut: boolean): void {
    reportRejected(this.sink, l, cut, 'a perf script or perf trace line', undefined);
  }

  protected accept(rec: PerfLineRecord, line: number, text: string, start: number): void {
    const t = rec.main;
    if (!t) return;
    const p = (t as unknown as { payload: PerfPayload }).payload;
    const span: Span = { line, start: 0, end: t.image.length };
    void text;
    void start;
    if (t.tokenType === ReferenceTime) this.reference = { tod: p.tod!, clock: p.clock! };
    else if (t.tokenType === ScriptLine) this.scriptLine(p, span);
    else if (t.tokenType === TraceLine) this.traceLine(p, span);
  }

  /** A perf script sample: its time of day when the header gave the reference. */
  private scriptLine(p: PerfPayload, span: Span): void {
    const time = this.reference ? this.reference.tod + (p.time! - this.reference.clock) : p.time;
    const b = base(p.event!, span, p.pid, p.tid, time, true, undefined);
    this.sink.event(this.faultOf(p.event!, fieldsOf(p.fields ?? ''), b) ?? ev(b, 'generic', {}));
  }

  /** A store, when the event is a write fault at a user address. */
  private faultOf(event: string, f: Map<string, string>, b: Base): EventDraft | undefined {
    const kernel = /(?:^|:)page_fault_kernel$/.test(event);
    if (!kernel && !/(?:^|:)page_fault_user$/.test(event)) return undefined;
    const addr = num(f.get('address'));
    const code = num(f.get('error_code'));
    if (addr === undefined || code === undefined || (code & 2) === 0 || addr >= USER_SPACE_END) return undefined;
    b.name = kernel ? 'page_fault_kernel' : 'page_fault_user';
    return ev(b, 'store', { evidence: 'definite', addr, fd: undefined, path: undefined, offset: undefined, length: 0, source: 'pflt', wholePage: true });
  }

  /** A perf trace line: a syscall or a tracepoint. Times are milliseconds since perf trace started. */
  private traceLine(p: PerfPayload, span: Span): void {
    const name = p.event!;
    const f = fieldsOf(p.fields ?? '');
    const result = p.result?.trim();
    const ret = num(result);
    const ok = result === undefined || ret === undefined || ret >= 0;
    const errno = !ok ? /^-\d+\s+(E[A-Z0-9]+)/.exec(result!)?.[1] : undefined;
    const b = base(name, span, p.pid, p.tid, p.time !== undefined ? p.time / 1000 : undefined, ok, errno);
    if (p.durationMs !== undefined) b.durationSec = p.durationMs / 1000;
    if (name.includes(':')) {
      this.sink.event(this.faultOf(name, f, b) ?? ev(b, 'generic', {}));
      return;
    }
    for (const e of this.syscall(name, f, ret, b)) this.sink.event(e);
  }

  /** The events of one perf trace syscall line (an open perf did not name waits: pendingOpens). */
  private syscall(name: string, f: Map<string, string>, ret: number | undefined, b: Base): EventDraft[] {
    const pid = b.pid ?? 0;
    const out: EventDraft[] = [];
    // A call on an fd first releases a waiting open of that fd, with the path the call shows.
    const fdArg = fdOf(f.get('fd'));
    if (fdArg.fd !== undefined) out.push(...this.releaseOpen(`${pid}/${fdArg.fd}`, fdArg.path));
    if (fdArg.path !== undefined) b.fdPath = fdArg.path;
    const fd = fdArg.fd;
    switch (name) {
      case 'open': case 'openat': case 'openat2': case 'creat': {
        if (ret === undefined || ret < 0 || !b.ok) break;
        const filename = f.get('filename') ?? f.get('pathname');
        const path = filename?.startsWith('"') ? filename.slice(1, -1) : undefined;
        const flags = openFlags(name === 'creat' ? 'WRONLY|CREAT|TRUNC' : f.get('flags'));
        out.push(...this.releaseOpen(`${pid}/${ret}`, undefined));
        if (path !== undefined && path.startsWith('/')) out.push(ev(b, 'open', { fd: ret, target: { path }, resolvedPath: path, flags }));
        else this.pendingOpens.set(`${pid}/${ret}`, { b, fd: ret, flags, path });
        return out;
      }
      case 'close':
        if (fd !== undefined && b.ok) out.push(ev(b, 'close', { fd }));
        break;
      case 'mmap': {
        if (ret === undefined || !b.ok) break;
        const flags = flagSet(f.get('flags'));
        const prot = flagSet(f.get('prot'));
        const anonymous = flags.has('ANONYMOUS') || flags.has('ANON');
        out.push(ev(b, 'mmap', {
          addr: ret, length: num(f.get('len')) ?? 0, prot: { read: prot.has('READ'), write: prot.has('WRITE'), exec: prot.has('EXEC') },
          shared: flags.has('SHARED') || flags.has('SHARED_VALIDATE'), anonymous, fd: anonymous ? -1 : fd ?? 0, offset: (num(f.get('pgoff')) ?? num(f.get('off')) ?? 0),
        }));
        break;
      }
      case 'munmap':
        out.push(ev(b, 'munmap', { addr: num(f.get('addr')) ?? 0, length: num(f.get('len')) ?? 0 }));
        break;
      case 'msync': {
        const flags = flagSet(f.get('flags'));
        out.push(ev(b, 'msync', { addr: num(f.get('start')) ?? num(f.get('addr')) ?? 0, length: num(f.get('len')) ?? 0, sync: flags.has('SYNC'), async: flags.has('ASYNC'), invalidate: flags.has('INVALIDATE') }));
        break;
      }
      case 'write': case 'pwrite64': case 'pwrite': {
        if (fd === undefined) break;
        const asked = num(f.get('count')) ?? 0;
        const done = b.ok && ret !== undefined ? ret : 0;
        out.push(ev(b, 'write', { fd, offset: name === 'write' ? undefined : num(f.get('pos')) ?? 0, length: done, ...(done !== asked ? { requested: asked } : {}) }));
        break;
      }
      case 'read': case 'pread64': case 'pread':
        if (fd !== undefined && b.ok && ret !== undefined) out.push(ev(b, 'read', { fd, offset: name === 'read' ? undefined : num(f.get('pos')) ?? 0, length: ret }));
        break;
      case 'ftruncate':
        if (fd !== undefined && b.ok) out.push(ev(b, 'truncate', { fd, size: num(f.get('length')) ?? 0 }));
        break;
      case 'fsync': case 'fdatasync':
        if (fd !== undefined && b.ok) out.push(ev(b, 'sync', { fd, how: name }));
        break;
      case 'fallocate': {
        if (fd === undefined || !b.ok) break;
        const mode = flagSet(f.get('mode'));
        const op = mode.has('PUNCH_HOLE') || mode.has('FALLOC_FL_PUNCH_HOLE') ? 'punch' : mode.has('ZERO_RANGE') || mode.has('FALLOC_FL_ZERO_RANGE') ? 'zero' : 'allocate';
        out.push(ev(b, 'space', { fd, offset: num(f.get('offset')) ?? 0, length: num(f.get('len')) ?? 0, op, keepSize: op === 'punch' || mode.has('KEEP_SIZE') || mode.has('FALLOC_FL_KEEP_SIZE') }));
        break;
      }
      case 'clone': case 'clone3': case 'fork': case 'vfork': {
        if (ret === undefined || ret <= 0) break;
        const flags = flagSet(f.get('clone_flags') ?? f.get('flags'));
        out.push(ev(b, 'fork', { child: ret, shareFiles: flags.has('FILES'), shareVm: flags.has('VM') || name === 'vfork', thread: flags.has('THREAD') }));
        break;
      }
      case 'exit': case 'exit_group':
        out.push(ev(b, 'exit', { code: num(f.get('error_code')) ?? 0, threadOnly: name === 'exit' }));
        break;
      default:
        out.push(ev(b, 'generic', {}));
    }
    if (out.length === 0) out.push(ev(b, 'generic', {}));
    return out;
  }

  /** Emits the open waiting on `key` (pid/fd), under `path` when a later call showed it, else under a name of its own. */
  private releaseOpen(key: string, path: string | undefined): EventDraft[] {
    const o = this.pendingOpens.get(key);
    if (o === undefined) return [];
    this.pendingOpens.delete(key);
    const name = path ?? o.path ?? `${key.replace('/', ': fd ')} opened at line ${o.b.span.line + 1} (perf printed no path)`;
    return [ev(o.b, 'open', { fd: o.fd, target: { path: name }, resolvedPath: name, flags: o.flags })];
  }
}
