import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Lexer } from 'chevrotain';
import type { TraceEvent } from '../../server/src/engine/events.js';
import { detectFormat } from '../../server/src/engine/syntax/formats.js';
import { skipString, splitArgs, scanArgs } from '../../server/src/engine/syntax/strace/scan.js';
import { createStraceLexer } from '../../server/src/engine/syntax/strace/tokens.js';
import { fixture, parseWith, seededRandom, verbatim } from '../helpers.js';

const samples = readdirSync(fixture('formats')).filter((f) => f.startsWith('strace-'));

function only<K extends TraceEvent['kind']>(events: TraceEvent[], kind: K): Array<Extract<TraceEvent, { kind: K }>> {
  return events.filter((e): e is Extract<TraceEvent, { kind: K }> => e.kind === kind);
}

describe('strace lexer', () => {
  it('keeps Chevrotain’s first-character optimisation (ensureOptimizations would throw otherwise)', () => {
    assert.ok(createStraceLexer() instanceof Lexer);
  });

  it('lexes a finished call line as one CallLine token, other lines as finer tokens', () => {
    const names = (text: string) => createStraceLexer().tokenize(text).tokens.map((t) => t.tokenType.name);
    assert.deepEqual(names('4102  10:00:00.000045 pwrite64(3</mnt/f>, "a, b)"..., 5, 7) = 5 <0.000061>\n'), ['CallLine', 'Newline']);
    assert.deepEqual(names('exit_group(0) = ?\r\n'), ['CallLine', 'Newline']);
    assert.deepEqual(names('[pid 7] read(3, <unfinished ...>\n'), ['Leader', 'Call', 'Unfinished', 'Newline']);
    assert.deepEqual(names('7 <... read resumed>"x", 1) = 1\n'), ['Leader', 'Resumed', 'Result', 'Newline']);
    assert.deepEqual(names('+++ exited with 0 +++\n'), ['ExitLine', 'Newline']);
    // Trailing text after the result is not a whole call: the finer tokens report what they cannot read.
    assert.ok(createStraceLexer().tokenize('read(3, "", 1) = 0 junk\n').errors.length > 0);
  });

  it('a CallLine keeps the commas that split its arguments', () => {
    const { events } = parseWith('strace', 'pwrite64(3</mnt/f>, "a, (b) [c]"..., 5, 4096) = 5\nlseek(3, 10, SEEK_SET) = 10\n');
    const w = only(events, 'write')[0];
    assert.equal(w.fd, 3);
    assert.equal(w.offset, 4096);
    assert.equal(w.length, 5);
    assert.equal(w.fdPath, '/mnt/f');
    assert.equal(only(events, 'lseek')[0].offset, 10);
  });
});

describe('strace public samples', () => {
  for (const name of samples) {
    it(`${name}: is detected as strace and parses without errors`, () => {
      const text = verbatim(fixture('formats', name));
      assert.equal(detectFormat(text).format, 'strace');
      const { events, diagnostics } = parseWith('strace', text);
      assert.ok(events.length > 0);
      const errors = diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(errors, [], `unexpected parse errors in ${name}`);
    });
  }

  it('strace-12: the hard-wrapped clone line is rejoined, and only the cut-off last line is reported', () => {
    const { events, diagnostics } = parseWith('strace', verbatim(fixture('formats', 'strace-12.txt')));
    const fork = only(events, 'fork')[0];
    assert.equal(fork.child, 1076176);
    assert.ok(fork.thread && fork.shareFiles && fork.shareVm);
    assert.deepEqual(fork.endSpan?.line, 1);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].span.line, 9);
    assert.equal(diagnostics[0].severity, 'warning');
  });

  it('strace-03: unfinished/resumed pairs become one event anchored at the call line', () => {
    const { events } = parseWith('strace', verbatim(fixture('formats', 'strace-03.txt')));
    const brk = events.find((e) => e.name === 'brk');
    assert.ok(brk);
    assert.equal(brk.span.line, 3);
    assert.equal(brk.endSpan?.line, 5);
    assert.equal(brk.pid, 20126);
  });

  it('strace-08: -y decorations give resolved paths and fd numbers', () => {
    const { events } = parseWith('strace', verbatim(fixture('formats', 'strace-08.txt')));
    const open = only(events, 'open')[0];
    assert.equal(open.fd, 30);
    assert.equal(open.resolvedPath, '/srv/www/test.jpg');
    assert.equal(open.target?.path, '/srv/www/i/moon.jpg');
  });

  it('strace-01: errors change nothing, unknown syscalls are kept as generic events', () => {
    const { events } = parseWith('strace', verbatim(fixture('formats', 'strace-01.txt')));
    const failed = events.find((e) => e.span.line === 1);
    assert.equal(failed?.ok, false);
    assert.equal(failed?.errno, 'ENOENT');
    assert.equal(failed?.kind, 'generic');
    const unknown = events.find((e) => e.name === 'syscall_0xbad');
    assert.equal(unknown?.kind, 'generic');
    assert.equal(unknown?.errno, 'ENOSYS');
    const killed = only(events, 'exit')[0];
    assert.equal(killed.signal, 'SIGINT');
  });

  it('strace-05: -r and -tt (+rel) stamps and -T durations are read', () => {
    const { events } = parseWith('strace', verbatim(fixture('formats', 'strace-05.txt')));
    assert.equal(events[0].time, 0.000008);
    assert.equal(events[0].durationSec, 9.685337);
    assert.equal(events[2].time, 20 * 3600 + 37 * 60 + 49.050065);
  });

  it('strace-06: bare pid prefix, pwrite64 offsets and binary strings', () => {
    const { events } = parseWith('strace', verbatim(fixture('formats', 'strace-06.txt')));
    const w = only(events, 'write');
    assert.equal(w.length, 5);
    assert.deepEqual(w.map((e) => [e.pid, e.fd, e.offset, e.length]), [
      [478324, 3, 0, 4096], [478324, 4, 0, 32], [478324, 4, 32, 8240], [478324, 4, 8272, 4120], [478324, 3, 0, 8192],
    ]);
    assert.equal(only(events, 'truncate').length, 2);
    assert.equal(only(events, 'sync').length, 6);
  });
});

describe('strace line forms', () => {
  it('reads -ff files with the pid taken from the file name', () => {
    const { events } = parseWith('strace', 'write(3, "x", 1) = 1\n', { defaultPid: 77 });
    assert.equal(events[0].pid, 77);
  });

  it('reads -Y comm decorations, -n syscall numbers, fcntl dup and F_SETFL O_DIRECT', () => {
    const text = [
      '1234<prog> [  1] write(3</mnt/x>, "ab", 2) = 2',
      '1234<prog> fcntl(3</mnt/x>, F_DUPFD_CLOEXEC, 10) = 10</mnt/x>',
      '1234<prog> fcntl(3, F_SETFL, O_RDWR|O_DIRECT) = 0',
      '1234<prog> dup3(3, 7, O_CLOEXEC) = 7',
    ].join('\n');
    const { events, diagnostics } = parseWith('strace', text);
    assert.deepEqual(diagnostics, []);
    assert.equal(events[0].pid, 1234);
    assert.equal(events[0].fdPath, '/mnt/x');
    assert.deepEqual(events.map((e) => e.kind), ['write', 'dup', 'setfl', 'dup']);
    assert.equal((events[2] as Extract<TraceEvent, { kind: 'setfl' }>).direct, true);
    assert.equal((events[3] as Extract<TraceEvent, { kind: 'dup' }>).cloexec, true);
  });

  it('treats a child’s first line before clone() returns as a fork of the caller', () => {
    const t2 = [
      'openat(AT_FDCWD, "/mnt/f", O_RDWR) = 3',
      'clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f <unfinished ...>',
      '[pid   501] write(3, "x", 1) = 1',
      '[pid   500] <... clone resumed>) = 501',
      '[pid   501] +++ exited with 0 +++',
      'write(3, "y", 1) = 1',
    ].join('\n');
    const { events, diagnostics } = parseWith('strace', t2);
    assert.deepEqual(diagnostics, []);
    const forks = only(events, 'fork');
    assert.equal(forks.length, 2, 'one announced early, one at the return');
    assert.equal(forks[0].child, 501);
    assert.equal(forks[0].pid, undefined);
    assert.equal(forks[0].span.line, 1);
    assert.ok(events.indexOf(forks[0]) < events.findIndex((e) => e.pid === 501));
    assert.equal(forks[1].pid, 500);
    // Once only pid 500 is left, unprefixed lines are its lines.
    assert.equal(events[events.length - 1].pid, 500);
  });

  it('reports a malformed line and keeps parsing the next ones', () => {
    const { events, diagnostics } = parseWith('strace', 'open("/a", O_RDONLY) = 3\nthis is not strace\nclose(3) = 0\n');
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].span.line, 1);
    assert.deepEqual(events.map((e) => e.kind), ['open', 'unparsed', 'close']);
  });

  it('parses the same way whatever the chunk boundaries', () => {
    const text = verbatim(fixture('formats', 'strace-03.txt')) + verbatim(fixture('formats', 'strace-12.txt'));
    const whole = parseWith('strace', text);
    const tiny = parseWith('strace', text, { chunk: 1 });
    assert.deepEqual(tiny, whole);
  });

  it('a short write keeps what it asked for; a failed one is kept with its error; other calls that fail stay generic', () => {
    const text = [
      '100 pwrite64(3</m/f>, "x"..., 8192, 4096) = 100',
      '100 write(3</m/f>, "x"..., 8192) = 8192',
      '100 pwrite64(3</m/f>, "x"..., 100, 1000) = -1 EIO (Input/output error)',
      '100 write(9, "x", 1) = -1 EBADF (Bad file descriptor)',
      '100 writev(3</m/f>, [{iov_base="x", iov_len=1}], 1) = -1 EIO (Input/output error)',
      '100 pread64(3</m/f>, "x"..., 100, 0) = -1 EIO (Input/output error)',
      '',
    ].join('\n');
    // Each line alone, so the fast lane (scanning bytes or text) and the full grammar are both held to it.
    for (const chunk of [1 << 16, 1]) {
      const { events } = parseWith('strace', text, { chunk });
      const w = only(events, 'write');
      assert.deepEqual(w.map((e) => [e.span.line, e.ok, e.length, e.requested, e.errno]), [
        [0, true, 100, 8192, undefined],
        [1, true, 8192, undefined, undefined],
        [2, false, 0, 100, 'EIO'],
        [3, false, 0, 1, 'EBADF'],
      ]);
      assert.deepEqual(events.filter((e) => e.kind === 'generic').map((e) => e.span.line), [4, 5], 'no count to keep: generic');
    }
  });

  it('strips ANSI colours (--color=always)', () => {
    const { events, diagnostics } = parseWith('strace', '\x1b[1mclose\x1b[0m(\x1b[33m3\x1b[0m) = \x1b[32m0\x1b[0m\n');
    assert.deepEqual(diagnostics, []);
    assert.equal(events[0].kind, 'close');
  });
});

describe('strace argument scanning', () => {
  it('finds the closing parenthesis past strings, comments, structs and decorations', () => {
    const args = 'AT_FDCWD</tmp/a)b>, "x) = 3\\")", {st_mode=S_IFREG|0644, /* ) */ st_size=1}, [1 => 2]';
    const text = `${args}) = 0`;
    assert.equal(scanArgs(text, 0), args.length);
    assert.deepEqual(splitArgs(args), ['AT_FDCWD</tmp/a)b>', '"x) = 3\\")"', '{st_mode=S_IFREG|0644, /* ) */ st_size=1}', '[1 => 2]']);
  });

  it('stops before <unfinished ...>', () => {
    const text = 'futex(0x55, FUTEX_WAIT, 2, NULL <unfinished ...>';
    assert.equal(text.slice(6, scanArgs(text, 6)), '0x55, FUTEX_WAIT, 2, NULL');
  });

  it('skips strings as a character-by-character reader would, wherever and in whatever order it is asked', () => {
    // skipString jumps to the next quote, backslash or line break and remembers where they are per text; this
    // compares it with the plain loop on random texts, asked at random places, forwards and backwards.
    const reference = (text: string, i: number): number => {
      for (let j = i + 1; j < text.length; j++) {
        const c = text[j];
        if (c === '"') return j + 1;
        if (c === '\\') {
          if (text[j + 1] === '\n' || (text[j + 1] === '\r' && text[j + 2] === '\n')) return j + 1;
          j++;
        } else if (c === '\n') return j;
      }
      return text.length;
    };
    const rnd = seededRandom(237588);
    const alphabet = ['a', 'b', ' ', ',', ')', '"', '"', '\\', '\n', '\r', 'x'];
    let asked = 0;
    for (let t = 0; t < 300; t++) {
      const len = 1 + rnd(t % 3 === 0 ? 4000 : 60);
      // Some texts have long runs without any special character, like `-s 4096` data.
      let text = '';
      while (text.length < len) text += rnd(4) === 0 ? 'abcdefghij'.repeat(1 + rnd(20)) : alphabet[rnd(alphabet.length)];
      const other = `"${text}`;
      const quotes = [...text.matchAll(/"/g)].map((m) => m.index!);
      const order = quotes.length > 0 ? Array.from({ length: 2 * quotes.length }, () => quotes[rnd(quotes.length)]) : [];
      if (t % 2 === 0) order.sort((a, b) => a - b);
      for (const q of order) {
        assert.equal(skipString(text, q), reference(text, q), `text ${t}, quote at ${q}: ${JSON.stringify(text.slice(q, q + 40))}`);
        // Another text in between must not leave a stale answer behind.
        if (rnd(3) === 0) assert.equal(skipString(other, 0), reference(other, 0));
        asked++;
      }
    }
    assert.ok(asked > 1000, `only ${asked} strings were asked`);
  });

  it('reads long -s strings with anything inside them, and escaped -x strings', () => {
    const data = 'xyz, (0) = 1 <0.1> '.repeat(300);
    const hex = Array.from({ length: 500 }, (_, i) => `\\x${(i % 256).toString(16).padStart(2, '0')}`).join('');
    const text = [
      `pwrite64(3</mnt/f>, "${data}"..., 4096, 8192) = 4096 <0.000020>`,
      `pwrite64(3</mnt/f>, "${hex}\\"", 501, 0) = 501`,
      'close(3</mnt/f>) = 0',
    ].join('\n');
    const { events, diagnostics } = parseWith('strace', text, { chunk: 1 << 16 });
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(events.map((e) => [e.kind, 'offset' in e ? e.offset : undefined, 'length' in e ? e.length : undefined]), [['write', 8192, 4096], ['write', 0, 501], ['close', undefined, undefined]]);
  });
});
