// The FUSE log line grammar (Chevrotain, embedded actions). A line is one record token, optionally after a
// prefix (a go-fuse time stamp, or a shell prompt the daemon's output was glued to). One reused parser (see
// LineGrammar); the actions fill a reused record instead of building a CST.
import type { IToken } from 'chevrotain';
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

  protected readonly line = this.RULE('line', () => {
    const r = this.rec;
    this.ACTION(this.beginLine);
    this.OR([
      {
        ALT: () => {
          r.prefix = this.CONSUME(Glue);
          this.OR2([
            { ALT: () => { r.main = this.CONSUME(Request); } },
            { ALT: () => { r.main = this.CONSUME(Reply); } },
          ]);
        },
      },
      {
        ALT: () => {
          r.prefix = this.CONSUME(Stamp);
          this.OR3([
            { ALT: () => { r.main = this.CONSUME2(GoRx); } },
            { ALT: () => { r.main = this.CONSUME2(GoTx); } },
          ]);
        },
      },
      { ALT: () => { r.main = this.CONSUME2(Request); } },
      { ALT: () => { r.main = this.CONSUME2(Reply); } },
      { ALT: () => { r.main = this.CONSUME(HlIo); } },
      { ALT: () => { r.main = this.CONSUME(HlIoReply); } },
      { ALT: () => { r.main = this.CONSUME(HlNodeId); } },
      { ALT: () => { r.main = this.CONSUME(HlOpened); } },
      { ALT: () => { r.main = this.CONSUME(HlOp); } },
      { ALT: () => { r.main = this.CONSUME(Notify); } },
      { ALT: () => { r.main = this.CONSUME(GoRx); } },
      { ALT: () => { r.main = this.CONSUME(GoTx); } },
      { ALT: () => { r.main = this.CONSUME(BsdOp); } },
      { ALT: () => { r.main = this.CONSUME(FuserReq); } },
      { ALT: () => { r.main = this.CONSUME(Other); } },
    ]);
    this.ACTION(this.endLine);
  });
}
