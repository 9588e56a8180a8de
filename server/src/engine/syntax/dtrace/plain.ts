// Plain `dtrace -n ...` output (no -q): the `CPU     ID                    FUNCTION:NAME` header, records
// `%3d %6d %32s ` + the action's output, -F flow records `%3d %-41s ` with `-> func` / `<- func`, and at the end
// aggregations (no CPU/ID columns). Records become generic events named by FUNCTION:NAME (the pid is not in the
// output); everything else (`dtrace:` messages, aggregations, `^C`) is tolerated silently.
import { createToken, Lexer, type IOrAlt, type IToken, type TokenType } from 'chevrotain';
import type { Span } from '../../events.js';
import type { EventSink, ParserOptions, TraceParser } from '../parser-api.js';
import { LineGrammar } from '../line-grammar.js';
import { feedChunk, type ChunkLines } from '../bulk.js';
import { ANY_START } from '../kdump/tokens.js';
import { atLineStart, lineEnd } from '../strace/scan.js';

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

function wholeLine(test: (line: string) => boolean) {
  return (text: string, offset: number): [string] | null => {
    if (!atLineStart(text, offset)) return null;
    const e = lineEnd(text, offset);
    if (e <= offset) return null;
    const line = text.substring(offset, e);
    return test(line) ? [line] : null;
  };
}

/** `  0     14                       openat:entry gnome-netstatus- /dev/kstat` */
const PROBE = /^ *(\d+) +(\d+) +(\S*:\S*)(?: |$)/;
/** `  0  -> read` / `  0  <- read` (-F) */
const FLOW = /^ *(\d+) +(->|<-) +(\S+)/;

const Newline = createToken({ name: 'Newline', pattern: /\r?\n/, line_breaks: true });
const ProbeHeader = createToken({
  name: 'ProbeHeader',
  pattern: wholeLine((l) => /^\s*CPU\s+(?:ID\s+)?FUNCTION/.test(l)),
  start_chars_hint: [' ', '\t', 'C'],
  line_breaks: false,
});
const ProbeRecord = createToken({ name: 'ProbeRecord', pattern: wholeLine((l) => PROBE.test(l)), start_chars_hint: [' ', ...DIGITS], line_breaks: false });
const FlowRecord = createToken({ name: 'FlowRecord', pattern: wholeLine((l) => FLOW.test(l)), start_chars_hint: [' ', ...DIGITS], line_breaks: false });
const Other = createToken({ name: 'Other', pattern: wholeLine(() => true), start_chars_hint: ANY_START, line_breaks: false });

const tokens: TokenType[] = [Newline, ProbeHeader, ProbeRecord, FlowRecord, Other];

type PKind = 'header' | 'probe' | 'flow' | 'other';

interface PRecord {
  kind: PKind;
  tok: IToken | undefined;
}

class PlainDtraceLineParser extends LineGrammar<PRecord> {
  rec: PRecord = { kind: 'other', tok: undefined };

  constructor() {
    super(tokens, Newline);
    this.performSelfAnalysis();
  }

  protected clearRecord(): void {
    this.rec.kind = 'other';
    this.rec.tok = undefined;
  }

  /** `line? Newline` (see LineGrammar.eachLine). */
  protected readonly eachLine = (): void => this.lineAndNewline();

  // Alternatives built once, not per line (see StraceLineParser: Chevrotain's "caching arrays of alternatives").
  private readonly alts: IOrAlt<void>[] = [
    { ALT: () => { this.rec.tok = this.CONSUME(ProbeHeader); this.rec.kind = 'header'; } },
    { ALT: () => { this.rec.tok = this.CONSUME(ProbeRecord); this.rec.kind = 'probe'; } },
    { ALT: () => { this.rec.tok = this.CONSUME(FlowRecord); this.rec.kind = 'flow'; } },
    { ALT: () => { this.rec.tok = this.CONSUME(Other); this.rec.kind = 'other'; } },
  ];

  protected readonly line = this.RULE('line', () => {
    this.ACTION(this.beginLine);
    this.OR(this.alts);
    this.ACTION(this.endLine);
  });
}

let sharedLexer: Lexer | undefined;
let sharedParser: PlainDtraceLineParser | undefined;
const NEWLINES: ReadonlySet<string> = new Set(['Newline']);

export class PlainDtraceParser implements TraceParser {
  readonly format = 'dtrace' as const;
  private readonly lexer: Lexer;
  private readonly parser: PlainDtraceLineParser;

  constructor(private readonly sink: EventSink, private readonly options: ParserOptions = {}) {
    sharedLexer ??= new Lexer(tokens, { positionTracking: 'onlyOffset', ensureOptimizations: true });
    sharedParser ??= new PlainDtraceLineParser();
    this.lexer = sharedLexer;
    this.parser = sharedParser;
  }

  feed(chunk: string, firstLine: number): void {
    feedChunk(this.lexer, this.parser, NEWLINES, chunk, firstLine, this.lines);
  }

  private readonly lines: ChunkLines<PRecord> = {
    line: (rec, line, _text, start) => this.record(rec, line, start),
    bad: () => {}, // anything that is not a record is tolerated
  };

  end(): void {}

  private record(r: PRecord, line: number, lineStart: number): void {
    if (r.kind !== 'probe' && r.kind !== 'flow') return;
    const t = r.tok!;
    const image = t.image;
    let name: string;
    let at: number;
    if (r.kind === 'probe') {
      const m = PROBE.exec(image)!;
      name = m[3];
      at = m[0].length - (m[0].endsWith(' ') ? 1 : 0) - m[3].length;
    } else {
      const m = FLOW.exec(image)!;
      name = `${m[3]}:${m[2] === '->' ? 'entry' : 'return'}`;
      at = m[0].length - m[3].length;
    }
    const span: Span = { line, start: t.startOffset - lineStart + at, end: t.startOffset - lineStart + image.length };
    this.sink.event({ kind: 'generic', span, name, ok: true, pid: this.options.defaultPid });
  }
}
