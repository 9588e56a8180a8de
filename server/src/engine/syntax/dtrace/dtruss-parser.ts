// dtruss text -> events. Each trace line is one completed call (dtruss prints at syscall return). The header line
// says which of the RELATIVE/ELAPSD/CPU columns are present and where the pid/thread column is (the Solaris,
// Apple and early OS X scripts order them differently); without a header the columns are inferred. Program
// output, `dtrace:` messages, ustack frames and D script dumps are skipped; only a line that looks like a trace
// line (a pid/tid prefix, or a call followed by the tab separator) but does not parse is reported.
import type { Lexer } from 'chevrotain';
import type { Span } from '../../events.js';
import { feedChunk, type ChunkLines } from '../bulk.js';
import { excerpt, unparsed, type EventSink, type ParserOptions, type TraceParser } from '../parser-api.js';
import { base, DIALECTS, ev, num, type Dialect, type DialectBits } from '../kdump/bsd.js';
import { DtrussLineParser, type DLineRecord } from './line-parser.js';
import { buildDtrussEvent, canonicalName, spawnOf } from './syscalls.js';
import { createDtrussLexer } from './tokens.js';

let sharedLexer: Lexer | undefined;
let sharedParser: DtrussLineParser | undefined;

function tools(): { lexer: Lexer; parser: DtrussLineParser } {
  sharedLexer ??= createDtrussLexer();
  sharedParser ??= new DtrussLineParser();
  return { lexer: sharedLexer, parser: sharedParser };
}

const NEWLINES: ReadonlySet<string> = new Set(['Newline', 'NewlineEnd']);

type Col = 'relative' | 'elapsed' | 'cpu';

interface Deferred {
  line: number;
  text: string;
  pid: number | undefined;
}

/** Columns when there is no header: the combinations dtruss users run most (-e, -eo, -a). */
function inferred(n: number): Col[] {
  if (n === 1) return ['elapsed'];
  if (n === 2) return ['elapsed', 'cpu'];
  return ['relative', 'elapsed', 'cpu'].slice(0, n) as Col[];
}

export class DtrussParser implements TraceParser {
  readonly format = 'dtruss' as const;
  /** Column order from the header: before and after the pid/tid field (old OS X prints ELAPSD RELATIVE first). */
  private colsBefore: Col[] | undefined;
  private colsAfter: Col[] | undefined;
  private dialect: Dialect = 'macos';
  private bits: DialectBits = DIALECTS.macos;
  /** The dialect was named (cachereplay.d header) or follows from the thread ids; a header only suggests one. */
  private dialectFixed = false;
  private deferred: Deferred | undefined;
  private readonly lexer: Lexer;
  private readonly parser: DtrussLineParser;

  constructor(private readonly sink: EventSink, private readonly options: ParserOptions = {}) {
    const t = tools();
    this.lexer = t.lexer;
    this.parser = t.parser;
  }

  feed(chunk: string, firstLine: number): void {
    feedChunk(this.lexer, this.parser, NEWLINES, chunk, firstLine, this.lines);
  }

  private readonly lines: ChunkLines<DLineRecord> = {
    line: (rec, line, text, start, end) => this.line(rec, line, text, start, end),
    bad: (line, text, start, end) => {
      const lineText = text.slice(start, end);
      // Lines the grammar cannot read at all are program output unless they carry a pid/tid prefix.
      if (/^\s*\d+\/(?:0x[0-9a-fA-F]+|\d+):/.test(lineText)) this.defer(line, lineText, undefined);
      else this.flushDeferred(false);
    },
  };

  end(): void {
    this.flushDeferred(true);
  }

  private setDialect(d: Dialect, fixed: boolean): void {
    if (this.dialectFixed) return;
    this.dialect = d;
    this.bits = DIALECTS[d];
    this.dialectFixed = fixed;
  }

  private line(r: DLineRecord, line: number, text: string, start: number, end: number): void {
    switch (r.kind) {
      case 'header':
        this.flushDeferred(false);
        this.header(r.body!.image);
        return;
      case 'other': {
        const body = r.body!.image;
        if (r.pid !== undefined) {
          this.defer(line, text.slice(start, end), undefined);
          return;
        }
        this.flushDeferred(false);
        const m = /^#\s*cachereplay\.d\b.*\bos=(\w+)/.exec(body);
        if (m && m[1] in DIALECTS) this.setDialect(m[1] as Dialect, true);
        return; // program output, dtrace messages, stack frames: not trace lines
      }
      case 'columns':
        if (r.pid !== undefined) this.defer(line, text.slice(start, end), undefined);
        else this.flushDeferred(false);
        return;
      default:
        this.call(r, line, text, start, end);
    }
  }

  private header(h: string): void {
    const fields: Array<Col | 'pid'> = [];
    for (const m of h.matchAll(/PID\/(?:LWP|THRD)|RELATIVE|ELAPSD|\bCPU\b|SYSCALL\(args\)/g)) {
      const w = m[0];
      if (w.startsWith('SYSCALL')) break;
      fields.push(w.startsWith('PID') ? 'pid' : w === 'RELATIVE' ? 'relative' : w === 'ELAPSD' ? 'elapsed' : 'cpu');
    }
    const p = fields.indexOf('pid');
    this.colsBefore = (p < 0 ? [] : fields.slice(0, p)) as Col[];
    this.colsAfter = (p < 0 ? fields : fields.slice(p + 1)) as Col[];
    if (h.includes('PID/THRD')) this.setDialect('macos', false);
    else if (h.includes('PID/LWP')) this.setDialect('solaris', false);
  }

  private call(r: DLineRecord, line: number, text: string, start: number, end: number): void {
    const head = r.head!;
    if (!r.closed || r.result === undefined) {
      // A call without its `= RET ERR`: a cut or garbled trace line if it has the pid prefix or the separator;
      // otherwise something the traced program printed.
      const lineText = text.slice(start, end);
      if (r.pid !== undefined || /\)\s*\t+\s*=|\) += -?\w+ (?:0|Err#)/.test(lineText)) this.defer(line, lineText, undefined);
      else this.flushDeferred(false);
      return;
    }
    this.flushDeferred(false);
    let pid: number | undefined = this.options.defaultPid;
    let tid: number | undefined;
    if (r.pid !== undefined) {
      const m = /(\d+)\/(0x[0-9a-fA-F]+|\d+)/.exec(r.pid.image)!;
      pid = Number(m[1]);
      tid = num(m[2]);
      if (m[2].startsWith('0x')) this.setDialect('macos', true);
      else if (tid !== undefined && tid >= 100000 && this.dialect === 'solaris') this.setDialect('freebsd', true);
    }
    let time: number | undefined;
    let duration: number | undefined;
    if (r.cols.length > 0) {
      const before = r.cols.slice(0, r.colsBeforePid);
      const after = r.cols.slice(r.colsBeforePid);
      const kindsBefore = r.pid !== undefined ? this.colsBefore ?? [] : [];
      let kindsAfter = r.pid !== undefined ? this.colsAfter : this.colsAfter !== undefined ? [...(this.colsBefore ?? []), ...this.colsAfter] : undefined;
      if (kindsAfter === undefined || kindsBefore.length + kindsAfter.length !== r.cols.length) {
        kindsAfter = inferred(after.length);
      }
      const assign = (toks: typeof before, kinds: readonly Col[]): void => {
        for (let i = 0; i < toks.length && i < kinds.length; i++) {
          const v = Number(/\d+/.exec(toks[i].image)![0]);
          if (kinds[i] === 'relative') time = v / 1e6;
          else if (kinds[i] === 'elapsed') duration = v / 1e6;
        }
      };
      assign(before, kindsBefore.length === before.length ? kindsBefore : inferred(before.length));
      assign(after, kindsAfter);
    }
    const name = head.image.slice(0, -1);
    const res = /^=[ \t]*(\S+)[ \t]+(\S+)/.exec(r.result.image)!;
    const ret = num(res[1]);
    const err = res[2];
    const ok = err === '0';
    const errno = ok ? undefined : err.startsWith('Err#') ? err : `Err#${err}`;
    const span: Span = { line, start: head.startOffset - start, end: end - start };
    const b = base(name, span, pid, tid, time, ok, errno);
    b.durationSec = duration;
    const argsText = r.args ? r.args.image : '';
    if (ok && canonicalName(name) === 'posix_spawn') {
      const s = spawnOf(argsText);
      if (s) {
        this.sink.event(ev(b, 'fork', { child: s.child, shareFiles: false, shareVm: false, thread: false }));
        this.sink.event({ kind: 'exec', span, name, ok: true, pid: s.child, time, path: s.path });
        return;
      }
    }
    this.sink.event(buildDtrussEvent({ name, argsText, ret, ok }, b, this.bits));
  }

  /** A malformed trace line is an error, unless it is the last line of the input: then the trace was cut there. */
  private defer(line: number, text: string, pid: number | undefined): void {
    this.flushDeferred(false);
    this.deferred = { line, text, pid };
  }

  private flushDeferred(atEnd: boolean): void {
    const d = this.deferred;
    if (d === undefined) return;
    this.deferred = undefined;
    const pid = d.pid ?? this.options.defaultPid;
    if (!atEnd) {
      unparsed(this.sink, d.line, d.text, `malformed dtruss line: "${excerpt(d.text)}"`, pid);
      return;
    }
    const span = { line: d.line, start: 0, end: d.text.length };
    this.sink.diagnostic({ span, severity: 'warning', message: 'incomplete line: the trace ends in the middle of this call' });
    this.sink.event({ kind: 'unparsed', span, name: 'unparsed', ok: false, pid });
  }
}
