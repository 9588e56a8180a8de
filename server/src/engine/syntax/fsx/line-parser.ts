// The fsx log line grammar (see LineGrammar: one reused parser instance whose actions fill a reused record):
// every line is exactly one record token.
import type { IToken } from 'chevrotain';
import { LineGrammar } from '../line-grammar.js';
import { allTokens, BadData, Blank, Comment, DumpHead, Entry, Failure, Hint, Info, Newline, OpsLine, Progress, Pseudo, TableHead, TableRow } from './tokens.js';

export interface FsxLineRecord {
  main: IToken | undefined;
}

export class FsxLineParser extends LineGrammar<FsxLineRecord> {
  rec: FsxLineRecord = { main: undefined };

  constructor() {
    super(allTokens, Newline);
    this.performSelfAnalysis();
  }

  protected clearRecord(): void {
    this.rec.main = undefined;
  }

  /** `line? Newline` (see LineGrammar.eachLine). */
  protected readonly eachLine = (): void => this.lineAndNewline();

  protected readonly line = this.RULE('line', () => {
    const r = this.rec;
    this.ACTION(this.beginLine);
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
    this.ACTION(this.endLine);
  });
}
