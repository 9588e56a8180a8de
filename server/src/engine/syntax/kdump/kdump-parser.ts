// kdump text -> events. Lexes newline-aligned chunks, parses many lines per parser call, pairs CALL and RET by
// pid (and thread id with -H or on NetBSD), gives calls the NAMI paths and STRU structs recorded in between,
// turns write faults (PFLT ... VM_PROT_WRITE, completed by PRET) into definite stores, and reports what it
// cannot read without stopping.
import type { Lexer } from 'chevrotain';
import type { EventDraft, Span } from '../../events.js';
import { feedChunk, type ChunkLines } from '../bulk.js';
import { excerpt, unparsed, type EventSink, type ParserOptions, type TraceParser } from '../parser-api.js';
import { base, DIALECTS, ev, maskNames, num, type Base, type Dialect, type DialectBits } from './bsd.js';
import { KdumpLineParser, type KLineRecord } from './line-parser.js';
import { parseHeader, parseRet, type HeaderFields, type RetFields } from './records.js';
import { buildCallEvent, EXIT_CALLS, exitEvent, FORK_CALLS, type KCall } from './syscalls.js';
import { createKdumpLexer } from './tokens.js';

let sharedLexer: Lexer | undefined;
let sharedParser: KdumpLineParser | undefined;

function tools(): { lexer: Lexer; parser: KdumpLineParser } {
  sharedLexer ??= createKdumpLexer();
  sharedParser ??= new KdumpLineParser();
  return { lexer: sharedLexer, parser: sharedParser };
}

const NEWLINES: ReadonlySet<string> = new Set(['Newline', 'NewlineEnd']);
const CALL_NAME = /^(?:[A-Za-z_][A-Za-z0-9_.]*(?:\[\d+\])?|\[\d+\])$/;

interface Fault {
  addr: number;
  write: boolean;
  span: Span;
  pid: number;
  tid: number | undefined;
  time: number | undefined;
}

interface Deferred {
  line: number;
  text: string;
  message: string;
  pid: number | undefined;
}

/** Pairing key: pid, or pid and thread id. */
function keyOf(pid: number, tid: number | undefined): number {
  return tid === undefined ? pid : pid * 4294967296 + tid;
}

/** `open[5]` (kdump -S) -> `open`; an unknown `[5]` stays as it is. */
function callName(s: string): string {
  const b = s.indexOf('[');
  return b > 0 ? s.slice(0, b) : s;
}

export class KdumpParser implements TraceParser {
  readonly format = 'kdump' as const;
  private readonly pending = new Map<number, KCall[]>();
  private readonly faults = new Map<number, Fault>();
  private deferred: Deferred | undefined;
  private dialect: Dialect = 'freebsd';
  private bits: DialectBits = DIALECTS.freebsd;
  private dialectKnown = false;
  private readonly lexer: Lexer;
  private readonly parser: KdumpLineParser;
  private readonly hdr: HeaderFields = { pid: 0, tid: undefined, time: undefined, slashTid: false };
  private readonly res: RetFields = { ret: undefined, ok: true, errno: undefined };
  /** The line being interpreted, for messages (sliced only when one is needed). */
  private curText = '';
  private curStart = 0;
  private curEnd = 0;

  constructor(private readonly sink: EventSink, private readonly options: ParserOptions = {}) {
    const t = tools();
    this.lexer = t.lexer;
    this.parser = t.parser;
  }

  feed(chunk: string, firstLine: number): void {
    feedChunk(this.lexer, this.parser, NEWLINES, chunk, firstLine, this.lines);
  }

  private readonly lines: ChunkLines<KLineRecord> = {
    line: (rec, line, text, start, end) => this.line(rec, line, text, start, end),
    bad: (line, text, start, end) => {
      const lineText = text.slice(start, end);
      this.flushDeferred(false);
      this.defer(line, lineText, `not a kdump line: "${excerpt(lineText)}"`, undefined);
    },
  };

  end(): void {
    this.flushDeferred(true);
    for (const f of this.faults.values()) this.emitFault(f, undefined, true, undefined);
    this.faults.clear();
    const left: KCall[] = [];
    for (const list of this.pending.values()) left.push(...list);
    left.sort((a, b) => a.span.line - b.span.line);
    // Calls still in progress when the trace ended (or whose RET was dropped): kept, but not interpreted.
    for (const c of left) this.sink.event({ kind: 'generic', span: c.span, name: c.name, ok: false, pid: c.pid, tid: c.tid, time: c.time });
    this.pending.clear();
  }

  // ------------------------------------------------------------------ lines

  private line(r: KLineRecord, line: number, text: string, start: number, end: number): void {
    switch (r.kind) {
      case 'continuation':
        // GIO data, STRU array elements, OpenBSD ARGS/ENV items: part of the record above.
        if (r.body!.image.trim().length > 0) this.flushDeferred(false);
        return;
      case 'comment':
        this.flushDeferred(false);
        return;
      case 'junk': {
        this.flushDeferred(false);
        const lineText = text.slice(start, end);
        this.defer(line, lineText, `not a kdump line: "${excerpt(lineText)}"`, undefined);
        return;
      }
      case 'dropped':
        this.flushDeferred(false);
        this.dropped(r.body!.image, line, end - start);
        return;
      default:
        this.flushDeferred(false);
        this.curText = text;
        this.curStart = start;
        this.curEnd = end;
        this.record(r, line, start, end);
    }
  }

  private dropped(image: string, line: number, length: number): void {
    const m = /^\s*(\d+)(?:\/(\d+)| +(\d+)(?= +\S))?/.exec(image);
    const pid = m ? Number(m[1]) : undefined;
    const span = { line, start: 0, end: length };
    this.sink.diagnostic({ span, severity: 'warning', message: 'ktrace dropped events here (its buffer was full): calls, faults or returns may be missing after this line' });
    this.sink.event({ kind: 'generic', span, name: 'Events dropped', ok: false, pid });
  }

  private lineText(): string {
    return this.curText.slice(this.curStart, this.curEnd);
  }

  private record(r: KLineRecord, line: number, start: number, end: number): void {
    const h = this.hdr;
    parseHeader(r.header!.image, h);
    const typeImage = r.type!.image;
    const payload = r.payload ? r.payload.image : '';
    const at = (r.payload ?? r.type!).startOffset - start;
    const span: Span = { line, start: at, end: end - start };
    const key = keyOf(h.pid, h.tid);
    if (!this.dialectKnown) this.learnDialect(typeImage, payload, h);
    switch (typeImage.charCodeAt(0) * 256 + typeImage.charCodeAt(1)) {
      case 0x4341: // CA(LL), CA(P)
        if (typeImage.charCodeAt(2) === 76) this.call(payload, span, key);
        return;
      case 0x5245: // RE(T)
        this.ret(payload, span, key);
        return;
      case 0x4e41: // NA(MI)
        this.nami(payload, key);
        return;
      case 0x5354: // ST(RU), ST(RT)
        if (typeImage.charCodeAt(3) === 85 && payload.startsWith('struct stat')) {
          const c = this.innermost(key);
          if (c && c.stru === undefined) c.stru = payload;
        }
        return;
      case 0x5046: // PF(LT)
        this.pflt(payload, span, key);
        return;
      case 0x5052: // PR(ET)
        this.pret(payload, span, key);
        return;
      case 0x5053: { // PS(IG)
        const sig = /^\S+/.exec(payload)?.[0] ?? 'signal';
        this.sink.event({ kind: 'signal', span, name: 'PSIG', ok: true, pid: h.pid, tid: h.tid, time: h.time, signal: sig });
        return;
      }
      default:
        return; // GIO, CSW, USER, SCTL, CAP, EMUL, ARGS, ENV, PLDG, STRT, PINS, MISC, ...: nothing for the model
    }
  }

  private learnDialect(type: string, payload: string, h: HeaderFields): void {
    let d: Dialect | undefined;
    if (h.slashTid || /^(?:ARGS|PLDG|STRT|PINS)/.test(type)) d = 'openbsd';
    else if (/^(?:MISC|MMSG|MOOL|ARG |SAU|MIB)/.test(type)) d = 'netbsd';
    else if (type.startsWith('EMUL')) d = payload.startsWith('"netbsd') ? 'netbsd' : payload.startsWith('"native') ? 'openbsd' : undefined;
    else if (h.tid !== undefined && h.tid > 0 && h.tid < 100000) d = 'netbsd'; // FreeBSD thread ids start at 100000
    else if (h.tid !== undefined && h.tid >= 100000) d = 'freebsd';
    if (d === undefined) return;
    this.dialect = d;
    this.bits = DIALECTS[d];
    this.dialectKnown = true;
  }

  private innermost(key: number): KCall | undefined {
    const list = this.pending.get(key);
    return list && list.length > 0 ? list[list.length - 1] : undefined;
  }

  private call(payload: string, span: Span, key: number): void {
    const body = payload.trimEnd();
    const lp = body.indexOf('(');
    const rawName = lp < 0 ? body : body.slice(0, lp);
    if (!CALL_NAME.test(rawName) || (lp >= 0 && body.charCodeAt(body.length - 1) !== 41)) {
      this.malformed(span.line, 'CALL');
      return;
    }
    const h = this.hdr;
    const c: KCall = {
      name: callName(rawName), args: lp < 0 ? '' : body.slice(lp + 1, -1), span, pid: h.pid, tid: h.tid, time: h.time,
      paths: undefined, stru: undefined, child: undefined,
    };
    const threadOnly = EXIT_CALLS[c.name];
    if (threadOnly !== undefined) {
      // exit(2) has a CALL and no RET.
      this.sink.event(exitEvent(c, base(c.name, span, c.pid, c.tid, c.time, true, undefined), threadOnly));
      return;
    }
    const list = this.pending.get(key);
    if (list === undefined) this.pending.set(key, [c]);
    else list.push(c);
  }

  private ret(payload: string, span: Span, key: number): void {
    const body = payload.trimEnd();
    const sp = body.indexOf(' ');
    const res = this.res;
    if (sp <= 0 || !CALL_NAME.test(body.slice(0, sp)) || !parseRet(body.slice(sp + 1).trim(), res)) {
      this.malformed(span.line, 'RET');
      return;
    }
    const name = callName(body.slice(0, sp));
    const h = this.hdr;
    const list = this.pending.get(key);
    let c: KCall | undefined;
    if (list !== undefined) {
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i].name === name) {
          c = list[i];
          list.splice(i, 1);
          break;
        }
      }
      if (list.length === 0) this.pending.delete(key);
    }
    if (c === undefined) {
      // A child's first record is its return from fork: announce the fork before any of the child's events.
      if (FORK_CALLS.has(name) && res.ok && res.ret === 0) this.announceChild(h.pid);
      // The trace began during this call (or its CALL was filtered out): the result alone.
      this.sink.event({ kind: 'generic', span, name, ok: res.ok, errno: res.errno, pid: h.pid, tid: h.tid, time: h.time });
      return;
    }
    if (c.child !== undefined && res.ret === c.child) return; // announced when the child appeared
    const b = base(c.name, c.span, c.pid, c.tid, c.time, res.ok, res.errno);
    b.endSpan = span;
    if (c.time !== undefined && h.time !== undefined && c.time > 1e8 && h.time >= c.time) b.durationSec = Math.round((h.time - c.time) * 1e6) / 1e6;
    this.sink.event(buildCallEvent(c, res, b, this.bits, this.dialect));
  }

  private announceChild(child: number): void {
    let parent: KCall | undefined;
    for (const list of this.pending.values()) {
      for (const c of list) {
        if (!FORK_CALLS.has(c.name) || c.pid === child || c.child !== undefined) continue;
        if (parent === undefined || c.span.line > parent.span.line) parent = c;
      }
    }
    if (parent === undefined) return;
    parent.child = child;
    const b = base(parent.name, parent.span, parent.pid, parent.tid, parent.time, true, undefined);
    const e = buildCallEvent(parent, { ret: child, ok: true, errno: undefined }, b, this.bits, this.dialect);
    if (e.kind === 'fork') this.sink.event(e);
    else parent.child = undefined;
  }

  private nami(payload: string, key: number): void {
    const c = this.innermost(key);
    if (c === undefined) return;
    // `"%.*s"`: the raw path, not escaped.
    let path = payload;
    if (path.charCodeAt(0) === 34) {
      const q = path.lastIndexOf('"');
      path = q > 0 ? path.slice(1, q) : path.slice(1);
    }
    if (c.paths === undefined) c.paths = [path];
    else c.paths.push(path);
  }

  private pflt(payload: string, span: Span, key: number): void {
    const body = payload.trim();
    const sp = body.indexOf(' ');
    const addr = num(sp < 0 ? body : body.slice(0, sp));
    if (addr === undefined || sp < 0) {
      this.malformed(span.line, 'PFLT');
      return;
    }
    const type = body.slice(sp + 1);
    const names = maskNames(type);
    const write = names !== undefined && names.size > 0 && !(names.size === 1 && names.has('NONE')) ? names.has('WRITE') : ((num(type) ?? 0) & 2) !== 0;
    const prev = this.faults.get(key);
    if (prev) this.emitFault(prev, undefined, true, undefined);
    const h = this.hdr;
    this.faults.set(key, { addr, write, span, pid: h.pid, tid: h.tid, time: h.time });
  }

  private pret(payload: string, span: Span, key: number): void {
    const f = this.faults.get(key);
    if (f === undefined) return;
    this.faults.delete(key);
    const result = payload.trim();
    const ok = result.startsWith('KERN_SUCCESS');
    this.emitFault(f, span, ok, ok ? undefined : result);
  }

  /** A write fault is a store into the page (definite evidence); the PRET says whether it succeeded. */
  private emitFault(f: Fault, endSpan: Span | undefined, ok: boolean, errno: string | undefined): void {
    const b: Base = base('PFLT', f.span, f.pid, f.tid, f.time, ok, errno);
    b.endSpan = endSpan;
    const e: EventDraft = f.write
      ? ev(b, 'store', { evidence: 'definite', addr: f.addr, fd: undefined, path: undefined, offset: undefined, length: 0, source: 'pflt', wholePage: true })
      : ev(b, 'generic', {});
    this.sink.event(e);
  }

  // ------------------------------------------------------------------ malformed lines

  private malformed(line: number, type: string): void {
    const t = this.lineText();
    this.defer(line, t, `malformed ${type} record: "${excerpt(t)}"`, this.hdr.pid);
  }

  /** A malformed line is an error, unless it is the last line of the input: then the trace was cut there. */
  private defer(line: number, text: string, message: string, pid: number | undefined): void {
    this.deferred = { line, text, message, pid };
  }

  private flushDeferred(atEnd: boolean): void {
    const d = this.deferred;
    if (d === undefined) return;
    this.deferred = undefined;
    if (!atEnd) {
      unparsed(this.sink, d.line, d.text, d.message, d.pid ?? this.options.defaultPid);
      return;
    }
    const span = { line: d.line, start: 0, end: d.text.length };
    this.sink.diagnostic({ span, severity: 'warning', message: 'incomplete record: the trace ends in the middle of this line' });
    this.sink.event({ kind: 'unparsed', span, name: 'unparsed', ok: false, pid: d.pid ?? this.options.defaultPid });
  }
}
