// The FUSE log line grammar (Chevrotain, embedded actions). A line is one record token, optionally after a
// prefix (a go-fuse time stamp, or a shell prompt the daemon's output was glued to). One reused parser; the
// actions fill a reused record instead of building a CST.
import { EmbeddedActionsParser, type IToken } from 'chevrotain';
import {
  allTokens, BsdOp, FuserReq, Glue, GoRx, GoTx, HlIo, HlIoReply, HlNodeId, HlOp, HlOpened, Newline, Notify, Other, Reply, Request, Stamp,
} from './tokens.js';

export interface FuseLineRecord {
  /** Glue or Stamp. */
  prefix: IToken | undefined;
  /** The record token (its payload holds the fields). */
  main: IToken | undefined;
}

export class FuseLineParser extends EmbeddedActionsParser {
  rec: FuseLineRecord = { prefix: undefined, main: undefined };
  onLine: (rec: FuseLineRecord) => void = () => {};
  lineIndex = 0;
  private bulk = false;

  constructor() {
    super(allTokens, { recoveryEnabled: false, maxLookahead: 1 });
    this.performSelfAnalysis();
  }

  parseLine(tokens: IToken[]): boolean {
    this.rec.prefix = this.rec.main = undefined;
    this.input = tokens;
    this.line();
    return this.errors.length === 0;
  }

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

  private lines = this.RULE('lines', () => {
    this.MANY(() => {
      this.OPTION(() => this.SUBRULE(this.line));
      this.CONSUME(Newline);
      this.ACTION(() => this.lineIndex++);
    });
  });

  private line = this.RULE('line', () => {
    const r = this.rec;
    this.ACTION(() => { r.prefix = r.main = undefined; });
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
    this.ACTION(() => { if (this.bulk) this.onLine(r); });
  });
}
