// fsx log tokens (FreeBSD tools/regression/fsx and xfstests ltp/fsx). Every line is one record, so every token
// is a whole line: a custom matcher (sticky regular expressions over char codes already known to fit) that
// also decodes the fields into the token's payload. Lines of no known shape are lexer errors: the driver turns
// them into one diagnostic each.
import { createToken, Lexer, type CustomPatternMatcherFunc, type TokenType } from 'chevrotain';

function atLineStart(text: string, offset: number): boolean {
  return offset === 0 || text.charCodeAt(offset - 1) === 10;
}

/** What a matched line says; `n` are the numbers in the order the line prints them. */
export interface FsxPayload {
  /** The record's kind within its token type (an op name, a message name). */
  what: string;
  /** Leading operation number (entries and progress lines). */
  op: number | undefined;
  n: number[];
  /** Free text: a file name, a marker, flags. */
  text: string | undefined;
  flags: string[] | undefined;
}

type Decoder = (m: RegExpExecArray) => FsxPayload;

interface Form {
  re: RegExp;
  decode: Decoder;
}

const H = '0x([0-9a-fA-F]+)';
const EOL = String.raw`[ \t]*(?=\r?\n|\r?$)`;
const REST = String.raw`([^\n\r]*?)`;

function form(source: string, decode: Decoder): Form {
  return { re: new RegExp(source + EOL, 'y'), decode };
}

const hex = (s: string | undefined): number => (s === undefined ? NaN : parseInt(s, 16));

function payload(what: string, op: number | undefined, n: number[], text?: string, flags?: string[]): FsxPayload {
  return { what, op, n, text, flags };
}

/** Tries each form at `offset` (line start only); the first that matches the whole line wins. */
function lineForms(forms: Form[], prefilter?: (text: string, offset: number) => boolean): CustomPatternMatcherFunc {
  return (text, offset) => {
    if (!atLineStart(text, offset)) return null;
    if (prefilter && !prefilter(text, offset)) return null;
    for (const f of forms) {
      f.re.lastIndex = offset;
      const m = f.re.exec(text);
      if (m !== null && m[0].length > 0) {
        const r = [m[0]] as [string] & { payload?: FsxPayload };
        r.payload = f.decode(m);
        return r;
      }
    }
    return null;
  };
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export const Newline = createToken({ name: 'Newline', pattern: /\r?\n/, line_breaks: true });

// ---------------- LOG DUMP entries: `%d(%d mod 256): OP ...` (xfstests: `%d(%3d mod 256): `) ----------------
const HEAD = String.raw`(\d+)\(( *)\d+ mod 256\): `;
const MARK = String.raw`(\t[*A-Z]+)?`;
const entryForms: Form[] = [
  // FreeBSD `READ\t0x..`, xfstests `READ     0x..`: [3] op, [4] separator, [5] first, [6] thru, [7] bytes, [8] HOLE/EXTEND
  form(HEAD + String.raw`(MAPREAD|MAPWRITE|READ|WRITE|PUNCH|ZERO|COLLAPSE|INSERT)([ \t]+)${H} thru ${H}\t\(${H} bytes\)( HOLE| EXTEND)?` + MARK,
    (m) => payload(m[3], Number(m[1]), [hex(m[5]), hex(m[6]), hex(m[7])], m[8]?.trim(), m[3].length <= 6 && !m[3].startsWith('READ') && !m[3].startsWith('WRITE') ? ['xfstests'] : xfs(m[2], m[4]))),
  form(HEAD + String.raw`FALLOC +${H} thru ${H}\t\(${H} bytes\) (INTERIOR|PAST_EOF|EXTENDING)` + MARK,
    (m) => payload('FALLOC', Number(m[1]), [hex(m[3]), hex(m[4]), hex(m[5])], m[6], ['xfstests'])),
  form(HEAD + String.raw`TRUNCATE (UP|DOWN)\tfrom ${H} to ${H}` + MARK,
    (m) => payload('TRUNCATE', Number(m[1]), [hex(m[4]), hex(m[5])], m[3], xfs(m[2], ''))),
  form(HEAD + String.raw`(XCHG|CLONE|DEDUPE|COPY) ${H} thru ${H}\t\(${H} bytes\) to ${H} thru ${H}` + MARK,
    (m) => payload(m[3], Number(m[1]), [hex(m[4]), hex(m[5]), hex(m[6]), hex(m[7]), hex(m[8])], undefined, ['xfstests'])),
  form(HEAD + String.raw`(FSYNC|SKIPPED \(no operation\)|BOGUS LOG ENTRY \(operation code = -?\d+\)!)`,
    (m) => payload(m[3].startsWith('SKIPPED') ? 'SKIPPED' : m[3].startsWith('BOGUS') ? 'BOGUS' : 'FSYNC', Number(m[1]), [], m[3], m[3] === 'FSYNC' ? ['xfstests'] : xfs(m[2], ''))),
];

/** Dialect evidence of an entry: xfstests pads the `mod 256` number and the op names with spaces. */
function xfs(pad: string, sep: string): string[] | undefined {
  if (pad.length > 0 || (sep.length > 1 && sep.charCodeAt(0) === 32)) return ['xfstests'];
  if (sep === '\t') return ['freebsd'];
  return undefined;
}

export const Entry = createToken({ name: 'Entry', pattern: lineForms(entryForms), start_chars_hint: DIGITS, line_breaks: false });

/** Pseudo-entries of the dump (no number): `\t\tCLOSE/OPEN`, `\t\tMS_INVALIDATE` (FreeBSD -i). */
export const Pseudo = createToken({
  name: 'Pseudo',
  pattern: lineForms([form(String.raw`\t\t(CLOSE/OPEN|MS_INVALIDATE)`, (m) => payload(m[1], undefined, []))]),
  start_chars_hint: ['\t'],
  line_breaks: false,
});

// ---------------- -d / -p progress lines: `%lu write\t0x%x thru\t0x%x\t(0x%x bytes)` ----------------
const progressForms: Form[] = [
  form(String.raw`(\d+) (read|write|mapread|mapwrite|pollute_eof)\t${H} thru\t${H}\t\(${H} bytes\)(\tdontcache=\d+ atomic_wr=\d+)?`,
    (m) => payload(m[2], Number(m[1]), [hex(m[3]), hex(m[4]), hex(m[5])], undefined, m[6] ? ['xfstests'] : undefined)),
  form(String.raw`(\d+) trunc\tfrom ${H} to ${H}`, (m) => payload('trunc', Number(m[1]), [hex(m[2]), hex(m[3])])),
  form(String.raw`(\d+) (punch|zero|collapse|insert)\tfrom ${H} to ${H}, \(${H} bytes\)`,
    (m) => payload(m[2], Number(m[1]), [hex(m[3]), hex(m[4]), hex(m[5])], undefined, ['xfstests'])),
  form(String.raw`(\d+) (swap|clone|dedupe|copy)\tfrom ${H} to ${H}, \(${H} bytes\) at ${H}`,
    (m) => payload(m[2], Number(m[1]), [hex(m[3]), hex(m[4]), hex(m[5]), hex(m[6])], undefined, ['xfstests'])),
  form(String.raw`(\d+) falloc\tfrom ${H} to ${H} \(${H} bytes\)`,
    (m) => payload('falloc', Number(m[1]), [hex(m[2]), hex(m[3]), hex(m[4])], undefined, ['xfstests'])),
  form(String.raw`(\d+) (fsync|close/open|msync\(MS_INVALIDATE\))`,
    (m) => payload(m[2], Number(m[1]), [], undefined, m[2] === 'fsync' ? ['xfstests'] : m[2].startsWith('msync') ? ['freebsd'] : undefined)),
  form(String.raw`(\d+)\.\.\.`, (m) => payload('...', Number(m[1]), [])),
];

export const Progress = createToken({ name: 'Progress', pattern: lineForms(progressForms), start_chars_hint: DIGITS, line_breaks: false });

// ---------------- xfstests .fsxops: `[skip ]write 0x1000 0x2000 0x40000[ keep_size][ close_open][ unshare][ *]` ----------------
const OPS_NAMES = [
  'read_dontcache', 'read', 'write_dontcache', 'write_atomic', 'write', 'mapread', 'mapwrite', 'truncate', 'fallocate', 'punch_hole',
  'zero_range', 'collapse_range', 'insert_range', 'clone_range', 'dedupe_range', 'copy_range', 'fsync', 'exchange_range',
];
const opsForm = form(
  String.raw`(skip[ \t]+)?(${OPS_NAMES.join('|')})((?:[ \t]+(?:0[xX][0-9a-fA-F]+|\d+))+)((?:[ \t]+(?:keep_size|close_open|unshare|\*))*)`,
  (m) => {
    const nums = m[3].trim().split(/[ \t]+/).map((s) => Number(s));
    const flags = m[4].trim().length > 0 ? m[4].trim().split(/[ \t]+/) : [];
    return payload(m[2], undefined, nums, m[1] ? 'skip' : undefined, flags);
  },
);
export const OpsLine = createToken({
  name: 'OpsLine',
  pattern: lineForms([opsForm]),
  start_chars_hint: ['r', 'w', 'm', 't', 'f', 'p', 'z', 'c', 'i', 'd', 'e', 's'],
  line_breaks: false,
});

// ---------------- failure reports ----------------
export const BadData = createToken({
  name: 'BadData',
  pattern: lineForms([form(String.raw`READ BAD DATA: offset = ${H}, size = ${H}(?:, fname = ([^\n\r]*?))?`,
    (m) => payload('READ BAD DATA', undefined, [hex(m[1]), hex(m[2])], m[3], m[3] !== undefined ? ['xfstests'] : undefined))]),
  start_chars_hint: ['R'],
  line_breaks: false,
});

export const TableHead = createToken({
  name: 'TableHead',
  pattern: lineForms([form(String.raw`OFFSET([ \t]+)GOOD[ \t]+BAD[ \t]+RANGE`, (m) => payload('table', undefined, [], undefined, m[1] === '\t' ? undefined : ['xfstests']))]),
  start_chars_hint: ['O'],
  line_breaks: false,
});

/** FreeBSD `0x%5x\t0x%04x\t0x%04x\t0x%5x` (first bad offset, good, bad, count); xfstests `0x%-8x  0x%04x  0x%04x  0x%x`. */
export const TableRow = createToken({
  name: 'TableRow',
  pattern: lineForms([form(String.raw`0x *([0-9a-fA-F]+) *[ \t]+${H}[ \t]+${H}(?:[ \t]+0x *([0-9a-fA-F]+))?`,
    (m) => payload('row', undefined, [hex(m[1]), hex(m[2]), hex(m[3]), hex(m[4])]))]),
  start_chars_hint: ['0'],
  line_breaks: false,
});

export const Hint = createToken({
  name: 'Hint',
  pattern: lineForms([
    form(String.raw`operation# \(mod 256\) for the bad data (?:may be (\d+)|unknown, check HOLE and EXTEND ops)`,
      (m) => payload('hint', undefined, m[1] !== undefined ? [Number(m[1])] : [])),
    form(String.raw`\?{16}`, () => payload('hint', undefined, [])),
  ]),
  start_chars_hint: ['o', '?'],
  line_breaks: false,
});

export const DumpHead = createToken({
  name: 'DumpHead',
  pattern: lineForms([form(String.raw`LOG DUMP \((\d+) total operations\):`, (m) => payload('LOG DUMP', undefined, [Number(m[1])]))]),
  start_chars_hint: ['L'],
  line_breaks: false,
});

/** Failures other than bad data, each ending the run (fsx exits after the LOG DUMP that follows). */
export const Failure = createToken({
  name: 'Failure',
  pattern: lineForms([
    form(String.raw`Size error: expected ${H} stat ${H} seek ${H}`, (m) => payload('Size error', undefined, [hex(m[1]), hex(m[2]), hex(m[3])])),
    form(String.raw`short (read|write|check read): ${H} bytes instead of ${H}`, (m) => payload(`short ${m[1]}`, undefined, [hex(m[2]), hex(m[3])])),
    form(String.raw`Mapped (Read|Write): non-zero data past EOF \(${H}\) page offset ${H} is ${H}`,
      (m) => payload(`Mapped ${m[1]}`, undefined, [hex(m[2]), hex(m[3]), hex(m[4])])),
    form(String.raw`no extend on truncate! not posix!`, () => payload('no extend on truncate', undefined, [])),
    form(String.raw`(fsync\(\) failed|do_copy_range: asked \d+, copied \d+\?\?)${REST}`, (m) => payload(m[1], undefined, [], m[0])),
    // prterr(): `domapwrite: msync: Invalid argument`, `save_buffer write: ...`, `close: ...`
    form(String.raw`((?:do[a-z_]*|check_[a-z_]+|writefileimage|save_buffer|close|main)(?:(?:: | )[a-z_0-9]+(?: [a-z_0-9]+)*)?): ([^\n\r]+?)`,
      (m) => payload(m[1], undefined, [], m[0])),
  ]),
  start_chars_hint: ['S', 's', 'M', 'n', 'f', 'd', 'c', 'w', 'm'],
  line_breaks: false,
});

/** Banners and informational lines; `what` names the ones the parser uses. */
export const Info = createToken({
  name: 'Info',
  pattern: lineForms([
    form(String.raw`All (?:(\d+) )?operations completed A-OK!`, (m) => payload('A-OK', undefined, [], undefined, m[1] !== undefined ? ['xfstests'] : undefined)),
    form(String.raw`Log of operations saved to "([^"\n\r]*)"; replay with --replay-ops`, (m) => payload('ops saved', undefined, [], m[1], ['xfstests'])),
    form(String.raw`\(maybe hexdump "([^"\n\r]*)" vs "[^"\n\r]*"\)`, (m) => payload('hexdump', undefined, [], m[1])),
    form(String.raw`Correct content saved for comparison`, () => payload('good saved', undefined, [])),
    form(String.raw`Will begin at operation (\d+)`, (m) => payload('begin', undefined, [Number(m[1])])),
    form(String.raw`mapped (writes|reads|msync) DISABLED`, (m) => payload(`no ${m[1]}`, undefined, [], undefined, m[1] === 'msync' ? ['freebsd'] : undefined)),
    form(String.raw`(?:Seed set to -?\d+|Chance of (?:close/open|MS_INVALIDATE) is 1 in \d+)`, () => payload('banner', undefined, [])),
    form(String.raw`(?:skipping [^\n\r]*|(?:truncating|zero_range|fallocating|cloning|copying) to largest ever: 0x[0-9a-fA-F]+|signal \d+|testcalls = \d+|Dumped fsync buffer to [^\n\r]*|fsx flaw: [^\n\r]*|ftruncate[12]: [0-9a-fA-F]+|(?:punch hole|zero range|collapse range|insert range|exchange range|clone range|dedupe range|copy range|fallocate): 0x[^\n\r]*|fsx: [^\n\r]*|usage: [^\n\r]*|collapsing hugepages [^\n\r]*)`,
      () => payload('info', undefined, [])),
  ]),
  start_chars_hint: ['A', 'L', '(', 'C', 'W', 'm', 'S', 's', 't', 'z', 'f', 'c', 'D', 'p', 'i', 'e', 'd', 'u'],
  line_breaks: false,
});

export const Comment = createToken({
  name: 'Comment',
  pattern: lineForms([form(String.raw`#[^\n\r]*`, () => payload('comment', undefined, []))]),
  start_chars_hint: ['#'],
  line_breaks: false,
});

export const Blank = createToken({
  name: 'Blank',
  pattern: lineForms([form(String.raw`[ \t]+`, () => payload('blank', undefined, []))]),
  start_chars_hint: [' ', '\t'],
  line_breaks: false,
});

export const allTokens: TokenType[] = [
  Newline, Entry, Progress, TableRow, Pseudo, OpsLine, BadData, TableHead, Hint, DumpHead, Info, Failure, Comment, Blank,
];

export function createFsxLexer(): Lexer {
  return new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true, skipValidations: false });
}
