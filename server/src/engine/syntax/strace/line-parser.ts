// The strace line grammar (see LineGrammar for the shared machinery: one reused parser instance, lines parsed many
// per call with `parseLines`, a reused record instead of a CST). A line that does not fit is re-read on its own so
// that an error never crosses a newline.
//
//   line   := CallLine | Leader? ( call | SignalLine | ExitLine | StraceMsg | ProcessMsg | StackFrame | DumpLine | Comment | Elision )
//   call   := ( Call | Resumed ) ( Result | Unfinished ( CloseAfterUnfinished Result )? | Detached )?
import type { IOrAlt, IToken } from 'chevrotain';
import { LineGrammar } from '../line-grammar.js';
import {
  allTokens, Call, CallLine, CloseAfterUnfinished, Comment, Detached, DumpLine, Elision, ExitLine, Leader, Newline, ProcessMsg,
  Result, Resumed, SignalLine, StackFrame, StraceMsg, Unfinished,
} from './tokens.js';

export type LineKind = 'whole' | 'call' | 'resumed' | 'signal' | 'exit' | 'note' | 'stack' | 'dump' | 'comment' | 'elision';

export interface LineRecord {
  kind: LineKind;
  /** The Leader token (payload: LeaderInfo). */
  leader: IToken | undefined;
  /** The CallLine token (payload: CallLineScan), or the Call or Resumed token (payload: whether its parenthesis closed). */
  head: IToken | undefined;
  unfinished: boolean;
  detached: boolean;
  /** The Result token (payload: ResultInfo). */
  result: IToken | undefined;
  /** The token of a whole-line record (signal, exit, note...). */
  body: IToken | undefined;
}

export function emptyRecord(): LineRecord {
  return { kind: 'note', leader: undefined, head: undefined, unfinished: false, detached: false, result: undefined, body: undefined };
}

/** Whether the call's parenthesis closed (so the arguments are complete). */
export function closed(r: LineRecord): boolean {
  return r.head?.payload === true;
}

export class StraceLineParser extends LineGrammar<LineRecord> {
  rec: LineRecord = emptyRecord();

  constructor() {
    super(allTokens, Newline);
    this.performSelfAnalysis();
  }

  protected clearRecord(): void {
    const r = this.rec;
    r.leader = r.head = r.result = r.body = undefined;
    r.unfinished = r.detached = false;
    r.kind = 'note';
  }

  /** `line? Newline` (see LineGrammar.eachLine). */
  protected readonly eachLine = (): void => this.lineAndNewline();

  // Option bodies and alternatives are built once, not per line (Chevrotain's performance guide, "caching arrays
  // of alternatives"): literals inside a rule are allocated again on every invocation, and were most of the
  // parser's garbage.
  private readonly leaderOpt = (): void => { this.rec.leader = this.CONSUME(Leader); };
  private readonly partsAlt = (): void => {
    this.OPTION(this.leaderOpt);
    this.OR2(this.lineAlts);
  };
  private readonly wholeAlts: IOrAlt<void>[] = [
    { ALT: () => { this.rec.kind = 'whole'; this.rec.head = this.CONSUME(CallLine); } },
    { ALT: this.partsAlt },
  ];
  private readonly lineAlts: IOrAlt<void>[] = [
    { ALT: () => this.SUBRULE(this.call) },
    { ALT: () => { this.rec.kind = 'signal'; this.rec.body = this.CONSUME(SignalLine); } },
    { ALT: () => { this.rec.kind = 'exit'; this.rec.body = this.CONSUME(ExitLine); } },
    { ALT: () => { this.rec.kind = 'note'; this.rec.body = this.CONSUME(StraceMsg); } },
    { ALT: () => { this.rec.kind = 'note'; this.rec.body = this.CONSUME(ProcessMsg); } },
    { ALT: () => { this.rec.kind = 'stack'; this.rec.body = this.CONSUME(StackFrame); } },
    { ALT: () => { this.rec.kind = 'dump'; this.rec.body = this.CONSUME(DumpLine); } },
    { ALT: () => { this.rec.kind = 'comment'; this.rec.body = this.CONSUME(Comment); } },
    { ALT: () => { this.rec.kind = 'elision'; this.rec.body = this.CONSUME(Elision); } },
  ];
  private readonly headAlts: IOrAlt<void>[] = [
    { ALT: () => { this.rec.kind = 'call'; this.rec.head = this.CONSUME(Call); } },
    { ALT: () => { this.rec.kind = 'resumed'; this.rec.head = this.CONSUME(Resumed); } },
  ];
  // print_event_exit: `name(args <unfinished ...>) = ?` when the tracee vanished mid-call.
  private readonly lateResultOpt = (): void => { this.CONSUME(CloseAfterUnfinished); this.rec.result = this.CONSUME2(Result); };
  private readonly endAlts: IOrAlt<void>[] = [
    { ALT: () => { this.rec.result = this.CONSUME(Result); } },
    { ALT: () => { this.CONSUME(Unfinished); this.rec.unfinished = true; this.OPTION2(this.lateResultOpt); } },
    { ALT: () => { this.CONSUME(Detached); this.rec.detached = true; } },
  ];
  private readonly endOpt = (): void => { this.OR2(this.endAlts); };

  protected readonly line = this.RULE('line', () => {
    this.ACTION(this.beginLine);
    this.OR(this.wholeAlts);
    this.ACTION(this.endLine);
  });

  private call = this.RULE('call', () => {
    this.OR(this.headAlts);
    this.OPTION(this.endOpt);
  });
}
