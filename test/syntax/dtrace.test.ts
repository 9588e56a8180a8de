import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Lexer } from 'chevrotain';
import type { TraceEvent } from '../../server/src/engine/events.js';
import { detectFormat } from '../../server/src/engine/syntax/formats.js';
import { splitDtrussArgs, strArg } from '../../server/src/engine/syntax/dtrace/syscalls.js';
import { createDtrussLexer, scanDtrussArgs } from '../../server/src/engine/syntax/dtrace/tokens.js';
import { fixture, parseWith, read, sample, verbatim } from '../helpers.js';

const dtrussSamples = readdirSync(fixture('formats')).filter((f) => f.startsWith('dtruss-'));
const dtraceSamples = readdirSync(fixture('formats')).filter((f) => f.startsWith('dtrace-'));

function only<K extends TraceEvent['kind']>(events: TraceEvent[], kind: K): Array<Extract<TraceEvent, { kind: K }>> {
  return events.filter((e): e is Extract<TraceEvent, { kind: K }> => e.kind === kind);
}

describe('dtruss lexer', () => {
  it('keeps Chevrotain’s first-character optimisation (ensureOptimizations would throw otherwise)', () => {
    assert.ok(createDtrussLexer() instanceof Lexer);
  });

  it('finds the argument list from the right, past strings holding parentheses, quotes and "="', () => {
    const args = '0x3, "a) = 1 0 \\"x\\" (\\0", 0x8';
    const text = `${args})\t\t = 8 0`;
    assert.equal(scanDtrussArgs(text, 0), args.length);
    assert.deepEqual(splitDtrussArgs(args), ['0x3', '"a) = 1 0 \\"x\\" (\\0"', '0x8']);
    assert.equal(strArg('"/usr/lib/libSystem.B.dylib\\0"'), '/usr/lib/libSystem.B.dylib');
    assert.equal(strArg('"\\312\\376\\0" (0x7FF)'), '\u00ca\u00fe');
  });
});

describe('dtruss public samples', () => {
  for (const name of dtrussSamples) {
    it(`${name}: is detected as dtruss and parses without errors`, () => {
      const text = verbatim(fixture('formats', name));
      assert.equal(detectFormat(text).format, 'dtruss');
      const { events, diagnostics } = parseWith('dtruss', text);
      assert.ok(events.length > 0);
      assert.deepEqual(diagnostics, [], `unexpected diagnostics in ${name}`);
    });
  }

  it('dtruss-01 (Solaris): PID/LWP, the -eon ELAPSD and CPU columns, fdsync and llseek', () => {
    const { events } = parseWith('dtruss', verbatim(fixture('formats', 'dtruss-01.txt')));
    const first = events[0];
    assert.deepEqual([first.kind, first.pid, first.tid, first.durationSec], ['lseek', 27547, 1, undefined]);
    assert.equal(only(events, 'sync')[0].how, 'fsync');
    const w = only(events, 'write');
    assert.deepEqual([w[0].fd, w[0].length], [0x3f, 8]);
    // Second block: "PID/LWP    ELAPSD    CPU": 41 µs elapsed, on-CPU time ignored.
    const eon = events.find((e) => e.pid === 3911)!;
    assert.equal(eon.durationSec, 0.000041);
    assert.equal(eon.time, undefined);
  });

  it('dtruss-02 (macOS, no pid column): open path without the trailing \\0, pread offsets, mmap with six arguments', () => {
    const { events } = parseWith('dtruss', verbatim(fixture('formats', 'dtruss-02.txt')));
    const o = only(events, 'open')[0];
    assert.deepEqual([o.fd, o.target?.path, o.pid, o.span.line], [3, '/usr/lib/dtrace/libdtrace_dyld.dylib', undefined, 8]);
    assert.deepEqual(only(events, 'read').map((r) => [r.fd, r.offset, r.length]), [[3, 0, 4096], [3, 0x6000, 4096]]);
    const m = only(events, 'mmap');
    assert.deepEqual([m[0].addr, m[0].length, m[0].fd, m[0].offset, m[0].shared, m[0].prot.exec], [0x10ed4f000, 0x2000, 3, 0x6000, false, true]);
    assert.equal(only(events, 'close')[0].fd, 3);
  });

  it('dtruss-03: program output and dtrace error lines are skipped silently', () => {
    const text = verbatim(fixture('formats', 'dtruss-03.txt'));
    const { events, diagnostics } = parseWith('dtruss', text);
    assert.deepEqual(diagnostics, []);
    const calls = text.split('\n').filter((l) => /\t = /.test(l) && !l.startsWith('SYSCALL')).length;
    assert.equal(events.length, calls);
    assert.ok(!events.some((e) => e.span.line === 1 || e.span.line === 2 || e.span.line === 11));
  });

  it('dtruss-04 (macOS -a): PID/THRD with a hex thread id, RELATIVE and ELAPSD columns', () => {
    const { events } = parseWith('dtruss', verbatim(fixture('formats', 'dtruss-04.txt')));
    const o = only(events, 'open')[0];
    assert.deepEqual([o.pid, o.tid, o.time, o.durationSec, o.fd, o.target?.path, o.flags.write], [20001, 0x128f0, 0.002562, 0.000128, 3, '/dev/dtracehelper', true]);
  });
});

describe('dtruss lines', () => {
  it('reads Err#N as a failure with that errno', () => {
    const { events } = parseWith('dtruss', 'open("/nope\\0", 0x0, 0x0)\t\t = -1 Err#2\n');
    assert.deepEqual([events[0].kind, events[0].ok, events[0].errno], ['generic', false, 'Err#2']);
  });

  it('follows the header’s column order (early OS X prints ELAPSD and RELATIVE before PID/THRD)', () => {
    const text = [
      'ELAPSD RELATIVE \tPID/THRD  CPU SYSCALL(args) \t\t = return',
      '     41     1234  1234/0x5d:      12 write(1, "hi\\n", 3)\t\t = 3 0',
    ].join('\n');
    const { events, diagnostics } = parseWith('dtruss', text);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual([events[0].kind, events[0].pid, events[0].tid, events[0].time, events[0].durationSec], ['write', 1234, 0x5d, 0.001234, 0.000041]);
  });

  it('infers the columns without a header', () => {
    const { events } = parseWith('dtruss', '  1234/0x5d:      41     26 write(0x1, "x\\0", 0x1)\t\t = 1 0\n');
    assert.deepEqual([events[0].kind, events[0].durationSec, events[0].time], ['write', 0.000041, undefined]);
  });

  it('skips program output, dtrace messages, D script dumps, ustack frames and the -c count table', () => {
    const text = [
      'dtrace: system integrity protection is on, some features will not be available',
      'dtrace: invalid probe specifier ',
      ' syscall::open:return /self->start/ {',
      '\tprintf("%s(\\"%S\\", 0x%X, 0x%X)\\t\\t = %d %s%d\\n",probefunc,',
      '\tOPT_printid  ? printf("%5d/0x%x:  ",pid,tid) : 1;',
      'SYSCALL(args) \t\t = return',
      'hello from the program',
      'main(): starting',
      'write_nocancel(0x1, "x\\0" (0x7FFF5FBFF000), 0x1)\t\t = 1 0',
      '              libsystem_kernel.dylib`write+0xa',
      '              a.out`main(int, char**)+0x20',
      '',
      'dtrace: 3 dynamic variable drops',
      'CALL                                        COUNT',
      'write_nocancel                                  1',
    ].join('\n');
    const { events, diagnostics } = parseWith('dtruss', text);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(events.map((e) => [e.kind, e.name, e.span.line]), [['write', 'write_nocancel', 8]]);
  });

  it('reports a malformed trace line in the middle once, and a line cut at the end as a warning', () => {
    const text = [
      '  1234/0x5d:  close(0x3)\t\t = 0 0',
      '  1234/0x5d:  garbage here',
      '  1234/0x5d:  close(0x4)\t\t = 0 0',
      '  1234/0x5d:  pwrite(0x3, "abc',
    ].join('\n');
    const { events, diagnostics } = parseWith('dtruss', text);
    assert.deepEqual(diagnostics.map((d) => [d.severity, d.span.line]), [['error', 1], ['warning', 3]]);
    assert.deepEqual(events.map((e) => e.kind), ['close', 'unparsed', 'close', 'unparsed']);
  });

  it('maps fork in the parent, posix_spawn to fork + exec, and keeps calls without the needed arguments generic', () => {
    const text = [
      ' 4000/1:  forksys(0x0, 0x0, 0x0)\t\t = 4001 0',
      ' 4000/1:  pwrite(0x3, "abc\\0", 0x3)\t\t = 3 0',
      ' 4000/1:  mmap(0x0, 0x2000, 0x3)\t\t = 0 0',
      '  1234/0x5d:  posix_spawn(0x7FFF5FBFF5AC -> PID 4321, "/bin/ls\\0" (0x7FFF5FBFF9C0), 0x7FFF5FBFF5B0, 0x7FFF5FBFF650, 0x7FFF5FBFF8F8, 0x7FFF5FBFF900)\t\t = 0x0 0',
    ].join('\n');
    const { events } = parseWith('dtruss', text);
    assert.deepEqual(events.map((e) => [e.kind, e.pid]), [['fork', 4000], ['generic', 4000], ['generic', 4000], ['fork', 1234], ['exec', 4321]]);
    assert.equal(only(events, 'fork')[0].child, 4001);
    assert.equal(only(events, 'exec')[0].path, '/bin/ls');
  });

  it('parses the same way whatever the chunk boundaries', () => {
    const text = dtrussSamples.map((n) => verbatim(fixture('formats', n))).join('') + read(sample('dtrace', 'mmap_pwrite.dtruss'));
    assert.deepEqual(parseWith('dtruss', text, { chunk: 1 }), parseWith('dtruss', text));
  });
});

describe('cachereplay.d output (samples/dtrace)', () => {
  it('mmap_pwrite.dtruss: detected as dtruss, the 237588 sequence with a definite store from vm_fault', () => {
    const text = read(sample('dtrace', 'mmap_pwrite.dtruss'));
    assert.equal(detectFormat(text).format, 'dtruss');
    const { events, diagnostics } = parseWith('dtruss', text);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(events.map((e) => e.kind), ['open', 'truncate', 'mmap', 'store', 'write', 'munmap', 'close', 'exit']);
    assert.ok(events.every((e) => e.pid === 8791 && e.tid === 100612 && e.ok && e.time !== undefined));
    const open = only(events, 'open')[0];
    assert.deepEqual([open.fd, open.target?.path, open.target?.dirfd, open.flags.write, open.flags.creat, open.flags.trunc], [3, '/tmp/cachereplay-mnt/file.bin', undefined, true, true, true]);
    const m = only(events, 'mmap')[0];
    assert.deepEqual([m.addr, m.length, m.shared, m.prot.write, m.fd], [0x8231c4000, 8192, true, true, 3]);
    const s = only(events, 'store')[0];
    assert.deepEqual([s.addr, s.wholePage, s.evidence, s.source], [0x8231c4000, true, 'definite', 'pflt']);
    const w = only(events, 'write')[0];
    assert.deepEqual([w.fd, w.offset, w.length], [3, 1000, 100]);
    assert.equal(only(events, 'exit')[0].code, 0);
  });

  it('the os= line selects the flag values of that system (O_CLOEXEC is 0x1000000 on macOS, unknown on FreeBSD)', () => {
    const line = '  1234/5678:      10 open("/f\\0", 0x1000002, 0x0)\t\t = 3 0';
    const mac = only(parseWith('dtruss', `# cachereplay.d os=macos\n${line}\n`).events, 'open')[0];
    const fbsd = only(parseWith('dtruss', `# cachereplay.d os=freebsd\n${line}\n`).events, 'open')[0];
    assert.deepEqual([mac.flags.cloexec, mac.flags.write], [true, true]);
    assert.deepEqual([fbsd.flags.cloexec, fbsd.flags.write], [false, true]);
  });

  it('a vm_fault line without VM_PROT_WRITE, or a failed one, is not a store', () => {
    const text = ['  1/100001:  vm_fault(0x800000000, 0x1)\t\t = 0 0', '  1/100001:  vm_fault(0x800001000, 0x2)\t\t = -1 Err#2'].join('\n');
    const { events } = parseWith('dtruss', text);
    assert.deepEqual(events.map((e) => [e.kind, e.ok]), [['generic', true], ['generic', false]]);
  });
});

describe('plain dtrace output', () => {
  for (const name of dtraceSamples) {
    it(`${name}: is detected as dtrace and parses without diagnostics`, () => {
      const text = verbatim(fixture('formats', name));
      assert.equal(detectFormat(text).format, 'dtrace');
      const { diagnostics } = parseWith('dtrace', text);
      assert.deepEqual(diagnostics, []);
    });
  }

  it('dtrace-01: one generic event per record, named FUNCTION:NAME, anchored at that column', () => {
    const { events } = parseWith('dtrace', verbatim(fixture('formats', 'dtrace-01.txt')));
    assert.equal(events.length, 17);
    assert.ok(events.every((e) => e.kind === 'generic' && e.name === 'openat:entry' && e.pid === undefined && e.ok));
    assert.deepEqual(events[0].span, { line: 3, start: 33, end: 73 });
  });

  it('dtrace-02: records with trace() output; the aggregation after ^C is tolerated', () => {
    const { events } = parseWith('dtrace', verbatim(fixture('formats', 'dtrace-02.txt')));
    assert.deepEqual(events.map((e) => e.name), ['exec_common:exec-success', 'exec_common:exec-success', 'exec_common:exec-success']);
  });

  it('reads -F flow-indented records', () => {
    const text = 'CPU FUNCTION\n  0  -> read\n  0  <- read\n';
    assert.equal(detectFormat(text).format, 'dtrace');
    const { events } = parseWith('dtrace', text);
    assert.deepEqual(events.map((e) => e.name), ['read:entry', 'read:return']);
  });

  it('parses the same way whatever the chunk boundaries', () => {
    const text = dtraceSamples.map((n) => verbatim(fixture('formats', n))).join('');
    assert.deepEqual(parseWith('dtrace', text, { chunk: 1 }), parseWith('dtrace', text));
  });
});
