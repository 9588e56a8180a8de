// perf's text output, one record per line (as the fsx tokens: every token is a whole line, matched by sticky
// regular expressions that also decode its fields):
// - `perf script` sample lines: `COMM PID/TID [CPU] [TOD] TIME: [PERIOD] EVENT: FIELDS`, e.g.
//   `mmap_pwrite 30242/30242 [001] 9189.138969917: exceptions:page_fault_user: address=0x7fa589249000 ip=0x7fa5891cd0ba error_code=0x6`
// - `perf trace` lines: `TIME ( DURATION ms): COMM/TID NAME(ARGS) = RESULT`, a syscall or a tracepoint, e.g.
//   `6.819 (         ): mmap_pwrite/30846 exceptions:page_fault_user(address: 0x7fc7d74da000, ip: 140496286900410, error_code: 6)`
// - `perf script --header` lines (`# ...`), of which the reference time ties perf's clock to the time of day:
//   `# reference time: 2026-12-04 17:08:35.684002 = 1796404115.684002 (TOD) = 9189.065661536 (monotonic)`.
import { createToken, Lexer, type CustomPatternMatcherFunc, type TokenType } from 'chevrotain';

export interface PerfPayload {
  /** `script`, `trace`, `reference` (the header's clock line), `comment`, `blank`. */
  what: string;
  comm?: string;
  pid?: number;
  tid?: number;
  /** Seconds on perf's clock (script), or milliseconds since the start (trace). */
  time?: number;
  /** `exceptions:page_fault_user`, `pwrite64`... */
  event?: string;
  /** The fields or the arguments, as printed. */
  fields?: string;
  /** perf trace: the result after ` = ` and what follows it (an errno's name and text). */
  result?: string;
  /** perf trace: the call's duration in ms, when printed. */
  durationMs?: number;
  /** reference: seconds of the time of day, and of perf's clock, at the same moment. */
  tod?: number;
  clock?: number;
}

type Decoder = (m: RegExpExecArray) => PerfPayload;

const EOL = String.raw`[ \t]*(?=\r?\n|\r?$)`;

function lineForm(source: string, decode: Decoder): CustomPatternMatcherFunc {
  const re = new RegExp(source + EOL, 'y');
  return (text, offset) => {
    if (offset !== 0 && text.charCodeAt(offset - 1) !== 10) return null;
    re.lastIndex = offset;
    const m = re.exec(text);
    if (m === null || m[0].length === 0) return null;
    const r = [m[0]] as [string] & { payload?: PerfPayload };
    r.payload = decode(m);
    return r;
  };
}

/** Every character a line may start with (perf right-aligns its columns, so most lines start with spaces). */
const ANY_START = ['\t', ...Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i))];

export const Newline = createToken({ name: 'Newline', pattern: /\r?\n/, line_breaks: true });

// COMM is right-aligned in 16 columns and may hold spaces; PID/TID follow it.
export const ScriptLine = createToken({
  name: 'ScriptLine',
  pattern: lineForm(
    String.raw`[ \t]*(\S(?:[^\n\r]*?\S)?)[ \t]+(\d+)(?:/(\d+))?[ \t]+(?:\[\d+\][ \t]+)?(?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+[ \t]+)?(\d+\.\d+):[ \t]+(?:\d+[ \t]+)?([\w.-]+(?::[\w.-]+)?):[ \t]*([^\n\r]*?)`,
    (m) => ({ what: 'script', comm: m[1], pid: Number(m[2]), tid: m[3] !== undefined ? Number(m[3]) : Number(m[2]), time: Number(m[4]), event: m[5], fields: m[6] }),
  ),
  start_chars_hint: ANY_START,
  line_breaks: false,
});

export const TraceLine = createToken({
  name: 'TraceLine',
  pattern: lineForm(
    String.raw`[ \t]*(\d+\.\d+|\?)[ \t]+\([ \t]*(?:([\d.]+)[ \t]*ms)?[ \t]*\):[ \t]+(\S(?:[^\n\r]*?\S)?)/(\d+)[ \t]+([\w.:-]+)\(([^\n\r]*)\)(?:[ \t]+=[ \t]+([^\n\r]*?))?`,
    (m) => ({
      what: 'trace', time: m[1] === '?' ? undefined : Number(m[1]), durationMs: m[2] !== undefined ? Number(m[2]) : undefined,
      comm: m[3], tid: Number(m[4]), pid: Number(m[4]), event: m[5], fields: m[6], result: m[7],
    }),
  ),
  start_chars_hint: [' ', '\t', '?', ...'0123456789'],
  line_breaks: false,
});

export const ReferenceTime = createToken({
  name: 'ReferenceTime',
  pattern: lineForm(String.raw`#[ \t]*reference time:[^=\n\r]*=[ \t]*(\d+\.\d+)[ \t]*\(TOD\)[ \t]*=[ \t]*(\d+\.\d+)[ \t]*\([\w ]+\)`, (m) => ({ what: 'reference', tod: Number(m[1]), clock: Number(m[2]) })),
  start_chars_hint: ['#'],
  line_breaks: false,
});

export const Comment = createToken({
  name: 'Comment',
  pattern: lineForm(String.raw`#[^\n\r]*|\[ perf record: [^\n\r]*|Summary of events:|[ \t]*[\w.-]+ \(\d+\), \d+ events, [\d.]+%`, () => ({ what: 'comment' })),
  start_chars_hint: ['#', '[', 'S', ' ', '\t'],
  line_breaks: false,
});

export const Blank = createToken({
  name: 'Blank',
  pattern: lineForm(String.raw`[ \t]+`, () => ({ what: 'blank' })),
  start_chars_hint: [' ', '\t'],
  line_breaks: false,
});

// The header's clock line before other comments; perf trace before perf script (a trace line would also read
// as a script line whose command is its time).
export const allTokens: TokenType[] = [Newline, ReferenceTime, Comment, TraceLine, ScriptLine, Blank];

export function createPerfLexer(): Lexer {
  return new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true, skipValidations: false });
}

/** Detection: a line of either kind. */
export const PERF_DETECT_LINE = /^\s*(?:\S.*?\s+\d+(?:\/\d+)?\s+(?:\[\d+\]\s+)?(?:\d{4}-\d\d-\d\d [\d:.]+\s+)?\d+\.\d+:\s+(?:\d+\s+)?[\w.-]+(?::[\w.-]+)?:|(?:\d+\.\d+|\?)\s+\(\s*(?:[\d.]+\s*ms)?\s*\):\s+\S.*?\/\d+\s+[\w.:-]+\()/;
export const PERF_DETECT_NEUTRAL = /^(?:#|\s*$|\[ perf record: )/;
