// The fast lane scans a chunk's bytes where it can (scan-bytes.ts) and its string otherwise (scan.ts). These tests
// pin that a line the byte scanner reads gives exactly what the string scanner gives (offsets, commas, pid, time to
// the last bit, the result), on every line of every strace trace here, on a generated one, on hand-made odd lines
// and on lines mutated at every position; and that it does read the common lines (else it would only cost time).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanCallLineBytes, scanSplitLineBytes } from '../../server/src/engine/syntax/strace/scan-bytes.js';
import { COMMAS, newCallLineScan, newSplitLineScan, scanCallLine, scanSplitLine, type CallLineScan, type SplitLineScan } from '../../server/src/engine/syntax/strace/scan.js';
import { fixture, generateTrace, read, sample, seededRandom, tempDir, verbatim } from '../helpers.js';

/** What a scan read, as plain data (the commas copied out of the shared pool). */
function seen(s: CallLineScan | undefined): unknown {
  if (s === undefined) return undefined;
  const r = s.result;
  return {
    pid: s.pid, time: s.time, nameStart: s.nameStart, open: s.open, close: s.close, end: s.end,
    commas: Array.from(COMMAS.at.subarray(s.commaFrom, s.commaFrom + s.commaCount)),
    result: { retAt: r.retAt, retEnd: r.retEnd, ret: r.ret, err: r.err, aux: r.aux, duration: r.duration, unavailable: r.unavailable, end: r.end },
  };
}

/** What a split-line scan read, as plain data. */
function seenSplit(s: SplitLineScan | undefined): unknown {
  if (s === undefined) return undefined;
  const r = s.result;
  return {
    pid: s.pid, time: s.time, resumed: s.resumed, headStart: s.headStart, nameStart: s.nameStart, nameEnd: s.nameEnd, argsStart: s.argsStart, argsEnd: s.argsEnd, end: s.end,
    result: s.resumed ? { retAt: r.retAt, retEnd: r.retEnd, ret: r.ret, err: r.err, aux: r.aux, duration: r.duration, unavailable: r.unavailable, end: r.end } : undefined,
  };
}

/**
 * Scans the line at `offset` of `text` both ways, as a finished call and as half of a split one. Returns what the
 * byte scanners read it as, if anything; where they read it, asserts that they read what the string scanners read.
 * Lines whose bytes are not one per character are not asked.
 */
function compare(text: string, offset: number, what: string, bytes = Buffer.from(text, 'utf8')): 'call' | 'half' | undefined {
  // The parser passes bytes one per character, ending with a line break.
  if (bytes.length !== text.length || bytes[bytes.length - 1] !== 10) return undefined;
  COMMAS.n = 0;
  const scan = scanCallLineBytes(bytes, text, offset, newCallLineScan());
  const fromBytes = seen(scan ?? undefined);
  assert.equal(COMMAS.n === 0, fromBytes === undefined || (fromBytes as { commas: number[] }).commas.length === 0, `${what}: commas left behind`);
  COMMAS.n = 0;
  const fromText = seen(scanCallLine(text, offset, newCallLineScan()));
  // null: surely no finished call, which the string scanner must find too.
  if (scan === null) assert.equal(fromText, undefined, `${what}: the byte scanner said no call: ${JSON.stringify(text.slice(offset, offset + 200))}`);
  // Half of a split call, both ways.
  COMMAS.n = 0;
  const half = seenSplit(scanSplitLineBytes(bytes, text, offset, newSplitLineScan()));
  assert.equal(COMMAS.n, 0, `${what}: the split-line scan kept commas`);
  if (half !== undefined) assert.deepEqual(half, seenSplit(scanSplitLine(text, offset, newSplitLineScan())), `${what} (split): ${JSON.stringify(text.slice(offset, offset + 200))}`);
  if (fromBytes === undefined) return half === undefined ? undefined : 'half';
  assert.deepEqual(fromBytes, fromText, `${what}: ${JSON.stringify(text.slice(offset, offset + 200))}`);
  return 'call';
}

/** Compares every line of `text`; returns how many lines there were, and how many the byte scanners read as calls and as halves. */
function compareLines(text: string, what: string): { lines: number; read: number; halves: number } {
  let lines = 0;
  let readCount = 0;
  let halves = 0;
  const bytes = Buffer.from(text, 'utf8');
  for (let pos = 0; pos < text.length; ) {
    lines++;
    const r = compare(text, pos, `${what} line ${lines}`, bytes);
    if (r === 'call') readCount++;
    else if (r === 'half') halves++;
    const nl = text.indexOf('\n', pos);
    if (nl < 0) break;
    pos = nl + 1;
  }
  return { lines, read: readCount, halves };
}

function straceTexts(): Array<{ f: string; text: string }> {
  return [
    ...readdirSync(fixture('formats')).filter((f) => f.startsWith('strace-')).map((f) => ({ f, text: verbatim(fixture('formats', f)) })),
    ...readdirSync(fixture('iocc')).filter((f) => f.endsWith('.strace')).map((f) => ({ f, text: read(fixture('iocc', f)) })),
    ...readdirSync(sample('bug237588')).filter((f) => f.endsWith('.strace')).map((f) => ({ f, text: read(sample('bug237588', f)) })),
    ...readdirSync(sample('bug237588', 'ff')).filter((f) => /\.\d+$/.test(f)).map((f) => ({ f, text: read(sample('bug237588', 'ff', f)) })),
    ...readdirSync(fixture('semantics')).filter((f) => f.endsWith('.strace')).map((f) => ({ f, text: read(fixture('semantics', f)) })),
  ];
}

/** Lines of every form the scanners meet, the rare ones included (the byte scanner leaves those to the other). */
const ODD_LINES = [
  '4101  10:00:00.000045 openat(AT_FDCWD</home/user>, "/mnt/f", O_RDWR|O_CREAT, 0644) = 3</mnt/f> <0.000023>',
  '[pid  4101] 10:00:00.123456 write(3</mnt/f>, "a\\"b,c)", 5) = 5',
  '[pid 4101] write(1, "x", 1) = 1',
  '1700000000.123456 read(3, "\\x00\\x01", 2) = 2 <0.000010>',
  '     0.000012 close(3) = 0',
  '4101  10:00:00 close(3) = 0',
  '4101 close(3) = -1 EBADF (Bad file descriptor)',
  '4101 openat(AT_FDCWD, "/nope", O_RDONLY) = -1 ENOENT (No such file or directory) <0.000005>',
  '4101 exit_group(0) = ?',
  '4101 pause() = ? ERESTARTNOHAND (To be restarted if SA_RESTART is set)',
  '4101 mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, 3</m/f>, 0) = 0x7f0000000000',
  '4101 fstat(3</m/f>, {st_mode=S_IFREG|0644, st_size=911018, ...}) = 0',
  '4101 poll([{fd=3<socket:[123]>, events=POLLIN}], 1, 0) = 1 ([{fd=3, revents=POLLIN}])',
  '4101 read(3</m/a<b>>, "x", 1) = 1',
  '4101 read(3</m/f>, <unfinished ...>',
  '4101 <... read resumed>"x", 1) = 1',
  '4101 clone(child_stack=NULL, flags=CLONE_VM) = 4102 <detached ...>',
  '4101 write(1, "a" /* 1 entries */, 1) = 1',
  '4101 pwrite64(3</m/f>, "x"..., 8192, 4096) = 100',
  '4101 write(3</m/f>, "x"..., 8192) = 100 <0.000010>',
  '4101 pwrite64(3</m/f>, "x"..., 100, 1000) = -1 EIO (Input/output error)',
  '4101 write(3, "x", 0) = 0',
  '4101 10:00:00.5 close(3) = 0 <1e-05>',
  '4101 close(3) = 0 <unavailable>',
  '4101 close(3) = 0 <0.000010> ',
  '4101 close(3)  =  0  <0.000010>',
  '4101 close(3) = 0\r',
  '4101<comm> close(3) = 0',
  '4101 10:00:00.000001 (+     0.000012) close(3) = 0',
  '[ 3] close(3) = 0',
  '4101 close(3</m\\>x>) = 0',
  '4101 write(3, "cut at the line\\',
  '4101 write(3, "unclosed',
  '4101 close(3) = 3</m/cut',
  '4101 close(0x3) = 0x10',
  '4101 lseek(3, -1, SEEK_CUR) = -1 EINVAL (Invalid argument)',
  '4101 close(3) = 0 (aux)',
  '4101 read(3, "\\r\\n", 2) = 2',
  '12:34:56.789012345678901234 close(3) = 0',
  '4101 close(3) = 0 <1234567890123456.5>',
  'close(3) = 0',
  '_exit(0) = ?',
  `4101 <... ${'x'.repeat(75)} resumed>) = 0`,
  `4101 <... ${'x'.repeat(76)} resumed>) = 0`,
  '4101 <... read resumed>"x", 1) = 1 <0.000010>',
  '[pid 4101] <... read resumed> <unfinished ...>) = ?',
  '4101 read(3,<unfinished ...>',
  '4101 read(<unfinished ...>',
  '4101 read( <unfinished ...>',
  '4101 read(3, <unfinished ...>  ',
  '4101 read(3, <detached ...>',
  '',
];

describe('strace byte scanner', () => {
  it('reads every line of every strace trace here as the string scanner does, and most of them', () => {
    let lines = 0;
    let readCount = 0;
    for (const { f, text } of straceTexts()) {
      const r = compareLines(text, f);
      lines += r.lines;
      readCount += r.read;
    }
    assert.ok(lines > 500, `only ${lines} lines`);
    assert.ok(readCount > lines / 2, `the byte scanner read ${readCount} of ${lines} lines`);
  });

  it('reads the generated trace as the string scanner does: every finished one-line call', async () => {
    const path = join(tempDir('scan-bytes'), 'gen.strace');
    await generateTrace(path, 20_000, 11);
    const text = read(path);
    const { lines, read: readCount, halves } = compareLines(text, 'generated');
    const split = text.split('\n').filter((l) => l.includes('<unfinished ...>') || l.includes(' resumed>')).length;
    // The finished calls as calls, the split calls' halves as halves.
    assert.ok(split > 1000);
    assert.equal(readCount, lines - split);
    assert.equal(halves, split);
  });

  it('reads odd lines as the string scanner does, or leaves them to it', () => {
    let readCount = 0;
    for (const line of ODD_LINES) {
      for (const text of [`${line}\n`, `${line}\r\n4102 close(4) = 0\n`, `${line}\n\n`]) if (compare(text, 0, 'odd line')) readCount++;
    }
    assert.ok(readCount >= 20, `read ${readCount}`);
  });

  it('reads lines mutated at every position (a special character put in, or the line cut) as the string scanner does', () => {
    const random = seededRandom(237588);
    const specials = '"()[]{}<>,/*\\\n\r=? -0x.E';
    let asked = 0;
    for (const line of ODD_LINES.slice(0, 14)) {
      for (let at = 0; at <= line.length; at++) {
        compare(`${line.slice(0, at)}\n`, 0, `cut at ${at}`);
        const ch = specials[random(specials.length)];
        compare(`${line.slice(0, at)}${ch}${line.slice(at + 1)}\n`, 0, `'${ch}' at ${at}`);
        compare(`x\n${line.slice(0, at)}${ch}${line.slice(at)}\n`, 2, `'${ch}' put in at ${at}`);
        asked += 3;
      }
    }
    assert.ok(asked > 1000);
  });
});
