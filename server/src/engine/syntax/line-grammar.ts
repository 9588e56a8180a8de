// The machinery every line grammar shares (Chevrotain, embedded actions): one reused parser instance per format
// whose actions fill a reused record instead of building a CST, and two entry points:
//   parseLine(tokens)   one line's tokens (no Newline);
//   parseLines(tokens)  lines := ( line? Newline )*   in one invocation, calling `onLine` at the end of each line.
// A subclass defines its record (`rec`, `clearRecord`), its `line` rule, which must start with
// `this.ACTION(this.beginLine)` and end with `this.ACTION(this.endLine)`, and `eachLine` (always
// `() => this.lineAndNewline()`, see there), and calls `this.performSelfAnalysis()` at the end of its constructor
// (the `lines` rule below is recorded only then, so it can use the subclass's `line`).
import { EmbeddedActionsParser, type IParserConfig, type IToken, type ParserMethod, type TokenType, type TokenVocabulary } from 'chevrotain';

/** What the chunk drivers need from a line parser. */
export interface BulkLineParser<R> {
  rec: R;
  /** Called at the end of each line of a bulk parse (`parseLines`). */
  onLine: (rec: R) => void;
  /** Newlines consumed so far by the current bulk parse: the relative number of the line being parsed. */
  lineIndex: number;
  /** Parses lines each ended by a Newline token, calling onLine per non-empty line; false at the first failure. */
  parseLines(tokens: IToken[]): boolean;
  /** Parses one line's tokens (no Newline); false when the line does not fit the grammar. */
  parseLine(tokens: IToken[]): boolean;
}

/**
 * Where line `rel` of a bulk parse's input lies: its tokens are `tokens.slice(i, j)`, and `j` is its Newline (or
 * the end). The drivers use it to re-read or reject the line at which `parseLines` stopped.
 */
export function lineTokenRange(tokens: readonly IToken[], rel: number, isNewline: (t: IToken) => boolean): [number, number] {
  let i = 0;
  for (let nl = 0; i < tokens.length && nl < rel; ) if (isNewline(tokens[i++])) nl++;
  let j = i;
  while (j < tokens.length && !isNewline(tokens[j])) j++;
  return [i, j];
}

export abstract class LineGrammar<R> extends EmbeddedActionsParser implements BulkLineParser<R> {
  /** The record the actions fill; reused for every line. */
  abstract rec: R;
  onLine: (rec: R) => void = () => {};
  lineIndex = 0;
  private bulk = false;
  private readonly newline: TokenType;

  /**
   * @param newline the token type (or token category) that ends a line.
   * @param config Chevrotain options; `maxLookahead` defaults to 1, error recovery is always off.
   */
  protected constructor(tokens: TokenVocabulary, newline: TokenType, config: Omit<IParserConfig, 'recoveryEnabled'> = {}) {
    super(tokens, { maxLookahead: 1, ...config, recoveryEnabled: false });
    this.newline = newline;
  }

  /** Resets `rec` to an empty line. */
  protected abstract clearRecord(): void;

  /** One line, without its Newline. */
  protected abstract readonly line: ParserMethod<[], void>;

  /** Parses one line's tokens; returns false when the line does not fit the grammar. */
  parseLine(tokens: IToken[]): boolean {
    // Setting `input` resets the parser: inside a bulk parse's callback that would corrupt the bulk parse.
    if (this.bulk) throw new Error('parseLine called during a bulk parse of the same parser: use another instance');
    this.clearRecord();
    this.input = tokens;
    this.line();
    return this.errors.length === 0;
  }

  /**
   * Parses many lines (tokens including Newlines) in one invocation, calling `onLine` after each: the parser's
   * per-invocation cost is then paid per chunk instead of per line. Stops at the first line that does not
   * parse and returns false; `lineIndex` is then that line's number relative to the input.
   */
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

  // Actions, created once per parser (not per line). Pass them to ACTION so that the recording phase skips them.

  /** First action of `line`: a bulk parse clears the record (parseLine has cleared it already). */
  protected readonly beginLine = (): void => {
    if (this.bulk) this.clearRecord();
  };

  /** Last action of `line`: a bulk parse hands the finished record to `onLine`. */
  protected readonly endLine = (): void => {
    if (this.bulk) this.onLine(this.rec);
  };

  private readonly nextLine = (): void => {
    this.lineIndex++;
  };

  private readonly optionalLine = (): void => {
    this.SUBRULE(this.line);
  };

  /**
   * The body of the bulk loop, written in every subclass as its own function literal:
   *   protected readonly eachLine = (): void => this.lineAndNewline();
   * V8 keeps type feedback per function literal: a loop body shared by all formats makes the bulk parse about a
   * third slower once several formats have been parsed in one process (the language server, fsx with its FUSE log).
   */
  protected abstract readonly eachLine: () => void;

  /** One iteration of `lines`: `line? Newline`. */
  protected lineAndNewline(): void {
    this.OPTION(this.optionalLine);
    this.CONSUME(this.newline);
    this.ACTION(this.nextLine);
  }

  /** Lines each ended by a Newline (the caller parses a last unterminated line with parseLine). */
  private readonly lines = this.RULE('lines', () => {
    this.MANY(this.eachLine);
  });
}
