// The perf line grammar (see LineGrammar): every line is exactly one record token.
import type { IOrAlt, IToken } from 'chevrotain';
import { LineGrammar } from '../line-grammar.js';
import { allTokens, Blank, Comment, Newline, ReferenceTime, ScriptLine, TraceLine } from './tokens.js';

export interface PerfLineRecord {
  main: IToken | undefined;
}

export class PerfLineParser extends LineGrammar<PerfLineRecord> {
  rec: PerfLineRecord = { main: undefined };

  constructor() {
    super(allTokens, Newline);
    this.performSelfAnalysis();
  }

  protected clearRecord(): void {
    this.rec.main = undefined;
  }

  protected readonly eachLine = (): void => this.lineAndNewline();

  private readonly alts: IOrAlt<void>[] = [
    { ALT: () => { this.rec.main = this.CONSUME(ScriptLine); } },
    { ALT: () => { this.rec.main = this.CONSUME(TraceLine); } },
    { ALT: () => { this.rec.main = this.CONSUME(ReferenceTime); } },
    { ALT: () => { this.rec.main = this.CONSUME(Comment); } },
    { ALT: () => { this.rec.main = this.CONSUME(Blank); } },
  ];

  protected readonly line = this.RULE('line', () => {
    this.ACTION(this.beginLine);
    this.OR(this.alts);
    this.ACTION(this.endLine);
  });
}
