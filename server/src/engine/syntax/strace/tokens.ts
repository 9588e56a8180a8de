// strace tokens. Coarse on purpose: a whole argument list is one token and whole non-call lines are one token,
// so a typical line lexes to 5-8 tokens. Arguments are decoded later, and only for syscalls the model needs.
import { createToken, Lexer, type CustomPatternMatcherFunc, type TokenType } from 'chevrotain';
import { atLineStart, lineEnd, scanArgs, scanParenGroup, scanRetVal } from './scan.js';

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

const PRINTABLE: string[] = [];
for (let c = 33; c < 127; c++) PRINTABLE.push(String.fromCharCode(c));

// ---------------- every mode ----------------
export const Newline = createToken({ name: 'Newline', pattern: /\r?\n/, line_breaks: true });
const NewlinePop = createToken({ name: 'NewlineEnd', pattern: /\r?\n/, line_breaks: true, pop_mode: true, categories: [Newline] });
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
export const PidBracket = createToken({ name: 'PidBracket', pattern: /\[pid +\d+(?:<[^>\n]*>)?\] */, start_chars_hint: ['['] });
export const Clock = createToken({ name: 'Clock', pattern: /\d\d:\d\d:\d\d(?:\.\d+)? */ });
export const Decimal = createToken({ name: 'Decimal', pattern: /\d+\.\d+ */ });
/** A bare pid (`-f -o FILE`), possibly with `<comm>` (-Y). */
export const Int = createToken({ name: 'Int', pattern: /\d+(?:<[^>\n]*>)? */ });
export const RelParen = createToken({ name: 'RelParen', pattern: /\(\+ *\d+\.\d+\) */ });
export const SyscallNo = createToken({ name: 'SyscallNo', pattern: /\[ *\d+\] */ });
export const CallHead = createToken({ name: 'CallHead', pattern: /[A-Za-z_][A-Za-z0-9_]*\(/, push_mode: 'args' });
export const Resumed = createToken({ name: 'Resumed', pattern: /<\.\.\. [A-Za-z_0-9]+ resumed>/, push_mode: 'args' });
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

// ---------------- args mode: everything between '(' and the closing ')' ----------------
export const Unfinished = createToken({ name: 'Unfinished', pattern: / *<unfinished \.\.\.> */, pop_mode: true, push_mode: 'result', start_chars_hint: [' ', '<'] });
export const Detached = createToken({ name: 'Detached', pattern: / *<detached \.\.\.> */, pop_mode: true, push_mode: 'result', start_chars_hint: [' ', '<'] });
export const ArgsText = createToken({
  name: 'ArgsText',
  pattern: matcher((text, offset) => scanArgs(text, offset)),
  start_chars_hint: PRINTABLE,
  line_breaks: false,
});
export const RParen = createToken({ name: 'RParen', pattern: /\) */, pop_mode: true, push_mode: 'result' });

// ---------------- result mode: `= RET [ERRNO (text)] [(aux)...] [<duration>]` ----------------
export const Equals = createToken({ name: 'Equals', pattern: /= */ });
export const RetVal = createToken({
  name: 'RetVal',
  pattern: matcher((text, offset) => skipSpaces(text, scanRetVal(text, offset), offset)),
  start_chars_hint: ['?', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  line_breaks: false,
});
export const ErrName = createToken({ name: 'ErrName', pattern: /E[A-Z0-9_]+ */ });
export const Aux = createToken({
  name: 'Aux',
  pattern: matcher((text, offset) => (text.charCodeAt(offset) === 40 ? skipSpaces(text, scanParenGroup(text, offset), offset) : -1)),
  start_chars_hint: ['('],
  line_breaks: false,
});
export const Duration = createToken({ name: 'Duration', pattern: /<\d+(?:\.\d+)?> */ });
export const Unavailable = createToken({ name: 'Unavailable', pattern: /<unavailable> */ });
export const CloseAfterUnfinished = createToken({ name: 'CloseAfterUnfinished', pattern: /\) */ });

const lineMode: TokenType[] = [
  StackFrame, DumpLine, WS, Newline, PidBracket, ProcessMsg, SyscallNo, Clock, Decimal, Int, RelParen,
  StraceMsg, CallHead, Resumed, SignalLine, ExitLine, Comment, Elision,
];
const argsMode: TokenType[] = [NewlinePop, WS, Unfinished, Detached, RParen, ArgsText];
const resultMode: TokenType[] = [NewlinePop, WS, Equals, RetVal, ErrName, Aux, Duration, Unavailable, CloseAfterUnfinished];

export const allTokens: TokenType[] = [...new Set([...lineMode, ...argsMode, ...resultMode, NewlinePop])];

export function createStraceLexer(): Lexer {
  return new Lexer(
    { modes: { line: lineMode, args: argsMode, result: resultMode }, defaultMode: 'line' },
    { positionTracking: 'onlyOffset', ensureOptimizations: true, skipValidations: false },
  );
}
