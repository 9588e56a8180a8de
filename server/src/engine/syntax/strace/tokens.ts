// strace tokens. Coarse on purpose: a line that is one finished call (most lines) is a single CallLine token,
// read in one pass; the other lines lex to a leader, the call with its arguments, the result, and whole-line
// tokens for signals, exits and notes. Arguments are decoded later, and only for syscalls the model needs.
import { createToken, Lexer, type CustomPatternMatcherFunc, type TokenType } from 'chevrotain';
import { atLineStart, callOpenAt, COMMAS, lineEnd, resumedAt, scanArgs, scanCallLine, scanLeader, scanResult, type CallLineScan, type LeaderInfo, type ResultInfo } from './scan.js';

/** Wraps a scanner returning an end offset into a Chevrotain custom pattern. */
function matcher(scan: (text: string, offset: number) => number): CustomPatternMatcherFunc {
  return (text, offset) => {
    const end = scan(text, offset);
    return end > offset ? [text.substring(offset, end)] : null;
  };
}

function restOfLine(prefix: string, requireLineStart = false): CustomPatternMatcherFunc {
  return matcher((text, offset) => {
    if (!text.startsWith(prefix, offset)) return -1;
    if (requireLineStart && !atLineStart(text, offset)) return -1;
    return lineEnd(text, offset);
  });
}

/** Whitespace after a token belongs to it: fewer tokens per line is most of the lexer's speed. */
function skipSpaces(text: string, end: number, start: number): number {
  if (end <= start) return end;
  while (text.charCodeAt(end) === 32) end++;
  return end;
}


// ---------------- every mode ----------------
export const Newline = createToken({ name: 'Newline', pattern: /\r?\n/, line_breaks: true });
export const WS = createToken({ name: 'WS', pattern: /[ \t]+/, group: Lexer.SKIPPED });

// ---------------- line mode: the leader and the non-call lines ----------------
/** ` > /usr/lib/libc.so.6(_exit+0x1d) [0xdb44d]` (-k stack frames) */
export const StackFrame = createToken({
  name: 'StackFrame',
  pattern: matcher((text, offset) => {
    if (!atLineStart(text, offset)) return -1;
    let i = offset;
    while (text.charCodeAt(i) === 32) i++;
    return text.charCodeAt(i) === 62 && text.charCodeAt(i + 1) === 32 ? lineEnd(text, i) : -1;
  }),
  start_chars_hint: [' ', '>'],
  line_breaks: false,
});
/** ` | 00000  68 65 6c 6c 6f  hello |` (-e read=/write= dumps) */
export const DumpLine = createToken({
  name: 'DumpLine',
  pattern: matcher((text, offset) => {
    if (!atLineStart(text, offset)) return -1;
    let i = offset;
    while (text.charCodeAt(i) === 32) i++;
    return text.charCodeAt(i) === 124 && text.charCodeAt(i + 1) === 32 ? lineEnd(text, i) : -1;
  }),
  start_chars_hint: [' ', '|'],
  line_breaks: false,
});
/**
 * A whole line that is one finished call: `[leader] name(args) = result`. Its payload (a CallLineScan) holds
 * everything the parser needs, so the commonest line costs one token and no re-scan.
 */
export const CallLine = createToken({
  name: 'CallLine',
  pattern: (text, offset) => {
    if (!atLineStart(text, offset)) return null;
    const scan = scanCallLine(text, offset);
    if (scan === undefined) return null;
    const m = [text.substring(offset, scan.end)] as unknown as RegExpExecArray & { payload: CallLineScan };
    m.payload = scan;
    return m;
  },
  start_chars_hint: [' ', '[', ...'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_'],
  line_breaks: false,
});
/**
 * The whole line leader (pid prefix, timestamps, syscall number) as one token, decoded while it is scanned:
 * its payload is a LeaderInfo.
 */
export const Leader = createToken({
  name: 'Leader',
  pattern: (text, offset) => {
    if (!atLineStart(text, offset)) return null;
    const info: LeaderInfo = { pid: undefined, time: undefined };
    const end = scanLeader(text, offset, info);
    if (end <= offset) return null;
    const m = [text.substring(offset, end)] as unknown as RegExpExecArray & { payload: LeaderInfo };
    m.payload = info;
    return m;
  },
  start_chars_hint: [' ', '[', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  line_breaks: false,
});
/**
 * A whole call up to and including its closing parenthesis: `name(args)`. When the line stops before the
 * parenthesis (`<unfinished ...>`, a cut-off or hard-wrapped line) the token ends with the arguments.
 * payload: true when the parenthesis closed.
 */
export const Call = createToken({
  name: 'Call',
  pattern: (text, offset) => {
    const open = callOpenAt(text, offset);
    return open < 0 ? null : callTail(text, offset, open + 1);
  },
  start_chars_hint: [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_'],
  line_breaks: false,
});
/** `<... name resumed>` and the rest of the arguments, like Call. */
export const Resumed = createToken({
  name: 'Resumed',
  pattern: (text, offset) => {
    const close = resumedAt(text, offset);
    return close < 0 ? null : callTail(text, offset, close + 9);
  },
  start_chars_hint: ['<'],
  line_breaks: false,
});


/** The token from `offset` to the end of the arguments that start at `argsStart` (their commas are not kept). */
function callTail(text: string, offset: number, argsStart: number): RegExpExecArray | null {
  const commas = COMMAS.n;
  const argsEnd = scanArgs(text, argsStart);
  COMMAS.n = commas;
  const closed = text.charCodeAt(argsEnd) === 41;
  const end = closed ? skipSpaces(text, argsEnd + 1, argsEnd) : argsEnd;
  const m = [text.substring(offset, end)] as unknown as RegExpExecArray & { payload: boolean };
  m.payload = closed;
  return m;
}

export const SignalLine = createToken({ name: 'SignalLine', pattern: restOfLine('--- '), start_chars_hint: ['-'], line_breaks: false });
export const ExitLine = createToken({ name: 'ExitLine', pattern: restOfLine('+++ '), start_chars_hint: ['+'], line_breaks: false });
export const StraceMsg = createToken({ name: 'StraceMsg', pattern: restOfLine('strace: '), start_chars_hint: ['s'], line_breaks: false });
export const ProcessMsg = createToken({ name: 'ProcessMsg', pattern: restOfLine('[ Process PID='), start_chars_hint: ['['], line_breaks: false });
/** `# strace -f ...` command lines kept at the top of pasted traces. */
export const Comment = createToken({ name: 'Comment', pattern: restOfLine('#', true), start_chars_hint: ['#'], line_breaks: false });
/** A line holding only `...`: an elision made by whoever pasted the trace. */
export const Elision = createToken({
  name: 'Elision',
  pattern: matcher((text, offset) => {
    if (!text.startsWith('...', offset)) return -1;
    const e = lineEnd(text, offset);
    return text.slice(offset + 3, e).trim() === '' ? e : -1;
  }),
  start_chars_hint: ['.'],
  line_breaks: false,
});

export const Unfinished = createToken({ name: 'Unfinished', pattern: /<unfinished \.\.\.> */ });
export const Detached = createToken({ name: 'Detached', pattern: /<detached \.\.\.> */ });
/** `name(args <unfinished ...>) = ?`: the parenthesis strace prints after an unfinished call whose tracee vanished. */
export const CloseAfterUnfinished = createToken({ name: 'CloseAfterUnfinished', pattern: /\) */ });

/** The whole result tail `= RET [ERRNO] [(aux)...] [<unavailable>] [<secs>]` as one token; payload: a ResultInfo. */
export const Result = createToken({
  name: 'Result',
  pattern: (text, offset) => {
    const info = scanResult(text, offset);
    if (info === undefined) return null;
    const m = [text.substring(offset, info.end)] as unknown as RegExpExecArray & { payload: ResultInfo };
    m.payload = info;
    return m;
  },
  start_chars_hint: ['='],
  line_breaks: false,
});

// One mode: the coarse tokens cannot be confused with each other, so no lexer modes need switching per line.
export const allTokens: TokenType[] = [
  CallLine, StackFrame, DumpLine, Leader, WS, Newline, ProcessMsg, StraceMsg, Call, Resumed, Unfinished, Detached, Result,
  CloseAfterUnfinished, SignalLine, ExitLine, Comment, Elision,
];

export function createStraceLexer(): Lexer {
  return new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true, skipValidations: false });
}
