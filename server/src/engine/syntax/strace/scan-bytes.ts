// The fast lane's line scanner over the bytes a chunk was decoded from. On these machines indexing a Uint8Array
// runs about 2.5 times as fast as charCodeAt on the decoded string (the same scanner, both ways: 350 vs 140 MB/s),
// and a one-line call is most of a trace. It reads the common forms only; on anything else it gives up (undefined)
// and the string scanner (scan.ts) reads the line, so what a line yields never depends on which scanner read it
// (test/syntax/strace-scan-bytes.test.ts compares them on every line of every trace we have, and on mutated ones).
// Offsets are the string's: the caller passes bytes only when each byte decoded to one character (ASCII), and
// only bytes that end with a line break, which stops every loop here before the end (none tests for it).
import { COMMAS, isBlankChar, isDigit, pushComma, scanResult, type CallLineScan, type ResultInfo, type SplitLineScan } from './scan.js';

const NL = 10;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const LT = 60;
const GT = 62;

/** Characters that end, nest, quote or split something inside an argument list (as scan.ts's SPECIAL). */
const SPECIAL = new Uint8Array(256);
for (const ch of '"()[]{}\n\r</,') SPECIAL[ch.charCodeAt(0)] = 1;

/** What the leader held (the string scanner's LeaderInfo), set by leaderEnd. */
let pid: number | undefined;
let time: number | undefined;

/**
 * `text`'s line at `offset` as one finished call, read from `b` (text's bytes, one per character); null when it is
 * surely none (scanCallLine would say so too: a half of a split call, mostly); undefined when the line is anything
 * else this scanner does not read, which scanCallLine then reads. Fills `into` as scanCallLine does, and keeps the
 * commas in COMMAS.
 */
export function scanCallLineBytes(b: Uint8Array, text: string, offset: number, into: CallLineScan): CallLineScan | null | undefined {
  const i = leaderEnd(b, offset);
  if (i < 0) return undefined;
  // The leader read as the string scanner reads it: where it ends, no name means no call (`<... name resumed>`).
  const open = nameEnd(b, i);
  if (open < 0) return null;
  const commaFrom = COMMAS.n;
  const close = argsEnd(b, open + 1);
  if (close < 0) {
    COMMAS.n = commaFrom;
    return close === UNFINISHED ? null : undefined;
  }
  let r = close + 1;
  while (b[r] === SPACE) r++;
  const result = resultOf(b, text, r, into.result);
  if (result === undefined || !atLineEnd(b, result.end)) {
    COMMAS.n = commaFrom;
    return undefined;
  }
  into.pid = pid;
  into.time = time;
  into.nameStart = i;
  into.open = open;
  into.close = close;
  into.commaFrom = commaFrom;
  into.commaCount = COMMAS.n - commaFrom;
  into.end = result.end;
  return into;
}

/**
 * The line at `offset` as one half of a split call (`name(args <unfinished ...>` or `<... name resumed>args) =
 * result`), read from `b` as scanSplitLine reads `text`; undefined when this scanner cannot tell, and scanSplitLine
 * then reads the line. Keeps no commas.
 */
export function scanSplitLineBytes(b: Uint8Array, text: string, offset: number, into: SplitLineScan): SplitLineScan | undefined {
  const i = leaderEnd(b, offset);
  if (i < 0) return undefined;
  const commas = COMMAS.n;
  let end: number;
  if (b[i] === LT) {
    // `<... name resumed>`: the first ` resumed>` of the line, within 80 characters.
    if (b[i + 1] !== 46 || b[i + 2] !== 46 || b[i + 3] !== 46 || b[i + 4] !== SPACE) return undefined;
    const close = resumedEnd(b, i + 5, i + 80);
    if (close < 0) return undefined;
    const argsEnd = argsEndAt(b, close + 9);
    COMMAS.n = commas;
    if (argsEnd < 0) return undefined;
    let r = argsEnd + 1;
    while (b[r] === SPACE) r++;
    const result = resultOf(b, text, r, into.result);
    if (result === undefined) return undefined;
    end = result.end;
    into.resumed = true;
    into.nameStart = i + 5;
    into.nameEnd = close;
    into.argsStart = close + 9;
    into.argsEnd = argsEnd;
  } else {
    const open = nameEnd(b, i);
    if (open < 0) return undefined;
    const stop = argsEnd(b, open + 1);
    COMMAS.n = commas;
    // `name(args <unfinished ...>`, the arguments and the mark parted by a blank.
    if (stop !== UNFINISHED || markAt <= open + 1 || b[markAt - 1] !== SPACE) return undefined;
    end = markAt + UNFINISHED_MARK.length;
    while (b[end] === SPACE) end++;
    into.resumed = false;
    into.nameStart = i;
    into.nameEnd = open;
    into.argsStart = open + 1;
    into.argsEnd = markAt - 1;
  }
  if (!atLineEnd(b, end)) return undefined;
  into.pid = pid;
  into.time = time;
  into.headStart = i;
  into.end = end;
  return into;
}

const RESUMED = bytesOf(' resumed>');

/** Where the first ` resumed>` at or after `i` starts, if it starts before `limit` and the line's end; else -1. */
function resumedEnd(b: Uint8Array, i: number, limit: number): number {
  for (; i <= limit; i++) {
    const c = b[i];
    if (c === NL) return -1;
    if (c !== SPACE) continue;
    let k = 1;
    while (k < RESUMED.length && b[i + k] === RESUMED[k]) k++;
    if (k === RESUMED.length) return i;
  }
  return -1;
}

/** argsEnd, for the arguments after `<... name resumed>`: the ')' that closes them, or -1 (half a call again too). */
function argsEndAt(b: Uint8Array, i: number): number {
  const close = argsEnd(b, i);
  return close === UNFINISHED ? -1 : close;
}

/** An ASCII string's bytes (the engine uses no Node API: it runs in any JavaScript host). */
function bytesOf(ascii: string): Uint8Array {
  return Uint8Array.from(ascii, (ch) => ch.charCodeAt(0));
}

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

/**
 * Where the call starts after the leader (`N `, `[pid N] `, then `HH:MM:SS[.frac] ` or `SECS.frac `), or at
 * `offset` for a line without one; -1 when the line starts otherwise or with a rarer leader (`-r` after `-t`,
 * `-n`, `-Y`), which the string scanner reads.
 */
function leaderEnd(b: Uint8Array, offset: number): number {
  pid = time = undefined;
  const c0 = b[offset];
  if (isNameStart(c0)) return offset;
  let i = offset;
  while (b[i] === SPACE) i++;
  let any = false;
  let c = b[i];
  if (c === 91 /* [ */) {
    if (b[i + 1] !== 112 || b[i + 2] !== 105 || b[i + 3] !== 100) return -1; // [pid
    let j = i + 4;
    while (b[j] === SPACE) j++;
    const d0 = j;
    let v = 0;
    for (c = b[j]; isDigit(c); c = b[++j]) v = v * 10 + (c - 48);
    if (j === d0 || c !== 93 /* ] */) return -1;
    pid = v;
    i = j + 1;
    while (b[i] === SPACE) i++;
    c = b[i];
    any = true;
  } else if (isDigit(c)) {
    let j = i;
    let v = 0;
    for (; isDigit(c); c = b[++j]) v = v * 10 + (c - 48);
    if (c === SPACE) {
      pid = v;
      i = j;
      while (b[i] === SPACE) i++;
      any = true;
    } else if (c === LT) return -1; // `N<comm>` (-Y)
    c = b[i];
  }
  if (isDigit(c)) {
    let j = i;
    let v = 0;
    for (; isDigit(c); c = b[++j]) v = v * 10 + (c - 48);
    if (c === 58 /* : */) {
      if (j - i !== 2 || b[j + 3] !== 58 || !isDigit(b[j + 1]) || !isDigit(b[j + 2]) || !isDigit(b[j + 4]) || !isDigit(b[j + 5])) return -1;
      const m = (b[j + 1] - 48) * 10 + (b[j + 2] - 48);
      const sec = (b[j + 4] - 48) * 10 + (b[j + 5] - 48);
      j += 6;
      // The string scanner's sum, in its order: the same double to the last bit.
      time = v * 3600 + m * 60 + sec;
      if (b[j] === 46) {
        time += fraction(b, j);
        j = fractionEnd;
        while (isDigit(b[j])) j++;
      }
    } else if (c === 46) {
      let e = j + 1;
      while (isDigit(b[e])) e++;
      if (e === j + 1 || b[e] !== SPACE) return -1;
      time = v + fraction(b, j);
      j = e;
    } else return -1;
    i = j;
    while (b[i] === SPACE) i++;
    c = b[i];
    any = true;
  }
  if (!any || c === 40 /* ( */ || c === 91 /* [ */) return -1;
  return i;
}

/** Where the digits fraction() read end. */
let fractionEnd = 0;

/** The value of `.ddd` at `i` (on the '.'), as scan.ts's fraction() computes it. */
function fraction(b: Uint8Array, i: number): number {
  let v = 0;
  let scale = 1;
  let c = b[++i];
  for (; isDigit(c) && scale < 1e15; c = b[++i]) {
    v = v * 10 + (c - 48);
    scale *= 10;
  }
  fractionEnd = i;
  return v / scale;
}

/** The '(' after a syscall name at `i`, or -1. */
function nameEnd(b: Uint8Array, i: number): number {
  let c = b[i];
  if (!isNameStart(c)) return -1;
  for (c = b[++i]; (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 95; c = b[++i]);
  return c === 40 ? i : -1;
}

/**
 * The ')' that closes the arguments starting at `i`, keeping the top-level commas; UNFINISHED at `<unfinished ...>`;
 * -1 when the line ends first or holds what the string scanner reads better (comments, `<detached ...>`).
 * The bytes end with a line break, which stops every loop here: none needs to test for the end.
 */
function argsEnd(b: Uint8Array, i: number): number {
  let depth = 0;
  for (;;) {
    let c = b[i];
    while (SPECIAL[c] === 0) c = b[++i];
    switch (c) {
      case QUOTE:
        i = stringEnd(b, i + 1);
        if (i < 0) return -1;
        break;
      case 44: // ,
        if (depth === 0) pushComma(i);
        i++;
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
      case LT: {
        const next = b[i + 1];
        // `<unfinished ...>` (the line is half a call), `<detached ...>`.
        if (depth === 0 && (next === 117 || next === 100)) {
          if (!isUnfinished(b, i)) return -1;
          markAt = i;
          return UNFINISHED;
        }
        const p = i > 0 ? b[i - 1] : 0;
        if (((p >= 48 && p <= 57) || (p >= 65 && p <= 90) || p === 95) && next !== SPACE && next !== NL) {
          i = decorationEnd(b, i);
          if (i < 0) return -1;
        } else i++;
        break;
      }
      case 47: // /
        if (b[i + 1] === 42) return -1; // a comment
        i++;
        break;
      case CR:
        if (b[i + 1] === NL) return -1;
        i++;
        break;
      default: // the line break
        return -1;
    }
  }
}

/** What argsEnd returns for a line cut at `<unfinished ...>`; the mark is at `markAt`. */
const UNFINISHED = -2;
let markAt = 0;

const UNFINISHED_MARK = bytesOf('<unfinished ...>');

/** Whether `<unfinished ...>` starts at `i`. */
function isUnfinished(b: Uint8Array, i: number): boolean {
  for (let k = 1; k < UNFINISHED_MARK.length; k++) if (b[i + k] !== UNFINISHED_MARK[k]) return false;
  return true;
}

/** What ends a run of plain characters in a string (the quote, a backslash, the line break). */
const IN_STRING = new Uint8Array(256);
for (const ch of '"\\\n') IN_STRING[ch.charCodeAt(0)] = 1;

/** After the closing quote of a string whose body starts at `i`; -1 when the line ends inside it. */
function stringEnd(b: Uint8Array, i: number): number {
  for (;;) {
    let c = b[i];
    while (IN_STRING[c] === 0) c = b[++i];
    if (c === QUOTE) return i + 1;
    // An escape; a backslash before the line break ends the line (with `\r\n`, at the '\n' after the '\r').
    if (c === NL || b[i + 1] === NL) return -1;
    i += 2;
  }
}

/** What ends a run of plain characters in an fd decoration. */
const IN_DECORATION = new Uint8Array(256);
for (const ch of '<>\\\n') IN_DECORATION[ch.charCodeAt(0)] = 1;

/** After an fd decoration `<...>` (nested ones too) starting at `i`; -1 when the line ends inside it. */
function decorationEnd(b: Uint8Array, i: number): number {
  let depth = 0;
  for (;;) {
    let c = b[i];
    while (IN_DECORATION[c] === 0) c = b[++i];
    if (c === LT) depth++;
    else if (c === GT) {
      if (--depth === 0) return i + 1;
    } else if (c === NL || b[i + 1] === NL) return -1;
    else i++; // a backslash escapes what follows it
    i++;
  }
}

/**
 * The result at `i` (on '='): `= RET[<decoration>] [ERRNO] [<secs>]` read here; with an `(aux)` group,
 * `<unavailable>` or an odd duration, the string scanner's scanResult reads it (it is short).
 */
function resultOf(b: Uint8Array, text: string, start: number, info: ResultInfo): ResultInfo | undefined {
  if (b[start] !== 61 /* = */) return undefined;
  let i = start + 1;
  while (b[i] === SPACE) i++;
  const retAt = i;
  let j = i;
  let c = b[j];
  if (c === 63 /* ? */) j++;
  else {
    if (c === 45 /* - */) j++;
    const d0 = j;
    if (b[j] === 48 && (b[j + 1] | 32) === 120) {
      j += 2;
      for (c = b[j]; (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70); c = b[++j]);
    } else for (c = b[j]; isDigit(c); c = b[++j]);
    if (j === d0) return undefined;
    if (b[j] === LT && b[j + 1] !== 117) {
      j = decorationEnd(b, j);
      if (j < 0) return scanResult(text, start, info);
    }
  }
  info.text = text;
  info.retAt = retAt;
  info.retEnd = j;
  info.err = info.aux = info.duration = undefined;
  info.unavailable = false;
  i = j;
  while (b[i] === SPACE) i++;
  if (b[i] === 69 /* E */) {
    let e = i + 1;
    for (c = b[e]; (c >= 65 && c <= 90) || isDigit(c) || c === 95; c = b[++e]);
    if (e > i + 1) {
      info.err = text.slice(i, e);
      i = e;
      while (b[i] === SPACE) i++;
    }
  }
  c = b[i];
  if (c === 40 /* ( */) return scanResult(text, start, info);
  if (c === LT) {
    if (!isDigit(b[i + 1])) return scanResult(text, start, info);
    let k = i + 1;
    let v = 0;
    for (c = b[k]; isDigit(c); c = b[++k]) v = v * 10 + (c - 48);
    if (k - (i + 1) > 15) return scanResult(text, start, info);
    if (c === 46) {
      v += fraction(b, k);
      k = fractionEnd;
    }
    if (b[k] !== GT) return scanResult(text, start, info);
    info.duration = v;
    i = k + 1;
    while (b[i] === SPACE) i++;
  }
  info.end = i;
  return info;
}

/** Whether `i` is where its line ends: a line break or the end of the bytes. */
function atLineEnd(b: Uint8Array, i: number): boolean {
  return i === b.length || b[i] === NL || (b[i] === CR && b[i + 1] === NL);
}

/** What an io call's arguments hold (lineIoEvent): the fd, the offset (none for read and write), the result. */
export interface IoArgs {
  fd: number;
  offset: number | undefined;
  length: number;
  /** The fd argument, trimmed: where its decoration is. */
  fdStart: number;
  fdEnd: number;
}

export const IO_ARGS: IoArgs = { fd: 0, offset: undefined, length: 0, fdStart: 0, fdEnd: 0 };

/**
 * Reads the arguments of a one-line io call into IO_ARGS, as lineIoEvent reads them from the text (arguments
 * b[open + 1, close) split at the commas at COMMAS.at[commaFrom...], `offArg` the offset's index or -1, the result
 * b[retAt, retEnd)); false when one is no plain decimal, or when a `counted` call (write, pwrite64: its count is
 * argument 2) wrote less than it asked.
 */
export function ioArgsOfBytes(b: Uint8Array, open: number, close: number, commaFrom: number, commaCount: number, retAt: number, retEnd: number, offArg: number, counted: boolean): boolean {
  const commas = COMMAS.at;
  let s0 = open + 1;
  let e0 = commas[commaFrom];
  while (s0 < e0 && isBlankChar(b[s0])) s0++;
  while (e0 > s0 && isBlankChar(b[e0 - 1])) e0--;
  const fd = decimalAt(b, s0, e0);
  const ret = decimalAt(b, retAt, retEnd);
  if (fd < 0 || ret < 0) return false;
  let offset: number | undefined;
  if (offArg >= 0) {
    if (offArg > commaCount) return false;
    let s = commas[commaFrom + offArg - 1] + 1;
    let e = offArg < commaCount ? commas[commaFrom + offArg] : close;
    while (s < e && isBlankChar(b[s])) s++;
    while (e > s && isBlankChar(b[e - 1])) e--;
    offset = decimalAt(b, s, e);
    if (offset < 0) return false;
  }
  // A short write is the handler's: it keeps what the call asked for.
  if (counted) {
    if (commaCount < 2) return false;
    let s = commas[commaFrom + 1] + 1;
    let e = commaCount > 2 ? commas[commaFrom + 2] : close;
    while (s < e && isBlankChar(b[s])) s++;
    while (e > s && isBlankChar(b[e - 1])) e--;
    if (decimalAt(b, s, e) !== ret) return false;
  }
  return ioArgsAre(fd, offset, ret, s0, e0);
}

/** Sets IO_ARGS (true, for the readers to return). */
export function ioArgsAre(fd: number, offset: number | undefined, length: number, fdStart: number, fdEnd: number): true {
  IO_ARGS.fd = fd;
  IO_ARGS.offset = offset;
  IO_ARGS.length = length;
  IO_ARGS.fdStart = fdStart;
  IO_ARGS.fdEnd = fdEnd;
  return true;
}

/** b[a, e) as scan.ts's decimalIn reads it (plain digits, at most 15, maybe an fd decoration after); -1 for anything else. */
function decimalAt(b: Uint8Array, a: number, e: number): number {
  let v = 0;
  let j = a;
  for (; j < e && j - a < 15; j++) {
    const c = b[j];
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
  }
  if (j === a || (j - a > 1 && b[a] === 48)) return -1;
  return j === e || b[j] === LT ? v : -1;
}
