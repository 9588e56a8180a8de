// kdump tokens. Coarse: a record line is three tokens (header, record type, payload), a continuation line (GIO
// data, STRU arrays, OpenBSD ARGS/ENV) is one, and anything else is one `Junk` token. The header matcher finds
// the record type by its exact spacing, because the command name may contain spaces and be longer than 8.
import { createToken, Lexer, type CustomPatternMatcherFunc, type TokenType } from 'chevrotain';
import { atLineStart, lineEnd } from '../strace/scan.js';

function matcher(scan: (text: string, offset: number) => number): CustomPatternMatcherFunc {
  return (text, offset) => {
    const end = scan(text, offset);
    return end > offset ? [text.substring(offset, end)] : null;
  };
}

/** Every possible first character (one per 256-code bucket above Latin-1, which is how Chevrotain indexes them). */
export const ANY_START: string[] = [];
for (let c = 0; c < 256; c++) if (c !== 10) ANY_START.push(String.fromCharCode(c));
for (let c = 256; c < 65536; c += 256) ANY_START.push(String.fromCharCode(c));

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Record types of FreeBSD, OpenBSD and NetBSD kdump (the 3-letter ones are printed `"%s  "` or padded to 4). */
const TYPES = new Set([
  'CALL', 'RET', 'NAMI', 'GIO', 'PSIG', 'CSW', 'USER', 'STRU', 'SCTL', 'CAP', 'PFLT', 'PRET', 'EMUL', 'ARGS', 'ENV',
  'PLDG', 'STRT', 'PINS', 'MISC', 'MMSG', 'MOOL', 'ARG', 'SAU', 'MIB',
]);

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

/**
 * If a record type starts at `k` (`CALL  `, `RET   `, `ENV  `, `UNKNOWN(12)  `), returns where its payload starts
 * (after the two spaces and an optional `-A` ABI column like `F64  `); else -1. A type at the line end (an empty
 * payload) also counts.
 */
export function typeEnd(text: string, k: number, end: number): number {
  let j = k;
  while (j < end && j < k + 4 && isUpper(text.charCodeAt(j))) j++;
  const len = j - k;
  if (len === 4 && text.startsWith('UNKNOWN(', k)) {
    j = k + 8;
    while (j < end && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
    if (text.charCodeAt(j) !== 41) return -1;
    j++;
  } else {
    if (len < 3) return -1;
    if (len === 4 && j < end && isUpper(text.charCodeAt(j))) return -1;
    if (!TYPES.has(text.slice(k, j))) return -1;
  }
  // Two spaces (a 3-letter type padded to 4 has three), or the end of the line.
  if (j >= end) return end;
  if (text.charCodeAt(j) !== 32 || (j + 1 < end && text.charCodeAt(j + 1) !== 32)) return -1;
  // A type followed by one space and the line end (`RET `) has an empty payload: never step onto the next line.
  j = Math.min(j + 2, end);
  while (j < end && text.charCodeAt(j) === 32) j++;
  // -A: "F64  ", "L32  ", "U00  "
  const a = text.charCodeAt(j);
  if ((a === 70 || a === 76 || a === 67 || a === 85) && /^(?:64|32|00) {2}/.test(text.slice(j + 1, j + 5))) j += 5;
  return j;
}

/**
 * The header `%6d [%6d] %-8.*s [stamps] ` (or OpenBSD `%6d/%-7d %-8.*s `), up to the record type. Returns the
 * type's offset, or -1 when the line is not a record header.
 */
export function scanHeader(text: string, offset: number): number {
  if (!atLineStart(text, offset)) return -1;
  let i = offset;
  while (text.charCodeAt(i) === 32) i++;
  if (i - offset > 5) return -1; // six spaces: a continuation line
  const d0 = i;
  while (text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  if (i === d0) return -1;
  if (text.charCodeAt(i) === 47 /* / */) {
    const t0 = ++i;
    while (text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    if (i === t0) return -1;
  }
  if (text.charCodeAt(i) !== 32) return -1;
  const end = lineEnd(text, i);
  // The command name takes at least one character after the separating space.
  for (let k = i + 2; k < end; k++) {
    if (text.charCodeAt(k - 1) !== 32 || !isUpper(text.charCodeAt(k))) continue;
    if (typeEnd(text, k, end) >= 0) return k;
  }
  return -1;
}

// ---------------- every mode ----------------
export const Newline = createToken({ name: 'Newline', pattern: /\r?\n/, line_breaks: true });
const NewlinePop = createToken({ name: 'NewlineEnd', pattern: /\r?\n/, line_breaks: true, pop_mode: true, categories: [Newline] });

// ---------------- line mode ----------------
/** GIO data (`       "text`, TAB-led wrapped lines, `       0x0000 6865 ...`), STRU array elements, ARGS/ENV items. */
export const Continuation = createToken({
  name: 'Continuation',
  pattern: matcher((text, offset) => {
    if (!atLineStart(text, offset)) return -1;
    const c = text.charCodeAt(offset);
    if (c === 9) return Math.max(offset + 1, lineEnd(text, offset));
    let i = offset;
    while (text.charCodeAt(i) === 32) i++;
    const e = lineEnd(text, offset);
    // Six spaces or more, or a line holding only spaces.
    return i - offset >= 6 || i >= e ? Math.max(e, i) : -1;
  }),
  start_chars_hint: [' ', '\t'],
  line_breaks: false,
});
/** `# kdump -H -T` and similar lines kept by whoever pasted the trace. */
export const Comment = createToken({
  name: 'Comment',
  pattern: matcher((text, offset) => (text.charCodeAt(offset) === 35 && atLineStart(text, offset) ? lineEnd(text, offset) : -1)),
  start_chars_hint: ['#'],
  line_breaks: false,
});
/** `%6jd [%6jd] %-8.*s Events dropped.` (no record type). */
export const Dropped = createToken({
  name: 'Dropped',
  pattern: matcher((text, offset) => {
    if (!atLineStart(text, offset)) return -1;
    const e = lineEnd(text, offset);
    let t = e;
    while (t > offset && text.charCodeAt(t - 1) === 32) t--;
    if (!text.startsWith('Events dropped.', t - 15)) return -1;
    let i = offset;
    while (text.charCodeAt(i) === 32) i++;
    return text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57 ? e : -1;
  }),
  start_chars_hint: [' ', ...DIGITS],
  line_breaks: false,
});
export const Header = createToken({
  name: 'Header',
  pattern: matcher(scanHeader),
  start_chars_hint: [' ', ...DIGITS],
  line_breaks: false,
});
/** The record type with its two spaces (and -A ABI column); only ever reached right after a Header. */
export const RecType = createToken({
  name: 'RecType',
  pattern: matcher((text, offset) => {
    const e = lineEnd(text, offset);
    return typeEnd(text, offset, e);
  }),
  start_chars_hint: ['C', 'R', 'N', 'G', 'P', 'U', 'S', 'E', 'A', 'M'],
  line_breaks: false,
  push_mode: 'payload',
});
/** Anything else: a line that is not kdump output. */
export const Junk = createToken({
  name: 'Junk',
  pattern: matcher((text, offset) => lineEnd(text, offset)),
  start_chars_hint: ANY_START,
  line_breaks: false,
});

// ---------------- payload mode: the rest of a record line ----------------
export const Payload = createToken({
  name: 'Payload',
  pattern: matcher((text, offset) => lineEnd(text, offset)),
  start_chars_hint: ANY_START,
  line_breaks: false,
});

const lineMode: TokenType[] = [Newline, Continuation, Comment, Dropped, Header, RecType, Junk];
const payloadMode: TokenType[] = [NewlinePop, Payload];

export const allTokens: TokenType[] = [...new Set([...lineMode, ...payloadMode, NewlinePop])];

export function createKdumpLexer(): Lexer {
  return new Lexer(
    { modes: { line: lineMode, payload: payloadMode }, defaultMode: 'line' },
    { positionTracking: 'onlyOffset', ensureOptimizations: true, skipValidations: false },
  );
}
