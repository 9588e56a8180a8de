// Character scanners used by the strace token matchers and by the argument splitter.
// They are hand-written loops over char codes because they run once per line on big traces.

const BACKSLASH = 92;
const QUOTE = 34;
const NL = 10;
const LT = 60;
const GT = 62;
const SLASH = 47;
const STAR = 42;

const UNFINISHED = '<unfinished ...>';
const DETACHED = '<detached ...>';

/** Skips a "..." string starting at `i` (on the quote); returns the index after the closing quote (or the line end). */
export function skipString(text: string, i: number): number {
  let j = i + 1;
  const n = text.length;
  const plain = STRING_RUN;
  while (j < n) {
    plain.lastIndex = j;
    if (plain.test(text)) j = plain.lastIndex;
    if (j >= n) break;
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) j += 2;
    else if (c === QUOTE) return j + 1;
    else return j; // newline
  }
  return n;
}

const STRING_RUN = /[^"\\\n]+/y;

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
    else if (c === BACKSLASH) j++;
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
 * Scans the argument text of a call starting at `start` and returns where it ends: at the ')' that closes the
 * call (depth 0), before ` <unfinished ...>` / ` <detached ...>`, or at the end of the line.
 * Strings, comments, nested brackets and fd decorations may contain any of those characters.
 */
export function scanArgs(text: string, start: number): number {
  let depth = 0;
  let i = start;
  const n = text.length;
  const ordinary = ORDINARY;
  while (i < n) {
    // Runs of characters that cannot end or nest anything are skipped by the regex engine, not char by char.
    ordinary.lastIndex = i;
    if (ordinary.test(text)) i = ordinary.lastIndex;
    if (i >= n) break;
    const c = text.charCodeAt(i);
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
      case SLASH:
        if (text.charCodeAt(i + 1) === STAR) {
          const e = text.indexOf('*/', i + 2);
          i = e < 0 ? n : e + 2;
        } else i++;
        break;
      case LT:
        if (depth === 0 && (text.startsWith(UNFINISHED, i) || text.startsWith(DETACHED, i))) return i > start && text.charCodeAt(i - 1) === 32 ? i - 1 : i;
        if (isDecorationStart(text, i)) i = skipDecoration(text, i);
        else i++;
        break;
      default:
        i++;
    }
  }
  return n;
}

/** Characters that never end, nest or quote anything inside an argument list. */
const ORDINARY = /[^"()[\]{}\n\r<\/]+/y;

/**
 * Argument text split at top-level commas, lazily: the boundaries are found in one pass, and an argument is
 * cut out (and trimmed) only when a handler asks for it. The long buffer argument of write(2) is never copied.
 */
export class ArgList {
  private text = '';
  private n = 0;
  private starts = new Int32Array(8);
  private ends = new Int32Array(8);
  private cache: Array<string | undefined> = [];

  reset(text: string): this {
    this.text = text;
    this.n = 0;
    this.cache.length = 0;
    let depth = 0;
    let from = 0;
    let i = 0;
    const len = text.length;
    while (i < len) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        i = skipString(text, i);
        continue;
      }
      if (c === 40 || c === 91 || c === 123) depth++;
      else if (c === 41 || c === 93 || c === 125) depth--;
      else if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
        const e = text.indexOf('*/', i + 2);
        i = e < 0 ? len : e + 2;
        continue;
      } else if (c === LT && isDecorationStart(text, i)) {
        i = skipDecoration(text, i);
        continue;
      } else if (c === 44 && depth === 0) {
        this.push(from, i);
        from = i + 1;
      }
      i++;
    }
    if (this.n > 0 || text.trim().length > 0) this.push(from, len);
    return this;
  }

  private push(a: number, b: number): void {
    if (this.n === this.starts.length) {
      const s = new Int32Array(this.n * 2);
      s.set(this.starts);
      this.starts = s;
      const e = new Int32Array(this.n * 2);
      e.set(this.ends);
      this.ends = e;
    }
    this.starts[this.n] = a;
    this.ends[this.n] = b;
    this.n++;
  }

  get length(): number {
    return this.n;
  }

  at(i: number): string | undefined {
    if (i >= this.n) return undefined;
    let v = this.cache[i];
    if (v === undefined) {
      v = this.text.slice(this.starts[i], this.ends[i]).trim();
      this.cache[i] = v;
    }
    return v;
  }

  find(pred: (arg: string) => boolean): string | undefined {
    for (let i = 0; i < this.n; i++) {
      const v = this.at(i)!;
      if (pred(v)) return v;
    }
    return undefined;
  }
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
      j = text.indexOf('>', j) + 1;
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
        j = text.indexOf('>', j) + 1;
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
    if (c === 58 && j - i === 2 && text.charCodeAt(j + 3) === 58) {
      const m = (text.charCodeAt(j + 1) - 48) * 10 + (text.charCodeAt(j + 2) - 48);
      const sec = (text.charCodeAt(j + 4) - 48) * 10 + (text.charCodeAt(j + 5) - 48);
      j += 6;
      time = v * 3600 + m * 60 + sec + fraction(text, j);
      if (text.charCodeAt(j) === 46) j = skipDigits(text, j + 1);
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
    const close = text.indexOf(')', i);
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
  return v / scale;
}

/** What the Result token read from `= RET [ERRNO] [(aux)...] [<unavailable>] [<secs>]`. */
export interface ResultInfo {
  ret: string;
  err: string | undefined;
  aux: string[] | undefined;
  duration: number | undefined;
  unavailable: boolean;
}

/** Scans a whole result tail starting at '='; returns the end offset or -1. */
export function scanResult(text: string, start: number, out: { info?: ResultInfo }): number {
  if (text.charCodeAt(start) !== 61) return -1;
  let i = skipBlanks(text, start + 1);
  const r = scanRetVal(text, i);
  if (r === i) return -1;
  const info: ResultInfo = { ret: text.slice(i, r), err: undefined, aux: undefined, duration: undefined, unavailable: false };
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
  if (text.startsWith('<unavailable>', i)) {
    info.unavailable = true;
    i = skipBlanks(text, i + 13);
  }
  if (text.charCodeAt(i) === LT && isDigit(text.charCodeAt(i + 1))) {
    const close = text.indexOf('>', i);
    if (close > 0) {
      info.duration = Number(text.slice(i + 1, close));
      i = skipBlanks(text, close + 1);
    }
  }
  out.info = info;
  return i;
}
