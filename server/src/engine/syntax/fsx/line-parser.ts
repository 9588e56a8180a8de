// The fsx log line grammar (Chevrotain, embedded actions): every line is exactly one record token. One reused
// parser instance; the actions fill a reused record instead of building a CST.
import { EmbeddedActionsParser, type IToken } from 'chevrotain';
import { allTokens, BadData, Blank, Comment, DumpHead, Entry, Failure, Hint, Info, Newline, OpsLine, Progress, Pseudo, TableHead, TableRow } from './tokens.js';

export interface FsxLineRecord {
  main: IToken | undefined;
}

export class FsxLineParser extends EmbeddedActionsParser {
  rec: FsxLineRecord = { main: undefined };
  onLine: (rec: FsxLineRecord) => void = () => {};
  lineIndex = 0;
  private bulk = false;

  constructor() {
    super(allTokens, { recoveryEnabled: false, maxLookahead: 1 });
    this.performSelfAnalysis();
  }

  parseLine(tokens: IToken[]): boolean {
    this.rec.main = undefined;
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
    this.OR([
      { ALT: () => { r.main = this.CONSUME(Entry); } },
      { ALT: () => { r.main = this.CONSUME(Pseudo); } },
      { ALT: () => { r.main = this.CONSUME(Progress); } },
      { ALT: () => { r.main = this.CONSUME(OpsLine); } },
      { ALT: () => { r.main = this.CONSUME(BadData); } },
      { ALT: () => { r.main = this.CONSUME(TableHead); } },
      { ALT: () => { r.main = this.CONSUME(TableRow); } },
      { ALT: () => { r.main = this.CONSUME(Hint); } },
      { ALT: () => { r.main = this.CONSUME(DumpHead); } },
      { ALT: () => { r.main = this.CONSUME(Failure); } },
      { ALT: () => { r.main = this.CONSUME(Info); } },
      { ALT: () => { r.main = this.CONSUME(Comment); } },
      { ALT: () => { r.main = this.CONSUME(Blank); } },
    ]);
    this.ACTION(() => { if (this.bulk) this.onLine(r); });
  });
}
