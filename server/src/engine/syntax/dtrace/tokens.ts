// dtruss tokens. A trace line is `[cols] [pid/tid:] [cols] NAME(args)\t\t = RET ERR`: the argument list is one
// token (found from the right, because `%S` strings may hold anything) and the result is one token. Lines that
// are not trace lines (program output, `dtrace:` messages, ustack frames, D script dumps) are one `Other` token.
import { createToken, Lexer, type CustomPatternMatcherFunc, type TokenType } from 'chevrotain';
import { ANY_START } from '../kdump/tokens.js';
import { atLineStart, lineEnd } from '../strace/scan.js';

function matcher(scan: (text: string, offset: number) => number): CustomPatternMatcherFunc {
  return (text, offset) => {
    const end = scan(text, offset);
    return end > offset ? [text.substring(offset, end)] : null;
  };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * Checks `= RET ERR` from `k` (on '=') to `e`: RET is `-?\d+` or `0x[0-9A-F]+`, ERR is `0`, an errno number or
 * `Err#N`. Returns true when the whole tail fits.
 */
export function isResult(text: string, k: number, e: number): boolean {
  if (text.charCodeAt(k) !== 61) return false;
  let i = k + 1;
  while (i < e && isBlank(text.charCodeAt(i))) i++;
  const r0 = i;
  if (text.charCodeAt(i) === 48 && (text.charCodeAt(i + 1) | 32) === 120) {
    i += 2;
    const h0 = i;
    while (i < e && isHex(text.charCodeAt(i))) i++;
    if (i === h0) return false;
  } else {
    if (text.charCodeAt(i) === 45) i++;
    const d0 = i;
    while (i < e && isDigit(text.charCodeAt(i))) i++;
    if (i === d0) return false;
  }
  if (i === r0 || i >= e || !isBlank(text.charCodeAt(i))) return false;
  while (i < e && isBlank(text.charCodeAt(i))) i++;
  if (text.startsWith('Err#', i)) i += 4;
  if (text.charCodeAt(i) === 45) i++;
  const d0 = i;
  while (i < e && isDigit(text.charCodeAt(i))) i++;
  if (i === d0) return false;
  while (i < e && isBlank(text.charCodeAt(i))) i++;
  return i === e;
}

/**
 * The argument text from `offset` (after the '(') to the ')' that precedes the result. Searches from the right:
 * the last '=' whose tail is a valid result, then the ')' before the blanks before it. Without a result, up to
 * the last ')' of the line (or the line end).
 */
export function scanDtrussArgs(text: string, offset: number): number {
  const e = lineEnd(text, offset);
  let k = text.lastIndexOf('=', e - 1);
  while (k >= offset) {
    if (isResult(text, k, e)) {
      let j = k - 1;
      while (j >= offset && isBlank(text.charCodeAt(j))) j--;
      if (j >= offset && text.charCodeAt(j) === 41) return j;
      break;
    }
    k = k > offset ? text.lastIndexOf('=', k - 1) : -1;
  }
  const p = text.lastIndexOf(')', e - 1);
  return p >= offset ? p : e;
}

// ---------------- every mode ----------------
export const Newline = createToken({ name: 'Newline', pattern: /\r?\n/, line_breaks: true });
const NewlinePop = createToken({ name: 'NewlineEnd', pattern: /\r?\n/, line_breaks: true, pop_mode: true, categories: [Newline] });

// ---------------- line mode ----------------
/** `\tPID/THRD  RELATIVE  ELAPSD    CPU SYSCALL(args) \t\t = return` and its variants. */
export const HeaderLine = createToken({
  name: 'HeaderLine',
  pattern: matcher((text, offset) => {
    if (!atLineStart(text, offset)) return -1;
    const e = lineEnd(text, offset);
    let i = offset;
    while (i < e && isBlank(text.charCodeAt(i))) i++;
    const c = text.charCodeAt(i);
    if (c !== 80 && c !== 83 && c !== 69 && c !== 82 && c !== 67) return -1; // P S E R C
    const s = text.indexOf('SYSCALL(args)', i);
    return s >= 0 && s < e ? e : -1;
  }),
  start_chars_hint: [' ', '\t', 'P', 'S', 'E', 'R', 'C'],
  line_breaks: false,
});
/** `%6d/%d:  ` (Solaris, FreeBSD) or `%5d/0x%x:  ` (macOS). */
export const PidTid = createToken({ name: 'PidTid', pattern: /[ \t]*\d+\/(?:0x[0-9a-fA-F]+|\d+):[ \t]*/ });
/** A RELATIVE/ELAPSD/CPU column (`%8d `; the fork clauses print `%8d:  `). */
export const Column = createToken({ name: 'Column', pattern: /[ \t]*\d+:?[ \t]+/ });
export const WS = createToken({ name: 'WS', pattern: /[ \t]+/, group: Lexer.SKIPPED });
export const CallHead = createToken({ name: 'CallHead', pattern: /[A-Za-z_][A-Za-z0-9_]*\(/, push_mode: 'args' });
export const Other = createToken({
  name: 'Other',
  pattern: matcher((text, offset) => lineEnd(text, offset)),
  start_chars_hint: ANY_START,
  line_breaks: false,
});

// ---------------- args mode ----------------
export const ArgsText = createToken({
  name: 'ArgsText',
  pattern: matcher(scanDtrussArgs),
  start_chars_hint: ANY_START,
  line_breaks: false,
});
export const RParen = createToken({ name: 'RParen', pattern: /\)[ \t]*/, pop_mode: true, push_mode: 'result' });

// ---------------- result mode ----------------
export const Result = createToken({
  name: 'Result',
  pattern: matcher((text, offset) => {
    const e = lineEnd(text, offset);
    return isResult(text, offset, e) ? e : -1;
  }),
  start_chars_hint: ['='],
  line_breaks: false,
});
/** Whatever follows the ')' when it is not a result. */
export const Trailer = createToken({
  name: 'Trailer',
  pattern: matcher((text, offset) => lineEnd(text, offset)),
  start_chars_hint: ANY_START,
  line_breaks: false,
});

const lineMode: TokenType[] = [Newline, HeaderLine, PidTid, Column, WS, CallHead, Other];
const argsMode: TokenType[] = [NewlinePop, RParen, ArgsText];
const resultMode: TokenType[] = [NewlinePop, Result, Trailer];

export const allTokens: TokenType[] = [...new Set([...lineMode, ...argsMode, ...resultMode, NewlinePop])];

export function createDtrussLexer(): Lexer {
  return new Lexer(
    { modes: { line: lineMode, args: argsMode, result: resultMode }, defaultMode: 'line' },
    { positionTracking: 'onlyOffset', ensureOptimizations: true, skipValidations: false },
  );
}
