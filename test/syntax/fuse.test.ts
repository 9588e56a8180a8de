import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Lexer } from 'chevrotain';
import type { TraceEvent } from '../../server/src/engine/events.js';
import { detectFormat } from '../../server/src/engine/syntax/formats.js';
import { createFuseLexer } from '../../server/src/engine/syntax/fuse/tokens.js';
import { fixture, parseWith, read, sample, verbatim } from '../helpers.js';

type Req = Extract<TraceEvent, { kind: 'fuse-request' }>;
type Rep = Extract<TraceEvent, { kind: 'fuse-reply' }>;

const samples = readdirSync(fixture('formats')).filter((f) => f.startsWith('fuse-'));
const realLogs = [
  ...readdirSync(sample('bug237588')).filter((f) => f.endsWith('.fuselog')).map((f) => sample('bug237588', f)),
  ...readdirSync(sample('bug237588', 'ff')).filter((f) => f.endsWith('.fuselog')).map((f) => sample('bug237588', 'ff', f)),
  ...readdirSync(fixture('iocc')).filter((f) => f.endsWith('.fuselog')).map((f) => fixture('iocc', f)),
  ...readdirSync(sample('fsx')).filter((f) => f.endsWith('.fuselog')).map((f) => sample('fsx', f)),
];

function only<K extends TraceEvent['kind']>(events: TraceEvent[], kind: K): Array<Extract<TraceEvent, { kind: K }>> {
  return events.filter((e): e is Extract<TraceEvent, { kind: K }> => e.kind === kind);
}

function errors(d: { severity: string }[]): unknown[] {
  return d.filter((x) => x.severity === 'error');
}

/** Events without `seq`, for comparing parses of the same text. */
function strip(events: TraceEvent[]): unknown[] {
  return events.map(({ seq: _seq, ...e }) => e);
}

describe('fuse lexer', () => {
  it('keeps Chevrotain’s first-character optimisation (ensureOptimizations would throw otherwise)', () => {
    assert.ok(createFuseLexer() instanceof Lexer);
  });
});

describe('fuse public samples', () => {
  for (const name of samples) {
    it(`${name}: is detected as fuse and parses without errors`, () => {
      const text = verbatim(fixture('formats', name));
      assert.equal(detectFormat(text).format, 'fuse');
      const { events, diagnostics } = parseWith('fuse', text);
      assert.ok(events.length > 0);
      assert.deepEqual(diagnostics, [], `unexpected diagnostics in ${name}`);
    });
  }

  it('a sample cut in the middle of its last request line gets one warning, on that line only', () => {
    const text = verbatim(fixture('formats', 'fuse-04.txt'));
    const cut = text.slice(0, text.lastIndexOf('unique: 9, opcode: RELEASE') + 'unique: 9, opcode: REL'.length);
    const lines = cut.split('\n');
    const { events, diagnostics } = parseWith('fuse', cut);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].severity, 'warning');
    assert.equal(diagnostics[0].span.line, lines.length - 1);
    assert.equal(events[events.length - 1].kind, 'unparsed');
    // and with a final newline
    const cut2 = parseWith('fuse', `${cut}\n`, { chunk: 50 });
    assert.deepEqual(cut2.diagnostics.map((d) => [d.severity, d.span.line]), [['warning', lines.length - 1]]);
  });

  it('fuse-01: low-level log, out-of-order replies: events stay in line order, replies pair by unique', () => {
    const { events } = parseWith('fuse', verbatim(fixture('formats', 'fuse-01.txt')));
    const lines = events.map((e) => e.span.line);
    assert.deepEqual(lines, [...lines].sort((a, b) => a - b), 'events are in line order');
    const req = (u: number) => only(events, 'fuse-request').find((e) => e.unique === u)!;
    const rep = (u: number) => only(events, 'fuse-reply').find((e) => e.unique === u)!;
    // Request 20 (line 39) is answered after 22 and 24 (lines 44-46).
    assert.equal(req(20).span.line, 39);
    assert.equal(req(20).endSpan?.line, 46);
    assert.equal(rep(20).opcode, 'WRITE');
    assert.equal(rep(22).span.line, 45);
    // WRITE data size from insize (no high-level lines in a low-level log), pid 0 = the kernel (write-back)
    assert.equal(req(14).size, 131072);
    assert.equal(req(14).requester, 0);
    assert.equal(req(24).requester, 57);
    // errors: -38 ENOSYS, -2 ENOENT
    assert.equal(rep(12).error, -38);
    assert.equal(rep(12).errno, 'ENOSYS');
    assert.equal(req(12).ok, false);
    assert.equal(rep(6).error, -2);
    assert.equal(rep(4).error, 0);
    assert.equal(rep(4).ok, true);
  });

  it('fuse-01: the INIT block and the filesystem’s own lines make no events', () => {
    const { events } = parseWith('fuse', verbatim(fixture('formats', 'fuse-01.txt')));
    assert.deepEqual(events.slice(0, 2).map((e) => [e.kind, e.name, e.span.line]), [['fuse-request', 'INIT', 1], ['fuse-reply', 'INIT', 13]]);
    assert.equal(events.filter((e) => e.kind !== 'fuse-request' && e.kind !== 'fuse-reply').length, 0);
  });

  it('fuse-03: macOS reuses uniques across streams; -78 is its ENOSYS', () => {
    const { events } = parseWith('fuse', verbatim(fixture('formats', 'fuse-03.txt')));
    const reqs = only(events, 'fuse-request');
    const reps = only(events, 'fuse-reply');
    assert.equal(reqs.length, 12);
    assert.equal(reps.length, 12);
    for (const r of reps) assert.equal(r.opcode, reqs.find((q) => q.unique === r.unique && q.endSpan?.line === r.span.line)?.opcode);
    const rd = reps.find((r) => r.opcode === 'RELEASEDIR')!;
    assert.equal(rd.error, -78);
    assert.equal(rd.errno, 'ENOSYS');
  });

  it('fuse-04: libfuse 2.8 high-level lines give paths, fh, flags, offsets and sizes; NODEID teaches the nodeid’s path', () => {
    const { events } = parseWith('fuse', verbatim(fixture('formats', 'fuse-04.txt')));
    const reqs = only(events, 'fuse-request');
    const write = reqs.find((e) => e.opcode === 'WRITE')!;
    assert.deepEqual([write.fh, write.offset, write.size, write.flags, write.writepage, write.path, write.nodeid], [142702144, 0, 20, 0x8001, false, '/test', 2]);
    assert.equal(write.requester, undefined, 'libfuse 2.8 prints no pid');
    const reply = only(events, 'fuse-reply').find((e) => e.opcode === 'WRITE')!;
    assert.equal(reply.size, 20);
    const lookup = only(events, 'fuse-reply').find((e) => e.opcode === 'LOOKUP' && e.ok)!;
    assert.equal(lookup.nodeid, 2);
    const create = reqs.find((e) => e.opcode === 'CREATE')!;
    assert.deepEqual([create.path, create.flags, create.fh, create.ok], ['/test', 0x80c1, 149707680, false]);
    const open = reqs.find((e) => e.opcode === 'OPEN')!;
    assert.deepEqual([open.path, open.fh, open.flags], ['/test', 142702144, 0x8001]);
    const setattr = reqs.find((e) => e.opcode === 'SETATTR')!;
    assert.deepEqual([setattr.path, setattr.size], ['/test', 0]);
    const release = reqs.filter((e) => e.opcode === 'RELEASE').at(-1)!;
    assert.deepEqual([release.fh, release.flags], [142702144, 0x8001]);
    // the prompt-glued request of the second run
    const glued = reqs.find((e) => e.span.line === 33)!;
    assert.equal(glued.span.start, 2);
  });

  it('fuse-05: libfuse 2.7 `error: 0 (Success)` is a success; a request glued to a shell prompt is read', () => {
    const text = verbatim(fixture('formats', 'fuse-05.txt'));
    const { events } = parseWith('fuse', text);
    const reps = only(events, 'fuse-reply');
    assert.deepEqual(reps.map((r) => [r.unique, r.error, r.ok]), [[1, 0, true], [2, 0, true]]);
    const getattr = only(events, 'fuse-request').find((e) => e.opcode === 'GETATTR')!;
    const line = text.split('\n')[getattr.span.line];
    assert.equal(line.slice(getattr.span.start, getattr.span.start + 7), 'unique:');
  });

  it('fuse-06/07: go-fuse rx/tx lines, with and without pid, replies with attributes', () => {
    const six = parseWith('fuse', verbatim(fixture('formats', 'fuse-06.txt'))).events;
    // the excerpt begins with a reply whose request is not in it
    assert.equal(six[0].kind, 'fuse-reply');
    assert.equal((six[0] as Rep).opcode, undefined);
    const lookup = only(six, 'fuse-request')[0];
    assert.deepEqual([lookup.unique, lookup.opcode, lookup.nodeid, lookup.path], [2, 'LOOKUP', 1, '/abc']);
    assert.equal(lookup.time, 23 * 60 + 16.664752);
    const rep = only(six, 'fuse-reply')[1];
    assert.deepEqual([rep.unique, rep.opcode, rep.nodeid, rep.attrSize, rep.error], [2, 'LOOKUP', 4, 160, 0]);
    const seven = parseWith('fuse', verbatim(fixture('formats', 'fuse-07.txt'))).events;
    const err = only(seven, 'fuse-reply').find((e) => e.opcode === 'GETXATTR')!;
    assert.deepEqual([err.error, err.errno, err.ok], [-93, 'ENOATTR', false]);
    assert.equal(only(seven, 'fuse-reply')[0].attrSize, 22158);
    assert.equal(only(seven, 'fuse-request')[0].nodeid, 1001);
  });

  it('fuse-08: OpenBSD libfuse `Opcode:` lines become requests (no unique: numbered -1, -2, ...)', () => {
    const { events } = parseWith('fuse', verbatim(fixture('formats', 'fuse-08.txt')));
    const reqs = only(events, 'fuse-request');
    assert.deepEqual(reqs.map((e) => e.opcode), ['INIT', 'GETATTR', 'GETATTR', 'OPENDIR', 'GETATTR', 'READDIR', 'READDIR', 'READDIR', 'RELEASEDIR']);
    assert.deepEqual(reqs.map((e) => e.unique), [-1, -2, -3, -4, -5, -6, -7, -8, -9]);
    assert.deepEqual([reqs[6].nodeid, reqs[6].offset, reqs[6].size, reqs[6].path], [1, 96, 4000, '/']);
    assert.equal(only(events, 'fuse-reply').length, 0);
  });
});

describe('fuse real bindfs logs (libfuse 2.9.9)', () => {
  for (const path of realLogs) {
    const name = path.split('/').slice(-2).join('/');
    it(`${name}: detected as fuse, no diagnostics, every request answered`, () => {
      const text = read(path);
      assert.equal(detectFormat(text).format, 'fuse');
      const { events, diagnostics } = parseWith('fuse', text);
      assert.deepEqual(diagnostics, []);
      const reqs = only(events, 'fuse-request');
      const reps = only(events, 'fuse-reply');
      assert.equal(reqs.length, (text.match(/^unique: \d+, opcode:/gm) ?? []).length);
      assert.equal(reps.length, (text.match(/^ {3}unique: \d+, /gm) ?? []).length);
      for (const r of reqs) assert.ok(r.endSpan, `request ${r.unique} has its reply`);
      for (const r of reps) assert.ok(r.opcode);
      for (const w of reqs.filter((e) => e.opcode === 'WRITE')) {
        assert.ok(w.offset !== undefined && w.size !== undefined && w.fh !== undefined && w.writepage !== undefined);
        if (w.writepage) assert.equal(w.requester, 0, 'writepage requests come from the kernel');
      }
    });
  }

  it('mmap_pwrite: writepage is the kernel’s write-back of the mmap page; nodeid 2 is /file.bin from CREATE on', () => {
    const { events } = parseWith('fuse', read(sample('bug237588', 'mmap_pwrite.fuselog')));
    const reqs = only(events, 'fuse-request');
    const writes = reqs.filter((e) => e.opcode === 'WRITE');
    assert.deepEqual(writes.map((w) => [w.offset, w.size, w.writepage, w.requester]), [[1000, 100, false, 8791], [0, 4096, true, 0]]);
    const create = reqs.find((e) => e.opcode === 'CREATE')!;
    assert.deepEqual([create.path, create.fh, create.flags], ['/file.bin', 5, 0x8242]);
    assert.equal(only(events, 'fuse-reply').find((e) => e.opcode === 'CREATE')!.nodeid, 2);
    // FLUSH has no high-level line (bindfs has no flush): its path comes from the nodeid map
    const flush = reqs.find((e) => e.opcode === 'FLUSH')!;
    assert.deepEqual([flush.path, flush.ok, flush.errno], ['/file.bin', false, 'ENOSYS']);
    const read1 = reqs.find((e) => e.opcode === 'READ')!;
    assert.deepEqual([read1.offset, read1.size], [0, 8192]);
    assert.equal(only(events, 'fuse-reply').find((e) => e.opcode === 'READ')!.size, 8192);
    const trunc = reqs.find((e) => e.opcode === 'SETATTR')!;
    assert.deepEqual([trunc.size, trunc.fh], [8192, 5]);
  });

  it('copy_file_range: `opcode: ??? (53)` is named from the opcode number', () => {
    const { events } = parseWith('fuse', read(fixture('iocc', 'copy_file_range_from_mapped_write.fuselog')));
    const q = only(events, 'fuse-request').filter((e) => e.opcode.startsWith('COPY_FILE_RANGE'));
    assert.deepEqual(q.map((e) => e.opcode), ['COPY_FILE_RANGE_64', 'COPY_FILE_RANGE']);
  });

  it('chunk boundaries do not change the result', () => {
    const text = read(fixture('iocc', 'extend_from_dirty_page.fuselog')) + verbatim(fixture('formats', 'fuse-01.txt'));
    const whole = strip(parseWith('fuse', text).events);
    for (const chunk of [1, 7, 100, 1000]) assert.deepEqual(strip(parseWith('fuse', text, { chunk }).events), whole, `chunk ${chunk}`);
  });
});

describe('fuse line forms', () => {
  it('multi-threaded interleaving: high-level lines go to the nearest unanswered request of their op', () => {
    const text = [
      'unique: 20, opcode: WRITE (16), nodeid: 2, insize: 4176, pid: 0',
      'writepage[5] 4096 bytes to 0 flags: 0x0',
      'unique: 22, opcode: WRITE (16), nodeid: 2, insize: 180, pid: 900',
      'unique: 24, opcode: READ (15), nodeid: 2, insize: 80, pid: 901',
      'write[5] 100 bytes to 1000 flags: 0x8002',
      'read[5] 4096 bytes from 8192 flags: 0x8002',
      '   write[5] 100 bytes to 1000',
      '   unique: 22, success, outsize: 24',
      '   read[5] 4096 bytes from 8192',
      '   unique: 24, success, outsize: 4112',
      '   writepage[5] 4096 bytes to 0',
      '   unique: 20, success, outsize: 24',
    ].join('\n');
    const { events, diagnostics } = parseWith('fuse', text);
    assert.deepEqual(diagnostics, []);
    const req = (u: number) => only(events, 'fuse-request').find((e) => e.unique === u)!;
    const rep = (u: number) => only(events, 'fuse-reply').find((e) => e.unique === u)!;
    assert.deepEqual([req(20).writepage, req(20).offset, req(20).size, req(20).requester], [true, 0, 4096, 0]);
    assert.deepEqual([req(22).writepage, req(22).offset, req(22).size, req(22).flags], [false, 1000, 100, 0x8002]);
    assert.deepEqual([req(24).offset, req(24).size], [8192, 4096]);
    assert.deepEqual([rep(20).size, rep(22).size, rep(24).size], [4096, 100, 4096]);
    assert.deepEqual(events.map((e) => e.span.line), [0, 2, 3, 7, 9, 11]);
  });

  it('libfuse 3.18: `dev unique:` and `cqe unique:` request lines, NOTIFY, INTERRUPT, FORGET, `fuse:` messages', () => {
    const text = [
      'FUSE library version: 3.18.0',
      'dev unique: 2, opcode: INIT (26), nodeid: 0, insize: 104, pid: 0',
      'INIT: 7.45',
      'flags=0x73fffffb',
      'max_readahead=0x00020000',
      '   INIT: 7.45',
      '   flags=0x4041f429',
      '   max_readahead=0x00020000',
      '   max_write=0x00100000',
      '   max_background=0',
      '   congestion_threshold=0',
      '   time_gran=1',
      '   unique: 2, success, outsize: 80',
      'dev unique: 4, opcode: LOOKUP (1), nodeid: 1, insize: 49, pid: 1234',
      'LOOKUP /f',
      'getattr[NULL] /f',
      '   NODEID: 7',
      '   unique: 4, success, outsize: 144',
      'cqe unique: 6, opcode: WRITE (16), nodeid: 7, insize: 4176, pid: 1234',
      'NOTIFY: code=2 length=24',
      'dev unique: 8, opcode: FORGET (2), nodeid: 7, insize: 48, pid: 0',
      'FORGET 7/1',
      'cqe unique: 9, opcode: INTERRUPT (36), nodeid: 0, insize: 48, pid: 0',
      'INTERRUPT: 6',
      'fuse: writing device: No such file or directory',
      '   unique: 6, error: -4 (Interrupted system call), outsize: 16',
      'dev unique: 10, opcode: GETATTR (3), nodeid: 7, insize: 56, pid: 1234',
      '   unique: 10, success, outsize: 120 (splice)',
    ].join('\n');
    const { events, diagnostics } = parseWith('fuse', text);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(events.map((e) => `${e.kind}:${e.name}:${e.span.line}`), [
      'fuse-request:INIT:1', 'fuse-reply:INIT:12', 'fuse-request:LOOKUP:13', 'fuse-reply:LOOKUP:17', 'fuse-request:WRITE:18',
      'generic:NOTIFY_INVAL_INODE:19', 'fuse-request:FORGET:20', 'fuse-request:INTERRUPT:22', 'fuse-reply:WRITE:25',
      'fuse-request:GETATTR:26', 'fuse-reply:GETATTR:27',
    ]);
    const write = only(events, 'fuse-request').find((e) => e.unique === 6)!;
    assert.deepEqual([write.path, write.size, write.ok, write.errno], ['/f', 4096, false, 'EINTR']);
    const getattr = only(events, 'fuse-request').find((e) => e.unique === 10)!;
    assert.equal(getattr.path, '/f');
    assert.equal(only(events, 'fuse-request')[1].span.start, 0);
  });

  it('newer go-fuse: WRITE/READ ranges and handles, written and read sizes, attribute sizes', () => {
    const text = [
      '12:00:00.000001 rx 4: WRITE n2 {Fh 1 [0 +4096) CACHE L 0 RDWR}"abcdefgh"... 4096b p0',
      '12:00:00.000002 tx 4:     OK, {4096b }',
      '12:00:00.000003 rx 6: READ n2 {Fh 1 [4096 +4096)  L 0 RDWR} p77',
      '12:00:00.000004 tx 6:     OK,  4096b data "abcdefgh"...',
      '12:00:00.000005 rx 8: GETATTR n2 {Fh 0 } p77',
      '12:00:00.000006 tx 8:     OK, {tA=1s {M0100644 SZ=8192 L=1 0:0 B16*4096 i0:12 A 0.000000 M 0.000000 C 0.000000}}',
      'rx 10: WRITE n2 {Fh 1 off 8192 sz 512 } p0',
      'tx 10: OK, {n 512}',
      '2024/01/02 03:04:05 tx 12:     2=no such file or directory',
    ].join('\n');
    const { events, diagnostics } = parseWith('fuse', text);
    assert.deepEqual(diagnostics, []);
    const reqs = only(events, 'fuse-request');
    const reps = only(events, 'fuse-reply');
    assert.deepEqual(reqs.map((e) => [e.unique, e.opcode, e.nodeid, e.fh, e.offset, e.size, e.requester]), [
      [4, 'WRITE', 2, 1, 0, 4096, 0], [6, 'READ', 2, 1, 4096, 4096, 77], [8, 'GETATTR', 2, 0, undefined, undefined, 77], [10, 'WRITE', 2, 1, 8192, 512, 0],
    ]);
    assert.deepEqual(reps.map((e) => [e.unique, e.opcode, e.size, e.attrSize, e.error]), [
      [4, 'WRITE', 4096, undefined, 0], [6, 'READ', 4096, undefined, 0], [8, 'GETATTR', undefined, 8192, 0], [10, 'WRITE', 512, undefined, 0], [12, undefined, undefined, undefined, -2],
    ]);
    assert.equal(reps[4].errno, 'ENOENT');
    assert.equal(reqs[0].time, 12 * 3600 + 0.000001);
  });

  it('OpenBSD low-level lines and fuser request lines', () => {
    const text = [
      'read       inode: 2\tpid: 77\tfh: 3\tsize: 4096\toffset: 8192\t',
      '[2024-01-01T00:00:00Z DEBUG fuser::request] FUSE( 12) ino 0x0000000000000002: WRITE fh 3, offset 0, size 512, write flags 0x0',
    ].join('\n');
    const { events, diagnostics } = parseWith('fuse', text);
    assert.deepEqual(diagnostics, []);
    const [bsd, fuser] = only(events, 'fuse-request');
    assert.deepEqual([bsd.opcode, bsd.nodeid, bsd.requester, bsd.fh, bsd.size, bsd.offset], ['READ', 2, 77, 3, 4096, 8192]);
    assert.deepEqual([fuser.unique, fuser.opcode, fuser.nodeid, fuser.fh, fuser.offset, fuser.size], [12, 'WRITE', 2, 3, 0, 512]);
    assert.equal(text.split('\n')[1].slice(fuser.span.start, fuser.span.start + 5), 'FUSE(');
  });

  it('a broken protocol line is one error and parsing goes on; the filesystem’s own lines are no errors', () => {
    const text = [
      'unique: 2, opcode: GETATTR (3), nodeid: 1, insize: 56, pid: 5',
      'my_fs: getattr called for / (unique: 2)',
      '   unique: 2, succes, outsize: 120',
      'unique: 4, opcode: GETATTR (3), nodeid: 1, insize: 56, pid: 5',
      '   unique: 4, success, outsize: 120',
    ].join('\n');
    const { events, diagnostics } = parseWith('fuse', text);
    assert.deepEqual(diagnostics.map((d) => [d.severity, d.span.line]), [['error', 2]]);
    assert.deepEqual(events.map((e) => `${e.kind}:${e.span.line}`), ['fuse-request:0', 'unparsed:2', 'fuse-request:3', 'fuse-reply:4']);
    assert.equal(errors(diagnostics).length, 1);
  });

  it('requests that never get a reply are released (unanswered at the end, or pushed out by later traffic)', () => {
    const lines = ['unique: 2, opcode: READ (15), nodeid: 2, insize: 80, pid: 5'];
    for (let u = 4; u < 4 + 2 * 200; u += 2) lines.push(`unique: ${u}, opcode: GETATTR (3), nodeid: 1, insize: 56, pid: 5`, `   unique: ${u}, success, outsize: 120`);
    const { events } = parseWith('fuse', lines.join('\n'));
    assert.equal(events.length, 401);
    assert.equal(events[0].kind, 'fuse-request');
    assert.equal((events[0] as Req).endSpan, undefined);
    const lone = parseWith('fuse', lines[0]).events;
    assert.equal(lone.length, 1);
  });
});
