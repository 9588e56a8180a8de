// FUSE daemon debug-log tokens. Coarse on purpose: every record is one whole-line token whose custom matcher
// (a sticky regular expression) also captures its fields as the token's payload, so a line lexes to 1-3 tokens
// and is never scanned twice. Formats: libfuse 2.6-3.18+ (-d / -o debug: request, reply and lib/fuse.c
// high-level lines), go-fuse (rx/tx), OpenBSD's libfuse (Opcode:), fuser (FUSE(n) ino ...). Anything else on a
// line of its own is the filesystem's own output (`Other`), unless it looks like a broken protocol line.
import { createToken, Lexer, type CustomPatternMatcherFunc, type IToken, type TokenType } from 'chevrotain';

type Guard = (text: string, offset: number, tokens: IToken[]) => boolean;

function atLineStart(text: string, offset: number): boolean {
  return offset === 0 || text.charCodeAt(offset - 1) === 10;
}

/** The previous token is `type` and ends right here (a prefix token such as a time stamp). */
function after(type: TokenType): Guard {
  return (_text, offset, tokens) => {
    const last = tokens.length > 0 ? tokens[tokens.length - 1] : undefined;
    return last !== undefined && last.tokenType === type && last.startOffset + last.image.length === offset;
  };
}

const lineStart: Guard = (text, offset) => atLineStart(text, offset);

function anyOf(...guards: Guard[]): Guard {
  return (text, offset, tokens) => guards.some((g) => g(text, offset, tokens));
}

/** A custom pattern from a sticky regular expression; the match array is the token's payload. */
function sticky(re: RegExp, guard: Guard): CustomPatternMatcherFunc {
  if (!re.sticky) throw new Error(`token pattern must be sticky: ${re}`);
  return (text, offset, tokens) => {
    if (!guard(text, offset, tokens)) return null;
    re.lastIndex = offset;
    const m = re.exec(text) as (RegExpExecArray & { payload?: unknown }) | null;
    if (m === null || m[0].length === 0) return null;
    m.payload = m;
    return m;
  };
}

/** Rest of a line: anything up to (not including) '\r\n' or '\n'. */
const REST = String.raw`[^\n\r]*`;
const EOL = String.raw`[ \t]*(?=\r?\n|\r?$)`;

/** Start characters for a token that can begin with anything (one per Chevrotain optimisation bucket above 255). */
const ANY_START: string[] = ['\t'];
for (let c = 32; c < 256; c++) if (c !== 127) ANY_START.push(String.fromCharCode(c));
for (let c = 256; c < 65536; c += 256) ANY_START.push(String.fromCharCode(c));
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export const Newline = createToken({ name: 'Newline', pattern: /\r?\n/, line_breaks: true });

// ---------------- prefixes ----------------
/** go-fuse's Go log prefix: `00:23:16.664574 ` or `2020/05/10 10:16:07[.123456] `. */
export const Stamp = createToken({
  name: 'Stamp',
  pattern: sticky(/(?:(\d{4})\/(\d\d)\/(\d\d) )?(\d\d):(\d\d):(\d\d(?:\.\d+)?) +(?=[rt]x \d)/y, lineStart),
  start_chars_hint: DIGITS,
  line_breaks: false,
});

const PROTOCOL_AHEAD = /(?:dev |cqe )?unique: \d+,/g;

/**
 * Text glued in front of a request line: a shell prompt the daemon's output landed on (`user@host:~$ unique:
 * ...`) or a `> ` quote marker. Only taken when `unique: N,` follows on the line.
 */
export const Glue = createToken({
  name: 'Glue',
  pattern: (text, offset) => {
    if (!atLineStart(text, offset)) return null;
    let end = text.indexOf('\n', offset);
    if (end < 0) end = text.length;
    const line = text.slice(offset, end);
    if (line.indexOf('unique: ') <= 0) return null;
    PROTOCOL_AHEAD.lastIndex = 0;
    const m = PROTOCOL_AHEAD.exec(line);
    if (m === null || m.index === 0) return null;
    const prefix = line.slice(0, m.index);
    if (prefix.trim().length === 0) return null; // indentation: a reply line
    return [prefix];
  },
  start_chars_hint: ANY_START,
  line_breaks: false,
});

// ---------------- libfuse low level (lib/fuse_lowlevel.c) ----------------
/** `[dev |cqe ]unique: 4, opcode: WRITE (16), nodeid: 2, insize: 4176[, pid: 0]` */
export const Request = createToken({
  name: 'Request',
  pattern: sticky(
    new RegExp(String.raw`(dev |cqe )?unique: (\d+), opcode: ([A-Za-z_0-9?]+) \((\d+)\), nodeid: (\d+), insize: (\d+)(?:, pid: (\d+))?` + EOL, 'y'),
    anyOf(lineStart, after(Glue)),
  ),
  start_chars_hint: ['d', 'c', 'u'],
  line_breaks: false,
});

/** `   unique: 4, success, outsize: 24[ (splice)]`, `   unique: 6, error: -2 (No such file or directory), outsize: 16` */
export const Reply = createToken({
  name: 'Reply',
  pattern: sticky(
    new RegExp(String.raw` *unique: (\d+), (?:(success)|error: (-?\d+) \(([^\n\r]*?)\)), outsize: (\d+)( \(splice\))?` + EOL, 'y'),
    anyOf(lineStart, after(Glue)),
  ),
  start_chars_hint: [' ', 'u'],
  line_breaks: false,
});

// ---------------- libfuse high level (lib/fuse.c, printed with -d between a request and its reply) ----------------
/** `write[5] 4096 bytes to 0 flags: 0x8001`, `writepage[5] ...`, `read[5] 8192 bytes from 0 flags: 0x8002` */
export const HlIo = createToken({
  name: 'HlIo',
  pattern: sticky(new RegExp(String.raw`(write|writepage|read)\[(\d+|NULL)\] (\d+) bytes (?:to|from) (\d+) flags: 0x([0-9a-fA-F]+)` + EOL, 'y'), lineStart),
  start_chars_hint: ['w', 'r'],
  line_breaks: false,
});

/** Reply side: `   write[5] 4096 bytes to 0`, `   read[5] 4096 bytes from 0` (bytes actually written/read). */
export const HlIoReply = createToken({
  name: 'HlIoReply',
  pattern: sticky(new RegExp(String.raw` +(write|writepage|read)\[(\d+|NULL)\] (\d+) bytes (?:to|from) (\d+)` + EOL, 'y'), lineStart),
  start_chars_hint: [' '],
  line_breaks: false,
});

/** Reply side of LOOKUP/CREATE/MKNOD/MKDIR/SYMLINK/LINK: `   NODEID: 2`. */
export const HlNodeId = createToken({
  name: 'HlNodeId',
  pattern: sticky(new RegExp(String.raw` +NODEID: (\d+)` + EOL, 'y'), lineStart),
  start_chars_hint: [' '],
  line_breaks: false,
});

/** Reply side of create/open/opendir: `   create[5] flags: 0x8242 /file.bin` (the new file handle). */
export const HlOpened = createToken({
  name: 'HlOpened',
  pattern: sticky(new RegExp(String.raw` +(create|open|opendir)\[(-?\d+)\] flags: 0x([0-9a-fA-F]+) (${REST})`, 'y'), lineStart),
  start_chars_hint: [' '],
  line_breaks: false,
});

/**
 * Every other request-side high-level line lib/fuse.c prints, recognised by its first word (decoded later
 * from the payload: [1] the word, [2] the `[fh]` part without brackets, [3] the rest of the line).
 */
const HL_WORDS = [
  'LOOKUP', 'LOOKUP-DOT', 'LOOKUP-DOTDOT', 'FORGET', 'getattr', 'fgetattr', 'chmod', 'chown', 'truncate', 'ftruncate', 'utimens', 'utime',
  'open', 'create', 'flush', 'release', 'release\\+flush', 'fsync', 'fsyncdir', 'opendir', 'readdir', 'readdirplus', 'releasedir',
  'getdir', 'statfs', 'rename', 'unlink', 'rmdir', 'symlink', 'link', 'access', 'readlink', 'mknod', 'mkdir', 'setxattr', 'getxattr',
  'listxattr', 'removexattr', 'bmap', 'ioctl', 'poll', 'fallocate', 'copy_file_range', 'lseek', 'lock', 'flock', 'syncfs', 'statx',
];
export const HlOp = createToken({
  name: 'HlOp',
  pattern: sticky(new RegExp(String.raw`(${HL_WORDS.join('|')})(?:\[([^\]\n\r]*)\])?(?:(?: |: )(${REST}))?(?=\r?\n|\r?$)`, 'y'), lineStart),
  start_chars_hint: [...new Set(HL_WORDS.map((w) => w[0]))],
  line_breaks: false,
});

/** `NOTIFY: code=2 length=32` (a notification the filesystem sent, unique 0). */
export const Notify = createToken({
  name: 'Notify',
  pattern: sticky(new RegExp(String.raw`NOTIFY: code=(-?\d+) length=(\d+)` + EOL, 'y'), lineStart),
  start_chars_hint: ['N'],
  line_breaks: false,
});

// ---------------- other implementations ----------------
/** go-fuse request: `rx 4: WRITE n2 {Fh 1 [0 +4096) CACHE L 0 RDWR}"abc..." 4096b p0` (old: `i2`, no pid). */
export const GoRx = createToken({
  name: 'GoRx',
  pattern: sticky(new RegExp(String.raw`rx (\d+): ([A-Za-z_0-9?]+) [ni](\d+)(${REST}?)(?: p(\d+))?` + EOL, 'y'), anyOf(lineStart, after(Stamp))),
  start_chars_hint: ['r'],
  line_breaks: false,
});

/** go-fuse reply: `tx 4:     OK, {4096b }`, `tx 3:     2=no such file or directory`. */
export const GoTx = createToken({
  name: 'GoTx',
  pattern: sticky(new RegExp(String.raw`tx (\d+): +(OK|-?\d+=[^,\n\r]*|[A-Z_]+)(?:, ?(${REST}))?`, 'y'), anyOf(lineStart, after(Stamp))),
  start_chars_hint: ['t'],
  line_breaks: false,
});

/**
 * OpenBSD's libfuse (lib/libfuse): `Opcode: readdir\tInode: 1\tOffset: 0\tSize: 4096\t/` (fuse_ops.c), and the
 * newer low-level `read       inode: 2\tpid: 77\tsize: 4096\toffset: 0\t` (fuse_session.c).
 */
export const BsdOp = createToken({
  name: 'BsdOp',
  pattern: sticky(new RegExp(String.raw`(?:Opcode: ([a-z_0-9]+)\t?|([a-z_0-9]+) *(?=[Ii]node: |Kernel: ))(${REST})`, 'y'), lineStart),
  start_chars_hint: ['O', ...'abcdefghijklmnopqrstuvwxyz'],
  line_breaks: false,
});

/** fuser (Rust): `FUSE(  2) ino 0x0000000000000001: LOOKUP name "foo"`, after any logger prefix. */
export const FuserReq = createToken({
  name: 'FuserReq',
  pattern: sticky(new RegExp(String.raw`[^\n\r]*?FUSE\( *(\d+)\) ino 0x([0-9a-fA-F]+):? ([A-Z_0-9]+)(${REST})`, 'y'), lineStart),
  start_chars_hint: ANY_START,
  line_breaks: false,
});

/** Something that should have been a protocol line (so it must not be accepted as the filesystem's own text). */
const BROKEN_PROTOCOL = /^(?:[^\n\r]*[$#>] )?(?:dev |cqe )?unique: \d|^ *unique: |^(?:\S+ )?(?:\d\d:\d\d:\d\d\S* )?[rt]x \d+:|^Opcode: /;

/** Any other line: the filesystem's own logging, INIT negotiation, version banners, shell commands. */
export const Other = createToken({
  name: 'Other',
  pattern: (text, offset) => {
    if (!atLineStart(text, offset)) return null;
    let end = text.indexOf('\n', offset);
    if (end < 0) end = text.length;
    if (end > offset && text.charCodeAt(end - 1) === 13) end--;
    if (end === offset) return null;
    const line = text.slice(offset, end);
    if ((line.indexOf('unique: ') >= 0 || line.indexOf('x ') >= 0 || line.startsWith('Opcode: ')) && BROKEN_PROTOCOL.test(line)) return null;
    return [line];
  },
  start_chars_hint: ANY_START,
  line_breaks: false,
});

export const allTokens: TokenType[] = [
  Newline, Stamp, Request, Reply, HlIo, HlIoReply, HlNodeId, HlOpened, BsdOp, HlOp, Notify, GoRx, GoTx, FuserReq, Glue, Other,
];

export function createFuseLexer(): Lexer {
  return new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true, skipValidations: false });
}
