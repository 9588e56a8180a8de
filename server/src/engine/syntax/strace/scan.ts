// Character scanners used by the strace token matchers and by the argument splitter.
// They are hand-written loops over char codes because they run once per line on big traces.
import { withRoom } from '../../typed-arrays.js';
import { decodeCString } from '../text.js';

const BACKSLASH = 92;
const QUOTE = 34;
const NL = 10;
const LT = 60;
const GT = 62;
const SLASH = 47;
const STAR = 42;

const UNFINISHED = '<unfinished ...>';
const DETACHED = '<detached ...>';

/**
 * The first `needle` at or after `from` on the same line, or -1: a search must never run on into the next line
 * (a cut-off `<0.00` would otherwise swallow it, and the result would depend on where a chunk ends).
 */
export function indexOnLine(text: string, needle: string, from: number): number {
  const at = text.indexOf(needle, from);
  if (at < 0) return -1;
  const nl = text.indexOf('\n', from);
  return nl >= 0 && nl < at ? -1 : at;
}

/**
 * Where the next `ch` is at or after `from`, or -1, remembered per text: scans move forward through a chunk, so
 * one native indexOf answers every later question up to the place it found. A scan then jumps over a long string
 * or path at memchr speed, and never costs more than one pass over the chunk per character, even when that
 * character is missing from many lines in a row.
 */
class NextOf {
  private text = '';
  private from = 0;
  private at = -1;
  constructor(private readonly ch: string) {}

  in(text: string, from: number): number {
    if (from >= this.from && (this.at < 0 || from <= this.at) && text === this.text) return this.at;
    this.text = text;
    this.from = from;
    this.at = text.indexOf(this.ch, from);
    return this.at;
  }
}

const NEXT_QUOTE = new NextOf('"');
const NEXT_BACKSLASH = new NextOf('\\');
const NEXT_NL = new NextOf('\n');

/** The first of two positions that may be -1 (not found). */
function firstOf(a: number, b: number): number {
  return a < 0 ? b : b < 0 || a < b ? a : b;
}

/**
 * Skips a "..." string starting at `i` (on the quote); returns the index after the closing quote (or the line end).
 * A string without escapes (`-s 4096` data, paths) is crossed in one native jump to its closing quote; from the
 * first backslash on, the string is read character by character, since escaped strings (`-x`, binary data) tend
 * to be escapes throughout and a jump per escape would cost more than it saves.
 */
export function skipString(text: string, i: number): number {
  const j = i + 1;
  const stop = firstOf(NEXT_QUOTE.in(text, j), NEXT_NL.in(text, j));
  const bs = NEXT_BACKSLASH.in(text, j);
  if (bs >= 0 && (stop < 0 || bs < stop)) return skipEscapedString(text, bs);
  if (stop < 0) return text.length;
  return text.charCodeAt(stop) === QUOTE ? stop + 1 : stop;
}

/**
 * Plain characters and escapes, up to the closing quote, a line break, or a backslash that escapes a line break
 * (a line cut right after it: the escape does not reach into the next line). Sticky: set lastIndex first.
 */
const ESCAPED_RUN = /(?:[^"\\\n]|\\(?!\r?\n)[^\n])*/y;

/** The rest of a string from `j` on (a backslash): one native match, since escapes tend to go on throughout. */
function skipEscapedString(text: string, j: number): number {
  ESCAPED_RUN.lastIndex = j;
  ESCAPED_RUN.test(text);
  const stop = ESCAPED_RUN.lastIndex;
  if (stop >= text.length) return text.length;
  const c = text.charCodeAt(stop);
  if (c === QUOTE || c === BACKSLASH) return stop + 1;
  return stop; // the line break
}

/** Whether a line break (`\n` or `\r\n`) starts at `i`. */
function isLineBreak(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c === NL || (c === 13 && text.charCodeAt(i + 1) === NL);
}

/** Whether `i` is where its line ends: a line break or the end of the text. */
function atLineEnd(text: string, i: number): boolean {
  return i === text.length || isLineBreak(text, i);
}

/**
 * `<... name resumed>` at `offset`: the offset of its ` resumed>`, or -1. The name is short and on the same line.
 * The Resumed token and the fast lane read it alike.
 */
export function resumedAt(text: string, offset: number): number {
  if (!text.startsWith('<... ', offset)) return -1;
  const close = indexOnLine(text, ' resumed>', offset + 5);
  return close < 0 || close - offset > 80 ? -1 : close;
}

/** Skips an fd decoration `<...>` starting at `i` (on '<'), allowing nesting (`</dev/null<char 1:3>>`). */
export function skipDecoration(text: string, i: number): number {
  let depth = 0;
  let j = i;
  const n = text.length;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === LT) depth++;
    else if (c === GT) {
      depth--;
      if (depth === 0) return j + 1;
    } else if (c === NL) return j;
    else if (c === BACKSLASH) {
      if (isLineBreak(text, j + 1)) return j + 1;
      j++;
    }
    j++;
  }
  return n;
}

function isDecorationStart(text: string, i: number): boolean {
  // `3</path>`, `AT_FDCWD</cwd>`: a '<' right after a digit or an identifier character, followed by a non-space.
  if (i === 0) return false;
  const p = text.charCodeAt(i - 1);
  const isWordChar = (p >= 48 && p <= 57) || (p >= 65 && p <= 90) || p === 95;
  if (!isWordChar) return false;
  const next = text.charCodeAt(i + 1);
  return next !== 32 && next !== NL && !Number.isNaN(next);
}

/**
 * Offsets of the top-level commas that scanArgs found, appended in order. A scan that keeps them (a whole call
 * line, whose arguments are split later without a second pass) remembers where they start; a scan that does not
 * need them puts `n` back. The strace parser empties the pool before it lexes each chunk.
 */
export const COMMAS = { at: new Int32Array(1 << 12), n: 0 };

export function pushComma(i: number): void {
  if (COMMAS.n === COMMAS.at.length) COMMAS.at = withRoom(COMMAS.at, COMMAS.n + 1);
  COMMAS.at[COMMAS.n++] = i;
}

/**
 * Scans the argument text of a call starting at `start` and returns where it ends: at the ')' that closes the
 * call (depth 0), before ` <unfinished ...>` / ` <detached ...>`, or at the end of the line. The commas that
 * separate arguments are appended to COMMAS. Strings, comments, nested brackets and fd decorations may contain
 * any of those characters.
 */
export function scanArgs(text: string, start: number): number {
  let depth = 0;
  let i = start;
  const n = text.length;
  const special = SPECIAL;
  while (i < n) {
    const c = text.charCodeAt(i);
    // A plain loop with a table beats a sticky regex here: argument runs between specials are short.
    if (c >= 128 || special[c] === 0) {
      i++;
      continue;
    }
    switch (c) {
      case NL:
        return i;
      case 13:
        if (text.charCodeAt(i + 1) === NL) return i;
        i++;
        break;
      case QUOTE:
        i = skipString(text, i);
        break;
      case 40: // (
      case 91: // [
      case 123: // {
        depth++;
        i++;
        break;
      case 41: // )
        if (depth === 0) return i;
        depth--;
        i++;
        break;
      case 93: // ]
      case 125: // }
        if (depth > 0) depth--;
        i++;
        break;
      case 44: // ,
        if (depth === 0) pushComma(i);
        i++;
        break;
      case SLASH:
        if (text.charCodeAt(i + 1) === STAR) {
          // An unclosed comment ends with its line.
          const e = indexOnLine(text, '*/', i + 2);
          i = e < 0 ? lineEnd(text, i) : e + 2;
        } else i++;
        break;
      case LT:
        if (depth === 0 && isMarkerAt(text, i)) return i > start && text.charCodeAt(i - 1) === 32 ? i - 1 : i;
        if (isDecorationStart(text, i)) i = skipDecoration(text, i);
        else i++;
        break;
      default:
        i++;
    }
  }
  return n;
}

/**
 * Whether `<unfinished ...>` or `<detached ...>` starts at `i` (on '<'). Most '<' in arguments open an fd
 * decoration (`3</path>`): one character tells them apart before any comparison of strings.
 */
function isMarkerAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i + 1);
  return (c === 117 /* u */ && text.startsWith(UNFINISHED, i)) || (c === 100 /* d */ && text.startsWith(DETACHED, i));
}

/** Characters that can end, nest, quote or split something inside an argument list (1), or not (0). */
const SPECIAL = new Uint8Array(128);
for (const ch of '"()[]{}\n\r</,') SPECIAL[ch.charCodeAt(0)] = 1;

/**
 * Argument text split at top-level commas, lazily: the boundaries are found in one pass, and an argument is
 * cut out (and trimmed) only when a handler asks for it. The long buffer argument of write(2) is never copied.
 */
export class ArgList {
  private text = '';
  private n = 0;
  private starts = new Int32Array(8);
  private ends = new Int32Array(8);
  /** at(i) cuts each argument once per split: values[i] is valid while stamps[i] === split. */
  private values: string[] = [];
  private stamps = new Int32Array(8);
  private split_ = 1;

  /** Splits `text`, the arguments alone (no closing parenthesis). */
  reset(text: string): this {
    const from = COMMAS.n;
    scanArgs(text, 0);
    this.split(text, 0, text.length, from, COMMAS.n - from);
    COMMAS.n = from;
    return this;
  }

  /** Uses commas a scan kept: `count` offsets at COMMAS.at[from...] split text[start, end). */
  split(text: string, start: number, end: number, from: number, count: number): this {
    this.text = text;
    this.n = 0;
    this.split_++;
    let a = start;
    for (let k = 0; k < count; k++) {
      const c = COMMAS.at[from + k];
      this.push(a, c);
      a = c + 1;
    }
    if (count > 0 || !isBlank(text, start, end)) this.push(a, end);
    return this;
  }

  /** Adds text[a, b) trimmed of blanks. */
  private push(a: number, b: number): void {
    if (this.n === this.starts.length) {
      this.starts = withRoom(this.starts, this.n + 1);
      this.ends = withRoom(this.ends, this.n + 1);
      this.stamps = withRoom(this.stamps, this.n + 1);
    }
    a = trimStart(this.text, a, b);
    this.starts[this.n] = a;
    this.ends[this.n] = trimEnd(this.text, a, b);
    this.n++;
  }

  get length(): number {
    return this.n;
  }

  at(i: number): string | undefined {
    if (i >= this.n) return undefined;
    if (this.stamps[i] !== this.split_) {
      this.values[i] = this.text.slice(this.starts[i], this.ends[i]);
      this.stamps[i] = this.split_;
    }
    return this.values[i];
  }

  /**
   * A plain decimal argument (`42`, or a decorated fd `3</path>`) read in place, without cutting it out; undefined
   * for anything else, which `argInt(at(i))` then decodes.
   */
  decimal(i: number): number | undefined {
    return i < this.n ? decimalIn(this.text, this.starts[i], this.ends[i]) : undefined;
  }

  /**
   * The path of an fd decoration (`3</tmp/x>` → `/tmp/x`, `-yy` device suffixes dropped), undefined when the
   * argument has none. Cut straight from the text (a slice costs no copy); what keeps it past the chunk detaches it.
   */
  decoration(i: number): string | undefined {
    return i < this.n ? decorationIn(this.text, this.starts[i], this.ends[i]) : undefined;
  }

  find(pred: (arg: string) => boolean): string | undefined {
    for (let i = 0; i < this.n; i++) {
      const v = this.at(i)!;
      if (pred(v)) return v;
    }
    return undefined;
  }
}

/** text[a, b) as plain decimal digits, optionally followed by an fd decoration `<...>`; undefined for anything else (octal too). */
export function decimalIn(text: string, a: number, b: number): number | undefined {
  let v = 0;
  let j = a;
  for (; j < b && j - a < 15; j++) {
    const c = text.charCodeAt(j);
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
  }
  if (j === a || (j - a > 1 && text.charCodeAt(a) === 48)) return undefined;
  return j === b || text.charCodeAt(j) === LT ? v : undefined;
}

/** The path of the fd decoration that ends text[a, b) (`3</tmp/x>` → `/tmp/x`; `-yy` device suffixes dropped). */
export function decorationIn(text: string, a: number, b: number): string | undefined {
  if (b - a < 3 || text.charCodeAt(b - 1) !== GT) return undefined;
  const lt = text.indexOf('<', a);
  if (lt <= a || lt >= b) return undefined;
  const nested = text.indexOf('<', lt + 1);
  const raw = text.slice(lt + 1, nested > 0 && nested < b ? nested : b - 1);
  // Escapes are rare: decode only then.
  return raw.indexOf('\\') < 0 ? raw : decodeCString(raw);
}

export function isBlankChar(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Where an argument text[a, b) starts once trimmed of blanks. */
export function trimStart(text: string, a: number, b: number): number {
  while (a < b && isBlankChar(text.charCodeAt(a))) a++;
  return a;
}

/** Where an argument text[a, b) ends once trimmed of blanks. */
export function trimEnd(text: string, a: number, b: number): number {
  while (b > a && isBlankChar(text.charCodeAt(b - 1))) b--;
  return b;
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isBlankChar(text.charCodeAt(i))) return false;
  return true;
}

/** Splits argument text at top-level commas, all at once (the parser uses ArgList, which cuts lazily). */
export function splitArgs(text: string): string[] {
  const list = new ArgList().reset(text);
  return Array.from({ length: list.length }, (_, i) => list.at(i)!);
}

/** Scans a balanced parenthesised group starting at `i` (on '('), e.g. `(No such file or directory)`. */
export function scanParenGroup(text: string, i: number): number {
  let depth = 0;
  let j = i;
  const n = text.length;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === 40) depth++;
    else if (c === 41) {
      depth--;
      if (depth === 0) return j + 1;
    } else if (c === NL) return j;
    else if (c === QUOTE) {
      j = skipString(text, j);
      continue;
    }
    j++;
  }
  return n;
}

/** Return value: `?`, `-1`, `42`, `0x7f..`, `0644`, or a decorated fd `3</path>` / `29<TCP:[...]>`. */
export function scanRetVal(text: string, i: number): number {
  const n = text.length;
  let j = i;
  const c = text.charCodeAt(j);
  if (c === 63) return j + 1; // ?
  if (c === 45) j++; // -
  const d0 = j;
  if (text.charCodeAt(j) === 48 && (text.charCodeAt(j + 1) | 32) === 120) {
    j += 2;
    while (j < n && isHex(text.charCodeAt(j))) j++;
  } else {
    while (j < n && isDigit(text.charCodeAt(j))) j++;
  }
  if (j === d0) return i;
  if (text.charCodeAt(j) === LT && text.charCodeAt(j + 1) !== 117 /* not <unavailable> */) j = skipDecoration(text, j);
  return j;
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

export function atLineStart(text: string, offset: number): boolean {
  return offset === 0 || text.charCodeAt(offset - 1) === NL;
}

/** End of the current line (index of '\n' or text end), excluding a '\r'. */
export function lineEnd(text: string, i: number): number {
  let e = text.indexOf('\n', i);
  if (e < 0) e = text.length;
  if (e > i && text.charCodeAt(e - 1) === 13) e--;
  return e;
}

/** What the Leader token read: the pid prefix and the timestamp, decoded once while scanning. */
export interface LeaderInfo {
  pid: number | undefined;
  time: number | undefined;
}


function skipBlanks(text: string, i: number): number {
  while (text.charCodeAt(i) === 32) i++;
  return i;
}

/**
 * The line leader: `[pid N] ` or `N ` (with `<comm>` under -Y), then `HH:MM:SS[.frac] ` (-t/-tt) or
 * `EPOCH.frac ` (-ttt) or `   SECS.frac ` (-r), then `(+ SECS.frac) `, then `[ NR] ` (-n). Returns the end
 * offset (after trailing blanks), or -1 when there is none; `info` receives what was read.
 */
export function scanLeader(text: string, start: number, info: LeaderInfo): number {
  let i = start;
  while (text.charCodeAt(i) === 32) i++;
  let pid: number | undefined;
  let time: number | undefined;
  let any = false;
  let c = text.charCodeAt(i);
  // pid
  if (c === 91 && text.charCodeAt(i + 1) === 112 && text.startsWith('[pid', i)) {
    let j = i + 4;
    while (text.charCodeAt(j) === 32) j++;
    let v = 0;
    const d0 = j;
    for (c = text.charCodeAt(j); c >= 48 && c <= 57; c = text.charCodeAt(++j)) v = v * 10 + (c - 48);
    if (j === d0) return -1;
    pid = v;
    if (c === LT) {
      j = indexOnLine(text, '>', j) + 1;
      if (j <= 0) return -1;
      c = text.charCodeAt(j);
    }
    if (c !== 93) return -1;
    i = j + 1;
    while (text.charCodeAt(i) === 32) i++;
    c = text.charCodeAt(i);
    any = true;
  } else if (c >= 48 && c <= 57) {
    let j = i;
    let v = 0;
    for (; c >= 48 && c <= 57; c = text.charCodeAt(++j)) v = v * 10 + (c - 48);
    if (c === 32 || (c === LT && text.charCodeAt(j + 1) !== 46)) {
      if (c === LT) {
        j = indexOnLine(text, '>', j) + 1;
        if (j <= 0 || text.charCodeAt(j) !== 32) return -1;
      }
      pid = v;
      i = j;
      while (text.charCodeAt(i) === 32) i++;
      any = true;
    }
    c = text.charCodeAt(i);
  }
  // timestamp: HH:MM:SS[.frac] (-t, -tt) or SECS.frac (-ttt, -r)
  if (c >= 48 && c <= 57) {
    let j = i;
    let v = 0;
    for (; c >= 48 && c <= 57; c = text.charCodeAt(++j)) v = v * 10 + (c - 48);
    // HH:MM:SS, all six digits there (a cut `10:31:0` must not read on into the next line)
    if (c === 58 && j - i === 2 && text.charCodeAt(j + 3) === 58 && isDigit(text.charCodeAt(j + 1)) && isDigit(text.charCodeAt(j + 2)) && isDigit(text.charCodeAt(j + 4)) && isDigit(text.charCodeAt(j + 5))) {
      const m = (text.charCodeAt(j + 1) - 48) * 10 + (text.charCodeAt(j + 2) - 48);
      const sec = (text.charCodeAt(j + 4) - 48) * 10 + (text.charCodeAt(j + 5) - 48);
      j += 6;
      time = v * 3600 + m * 60 + sec + fraction(text, j);
      if (text.charCodeAt(j) === 46) j = skipDigits(text, FRACTION.end);
      i = j;
      while (text.charCodeAt(i) === 32) i++;
      c = text.charCodeAt(i);
      any = true;
    } else if (c === 46) {
      const e = skipDigits(text, j + 1);
      if (e > j + 1 && text.charCodeAt(e) === 32) {
        time = v + fraction(text, j);
        i = e;
        while (text.charCodeAt(i) === 32) i++;
        c = text.charCodeAt(i);
        any = true;
      }
    }
  }
  // relative stamp after an absolute one: "(+     0.000012) "
  if (c === 40 && text.charCodeAt(i + 1) === 43) {
    const close = indexOnLine(text, ')', i);
    if (close > 0) {
      if (time === undefined) time = Number(text.slice(i + 2, close));
      i = close + 1;
      while (text.charCodeAt(i) === 32) i++;
      c = text.charCodeAt(i);
      any = true;
    }
  }
  // -n syscall number "[ 1] "
  if (c === 91 && text.charCodeAt(i + 1) !== 112) {
    let j = i + 1;
    while (text.charCodeAt(j) === 32) j++;
    const d = skipDigits(text, j);
    if (d > j && text.charCodeAt(d) === 93) {
      i = d + 1;
      while (text.charCodeAt(i) === 32) i++;
      any = true;
    }
  }
  if (!any) return -1;
  info.pid = pid;
  info.time = time;
  return i;
}

function skipDigits(text: string, i: number): number {
  let c = text.charCodeAt(i);
  while (c >= 48 && c <= 57) c = text.charCodeAt(++i);
  return i;
}

/** Where the digits fraction() read end. */
const FRACTION = { end: 0 };

/** The value of ".ddd" at `i` (0 when there is no fraction), without allocating a substring. */
function fraction(text: string, i: number): number {
  if (text.charCodeAt(i) !== 46) return 0;
  let v = 0;
  let scale = 1;
  let c = text.charCodeAt(++i);
  for (; c >= 48 && c <= 57 && scale < 1e15; c = text.charCodeAt(++i)) {
    v = v * 10 + (c - 48);
    scale *= 10;
  }
  FRACTION.end = i;
  return v / scale;
}

/** What the Result token read from `= RET [ERRNO] [(aux)...] [<unavailable>] [<secs>]`. */
export class ResultInfo {
  text = '';
  /** Where the return value starts in the text, and ends. */
  retAt = 0;
  retEnd = 0;
  err: string | undefined = undefined;
  aux: string[] | undefined = undefined;
  duration: number | undefined = undefined;
  unavailable = false;
  /** Where the result ends (after trailing blanks). */
  end = 0;

  /** The return value's text, cut when asked: the fast lane hands on only where it is. */
  get ret(): string {
    return this.text.slice(this.retAt, this.retEnd);
  }

  /** Whether the return value is `?` (strace could not tell), read in place. */
  get unknownRet(): boolean {
    return this.text.charCodeAt(this.retAt) === 63;
  }

  /** Whether the return value starts with `-1` (an error whose errno may be in an aux group), read in place. */
  get minusOne(): boolean {
    return this.retEnd - this.retAt >= 2 && this.text.charCodeAt(this.retAt) === 45 && this.text.charCodeAt(this.retAt + 1) === 49;
  }
}

export function newResultInfo(): ResultInfo {
  return new ResultInfo();
}

/** Scans a whole result tail starting at '='; undefined when there is none. Fills `into` when given (no allocation). */
export function scanResult(text: string, start: number, into?: ResultInfo): ResultInfo | undefined {
  if (text.charCodeAt(start) !== 61) return undefined;
  let i = skipBlanks(text, start + 1);
  const r = scanRetVal(text, i);
  if (r === i) return undefined;
  const info = into ?? newResultInfo();
  info.text = text;
  info.retAt = i;
  info.retEnd = r;
  info.err = info.aux = info.duration = undefined;
  info.unavailable = false;
  i = skipBlanks(text, r);
  if (text.charCodeAt(i) === 69 /* E */) {
    let e = i + 1;
    for (let c = text.charCodeAt(e); (c >= 65 && c <= 90) || isDigit(c) || c === 95; c = text.charCodeAt(++e));
    if (e > i + 1) {
      info.err = text.slice(i, e);
      i = skipBlanks(text, e);
    }
  }
  while (text.charCodeAt(i) === 40) {
    const e = scanParenGroup(text, i);
    (info.aux ??= []).push(text.slice(i, e));
    i = skipBlanks(text, e);
  }
  if (text.charCodeAt(i) === LT && text.charCodeAt(i + 1) === 117 /* u */ && text.startsWith('<unavailable>', i)) {
    info.unavailable = true;
    i = skipBlanks(text, i + 13);
  }
  if (text.charCodeAt(i) === LT && isDigit(text.charCodeAt(i + 1))) {
    // `<0.000068>`, read in one pass; anything else (`<1e-05>`?) goes the careful way.
    const secs = durationAt(text, i + 1);
    if (secs >= 0) {
      info.duration = DURATION.value;
      info.end = skipBlanks(text, secs + 1);
      return info;
    }
    const close = indexOnLine(text, '>', i);
    if (close > 0) {
      info.duration = decimalAt(text, i + 1, close);
      i = skipBlanks(text, close + 1);
    }
  }
  info.end = i;
  return info;
}

/** What durationAt read. */
const DURATION = { value: 0 };

/** `SECS[.frac]>` at `i`: the offset of the '>' (the value in DURATION), or -1 when the text is anything else. */
function durationAt(text: string, i: number): number {
  let v = 0;
  let c = text.charCodeAt(i);
  const d0 = i;
  for (; c >= 48 && c <= 57; c = text.charCodeAt(++i)) v = v * 10 + (c - 48);
  if (i === d0 || i - d0 > 15) return -1;
  if (c === 46) {
    v += fraction(text, i);
    i = FRACTION.end;
    c = text.charCodeAt(i);
  }
  if (c !== GT) return -1;
  DURATION.value = v;
  return i;
}

/** `SECS.frac` in text[i, end), read without cutting a substring (NaN-safe: falls back to Number()). */
function decimalAt(text: string, i: number, end: number): number {
  let v = 0;
  let j = i;
  for (let c = text.charCodeAt(j); j < end && c >= 48 && c <= 57; c = text.charCodeAt(++j)) v = v * 10 + (c - 48);
  if (j < end && text.charCodeAt(j) === 46) {
    const f = skipDigits(text, j + 1);
    if (f === end) return v + fraction(text, j);
  }
  return j === end ? v : Number(text.slice(i, end));
}

/** A complete call on one line, `[leader] name(args) = result`, read in one pass: most lines of a trace. */
export interface CallLineScan {
  pid: number | undefined;
  time: number | undefined;
  nameStart: number;
  /** The '(' after the name. */
  open: number;
  /** The ')' that closes the arguments. */
  close: number;
  /** The top-level commas of the arguments: `commaCount` offsets at COMMAS.at[commaFrom...]. */
  commaFrom: number;
  commaCount: number;
  result: ResultInfo;
  /** The line's end (its '\n', '\r\n' or the text's end). */
  end: number;
}

/**
 * A syscall name and its opening parenthesis at `i` (`[A-Za-z_][A-Za-z0-9_]*\(`, read by hand: a regex call
 * costs more than the few characters of a name): the offset of the '(', or -1.
 */
export function callOpenAt(text: string, i: number): number {
  let c = text.charCodeAt(i);
  if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95)) return -1;
  for (c = text.charCodeAt(++i); (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 95; c = text.charCodeAt(++i));
  return c === 40 ? i : -1;
}
const LEAD: LeaderInfo = { pid: undefined, time: undefined };

/**
 * Where the call starts: after the line's leader (read into LEAD), or at `offset` when the line starts with the
 * call (a name, or `<... name resumed>`) and has no leader; -1 for anything else.
 */
function afterLeader(text: string, offset: number): number {
  const c0 = text.charCodeAt(offset);
  if ((c0 >= 97 && c0 <= 122) || (c0 >= 65 && c0 <= 90) || c0 === 95 || c0 === LT) {
    LEAD.pid = LEAD.time = undefined;
    return offset;
  }
  return scanLeader(text, offset, LEAD);
}

/**
 * Reads a whole line that is one finished call; undefined for anything else (unfinished and resumed calls,
 * signals, exits, notes), which the finer tokens then read. Keeps the commas it found in COMMAS.
 */
export function scanCallLine(text: string, offset: number, into?: CallLineScan): CallLineScan | undefined {
  const i = afterLeader(text, offset);
  if (i < 0) return undefined;
  const pid = LEAD.pid;
  const time = LEAD.time;
  const open = callOpenAt(text, i);
  if (open < 0) return undefined;
  const nameStart = i;
  const commaFrom = COMMAS.n;
  const close = scanArgs(text, open + 1);
  if (text.charCodeAt(close) !== 41) {
    COMMAS.n = commaFrom;
    return undefined;
  }
  const result = scanResult(text, skipBlanks(text, close + 1), into?.result);
  if (result === undefined || !atLineEnd(text, result.end)) {
    COMMAS.n = commaFrom;
    return undefined;
  }
  const end = result.end;
  if (into === undefined) return { pid, time, nameStart, open, close, commaFrom, commaCount: COMMAS.n - commaFrom, result, end };
  // A reader that is done with the line before it scans the next one reuses one record.
  into.pid = pid;
  into.time = time;
  into.nameStart = nameStart;
  into.open = open;
  into.close = close;
  into.commaFrom = commaFrom;
  into.commaCount = COMMAS.n - commaFrom;
  into.end = end;
  return into;
}

export function newCallLineScan(): CallLineScan {
  return { pid: undefined, time: undefined, nameStart: 0, open: 0, close: 0, commaFrom: 0, commaCount: 0, result: newResultInfo(), end: 0 };
}

/** One half of a call strace split across two lines: `name(args <unfinished ...>` or `<... name resumed>args) = result`. */
export interface SplitLineScan {
  pid: number | undefined;
  time: number | undefined;
  /** Whether this is the second half (`<... name resumed>`). */
  resumed: boolean;
  /** Where the call (or `<... `) starts. */
  headStart: number;
  nameStart: number;
  nameEnd: number;
  /** The argument text of this half: text[argsStart, argsEnd). */
  argsStart: number;
  argsEnd: number;
  /** The second half's result. */
  result: ResultInfo;
  /** The line's end (its '\n', '\r\n' or the text's end). */
  end: number;
}

export function newSplitLineScan(): SplitLineScan {
  return { pid: undefined, time: undefined, resumed: false, headStart: 0, nameStart: 0, nameEnd: 0, argsStart: 0, argsEnd: 0, result: newResultInfo(), end: 0 };
}

const UNFINISHED_MARK = ` ${UNFINISHED}`;

/**
 * Reads a line that is exactly the Leader, Call and Unfinished tokens, or the Leader, Resumed and Result tokens,
 * and nothing else (so the grammar reads it as that call's half); undefined for anything else. It reads the same
 * offsets as those tokens, so what is recorded is the same.
 */
export function scanSplitLine(text: string, offset: number, into: SplitLineScan): SplitLineScan | undefined {
  const i = afterLeader(text, offset);
  if (i < 0) return undefined;
  const pid = LEAD.pid;
  const time = LEAD.time;
  const commas = COMMAS.n;
  let end: number;
  if (text.charCodeAt(i) === LT) {
    // `<... name resumed>args) = result`
    const close = resumedAt(text, i);
    if (close < 0) return undefined;
    const argsEnd = scanArgs(text, close + 9);
    COMMAS.n = commas;
    if (text.charCodeAt(argsEnd) !== 41) return undefined;
    const result = scanResult(text, skipBlanks(text, argsEnd + 1), into.result);
    if (result === undefined) return undefined;
    end = result.end;
    into.resumed = true;
    into.nameStart = i + 5;
    into.nameEnd = close;
    into.argsStart = close + 9;
    into.argsEnd = argsEnd;
  } else {
    // `name(args <unfinished ...>`
    const open = callOpenAt(text, i);
    if (open < 0) return undefined;
    const argsEnd = scanArgs(text, open + 1);
    COMMAS.n = commas;
    if (!text.startsWith(UNFINISHED_MARK, argsEnd)) return undefined;
    end = skipBlanks(text, argsEnd + UNFINISHED_MARK.length);
    into.resumed = false;
    into.nameStart = i;
    into.nameEnd = open;
    into.argsStart = open + 1;
    into.argsEnd = argsEnd;
  }
  if (!atLineEnd(text, end)) return undefined;
  into.pid = pid;
  into.time = time;
  into.headStart = i;
  into.end = end;
  return into;
}
