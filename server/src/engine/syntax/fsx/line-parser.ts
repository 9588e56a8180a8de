// The fsx log line grammar (see LineGrammar: one reused parser instance whose actions fill a reused record):
// every line is exactly one record token.
import type { IOrAlt, IToken } from 'chevrotain';
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

  // Alternatives built once, not per line (see StraceLineParser: Chevrotain's "caching arrays of alternatives").
  private readonly alts: IOrAlt<void>[] = [
    { ALT: () => { this.rec.main = this.CONSUME(Entry); } },
    { ALT: () => { this.rec.main = this.CONSUME(Pseudo); } },
    { ALT: () => { this.rec.main = this.CONSUME(Progress); } },
    { ALT: () => { this.rec.main = this.CONSUME(OpsLine); } },
    { ALT: () => { this.rec.main = this.CONSUME(BadData); } },
    { ALT: () => { this.rec.main = this.CONSUME(TableHead); } },
    { ALT: () => { this.rec.main = this.CONSUME(TableRow); } },
    { ALT: () => { this.rec.main = this.CONSUME(Hint); } },
    { ALT: () => { this.rec.main = this.CONSUME(DumpHead); } },
    { ALT: () => { this.rec.main = this.CONSUME(Failure); } },
    { ALT: () => { this.rec.main = this.CONSUME(Info); } },
    { ALT: () => { this.rec.main = this.CONSUME(Comment); } },
    { ALT: () => { this.rec.main = this.CONSUME(Blank); } },
  ];

  protected readonly line = this.RULE('line', () => {
    this.ACTION(this.beginLine);
    this.OR(this.alts);
    this.ACTION(this.endLine);
  });
}
