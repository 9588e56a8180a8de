import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Lexer } from 'chevrotain';
import type { TraceEvent } from '../../server/src/engine/events.js';
import { detectFormat } from '../../server/src/engine/syntax/formats.js';
import { num, int32 } from '../../server/src/engine/syntax/kdump/bsd.js';
import { parseHeader, parseRet, type HeaderFields, type RetFields } from '../../server/src/engine/syntax/kdump/records.js';
import { splitArgs } from '../../server/src/engine/syntax/kdump/syscalls.js';
import { createKdumpLexer } from '../../server/src/engine/syntax/kdump/tokens.js';
import { fixture, parseWith, read, sample, verbatim } from '../helpers.js';

const samples = readdirSync(fixture('formats')).filter((f) => f.startsWith('kdump-'));

function only<K extends TraceEvent['kind']>(events: TraceEvent[], kind: K): Array<Extract<TraceEvent, { kind: K }>> {
  return events.filter((e): e is Extract<TraceEvent, { kind: K }> => e.kind === kind);
}

/** FreeBSD `kdump -H -T` header: `%6jd %6jd %-8.*s %jd.%06ld ` + type + two spaces. */
function h(pid: number, tid: number, comm: string, usec: number, type: string, payload: string): string {
  return `${String(pid).padStart(6)} ${String(tid).padStart(6)} ${comm.padEnd(8)} 1795516262.${String(usec).padStart(6, '0')} ${type.padEnd(4)}  ${payload}`;
}

describe('kdump lexer', () => {
  it('keeps Chevrotain’s first-character optimisation (ensureOptimizations would throw otherwise)', () => {
    assert.ok(createKdumpLexer() instanceof Lexer);
  });
});

describe('kdump public samples', () => {
  for (const name of samples) {
    it(`${name}: is detected as kdump and parses without errors`, () => {
      const text = verbatim(fixture('formats', name));
      assert.equal(detectFormat(text).format, 'kdump');
      const { diagnostics } = parseWith('kdump', text);
      assert.deepEqual(diagnostics, [], `unexpected diagnostics in ${name}`);
    });
  }

  it('kdump-02 (FreeBSD): CALL/RET pairs, NAMI paths, errno texts, GIO data, exit without RET', () => {
    const { events } = parseWith('kdump', verbatim(fixture('formats', 'kdump-02.txt')));
    assert.deepEqual(events.map((e) => e.kind), ['generic', 'exec', 'generic', 'generic', 'write', 'exit']);
    const exec = only(events, 'exec')[0];
    assert.equal(exec.path, './sixnix');
    assert.deepEqual([exec.span.line, exec.endSpan?.line, exec.pid], [1, 3, 817]);
    assert.deepEqual(events.filter((e) => !e.ok).map((e) => [e.name, e.errno]), [['close', 'EBADF'], ['chdir', 'ENOENT']]);
    const w = only(events, 'write')[0];
    assert.deepEqual([w.fd, w.length, w.offset, w.span.line, w.endSpan?.line], [1, 4, undefined, 9, 13]);
    const exit = only(events, 'exit')[0];
    assert.deepEqual([exit.code, exit.threadOnly], [0x45, false]);
  });

  it('kdump-01: the visdump continuation lines belong to the writev call', () => {
    const { events, diagnostics } = parseWith('kdump', verbatim(fixture('formats', 'kdump-01.txt')));
    assert.deepEqual(diagnostics, []);
    const w = only(events, 'write')[0];
    assert.deepEqual([w.name, w.fd, w.length, w.span.line, w.endSpan?.line], ['writev', 1, 7, 0, 4]);
    assert.equal(w.span.start, ' 85045 echo     CALL  '.length);
  });

  it('kdump-04 (NetBSD): the LWP column is the thread id, JUSTRETURN is success, small ints are decimal', () => {
    const { events } = parseWith('kdump', verbatim(fixture('formats', 'kdump-04.txt')));
    const exec = only(events, 'exec')[0];
    assert.deepEqual([exec.pid, exec.tid, exec.ok, exec.path], [106, 1, true, './sixnix']);
    const w = only(events, 'write')[0];
    assert.deepEqual([w.fd, w.length], [1, 4]);
  });

  it('kdump-06 (FreeBSD 14): decoded masks, fd -1 printed as 0xffffffff, RET dec/hex addresses', () => {
    const { events } = parseWith('kdump', verbatim(fixture('formats', 'kdump-06.txt')));
    const maps = only(events, 'mmap');
    assert.equal(maps.length, 11);
    assert.deepEqual(maps[0], {
      ...maps[0], addr: 0x14f91ca00000, length: 0x21000, fd: -1, offset: 0, shared: false, anonymous: true,
      prot: { read: true, write: true, exec: false },
    });
    assert.deepEqual(maps[2].prot, { read: false, write: false, exec: false });
    assert.deepEqual([maps[4].fd, maps[4].offset, maps[4].prot.exec], [3, 0x84000, true]);
    assert.equal(only(events, 'munmap')[0].addr, 0x823c1a000);
  });

  it('kdump-08 (OpenBSD): a command name longer than 8 pushes the type column; PSIG is a signal', () => {
    const { events } = parseWith('kdump', verbatim(fixture('formats', 'kdump-08.txt')));
    const s = only(events, 'signal')[0];
    assert.deepEqual([s.pid, s.signal], [6718, 'SIGSEGV']);
  });

  it('kdump-05: fstatat NAMI lookups that fail are kept as generic events with ENOENT', () => {
    const { events } = parseWith('kdump', verbatim(fixture('formats', 'kdump-05.txt')));
    assert.equal(events.length, 7);
    assert.ok(events.every((e) => e.kind === 'generic' && e.name === 'fstatat' && e.errno === 'ENOENT'));
  });
});

describe('kdump records', () => {
  it('pairs CALL and RET by pid and thread id when records of several threads and processes interleave', () => {
    const text = [
      h(4711, 100101, 'prog', 1, 'CALL', 'read(0x3,0x7fffffffd000,0x1000)'),
      h(4711, 100102, 'prog', 2, 'CALL', 'read(0x4,0x7fffffffc000,0x10)'),
      h(4712, 100200, 'child', 3, 'CALL', 'close(0x5)'),
      h(4711, 100102, 'prog', 4, 'RET', 'read 16/0x10'),
      h(4712, 100200, 'child', 5, 'RET', 'close -1 errno 9 Bad file descriptor'),
      h(4711, 100101, 'prog', 6, 'RET', 'read 5'),
    ].join('\n');
    const { events, diagnostics } = parseWith('kdump', text);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(events.map((e) => [e.name, e.pid, e.tid, e.span.line, e.endSpan?.line]), [
      ['read', 4711, 100102, 1, 3], ['close', 4712, 100200, 2, 4], ['read', 4711, 100101, 0, 5],
    ]);
    assert.deepEqual(only(events, 'read').map((e) => [e.fd, e.length]), [[4, 16], [3, 5]]);
    assert.equal(events[0].time, 1795516262.000002);
    assert.equal(events[0].durationSec, 0.000002);
  });

  it('pairs by pid and by name without -H, even when two calls of one process overlap', () => {
    const text = [
      '  4711 prog     CALL  read(0x3,0x7fffffffd000,0x1000)',
      '  4711 prog     CALL  write(0x4,0x7fffffffc000,0x10)',
      '  4711 prog     RET   write 16/0x10',
      '  4711 prog     RET   read 5',
    ].join('\n');
    const { events } = parseWith('kdump', text);
    assert.deepEqual(events.map((e) => [e.kind, e.tid, e.span.line, e.endSpan?.line]), [['write', undefined, 1, 2], ['read', undefined, 0, 3]]);
  });

  it('gives open/openat and truncate their NAMI path and decodes the flags', () => {
    const text = [
      h(1, 100001, 'p', 1, 'CALL', 'openat(AT_FDCWD,0x7fffffffec31,0x100602<O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC>,0644<S_IRUSR|S_IWUSR|S_IRGRP|S_IROTH>)'),
      h(1, 100001, 'p', 2, 'NAMI', '"/tmp/mnt/a file"'),
      h(1, 100001, 'p', 3, 'RET', 'openat 3'),
      h(1, 100001, 'p', 4, 'CALL', 'openat(0x3,0x800123456,0x10001<O_WRONLY|O_DIRECT>)'),
      h(1, 100001, 'p', 5, 'NAMI', '"b"'),
      h(1, 100001, 'p', 6, 'RET', 'openat 4'),
      h(1, 100001, 'p', 7, 'CALL', 'truncate(0x800123456,0x2000)'),
      h(1, 100001, 'p', 8, 'NAMI', '"/tmp/mnt/c"'),
      h(1, 100001, 'p', 9, 'RET', 'truncate 0'),
    ].join('\n');
    const { events, diagnostics } = parseWith('kdump', text);
    assert.deepEqual(diagnostics, []);
    const [a, b] = only(events, 'open');
    assert.deepEqual(a.target, { path: '/tmp/mnt/a file', dirfd: undefined, dirPath: undefined });
    assert.deepEqual(a.flags, { read: true, write: true, direct: false, trunc: true, append: false, cloexec: true, creat: true, directory: false });
    assert.deepEqual([b.fd, b.target?.path, b.target?.dirfd, b.flags.read, b.flags.write, b.flags.direct], [4, 'b', 3, false, true, true]);
    const t = only(events, 'truncate')[0];
    assert.deepEqual([t.path, t.size], ['/tmp/mnt/c', 0x2000]);
  });

  it('reads raw -n arguments with FreeBSD values, hex RET values and errors without text', () => {
    const text = [
      '  5000 prog     CALL  openat(0xffffffffffffff9c,0x800123456,0x602,0x1a4)',
      '  5000 prog     NAMI  "/mnt/f"',
      '  5000 prog     RET   openat 0x3',
      '  5000 prog     CALL  mmap(0,0x2000,0x3,0x1,0x3,0)',
      '  5000 prog     RET   mmap 0x800531000',
      '  5000 prog     CALL  msync(0x800531000,0x2000,0)',
      '  5000 prog     RET   msync 0',
      '  5000 prog     CALL  msync(0x800531000,0x2000,0x1)',
      '  5000 prog     RET   msync 0',
      '  5000 prog     CALL  fcntl(0x3,0x4,0x10000)',
      '  5000 prog     RET   fcntl 0',
      '  5000 prog     CALL  lseek(0x3,0x10,0x1)',
      '  5000 prog     RET   lseek 0x10',
      '  5000 prog     CALL  openat(0xffffffffffffff9c,0x800123456,0)',
      '  5000 prog     NAMI  "/nope"',
      '  5000 prog     RET   openat -1 errno 2',
      '  5000 prog     CALL  fcntl(0x3,0x11,0xa)',
      '  5000 prog     RET   fcntl 0xa',
    ].join('\n');
    const { events, diagnostics } = parseWith('kdump', text);
    assert.deepEqual(diagnostics, []);
    const o = only(events, 'open')[0];
    assert.deepEqual([o.fd, o.target?.path, o.target?.dirfd, o.flags.write, o.flags.creat, o.flags.trunc], [3, '/mnt/f', undefined, true, true, true]);
    const m = only(events, 'mmap')[0];
    assert.deepEqual([m.addr, m.shared, m.prot.write, m.fd], [0x800531000, true, true, 3]);
    assert.deepEqual(only(events, 'msync').map((e) => [e.sync, e.async, e.invalidate]), [[true, false, false], [false, true, false]]);
    assert.deepEqual(only(events, 'setfl')[0], { ...only(events, 'setfl')[0], fd: 3, direct: true, append: false });
    const l = only(events, 'lseek')[0];
    assert.deepEqual([l.offset, l.result, l.whence], [16, 16, 'cur']);
    assert.equal(events.find((e) => !e.ok)?.errno, 'ENOENT');
    const d = only(events, 'dup')[0];
    assert.deepEqual([d.fd, d.newfd, d.cloexec], [3, 10, true]);
  });

  it('decoded msync masks: FreeBSD prints MS_SYNC as 0<MS_SYNC>', () => {
    const text = [
      h(1, 100001, 'p', 1, 'CALL', 'msync(0x800531000,0x2000,0<MS_SYNC>)'),
      h(1, 100001, 'p', 2, 'RET', 'msync 0'),
      h(1, 100001, 'p', 3, 'CALL', 'msync(0x800531000,0x2000,0x3<MS_ASYNC|MS_INVALIDATE>)'),
      h(1, 100001, 'p', 4, 'RET', 'msync 0'),
    ].join('\n');
    const { events } = parseWith('kdump', text);
    assert.deepEqual(only(events, 'msync').map((e) => [e.addr, e.length, e.sync, e.async, e.invalidate]), [
      [0x800531000, 0x2000, true, false, false], [0x800531000, 0x2000, false, true, true],
    ]);
  });

  it('turns a write fault into a definite whole-page store, completed by its PRET', () => {
    const text = [
      h(1, 100001, 'p', 1, 'PFLT', '0x800a00123 0x1<VM_PROT_READ>'),
      h(1, 100001, 'p', 2, 'PRET', 'KERN_SUCCESS'),
      h(1, 100001, 'p', 3, 'PFLT', '0x800a01000 0x2<VM_PROT_WRITE>'),
      h(1, 100001, 'p', 4, 'PRET', 'KERN_SUCCESS'),
      h(1, 100001, 'p', 5, 'PFLT', '0x800a02000 0x3<VM_PROT_READ|VM_PROT_WRITE>'),
      h(1, 100001, 'p', 6, 'PRET', 'KERN_PROTECTION_FAILURE'),
      '  2222 p        PFLT  0x800a03000 0x6',
      '  2222 p        PRET  KERN_SUCCESS',
    ].join('\n');
    const { events, diagnostics } = parseWith('kdump', text);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(events.map((e) => [e.kind, e.name, e.ok, e.span.line, e.endSpan?.line]), [
      ['generic', 'PFLT', true, 0, 1], ['store', 'PFLT', true, 2, 3], ['store', 'PFLT', false, 4, 5], ['store', 'PFLT', true, 6, 7],
    ]);
    const s = only(events, 'store')[0];
    assert.deepEqual([s.addr, s.length, s.wholePage, s.evidence, s.source, s.pid, s.tid], [0x800a01000, 0, true, 'definite', 'pflt', 1, 100001]);
    assert.equal(only(events, 'store')[1].errno, 'KERN_PROTECTION_FAILURE');
  });

  it('announces a fork when the child’s first record (its RET fork 0) comes before the parent’s RET', () => {
    const text = [
      '  5000 prog     CALL  fork',
      '  5001 prog     RET   fork 0',
      '  5001 prog     CALL  pwrite(0x3,0x7fffffffe000,0x64,0x3e8)',
      '  5001 prog     RET   pwrite 100/0x64',
      '  5000 prog     RET   fork 5001/0x1389',
      '  5000 prog     CALL  rfork(0x14<RFFDG|RFPROC>)',
      '  5000 prog     RET   rfork 5002/0x138a',
    ].join('\n');
    const { events } = parseWith('kdump', text);
    assert.deepEqual(events.map((e) => [e.kind, e.pid]), [['fork', 5000], ['generic', 5001], ['write', 5001], ['fork', 5000]]);
    const [f, r] = only(events, 'fork');
    assert.deepEqual([f.child, f.span.line], [5001, 0]);
    assert.deepEqual([r.child, r.shareFiles, r.shareVm], [5002, false, false]);
    const w = only(events, 'write')[0];
    assert.deepEqual([w.fd, w.offset, w.length], [3, 1000, 100]);
  });

  it('reads fstat sizes from STRU records, and skips STRU array and GIO continuation lines', () => {
    const text = [
      h(1, 100001, 'p', 1, 'CALL', 'fstat(0x3,0x7fffffffe0e8)'),
      h(1, 100001, 'p', 2, 'STRU', 'struct stat {dev=10625361718722346916, ino=2, mode=0100644, nlink=1, uid=0, gid=0, rdev=18446744073709551615, atime=1700000000, mtime=1700000000, ctime=1700000000, birthtime=1700000000, size=8192, blksize=4096, blocks=16, flags=0x0 }'),
      h(1, 100001, 'p', 3, 'RET', 'fstat 0'),
      h(1, 100001, 'p', 4, 'CALL', 'kevent(0x4,0x7fffffffe000,0x2,0,0,0)'),
      h(1, 100001, 'p', 5, 'STRU', 'struct kevent[] = { { ident=3, filter=EVFILT_READ, flags=0x1<EV_ADD>, fflags=0, data=0, udata=0x0 }'),
      '             { ident=4, filter=EVFILT_WRITE, flags=0x1<EV_ADD>, fflags=0, data=0, udata=0x0 } }',
      h(1, 100001, 'p', 6, 'RET', 'kevent 0'),
      h(1, 100001, 'p', 7, 'CALL', 'read(0x3,0x7fffffffd000,0x1000)'),
      h(1, 100001, 'p', 8, 'GIO', 'fd 3 read 20 bytes'),
      '       0x0000 d0a2 d0b5 d181 d182 206d 616c 6c6f 6328 3029 0a0a  |........ malloc(0)..|',
      h(1, 100001, 'p', 9, 'RET', 'read 20/0x14'),
      h(1, 100001, 'p', 10, 'CALL', 'write(0x1,0x800612000,0x60)'),
      h(1, 100001, 'p', 11, 'GIO', 'fd 1 wrote 96 bytes'),
      '       "a line that is long enough to be wrapped by kdump at the width of the terminal, here\\',
      '\tfolded"',
      h(1, 100001, 'p', 12, 'RET', 'write 96/0x60'),
    ].join('\n');
    const { events, diagnostics } = parseWith('kdump', text);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(events.map((e) => e.kind), ['stat', 'generic', 'read', 'write']);
    assert.deepEqual([only(events, 'stat')[0].fd, only(events, 'stat')[0].size], [3, 8192]);
  });

  it('reads OpenBSD output: pid/tid, ARGS/PLDG records, decimal fds, strmode in STRU', () => {
    const text = [
      ' 26458/471234  ktrace   ARGS  ',
      '        [0] = "/tmp/sixnix"',
      ' 26458/471234  sixnix   CALL  openat(AT_FDCWD,0x7f7ffffd9fe8,0x602<O_RDWR|O_CREAT|O_TRUNC>,0644)',
      ' 26458/471234  sixnix   NAMI  "/mnt/f"',
      ' 26458/471234  sixnix   RET   openat 4',
      ' 26458/471234  sixnix   CALL  fstat(4,0x7f7ffffd9fe8)',
      ' 26458/471234  sixnix   STRU  struct stat { dev=1030, ino=12, mode=-rw-r--r-- , nlink=1, uid=0<"root">, gid=0<"wheel">, rdev=0, atime=0, mtime=0, ctime=0, size=8192, blocks=16, blksize=16384, flags=0x0, gen=0x0 }',
      ' 26458/471234  sixnix   RET   fstat 0',
      ' 26458/471234  sixnix   PLDG  stdio rpath, "stdio"',
      ' 26458/471234  sixnix   CALL  mmap(0,0x2000,0x3<PROT_READ|PROT_WRITE>,0x1<MAP_SHARED>,4,0)',
      ' 26458/471234  sixnix   RET   mmap 0x7f7ffffd0000',
      ' 26458/471234  sixnix   CALL  issetugid()',
      ' 26458/471234  sixnix   RET   issetugid 0',
      ' 26458/471234  sixnix   STRT  ',
    ].join('\n');
    assert.equal(detectFormat(text).format, 'kdump');
    const { events, diagnostics } = parseWith('kdump', text);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(events.map((e) => [e.kind, e.pid, e.tid]), [
      ['open', 26458, 471234], ['stat', 26458, 471234], ['mmap', 26458, 471234], ['generic', 26458, 471234],
    ]);
    assert.equal(only(events, 'open')[0].fd, 4);
    assert.deepEqual([only(events, 'stat')[0].fd, only(events, 'stat')[0].size], [4, 8192]);
    assert.deepEqual([only(events, 'mmap')[0].shared, only(events, 'mmap')[0].fd], [true, 4]);
  });

  it('reads NetBSD comma-separated masks without the MAP_ prefix, and its mmap pad argument', () => {
    const text = [
      '   106      1 prog     CALL  mmap(0,0x2000,PROT_READ|PROT_WRITE,0x1<SHARED,ALIGN=NONE>,3,0,0x1000)',
      '   106      1 prog     RET   mmap 140187732541440/0x7f7ff7e00000',
      '   106      1 prog     CALL  mmap(0,0x4000,PROT_READ|PROT_WRITE,0x1002<PRIVATE,ANONYMOUS,ALIGN=NONE>,-1,0,0)',
      '   106      1 prog     RET   mmap 140187732606976/0x7f7ff7e10000',
    ].join('\n');
    const { events, diagnostics } = parseWith('kdump', text);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(only(events, 'mmap').map((e) => [e.shared, e.anonymous, e.prot.write, e.fd, e.offset]), [
      [true, false, true, 3, 0x1000], [false, true, true, -1, 0],
    ]);
  });

  it('reports "Events dropped." with a warning and keeps going', () => {
    const text = ['  4711 100101 prog     Events dropped.', h(4711, 100101, 'prog', 1, 'CALL', 'close(0x3)'), h(4711, 100101, 'prog', 2, 'RET', 'close 0')].join('\n');
    const { events, diagnostics } = parseWith('kdump', text);
    assert.deepEqual(diagnostics.map((d) => [d.severity, d.span.line]), [['warning', 0]]);
    assert.deepEqual(events.map((e) => [e.kind, e.name, e.pid]), [['generic', 'Events dropped', 4711], ['close', 'close', 4711]]);
  });

  it('reports a malformed line in the middle once, and a record cut at the end as a warning', () => {
    const text = [
      h(1, 100001, 'p', 1, 'CALL', 'close(0x3)'),
      'this is not kdump output',
      h(1, 100001, 'p', 2, 'RET', 'close 0'),
      h(1, 100001, 'p', 3, 'CALL', 'write(0x3,0x7f'),
    ].join('\n');
    const { events, diagnostics } = parseWith('kdump', text);
    assert.deepEqual(diagnostics.map((d) => [d.severity, d.span.line]), [['error', 1], ['warning', 3]]);
    assert.deepEqual(events.map((e) => e.kind), ['unparsed', 'close', 'unparsed']);
  });

  it('keeps calls still in progress at the end as failed generic events', () => {
    const { events, diagnostics } = parseWith('kdump', h(1, 100001, 'p', 1, 'CALL', 'read(0x0,0x7fffffffd000,0x1000)'));
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(events.map((e) => [e.kind, e.name, e.ok]), [['generic', 'read', false]]);
  });

  it('parses the same way whatever the chunk boundaries', () => {
    const text = samples.map((n) => verbatim(fixture('formats', n))).join('') + read(sample('kdump', 'mmap_msync_pwrite.kdump'));
    assert.deepEqual(parseWith('kdump', text, { chunk: 1 }), parseWith('kdump', text));
  });
});

describe('kdump field readers', () => {
  it('reads headers with and without thread ids and stamps', () => {
    const f: HeaderFields = { pid: 0, tid: undefined, time: undefined, slashTid: false };
    parseHeader(' 10437 8        ', f);
    assert.deepEqual({ ...f }, { pid: 10437, tid: undefined, time: undefined, slashTid: false });
    parseHeader('  8791 100612 mmap_pwrite 1795516262.829226 ', f);
    assert.deepEqual({ ...f }, { pid: 8791, tid: 100612, time: 1795516262.829226, slashTid: false });
    parseHeader('   106      1 ktrace   ', f);
    assert.deepEqual([f.pid, f.tid], [106, 1]);
    parseHeader(' 26458/471234  my prog  0.000012 -0.000003 ', f);
    assert.deepEqual({ ...f }, { pid: 26458, tid: 471234, time: 0.000012, slashTid: true });
    parseHeader('  1234 python3.11 ', f);
    assert.deepEqual([f.tid, f.time], [undefined, undefined]);
  });

  it('reads RET results', () => {
    const r: RetFields = { ret: undefined, ok: true, errno: undefined };
    assert.ok(parseRet('34365181952/0x800531000', r));
    assert.deepEqual({ ...r }, { ret: 34365181952, ok: true, errno: undefined });
    assert.ok(parseRet('-1 errno 2 No such file or directory', r));
    assert.deepEqual({ ...r }, { ret: -1, ok: false, errno: 'ENOENT' });
    assert.ok(parseRet('-1 errno 78', r));
    assert.equal(r.errno, 'ENOSYS');
    assert.ok(parseRet('-1 errno 12345 Unknown error: 12345', r));
    assert.equal(r.errno, 'errno 12345');
    assert.ok(parseRet('JUSTRETURN', r));
    assert.equal(r.ok, true);
    assert.ok(parseRet('RESTART', r));
    assert.deepEqual([r.ok, r.errno], [false, 'ERESTART']);
    assert.ok(parseRet('0xffffffffffffffff', r));
    assert.equal(r.ret, -1);
    assert.ok(parseRet('106, 1', r));
    assert.equal(r.ret, 106);
    assert.equal(parseRet('bogus', r), false);
  });

  it('reads numbers as kdump prints them', () => {
    assert.deepEqual([num('0'), num('0x3e8'), num('0x602<O_RDWR|O_CREAT|O_TRUNC>'), num('0xffffffffffffff9c'), num('12'), num('PROT_READ')], [0, 1000, 0x602, -100, 12, undefined]);
    assert.deepEqual([int32('0xffffffff'), int32('0xffffffffffffff9c'), int32('-1'), int32('3')], [-1, -100, -1, 3]);
    assert.deepEqual(splitArgs('0,0x2000,0x3<PROT_READ|PROT_WRITE>,0x1002<PRIVATE,ANONYMOUS,ALIGN=NONE>,-1,0'), ['0', '0x2000', '0x3<PROT_READ|PROT_WRITE>', '0x1002<PRIVATE,ANONYMOUS,ALIGN=NONE>', '-1', '0']);
  });
});

describe('kdump samples (samples/kdump)', () => {
  for (const name of ['mmap_pwrite.kdump', 'mmap_msync_pwrite.kdump', 'mmap_pwrite_nopflt.kdump']) {
    it(`${name}: is detected as kdump and parses cleanly`, () => {
      const text = read(sample('kdump', name));
      assert.equal(detectFormat(text).format, 'kdump');
      const { diagnostics } = parseWith('kdump', text);
      assert.deepEqual(diagnostics, []);
    });
  }

  it('mmap_pwrite.kdump: the 237588 sequence with a definite store into page 0', () => {
    const { events } = parseWith('kdump', read(sample('kdump', 'mmap_pwrite.kdump')));
    assert.deepEqual(events.map((e) => e.kind), ['generic', 'exec', 'open', 'truncate', 'mmap', 'store', 'write', 'munmap', 'close', 'exit']);
    assert.ok(events.every((e) => e.pid === 8791 && e.tid === 100612 && e.ok));
    const open = only(events, 'open')[0];
    assert.deepEqual([open.fd, open.target?.path, open.flags.write, open.flags.creat, open.flags.trunc], [3, '/tmp/cachereplay-mnt/file.bin', true, true, true]);
    assert.equal(only(events, 'truncate')[0].size, 8192);
    const m = only(events, 'mmap')[0];
    assert.deepEqual([m.addr, m.length, m.shared, m.prot.write, m.fd, m.offset], [0x8231c4000, 8192, true, true, 3, 0]);
    const s = only(events, 'store')[0];
    assert.deepEqual([s.addr, s.wholePage, s.evidence, s.source], [0x8231c4000, true, 'definite', 'pflt']);
    const w = only(events, 'write')[0];
    assert.deepEqual([w.name, w.fd, w.offset, w.length], ['pwrite', 3, 1000, 100]);
    assert.equal(only(events, 'exec')[0].path, './mmap_pwrite');
  });

  it('mmap_msync_pwrite.kdump: msync(MS_SYNC) between the store and the pwrite', () => {
    const { events } = parseWith('kdump', read(sample('kdump', 'mmap_msync_pwrite.kdump')));
    const kinds = events.map((e) => e.kind);
    assert.ok(kinds.indexOf('store') < kinds.indexOf('msync') && kinds.indexOf('msync') < kinds.indexOf('write'));
    const ms = only(events, 'msync')[0];
    assert.deepEqual([ms.addr, ms.length, ms.sync, ms.invalidate], [0x8231c4000, 8192, true, false]);
    assert.equal(ms.durationSec, 0.003725);
  });

  it('mmap_pwrite_nopflt.kdump: without fault records there is no store', () => {
    const { events } = parseWith('kdump', read(sample('kdump', 'mmap_pwrite_nopflt.kdump')));
    assert.equal(only(events, 'store').length, 0);
    assert.equal(only(events, 'write').length, 1);
  });
});
