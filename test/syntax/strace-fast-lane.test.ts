// The strace parser records a line that is one finished call without the lexer and the parser (the fast lane).
// These tests pin that it is only a shortcut: on every real trace here, and on a generated one that mixes the
// two kinds of lines in every order, it gives the same events and diagnostics as reading every line through
// the tokens.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { StraceParser } from '../../server/src/engine/syntax/strace/strace-parser.js';
import { fixture, generateTrace, parseWith, read, sample, type Parsed, verbatim } from '../helpers.js';

function parse(text: string, tokensOnly: boolean, chunk = 1 << 16): Parsed {
  return parseWith('strace', text, { chunk, create: (sink) => new StraceParser(sink, { tokensOnly }) });
}

function sameBothWays(text: string, what: string, chunk?: number): number {
  const fast = parse(text, false, chunk);
  const slow = parse(text, true, chunk);
  assert.deepEqual(fast.events, slow.events, `${what}: events differ`);
  assert.deepEqual(fast.diagnostics, slow.diagnostics, `${what}: diagnostics differ`);
  return fast.events.length;
}

describe('strace fast lane', () => {
  it('gives the tokens’ events and diagnostics on every strace sample and fixture', () => {
    const files = [
      ...readdirSync(fixture('formats')).filter((f) => f.startsWith('strace-')).map((f) => ({ f: fixture('formats', f), text: verbatim(fixture('formats', f)) })),
      ...readdirSync(fixture('iocc')).filter((f) => f.endsWith('.strace')).map((f) => ({ f, text: read(fixture('iocc', f)) })),
      ...readdirSync(sample('bug237588')).filter((f) => f.endsWith('.strace')).map((f) => ({ f, text: read(sample('bug237588', f)) })),
      ...readdirSync(sample('bug237588', 'ff')).filter((f) => /\.\d+$/.test(f)).map((f) => ({ f, text: read(sample('bug237588', 'ff', f)) })),
    ];
    assert.ok(files.length >= 15);
    let events = 0;
    for (const { f, text } of files) events += sameBothWays(text, f);
    assert.ok(events > 500, `only ${events} events`);
  });

  it('gives the same on a generated trace that interleaves finished, unfinished and resumed calls, fed in small chunks', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cachereplay-fast-')), 'gen.strace');
    await generateTrace(path, 5000, 7);
    const text = read(path);
    const unfinished = text.split('\n').filter((l) => l.includes('<unfinished ...>')).length;
    assert.ok(unfinished > 50, `the trace has ${unfinished} unfinished calls`);
    sameBothWays(text, 'generated', 1 << 16);
    sameBothWays(text, 'generated, 1 KiB chunks', 1024);
  });

  it('gives the same when the lines the tokens read fall at the ends of the runs the fast lane scans', () => {
    // The fast lane scans 128 lines, then records them: a run of lines for the tokens may begin or end anywhere.
    const slow = [
      '--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=4102, si_uid=0, si_status=0} ---',
      'this is no strace line',
      '4101  +++ exited with 0 +++',
      '4101  openat(AT_FDCWD, "/mnt/f", O_RDWR|O_CREAT, 0644',
    ];
    const lines: string[] = [];
    for (let i = 0; i < 520; i++) {
      if ([0, 1, 127, 129, 255, 256, 383, 384, 511, 515].includes(i)) lines.push(slow[i % slow.length]);
      else if (i % 7 === 3) lines.push('4101  openat(AT_FDCWD, "/mnt/f", O_RDWR|O_CREAT, 0644) = 3</mnt/f>');
      else if (i % 7 === 5) lines.push('4101  read(3</mnt/f>, <unfinished ...>');
      else if (i % 7 === 6) lines.push('4101  <... read resumed>"ab", 2) = 2');
      else lines.push(`4101  pwrite64(3</mnt/f>, "xy", 2, ${i * 10}) = 2`);
    }
    const text = lines.join('\n'); // the last line has no line break
    for (const chunk of [1 << 16, 1000]) sameBothWays(text, `runs, ${chunk}-character chunks`, chunk);
    sameBothWays(text + '\n', 'runs, with a last line break');
    // A line counts when it ends: the last one, without its line break, does not.
    const sink = { event() {}, diagnostic() {} };
    assert.equal(new StraceParser(sink).feed(text, 0), 519);
    assert.equal(new StraceParser(sink).feed(text + '\n', 0), 520);
  });

  it('a finished call right after a line the tokens read keeps its own arguments', () => {
    const text = [
      '4101 read(3</m/a>, <unfinished ...>',
      '4102 openat(AT_FDCWD, "/m/f", O_RDWR|O_CREAT, 0644) = 4</m/f>',
      '4101 <... read resumed>"x", 1) = 1',
      '4102 pwrite64(4</m/f>, "ab", 2, 100) = 2',
      '',
    ].join('\n');
    const { events } = parse(text, false);
    const open = events.find((e) => e.kind === 'open');
    assert.ok(open && open.kind === 'open');
    assert.equal(open.flags.write, true);
    const w = events.find((e) => e.kind === 'write');
    assert.ok(w && w.kind === 'write');
    assert.deepEqual([w.fd, w.offset, w.length], [4, 100, 2]);
    sameBothWays(text, 'interleaved');
  });

  it('a call split across two lines is read from both halves, with the decisive arguments in the second', () => {
    const text = [
      '[pid  4101] openat(AT_FDCWD</h>, "/m/f", <unfinished ...>',
      '[pid  4102] pwrite64(5</m/g>, "zz", 2, 7) = 2',
      '[pid  4101] <... openat resumed>O_RDWR|O_CREAT, 0644) = 4</m/f>',
      '[pid  4101] pwrite64(4</m/f>, <unfinished ...>',
      '[pid  4102] close(5</m/g>) = 0',
      '[pid  4101] <... pwrite64 resumed>"ab, c", 2, 100) = 2 <0.000010>',
      '4101  pause( <unfinished ...>',
      '4101  <... pause resumed>) = ? ERESTARTNOHAND (To be restarted if SA_RESTART is set)',
      '',
    ].join('\n');
    const { events } = parse(text, false);
    const open = events.find((e) => e.kind === 'open' && e.pid === 4101);
    assert.ok(open && open.kind === 'open');
    assert.deepEqual([open.fd, open.flags.write, open.flags.creat, open.span.line, open.endSpan?.line], [4, true, true, 0, 2]);
    const w = events.find((e) => e.kind === 'write' && e.pid === 4101);
    assert.ok(w && w.kind === 'write');
    assert.deepEqual([w.fd, w.offset, w.length, w.span.line, w.endSpan?.line, w.durationSec], [4, 100, 2, 3, 5, 0.00001]);
    sameBothWays(text, 'split calls');
  });
});
