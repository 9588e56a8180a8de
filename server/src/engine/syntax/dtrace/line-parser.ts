// The dtruss line grammar (see LineGrammar: one reused parser; the actions fill a reused record).
//   line := HeaderLine | (PidTid | Column)* [ CallHead [ArgsText] [RParen [Result | Trailer]] | Other ]
import type { IOrAlt, IToken } from 'chevrotain';
import { LineGrammar } from '../line-grammar.js';
import { allTokens, ArgsText, CallHead, Column, HeaderLine, Newline, Other, PidTid, Result, RParen, Trailer } from './tokens.js';

export type DLineKind = 'header' | 'call' | 'other' | 'columns';

export interface DLineRecord {
  kind: DLineKind;
  pid: IToken | undefined;
  /** Numeric columns in line order; `colsBeforePid` of them precede the pid/tid field. */
  cols: IToken[];
  colsBeforePid: number;
  head: IToken | undefined;
  args: IToken | undefined;
  closed: boolean;
  result: IToken | undefined;
  trailer: IToken | undefined;
  /** HeaderLine or Other. */
  body: IToken | undefined;
}

export class DtrussLineParser extends LineGrammar<DLineRecord> {
  rec: DLineRecord = {
    kind: 'other', pid: undefined, cols: [], colsBeforePid: 0, head: undefined, args: undefined, closed: false,
    result: undefined, trailer: undefined, body: undefined,
  };

  constructor() {
    super(allTokens, Newline);
    this.performSelfAnalysis();
  }

  protected clearRecord(): void {
    const r = this.rec;
    r.pid = r.head = r.args = r.result = r.trailer = r.body = undefined;
    if (r.cols.length > 0) r.cols = [];
    r.colsBeforePid = 0;
    r.closed = false;
    r.kind = 'columns';
  }

  /** `line? Newline` (see LineGrammar.eachLine). */
  protected readonly eachLine = (): void => this.lineAndNewline();

  // Alternatives built once, not per line (see StraceLineParser: Chevrotain's "caching arrays of alternatives").
  private readonly columnAlts: IOrAlt<void>[] = [
    { ALT: () => { this.rec.pid = this.CONSUME(PidTid); this.rec.colsBeforePid = this.rec.cols.length; } },
    { ALT: () => { this.rec.cols.push(this.CONSUME(Column)); } },
  ];
  private readonly column = (): void => { this.OR2(this.columnAlts); };
  private readonly tailOpt = (): void => { this.SUBRULE(this.tail); };
  private readonly lineAlts: IOrAlt<void>[] = [
    { ALT: () => { this.rec.body = this.CONSUME(HeaderLine); this.rec.kind = 'header'; } },
    { ALT: () => { this.AT_LEAST_ONE(this.column); this.OPTION(this.tailOpt); } },
    { ALT: () => this.SUBRULE2(this.tail) },
  ];
  private readonly tailAlts: IOrAlt<void>[] = [
    { ALT: () => this.SUBRULE(this.call) },
    { ALT: () => { this.rec.body = this.CONSUME(Other); this.rec.kind = 'other'; } },
  ];
  private readonly argsOpt = (): void => { this.rec.args = this.CONSUME(ArgsText); };
  private readonly endAlts: IOrAlt<void>[] = [
    { ALT: () => { this.rec.result = this.CONSUME(Result); } },
    { ALT: () => { this.rec.trailer = this.CONSUME(Trailer); } },
  ];
  private readonly endOpt = (): void => { this.OR(this.endAlts); };
  private readonly closeOpt = (): void => {
    this.CONSUME(RParen);
    this.rec.closed = true;
    this.OPTION3(this.endOpt);
  };

  protected readonly line = this.RULE('line', () => {
    this.ACTION(this.beginLine);
    this.OR(this.lineAlts);
    this.ACTION(this.endLine);
  });

  private tail = this.RULE('tail', () => {
    this.OR(this.tailAlts);
  });

  private call = this.RULE('call', () => {
    this.rec.head = this.CONSUME(CallHead);
    this.rec.kind = 'call';
    this.OPTION(this.argsOpt);
    this.OPTION2(this.closeOpt);
  });
}
