// strace text → events. Lexes newline-aligned chunks (one tokenize() per chunk, not per file), parses each line
// with the reused line parser, pairs <unfinished ...>/<... resumed> by pid, rejoins lines a paste hard-wrapped,
// and reports what it cannot read without stopping.
import type { IToken, Lexer } from 'chevrotain';
import { detach } from '../../detach.js';
import type { EventDraft, Span } from '../../events.js';
import { excerpt, unparsed, type EventSink, type ParserOptions, type TraceParser } from '../parser-api.js';
import { lineTokenRange } from '../line-grammar.js';
import { countLineBreaks, lineAt, lineStartsOf, stripAnsi } from '../text.js';
import { argInt } from './args.js';
import { closed, StraceLineParser, type LineRecord } from './line-parser.js';
import {
  ArgList, COMMAS, decimalIn, lineEnd, newCallLineScan, newSplitLineScan, scanCallLine, scanSplitLine, type CallLineScan, type LeaderInfo, type ResultInfo,
  type SplitLineScan,
} from './scan.js';
import { scanCallLineBytes, scanSplitLineBytes } from './scan-bytes.js';
import { buildCallEvent, genericEvent, isGenericCall, lineIoEvent, modelledCallEvent, type Base, type CallInfo } from './syscalls.js';
import { createStraceLexer, Newline } from './tokens.js';
import type { LineCall } from './line-call.js';

/**
 * One lexer and two parsers for all strace parsers: `parser` for bulk parses, `lineParser` for the single lines
 * read again while a bulk parse is in progress (a line the lexer could not fully read is reported from inside the
 * bulk parse's callback, and re-parsing it with the same instance would reset that parse's input). Made when a
 * line first needs them: building them takes about 60 ms, and the fast lane reads most traces without them.
 */
let shared: { lexer: Lexer; parser: StraceLineParser; lineParser: StraceLineParser } | undefined;

/** Whether the lexer and parsers have been built (tests). */
export function tokenToolsBuilt(): boolean {
  return shared !== undefined;
}

function tools(): { lexer: Lexer; parser: StraceLineParser; lineParser: StraceLineParser } {
  shared ??= { lexer: createStraceLexer(), parser: new StraceLineParser(), lineParser: new StraceLineParser() };
  return shared;
}

interface PendingCall {
  name: string;
  args: string;
  span: Span;
  pid: number | undefined;
  time: number | undefined;
}

export interface StraceParserOptions extends ParserOptions {
  /** Read every line through the lexer and the parser, without the fast lane (tests compare the two). */
  tokensOnly?: boolean;
}

interface OpenLine {
  line: number;
  text: string;
}

const FORK_CALLS = new Set(['clone', 'clone3', 'fork', 'vfork']);
const NEWLINE_NAMES = new Set([Newline.name, 'NewlineEnd']);

export class StraceParser implements TraceParser {
  readonly format = 'strace' as const;
  private readonly pending = new Map<number, PendingCall>();
  /** pids seen with a prefix and not yet exited; strace drops the prefix when one tracee is left. */
  private readonly live = new Set<number>();
  private readonly seen = new Set<number>();
  /** The pid of the last finished one-line call, known seen: most lines come in runs of one pid. */
  private lastSeen: number | undefined;
  /** The pid of the unprefixed lines before the second tracee appeared, once a resumed line reveals it. */
  private initialPid: number | undefined;
  private openLine: OpenLine | undefined;

  constructor(private readonly sink: EventSink, private readonly options: StraceParserOptions = {}) {}

  private get lexer(): Lexer {
    return tools().lexer;
  }

  private get parser(): StraceLineParser {
    return tools().parser;
  }

  private get lineParser(): StraceLineParser {
    return tools().lineParser;
  }

  feed(chunk: string, firstLine: number, bytes?: Uint8Array): number | void {
    const text = stripAnsi(chunk);
    // The chunk's bytes, one per character: the fast lane scans them (scan-bytes.ts), unless colours were cut out.
    // A newline-aligned chunk ends with a line break, which the byte scanner needs (a file's last line may not).
    const b = text === chunk && bytes !== undefined && bytes[bytes.length - 1] === 10 ? bytes : undefined;
    if (this.options.tokensOnly) {
      this.feedTokens(text, firstLine);
      return;
    }
    // Fast lane: a line that is one finished call lexes to a lone CallLine token and parses as `line := CallLine`,
    // so it is scanned here with the token's own matcher and recorded directly; so are the two halves of a call
    // strace split (`<unfinished ...>`, `<... resumed>`). The lexer and the parser see only the runs of other
    // lines, in line order. Same offsets, same records: the grammar is unchanged.
    // The lines are taken in runs: each run's lines are scanned, then recorded in order. Two tight loops keep
    // their code in the processor's instruction cache, where scanning and recording line by line evicted each other.
    const n = text.length;
    let pos = 0;
    let line = firstLine;
    let slowFrom = -1;
    let slowLine = 0;
    while (pos < n) {
      COMMAS.n = 0;
      let count = 0;
      let next = pos;
      for (; count < RUN_LINES && next < n; count++) {
        const scan = SCANS[count];
        scan.pos = next;
        const fromBytes = b !== undefined ? scanCallLineBytes(b, text, next, scan.call) : undefined;
        const s = fromBytes === undefined ? scanCallLine(text, next, scan.call) : fromBytes ?? undefined;
        let end: number;
        if (s !== undefined) {
          scan.kind = WHOLE;
          end = s.end;
        } else {
          const split = (b !== undefined ? scanSplitLineBytes(b, text, next, scan.split) : undefined) ?? scanSplitLine(text, next, scan.split);
          scan.kind = split !== undefined ? SPLIT : SLOW;
          end = split !== undefined ? split.end : next;
        }
        // A scan stopped at the line's end: its '\n', or the '\r' before it, or the text's end.
        const nl = text.charCodeAt(end) === 10 ? end : text.indexOf('\n', end);
        scan.broken = nl >= 0;
        next = nl < 0 ? n : nl + 1;
      }
      for (let k = 0; k < count; k++) {
        const scan = SCANS[k];
        if (scan.kind !== SLOW) {
          if (slowFrom >= 0) {
            this.feedTokens(text.slice(slowFrom, scan.pos), slowLine);
            slowFrom = -1;
          }
          if (this.openLine) {
            this.reportCut(this.openLine);
            this.openLine = undefined;
          }
          if (scan.kind === WHOLE) this.wholeCall(scan.call, line, scan.pos, text, scan.call.end, undefined, b);
          else this.splitCall(scan.split, line, scan.pos, text);
        } else if (slowFrom < 0) {
          slowFrom = scan.pos;
          slowLine = line;
        }
        // A last line without a line break is read, but counts no line.
        if (scan.broken) line++;
      }
      pos = next;
    }
    if (slowFrom >= 0) this.feedTokens(slowFrom === 0 ? text : text.slice(slowFrom), slowLine);
    return line - firstLine;
  }

  /** Lexes and parses newline-aligned `text` whose first line is `firstLine` (the lines the fast lane left). */
  private feedTokens(text: string, firstLine: number): void {
    // The commas CallLine tokens keep are per chunk; those below `kept` belong to the fast-lane line waiting for
    // this run to be recorded first.
    const kept = COMMAS.n;
    const lexed = this.lexer.tokenize(text);
    let tokens = lexed.tokens;
    // Lines the lexer could not fully read are never trusted, even if their leftover tokens happen to parse;
    // they are handled in line order, just before the next line that parsed.
    let bad: number[] = [];
    if (lexed.errors.length > 0) {
      const starts = lineStartsOf(text);
      bad = [...new Set(lexed.errors.map((e) => firstLine + lineAt(starts, e.offset)))].sort((a, b) => a - b);
    }
    let badIdx = 0;
    const flushBad = (before: number): void => {
      while (badIdx < bad.length && bad[badIdx] < before) {
        const line = bad[badIdx++];
        const start = lineStartAt(text, line - firstLine);
        const end = lineEnd(text, start);
        this.reject(this.tokensOfLine(tokens, start, end), line, text, start, end, true);
      }
    };
    const isBad = (line: number): boolean => {
      flushBad(line);
      if (badIdx < bad.length && bad[badIdx] === line) {
        badIdx++;
        return true;
      }
      return false;
    };
    // A last line without '\n' is parsed on its own after the bulk.
    let tail: IToken[] = [];
    const lastNl = lastNewlineIndex(tokens);
    if (lastNl < tokens.length - 1) {
      tail = tokens.slice(lastNl + 1);
      tokens = tokens.slice(0, lastNl + 1);
    }
    let from = 0;
    let base = firstLine;
    const parser = this.parser;
    parser.onLine = (rec) => {
      const line = base + parser.lineIndex;
      let start: number;
      let end: number;
      if (rec.kind === 'whole') {
        // A CallLine token starts its line and knows where the line ends.
        start = rec.head!.startOffset;
        end = (rec.head!.payload as CallLineScan).end;
      } else {
        const first = rec.leader ?? rec.head ?? rec.body!;
        start = text.lastIndexOf('\n', first.startOffset - 1) + 1;
        end = lineEnd(text, start);
      }
      if (isBad(line)) this.reject(this.tokensOfLine(tokens, start, end), line, text, start, end, true);
      else this.accept(rec, line, text, start, end);
    };
    while (from < tokens.length) {
      const slice = from === 0 ? tokens : tokens.slice(from);
      if (parser.parseLines(slice)) break;
      // The line that failed: read it on its own (it may complete a hard-wrapped line), then go on after it.
      const rel = parser.lineIndex;
      const [i, j] = lineTokenRange(slice, rel, (t) => NEWLINE_NAMES.has(t.tokenType.name));
      const line = base + rel;
      const start = lineStartAt(text, line - firstLine);
      const lexError = isBad(line);
      this.reject(slice.slice(i, j), line, text, start, lineEnd(text, start), lexError);
      from += j + 1;
      base = line + 1;
    }
    if (tail.length > 0 || (bad.length > 0 && bad[bad.length - 1] === firstLine + countLines(text) - 1 && !text.endsWith('\n'))) {
      const line = firstLine + countLines(text) - 1;
      const start = text.lastIndexOf('\n') + 1;
      const lexError = isBad(line);
      this.reject(tail, line, text, start, lineEnd(text, start), lexError);
    }
    flushBad(Number.POSITIVE_INFINITY);
    COMMAS.n = kept;
  }

  private tokensOfLine(tokens: IToken[], start: number, end: number): IToken[] {
    return tokens.filter((t) => t.startOffset >= start && t.startOffset < end && !NEWLINE_NAMES.has(t.tokenType.name));
  }

  end(): void {
    if (this.openLine) this.reportCut(this.openLine);
    this.openLine = undefined;
    for (const [pid, p] of this.pending) this.flushPending(pid, p);
    this.pending.clear();
  }

  /** A line the bulk parse accepted. */
  private accept(rec: LineRecord, line: number, text: string, start: number, end: number): void {
    if (this.openLine) {
      this.reportCut(this.openLine);
      this.openLine = undefined;
    }
    this.record(rec, line, start, text, start, end);
  }

  /** A line that did not parse in bulk, or that the lexer could not fully read. */
  private reject(tokens: IToken[], line: number, text: string, start: number, end: number, lexError: boolean): void {
    const ok = !lexError && this.lineParser.parseLine(tokens);
    const lineText = text.slice(start, end);
    if (this.openLine) {
      const open = this.openLine;
      this.openLine = undefined;
      if (!ok && this.tryJoin(open, lineText, line)) return;
      this.reportCut(open);
    }
    if (!ok) {
      unparsed(this.sink, line, lineText, `not an strace line: "${excerpt(lineText)}"`, this.options.defaultPid);
      return;
    }
    this.record(this.lineParser.rec, line, start, text, start, end);
  }

  /** A paste can hard-wrap a long call; if this line completes the previous one, read the two as one. */
  private tryJoin(open: OpenLine, next: string, nextLine: number): boolean {
    // strace's own "strace: Process N attached" can land in the middle of a line it is printing.
    const cut = open.text.indexOf('strace: Process ');
    const first = cut > 0 ? open.text.slice(0, cut) : open.text;
    const joined = first + next;
    const lexed = this.lexer.tokenize(joined);
    if (lexed.errors.length > 0 || !this.lineParser.parseLine(lexed.tokens)) return false;
    const rec = this.lineParser.rec;
    if (rec.kind !== 'whole' && (!closed(rec) || rec.result === undefined)) return false;
    this.record(rec, open.line, 0, joined, 0, first.length, { line: nextLine, start: 0, end: next.length });
    return true;
  }

  private reportCut(open: OpenLine): void {
    const span = { line: open.line, start: 0, end: open.text.length };
    this.sink.diagnostic({ span, severity: 'warning', message: 'incomplete line: the call has no closing parenthesis or result (the trace was cut here, or the process was still in this call)' });
    this.sink.event({ kind: 'unparsed', span, name: 'unparsed', ok: false, pid: this.options.defaultPid });
  }

  /** Interprets a parsed line; [textStart, textEnd) of `text` is the line (for spans and cut-off lines). */
  private record(r: LineRecord, line: number, lineStart: number, text: string, textStart: number, textEnd: number, wrapEnd?: Span): void {
    if (r.kind === 'whole') {
      this.wholeCall(r.head!.payload as CallLineScan, line, lineStart, text, textEnd, wrapEnd);
      return;
    }
    const lead = r.leader?.payload as LeaderInfo | undefined;
    const isCall = r.kind === 'call' || r.kind === 'resumed';
    const parts = isCall ? partsOf(r) : undefined;
    const pid = this.linePid(lead?.pid, parts);
    const time = lead?.time;
    const spanEnd = textEnd - lineStart;
    switch (r.kind) {
      case 'call':
      case 'resumed':
        this.call(parts!, line, lineStart, text, textStart, textEnd, pid, time, spanEnd, wrapEnd);
        return;
      case 'exit':
        this.exitLine(r.body!.image, { line, start: r.body!.startOffset - lineStart, end: spanEnd }, pid, time);
        return;
      case 'signal': {
        const m = /^--- (?:stopped by )?(SIG[A-Z0-9]+|\w+)/.exec(r.body!.image);
        const span = { line, start: r.body!.startOffset - lineStart, end: spanEnd };
        this.sink.event({ kind: 'signal', span, name: 'signal', ok: true, pid, time, signal: m ? m[1] : 'signal' });
        return;
      }
      default:
        return; // notes, stack frames, dumps, comments, elisions carry no event
    }
  }

  /** The pid of a line whose leader shows `leaderPid` (or none); a pid seen for the first time is announced. */
  private linePid(leaderPid: number | undefined, parts: CallParts | undefined): number | undefined {
    const pid = leaderPid ?? this.unprefixedPid();
    if (leaderPid !== undefined && !this.seen.has(leaderPid)) {
      // A resumed line of the unprefixed process's call reveals that process's own pid: not a new child.
      const own = parts?.kind === 'resumed' && this.pending.get(-1)?.name === parts.name;
      this.newPid(leaderPid, own);
    }
    return pid;
  }

  /** Whose are lines without a pid prefix: the -ff file's pid, the only live tracee, or the initial process. */
  private unprefixedPid(): number | undefined {
    if (this.options.defaultPid !== undefined) return this.options.defaultPid;
    if (this.live.size === 1) return this.live.values().next().value;
    return this.initialPid;
  }

  /**
   * A pid appears for the first time. strace often prints a child's first lines before the parent's clone()
   * returns; if a fork-like call is in progress, announce the child now so that it inherits the right fd
   * table and mappings instead of starting empty.
   */
  private newPid(pid: number, ownCall: boolean): void {
    this.seen.add(pid);
    this.live.add(pid);
    if (ownCall) return;
    let parentKey: number | undefined;
    let parent: PendingCall | undefined;
    for (const [key, p] of this.pending) {
      if (!FORK_CALLS.has(p.name) || p.pid === pid) continue;
      if (parent === undefined || p.span.line > parent.span.line) {
        parent = p;
        parentKey = key;
      }
    }
    if (parent === undefined || parentKey === undefined) return;
    const b: Base = { span: parent.span, name: parent.name, ok: true, pid: parent.pid };
    if (parent.time !== undefined) b.time = parent.time;
    const ev = buildCallEvent({ name: parent.name, args: parent.args, ret: pid, retText: undefined }, b);
    if (ev.kind === 'fork') this.sink.event(ev);
  }

  /** Handed to a sink that defers building (EventSink.defer), refilled for each call. */
  private readonly lineCall: LineCall = { text: '', name: '', open: 0, close: 0, commas: COMMAS.at, commaAt: 0, commaCount: 0, retAt: 0, retLength: 0, base: undefined as unknown as Base };

  /** A finished call on one line (the common case): everything was read by the CallLine token. */
  private wholeCall(s: CallLineScan, line: number, lineStart: number, text: string, textEnd: number, wrapEnd: Span | undefined, bytes?: Uint8Array): void {
    let pid = s.pid;
    if (pid === undefined) pid = this.unprefixedPid();
    else if (pid !== this.lastSeen) {
      if (!this.seen.has(pid)) this.newPid(pid, false);
      this.lastSeen = pid;
    }
    const name = internName(text, s.nameStart, s.open);
    const span: Span = { line, start: s.nameStart - lineStart, end: textEnd - lineStart };
    const res = s.result;
    const b = baseOf(res, false, name, span, wrapEnd, pid, s.time);
    const sink = this.sink;
    if (sink.defer !== undefined && wrapEnd === undefined) {
      const c = this.lineCall;
      c.text = text;
      c.name = name;
      c.open = s.open;
      c.close = s.close;
      c.commas = COMMAS.at;
      c.commaAt = s.commaFrom;
      c.commaCount = isGenericCall(name, b.ok) ? 0 : s.commaCount;
      c.retAt = res.retAt;
      c.retLength = res.retEnd - res.retAt;
      c.base = b;
      sink.defer(c);
    } else sink.event(buildLineCall(text, name, s.open, s.close, s.commaFrom, s.commaCount, res.retAt, res.retEnd - res.retAt, b, bytes));
  }

  /** An unfinished call that the fast lane read (`[leader] name(args <unfinished ...>`, or its resumption). */
  private splitCall(s: SplitLineScan, line: number, lineStart: number, text: string): void {
    const parts: CallParts = {
      kind: s.resumed ? 'resumed' : 'call', headStart: s.headStart, name: text.slice(s.nameStart, s.nameEnd),
      args: text.slice(s.argsStart, s.argsEnd), closed: s.resumed, unfinished: !s.resumed, detached: false,
      res: s.resumed ? s.result : undefined,
    };
    const pid = this.linePid(s.pid, parts);
    this.call(parts, line, lineStart, text, lineStart, s.end, pid, s.time, s.end - lineStart, undefined);
  }

  private call(r: CallParts, line: number, lineStart: number, text: string, textStart: number, textEnd: number, pid: number | undefined, time: number | undefined, spanEnd: number, wrapEnd?: Span): void {
    const span: Span = { line, start: r.headStart - lineStart, end: spanEnd };
    const name = r.name;
    const args = r.args;
    const key = pid ?? -1;
    const isClosed = r.closed;
    if (r.unfinished && !isClosed) {
      const prev = this.pending.get(key);
      if (prev) this.flushPending(key, prev);
      this.pending.set(key, { name, args, span, pid, time });
      return;
    }
    if (!isClosed && !r.detached && !r.unfinished) {
      this.openLine = { line, text: text.slice(textStart, textEnd) };
      return;
    }
    let callSpan = span;
    let endSpan = wrapEnd;
    let allArgs = args;
    let callTime = time;
    let partial = false;
    if (r.kind === 'resumed') {
      let p = this.pending.get(key);
      if (p === undefined && pid !== undefined && this.pending.get(-1)?.name === name) {
        // The call began before strace printed prefixes: now we know the initial process's pid.
        p = this.pending.get(-1);
        this.pending.delete(-1);
        this.initialPid ??= pid;
      }
      if (p) {
        this.pending.delete(key);
        allArgs = p.args + args;
        callSpan = p.span;
        endSpan = span;
        callTime = p.time ?? time;
      } else partial = true; // the trace began while this call was in progress
    }
    const res = r.res;
    const b = baseOf(res, r.unfinished, name, callSpan, endSpan, pid, callTime);
    if (partial || r.detached) {
      this.sink.event({ ...b, kind: 'generic', ok: b.ok && !r.detached });
      return;
    }
    this.sink.event(buildCallEvent(callInfo(name, allArgs, res?.ret), b));
  }

  private flushPending(pid: number, p: PendingCall): void {
    this.pending.delete(pid);
    this.sink.event({ kind: 'generic', span: p.span, name: p.name, ok: false, pid: p.pid, time: p.time });
  }

  private exitLine(body: string, span: Span, pid: number | undefined, time: number | undefined): void {
    const p = this.pending.get(pid ?? -1);
    if (p) this.flushPending(pid ?? -1, p);
    if (pid !== undefined && !body.startsWith('+++ superseded')) this.live.delete(pid);
    let m = /^\+\+\+ exited with (-?\d+)/.exec(body);
    if (m) {
      this.sink.event({ kind: 'exit', span, name: 'exited', ok: true, pid, time, code: Number(m[1]), threadOnly: false });
      return;
    }
    m = /^\+\+\+ killed by (\S+)/.exec(body);
    if (m) {
      this.sink.event({ kind: 'exit', span, name: 'killed', ok: true, pid, time, signal: m[1], threadOnly: false });
      return;
    }
    // "+++ superseded by execve in pid N +++": this thread id is gone, the process lives on.
    this.sink.event({ kind: 'exit', span, name: 'superseded', ok: true, pid, time, threadOnly: true });
  }
}

/** The event fields every call has, from its result. */
function baseOf(res: ResultInfo | undefined, unfinished: boolean, name: string, span: Span, endSpan: Span | undefined, pid: number | undefined, time: number | undefined): Base {
  let ok = true;
  let errno: string | undefined;
  const err = res?.err;
  if (err !== undefined) {
    ok = false;
    errno = err;
  } else if (res === undefined || res.unavailable) ok = name === 'exit' || name === 'exit_group';
  else if (res.unknownRet) ok = name === 'exit' || name === 'exit_group' || name === 'execve';
  else if (res.minusOne) {
    const aux = res.aux?.find((a) => a.startsWith('(errno'));
    if (aux) {
      ok = false;
      errno = aux.slice(1, -1);
    }
  }
  if (unfinished) ok = false;
  // Every field in a fixed order: one hidden class for all bases keeps event construction fast.
  // `kind` and `seq` are set later (the handler, the analysis); made here, they need no new property then.
  const b = { kind: 'generic', seq: 0, span, endSpan, pid, tid: undefined, time, name, ok, errno, durationSec: res?.duration, fdPath: undefined };
  return b as Base;
}

/**
 * The event of a finished one-line call: text[open + 1, close) are its arguments, split at the `commaCount`
 * offsets at COMMAS.at[commaFrom...]. Built by the parser, or by the thread that replays (line-call.ts).
 */
export function buildLineCall(text: string, name: string, open: number, close: number, commaFrom: number, commaCount: number, retAt: number, retLength: number, b: Base, bytes?: Uint8Array): EventDraft {
  // A quarter of the lines of a busy trace (futex, brk, clock_gettime...) are calls the model does not know.
  if (isGenericCall(name, b.ok)) return genericEvent(b);
  const io = lineIoEvent(text, name, open, close, commaFrom, commaCount, retAt, retAt + retLength, b, bytes);
  if (io !== undefined) return io;
  return modelledCallEvent(LINE_CALL.fill(name, ARGS.split(text, open + 1, close, commaFrom, commaCount), text, retAt, retAt + retLength), b);
}

/** What a handler needs of a finished call; a `?` (or missing) result has no value. */
class Call implements CallInfo {
  name = '';
  args: ArgList | string | undefined = undefined;
  ret: number | undefined = undefined;
  private text = '';
  private retAt = 0;
  /** -1: no value. */
  private retEnd = -1;

  /** The call whose return value is text[retAt, retEnd) (read in place when it is plain decimal, as most are). */
  fill(name: string, args: ArgList | string, text: string, retAt: number, retEnd: number): this {
    this.name = name;
    this.args = args;
    this.text = text;
    this.retAt = retAt;
    if (retEnd <= retAt || text.charCodeAt(retAt) === 63 /* ? */) {
      this.retEnd = -1;
      this.ret = undefined;
    } else {
      this.retEnd = retEnd;
      this.ret = decimalIn(text, retAt, retEnd) ?? argInt(text.slice(retAt, retEnd));
    }
    return this;
  }

  /** Cut only for the calls that read it (those returning an fd). */
  get retText(): string | undefined {
    return this.retEnd < 0 ? undefined : this.text.slice(this.retAt, this.retEnd);
  }
}

/** The record of the one-line call being built, refilled for each (a handler reads it and keeps nothing of it). */
const LINE_CALL = new Call();

function callInfo(name: string, args: ArgList | string, ret: string | undefined): CallInfo {
  return new Call().fill(name, args, ret ?? '', 0, ret?.length ?? 0);
}

const ARGS = new ArgList();
/** Lines scanned before they are recorded (feed): enough for a tight loop, few enough for their scans to stay in cache. */
const RUN_LINES = 128;
const SLOW = 0;
const WHOLE = 1;
const SPLIT = 2;

/** What the fast lane read of one line of a run: a finished call, a half of a split one, or neither (SLOW). */
interface LineScan {
  pos: number;
  kind: typeof SLOW | typeof WHOLE | typeof SPLIT;
  /** Whether the line ends with a line break (a text's last line may not). */
  broken: boolean;
  call: CallLineScan;
  split: SplitLineScan;
}

/** The fast lane's line records, reused run after run: each run is recorded before the next is scanned. */
const SCANS: LineScan[] = Array.from({ length: RUN_LINES }, () => ({ pos: 0, kind: SLOW, broken: false, call: newCallLineScan(), split: newSplitLineScan() }));
const NAMES = new Map<string, string>();

/** Names seen last, by a hash of their length and three of their characters: most lines repeat a few names. */
const NAME_SLOTS: string[] = new Array<string>(256).fill('');

/** The syscall name at text[start, end), one detached copy per distinct name (events outlive the chunk). */
function internName(text: string, start: number, end: number): string {
  const len = end - start;
  const slot = (len * 7 + text.charCodeAt(start) * 31 + text.charCodeAt(end - 1) * 17 + text.charCodeAt(start + (len >> 1))) & 255;
  const seen = NAME_SLOTS[slot];
  // Compared in place: no substring to cut and hash for the usual name.
  if (seen.length === len && text.startsWith(seen, start)) return seen;
  NAME_SLOTS[slot] = internNameSlowly(text, start, end);
  return NAME_SLOTS[slot];
}

function internNameSlowly(text: string, start: number, end: number): string {
  const key = text.slice(start, end);
  let name = NAMES.get(key);
  if (name === undefined) {
    name = detach(key);
    if (NAMES.size > 4096) NAMES.clear();
    NAMES.set(name, name);
  }
  return name;
}

/** A call line (or its first or second half) as `call()` reads it, whether the tokens or the fast lane read it. */
interface CallParts {
  kind: 'call' | 'resumed';
  /** Where the call (or `<... name resumed>`) starts in the text. */
  headStart: number;
  name: string;
  /** The argument text (of this half). */
  args: string;
  closed: boolean;
  unfinished: boolean;
  detached: boolean;
  res: ResultInfo | undefined;
}

function partsOf(r: LineRecord): CallParts {
  return {
    kind: r.kind === 'resumed' ? 'resumed' : 'call', headStart: r.head!.startOffset, name: callName(r), args: callArgs(r),
    closed: closed(r), unfinished: r.unfinished, detached: r.detached, res: r.result?.payload as ResultInfo | undefined,
  };
}

/** The syscall name of a Call (`name(...`) or Resumed (`<... name resumed>...`) token. */
function callName(r: LineRecord): string {
  const img = r.head!.image;
  return r.kind === 'call' ? img.slice(0, img.indexOf('(')) : img.slice(5, img.indexOf(' resumed>'));
}

/** The argument text of a call: after '(' (or 'resumed>') up to the closing parenthesis. */
function callArgs(r: LineRecord): string {
  const img = r.head!.image;
  const from = r.kind === 'call' ? img.indexOf('(') + 1 : img.indexOf(' resumed>') + 9;
  if (!closed(r)) return img.slice(from);
  return img.slice(from, img.lastIndexOf(')'));
}

function lastNewlineIndex(tokens: IToken[]): number {
  for (let i = tokens.length - 1; i >= 0; i--) if (NEWLINE_NAMES.has(tokens[i].tokenType.name)) return i;
  return -1;
}

/** Number of lines in `text` (a final line without '\n' counts). */
function countLines(text: string): number {
  const n = countLineBreaks(text);
  return text.endsWith('\n') || text.length === 0 ? n : n + 1;
}

/** Offset where line `rel` (0-based, relative to `text`) starts. */
function lineStartAt(text: string, rel: number): number {
  let pos = 0;
  for (let k = 0; k < rel; k++) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) return text.length;
    pos = nl + 1;
  }
  return pos;
}
