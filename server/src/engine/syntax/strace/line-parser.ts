// The strace line grammar (Chevrotain, embedded actions). One reused parser instance; each line is parsed on
// its own so that an error never crosses a newline. The actions fill a reused record instead of building a CST.
import { EmbeddedActionsParser, type IToken } from 'chevrotain';
import {
  allTokens, Aux, ArgsText, Newline, CallHead, Clock, CloseAfterUnfinished, Comment, Decimal, Detached, DumpLine, Duration,
  Elision, Equals, ErrName, ExitLine, Int, PidBracket, ProcessMsg, RelParen, Resumed, RetVal, RParen, SignalLine,
  StackFrame, StraceMsg, SyscallNo, Unavailable, Unfinished,
} from './tokens.js';

export type LineKind = 'call' | 'resumed' | 'signal' | 'exit' | 'note' | 'stack' | 'dump' | 'comment' | 'elision';

export interface LineRecord {
  kind: LineKind;
  pid: IToken | undefined;
  stamp: IToken | undefined;
  rel: IToken | undefined;
  head: IToken | undefined;
  args: IToken | undefined;
  /** The call's ')' was seen. */
  closed: boolean;
  unfinished: boolean;
  detached: boolean;
  ret: IToken | undefined;
  err: IToken | undefined;
  aux: IToken[];
  duration: IToken | undefined;
  unavailable: boolean;
  body: IToken | undefined;
}

export function emptyRecord(): LineRecord {
  return {
    kind: 'note', pid: undefined, stamp: undefined, rel: undefined, head: undefined, args: undefined, closed: false,
    unfinished: false, detached: false, ret: undefined, err: undefined, aux: [], duration: undefined,
    unavailable: false, body: undefined,
  };
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
    r.pid = r.stamp = r.rel = r.head = r.args = r.ret = r.err = r.duration = r.body = undefined;
    r.closed = r.unfinished = r.detached = r.unavailable = false;
    if (r.aux.length > 0) r.aux = [];
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
    this.OPTION(() => {
      this.OR([
        { ALT: () => { this.rec.pid = this.CONSUME(PidBracket); } },
        { ALT: () => { this.rec.pid = this.CONSUME(Int); } },
      ]);
    });
    this.OPTION2(() => {
      this.OR2([
        { ALT: () => { this.rec.stamp = this.CONSUME(Clock); } },
        { ALT: () => { this.rec.stamp = this.CONSUME(Decimal); } },
      ]);
    });
    this.OPTION3(() => { this.rec.rel = this.CONSUME(RelParen); });
    this.OPTION4(() => this.CONSUME(SyscallNo));
    this.OR3([
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
      { ALT: () => { this.rec.kind = 'call'; this.rec.head = this.CONSUME(CallHead); } },
      { ALT: () => { this.rec.kind = 'resumed'; this.rec.head = this.CONSUME(Resumed); } },
    ]);
    this.OPTION(() => { this.rec.args = this.CONSUME(ArgsText); });
    this.OPTION2(() => {
      this.OR2([
        { ALT: () => { this.CONSUME(RParen); this.rec.closed = true; this.OPTION3(() => this.SUBRULE(this.result)); } },
        {
          ALT: () => {
            this.CONSUME(Unfinished);
            this.rec.unfinished = true;
            // print_event_exit: `name(args <unfinished ...>) = ?` when the tracee vanished mid-call.
            this.OPTION4(() => { this.CONSUME(CloseAfterUnfinished); this.rec.closed = true; this.SUBRULE2(this.result); });
          },
        },
        { ALT: () => { this.CONSUME(Detached); this.rec.detached = true; } },
      ]);
    });
  });

  private result = this.RULE('result', () => {
    this.CONSUME(Equals);
    this.rec.ret = this.CONSUME(RetVal);
    this.OPTION(() => { this.rec.err = this.CONSUME(ErrName); });
    this.MANY(() => { this.rec.aux.push(this.CONSUME(Aux)); });
    this.OPTION2(() => {
      this.OR([
        { ALT: () => { this.rec.duration = this.CONSUME(Duration); } },
        { ALT: () => { this.CONSUME(Unavailable); this.rec.unavailable = true; } },
      ]);
    });
    this.OPTION3(() => { this.rec.duration = this.CONSUME2(Duration); });
  });
}
