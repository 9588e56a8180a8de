// The FUSE log line grammar (Chevrotain, embedded actions). A line is one record token, optionally after a
// prefix (a go-fuse time stamp, or a shell prompt the daemon's output was glued to). One reused parser (see
// LineGrammar); the actions fill a reused record instead of building a CST.
import type { IOrAlt, IToken } from 'chevrotain';
import { LineGrammar } from '../line-grammar.js';
import {
  allTokens, BsdOp, FuserReq, Glue, GoRx, GoTx, HlIo, HlIoReply, HlNodeId, HlOp, HlOpened, Newline, Notify, Other, Reply, Request, Stamp,
} from './tokens.js';

export interface FuseLineRecord {
  /** Glue or Stamp. */
  prefix: IToken | undefined;
  /** The record token (its payload holds the fields). */
  main: IToken | undefined;
}

export class FuseLineParser extends LineGrammar<FuseLineRecord> {
  rec: FuseLineRecord = { prefix: undefined, main: undefined };

  constructor() {
    super(allTokens, Newline);
    this.performSelfAnalysis();
  }

  protected clearRecord(): void {
    this.rec.prefix = this.rec.main = undefined;
  }

  /** `line? Newline` (see LineGrammar.eachLine). */
  protected readonly eachLine = (): void => this.lineAndNewline();

  // Alternatives built once, not per line (see StraceLineParser: Chevrotain's "caching arrays of alternatives").
  private readonly glued: IOrAlt<void>[] = [
    { ALT: () => { this.rec.main = this.CONSUME(Request); } },
    { ALT: () => { this.rec.main = this.CONSUME(Reply); } },
  ];
  private readonly stamped: IOrAlt<void>[] = [
    { ALT: () => { this.rec.main = this.CONSUME2(GoRx); } },
    { ALT: () => { this.rec.main = this.CONSUME2(GoTx); } },
  ];
  private readonly alts: IOrAlt<void>[] = [
    { ALT: () => { this.rec.prefix = this.CONSUME(Glue); this.OR2(this.glued); } },
    { ALT: () => { this.rec.prefix = this.CONSUME(Stamp); this.OR3(this.stamped); } },
    { ALT: () => { this.rec.main = this.CONSUME2(Request); } },
    { ALT: () => { this.rec.main = this.CONSUME2(Reply); } },
    { ALT: () => { this.rec.main = this.CONSUME(HlIo); } },
    { ALT: () => { this.rec.main = this.CONSUME(HlIoReply); } },
    { ALT: () => { this.rec.main = this.CONSUME(HlNodeId); } },
    { ALT: () => { this.rec.main = this.CONSUME(HlOpened); } },
    { ALT: () => { this.rec.main = this.CONSUME(HlOp); } },
    { ALT: () => { this.rec.main = this.CONSUME(Notify); } },
    { ALT: () => { this.rec.main = this.CONSUME(GoRx); } },
    { ALT: () => { this.rec.main = this.CONSUME(GoTx); } },
    { ALT: () => { this.rec.main = this.CONSUME(BsdOp); } },
    { ALT: () => { this.rec.main = this.CONSUME(FuserReq); } },
    { ALT: () => { this.rec.main = this.CONSUME(Other); } },
  ];

  protected readonly line = this.RULE('line', () => {
    this.ACTION(this.beginLine);
    this.OR(this.alts);
    this.ACTION(this.endLine);
  });
}
