// The kdump line grammar (Chevrotain, embedded actions). One reused parser; the actions fill a reused record.
//   line := Header RecType [Payload] | Continuation | Comment | Dropped | Junk
import { EmbeddedActionsParser, type IToken } from 'chevrotain';
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

export class KdumpLineParser extends EmbeddedActionsParser {
  rec: KLineRecord = { kind: 'junk', header: undefined, type: undefined, payload: undefined, body: undefined };
  onLine: (rec: KLineRecord) => void = () => {};
  lineIndex = 0;
  private bulk = false;

  constructor() {
    super(allTokens, { recoveryEnabled: false, maxLookahead: 1 });
    this.performSelfAnalysis();
  }

  private clear(): void {
    const r = this.rec;
    r.header = r.type = r.payload = r.body = undefined;
    r.kind = 'junk';
  }

  parseLine(tokens: IToken[]): boolean {
    this.clear();
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
    this.ACTION(() => { if (this.bulk) this.clear(); });
    this.OR([
      {
        ALT: () => {
          this.rec.header = this.CONSUME(Header);
          this.rec.type = this.CONSUME(RecType);
          this.OPTION(() => { this.rec.payload = this.CONSUME(Payload); });
          this.rec.kind = 'record';
        },
      },
      { ALT: () => { this.rec.body = this.CONSUME(Continuation); this.rec.kind = 'continuation'; } },
      { ALT: () => { this.rec.body = this.CONSUME(Comment); this.rec.kind = 'comment'; } },
      { ALT: () => { this.rec.body = this.CONSUME(Dropped); this.rec.kind = 'dropped'; } },
      { ALT: () => { this.rec.body = this.CONSUME(Junk); this.rec.kind = 'junk'; } },
    ]);
    this.ACTION(() => { if (this.bulk) this.onLine(this.rec); });
  });
}
