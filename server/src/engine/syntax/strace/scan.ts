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
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) j += 2;
    else if (c === QUOTE) return j + 1;
    else if (c === NL) return j;
    else j++;
  }
  return n;
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
  while (i < n) {
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
      case 32:
        if (depth === 0 && text.charCodeAt(i + 1) === LT && (text.startsWith(UNFINISHED, i + 1) || text.startsWith(DETACHED, i + 1))) return i;
        i++;
        break;
      case LT:
        if (depth === 0 && (text.startsWith(UNFINISHED, i) || text.startsWith(DETACHED, i))) return i;
        if (isDecorationStart(text, i)) i = skipDecoration(text, i);
        else i++;
        break;
      default:
        i++;
    }
  }
  return n;
}

/** Splits argument text at top-level commas. Cheap: no values are decoded here. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = skipString(text, i);
      continue;
    }
    if (c === 40 || c === 91 || c === 123) depth++;
    else if (c === 41 || c === 93 || c === 125) depth--;
    else if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const e = text.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
      continue;
    } else if (c === LT && isDecorationStart(text, i)) {
      i = skipDecoration(text, i);
      continue;
    } else if (c === 44 && depth === 0) {
      out.push(text.slice(from, i).trim());
      from = i + 1;
    }
    i++;
  }
  const last = text.slice(from).trim();
  if (last.length > 0 || out.length > 0) out.push(last);
  return out;
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
