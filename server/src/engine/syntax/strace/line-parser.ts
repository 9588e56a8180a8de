// The strace line grammar (Chevrotain, embedded actions). One reused parser instance; lines are parsed many
// per call (`parseLines`), and a line that does not fit is re-read on its own so that an error never crosses a
// newline. The actions fill a reused record instead of building a CST.
//
//   line   := Leader? ( call | SignalLine | ExitLine | StraceMsg | ProcessMsg | StackFrame | DumpLine | Comment | Elision )
//   call   := ( Call | Resumed ) ( Result | Unfinished ( CloseAfterUnfinished Result )? | Detached )?
import { EmbeddedActionsParser, type IToken } from 'chevrotain';
import {
  allTokens, Call, CloseAfterUnfinished, Comment, Detached, DumpLine, Elision, ExitLine, Leader, Newline, ProcessMsg,
  Result, Resumed, SignalLine, StackFrame, StraceMsg, Unfinished,
} from './tokens.js';

export type LineKind = 'call' | 'resumed' | 'signal' | 'exit' | 'note' | 'stack' | 'dump' | 'comment' | 'elision';

export interface LineRecord {
  kind: LineKind;
  /** The Leader token (payload: LeaderInfo). */
  leader: IToken | undefined;
  /** The Call or Resumed token (payload: whether its parenthesis closed). */
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

export class StraceLineParser extends EmbeddedActionsParser {
  rec: LineRecord = emptyRecord();
  /** Called at the end of each line of a bulk parse (`parseLines`). */
  onLine: (rec: LineRecord) => void = () => {};
  /** Newlines consumed so far by the current bulk parse: the relative number of the line being parsed. */
  lineIndex = 0;
  private bulk = false;

  constructor() {
    super(allTokens, { recoveryEnabled: false, maxLookahead: 1 });
    this.performSelfAnalysis();
  }

  private clearRecord(): void {
    const r = this.rec;
    r.leader = r.head = r.result = r.body = undefined;
    r.unfinished = r.detached = false;
    r.kind = 'note';
  }

  /** Parses one line's tokens; returns false when the line does not fit the grammar. */
  parseLine(tokens: IToken[]): boolean {
    this.clearRecord();
    this.input = tokens;
    this.line();
    return this.errors.length === 0;
  }

  /**
   * Parses many lines (tokens including Newlines) in one invocation, calling `onLine` after each: the parser's
   * per-invocation cost is then paid per chunk instead of per line. Stops at the first line that does not
   * parse and returns false; `lineIndex` is then that line's number relative to the input.
   */
  parseLines(tokens: IToken[]): boolean {
    this.input = tokens;
    this.lineIndex = 0;
    this.bulk = true;
    try {
      this.lines();
    } finally {
      this.bulk = false;
    }
    return this.errors.length === 0;
  }

  /** Lines each ended by a Newline (the caller parses a last unterminated line with parseLine). */
  private lines = this.RULE('lines', () => {
    this.MANY(() => {
      this.OPTION(() => this.SUBRULE(this.line));
      this.CONSUME(Newline);
      this.ACTION(() => this.lineIndex++);
    });
  });

  private line = this.RULE('line', () => {
    this.ACTION(() => { if (this.bulk) this.clearRecord(); });
    this.OPTION(() => { this.rec.leader = this.CONSUME(Leader); });
    this.OR([
      { ALT: () => this.SUBRULE(this.call) },
      { ALT: () => { this.rec.kind = 'signal'; this.rec.body = this.CONSUME(SignalLine); } },
      { ALT: () => { this.rec.kind = 'exit'; this.rec.body = this.CONSUME(ExitLine); } },
      { ALT: () => { this.rec.kind = 'note'; this.rec.body = this.CONSUME(StraceMsg); } },
      { ALT: () => { this.rec.kind = 'note'; this.rec.body = this.CONSUME(ProcessMsg); } },
      { ALT: () => { this.rec.kind = 'stack'; this.rec.body = this.CONSUME(StackFrame); } },
      { ALT: () => { this.rec.kind = 'dump'; this.rec.body = this.CONSUME(DumpLine); } },
      { ALT: () => { this.rec.kind = 'comment'; this.rec.body = this.CONSUME(Comment); } },
      { ALT: () => { this.rec.kind = 'elision'; this.rec.body = this.CONSUME(Elision); } },
    ]);
    this.ACTION(() => { if (this.bulk) this.onLine(this.rec); });
  });

  private call = this.RULE('call', () => {
    this.OR([
      { ALT: () => { this.rec.kind = 'call'; this.rec.head = this.CONSUME(Call); } },
      { ALT: () => { this.rec.kind = 'resumed'; this.rec.head = this.CONSUME(Resumed); } },
    ]);
    this.OPTION(() => {
      this.OR2([
        { ALT: () => { this.rec.result = this.CONSUME(Result); } },
        {
          ALT: () => {
            this.CONSUME(Unfinished);
            this.rec.unfinished = true;
            // print_event_exit: `name(args <unfinished ...>) = ?` when the tracee vanished mid-call.
            this.OPTION2(() => { this.CONSUME(CloseAfterUnfinished); this.rec.result = this.CONSUME2(Result); });
          },
        },
        { ALT: () => { this.CONSUME(Detached); this.rec.detached = true; } },
      ]);
    });
  });
}
