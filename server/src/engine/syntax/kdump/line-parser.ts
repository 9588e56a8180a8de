// The kdump line grammar (see LineGrammar: one reused parser; the actions fill a reused record).
//   line := Header RecType [Payload] | Continuation | Comment | Dropped | Junk
import type { IOrAlt, IToken } from 'chevrotain';
import { LineGrammar } from '../line-grammar.js';
import { allTokens, Comment, Continuation, Dropped, Header, Junk, Newline, Payload, RecType } from './tokens.js';

export type KLineKind = 'record' | 'continuation' | 'comment' | 'dropped' | 'junk';

export interface KLineRecord {
  kind: KLineKind;
  header: IToken | undefined;
  type: IToken | undefined;
  payload: IToken | undefined;
  /** The whole-line token of the other kinds. */
  body: IToken | undefined;
}

export class KdumpLineParser extends LineGrammar<KLineRecord> {
  rec: KLineRecord = { kind: 'junk', header: undefined, type: undefined, payload: undefined, body: undefined };

  constructor() {
    super(allTokens, Newline);
    this.performSelfAnalysis();
  }

  protected clearRecord(): void {
    const r = this.rec;
    r.header = r.type = r.payload = r.body = undefined;
    r.kind = 'junk';
  }

  /** `line? Newline` (see LineGrammar.eachLine). */
  protected readonly eachLine = (): void => this.lineAndNewline();

  // Alternatives built once, not per line (see StraceLineParser: Chevrotain's "caching arrays of alternatives").
  private readonly payloadOpt = (): void => { this.rec.payload = this.CONSUME(Payload); };
  private readonly alts: IOrAlt<void>[] = [
    {
      ALT: () => {
        this.rec.header = this.CONSUME(Header);
        this.rec.type = this.CONSUME(RecType);
        this.OPTION(this.payloadOpt);
        this.rec.kind = 'record';
      },
    },
    { ALT: () => { this.rec.body = this.CONSUME(Continuation); this.rec.kind = 'continuation'; } },
    { ALT: () => { this.rec.body = this.CONSUME(Comment); this.rec.kind = 'comment'; } },
    { ALT: () => { this.rec.body = this.CONSUME(Dropped); this.rec.kind = 'dropped'; } },
    { ALT: () => { this.rec.body = this.CONSUME(Junk); this.rec.kind = 'junk'; } },
  ];

  protected readonly line = this.RULE('line', () => {
    this.ACTION(this.beginLine);
    this.OR(this.alts);
    this.ACTION(this.endLine);
  });
}
