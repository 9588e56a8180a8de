import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Lexer } from 'chevrotain';
import type { EventDraft, ParseDiagnostic, TraceEvent } from '../../server/src/engine/events.js';
import { detectFormat, formatSpec } from '../../server/src/engine/syntax/formats.js';
import { FSX_FD, FSX_MAP_ADDR } from '../../server/src/engine/syntax/fsx/fsx-parser.js';
import { createFsxLexer } from '../../server/src/engine/syntax/fsx/tokens.js';
import { parseWith, read, sample } from '../helpers.js';

const files = readdirSync(sample('fsx')).filter((f) => /\.(fsxlog|fsxops|stdout)$/.test(f));

function only<K extends TraceEvent['kind']>(events: TraceEvent[], kind: K): Array<Extract<TraceEvent, { kind: K }>> {
  return events.filter((e): e is Extract<TraceEvent, { kind: K }> => e.kind === kind);
}

function strip(events: TraceEvent[]): unknown[] {
  return events.map(({ seq: _seq, ...e }) => e);
}

/** Parses with parser options parseWith does not pass (fsxMsync). */
function parseOpts(text: string, options: { fsxMsync?: boolean; defaultPid?: number }): { events: TraceEvent[]; diagnostics: ParseDiagnostic[] } {
  const events: TraceEvent[] = [];
  const diagnostics: ParseDiagnostic[] = [];
  const p = formatSpec('fsx')!.create({ event: (e: EventDraft) => events.push({ ...e, seq: events.length + 1 } as TraceEvent), diagnostic: (d) => diagnostics.push(d) }, options);
  p.feed(text, 0);
  p.end();
  return { events, diagnostics };
}

/** The events of one line, as `kind:name` strings. */
function lineKinds(events: TraceEvent[], line: number): string[] {
  return events.filter((e) => e.span.line === line).map((e) => `${e.kind}:${e.name}`);
}

function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.startsWith(needle));
  assert.ok(i >= 0, `no line starts with ${needle}`);
  return i;
}

describe('fsx lexer', () => {
  it('keeps Chevrotain’s first-character optimisation (ensureOptimizations would throw otherwise)', () => {
    assert.ok(createFsxLexer() instanceof Lexer);
  });
});

describe('fsx samples', () => {
  for (const name of files) {
    it(`${name}: is detected as fsx and parses without diagnostics, chunking aside`, () => {
      const text = read(sample('fsx', name));
      assert.equal(detectFormat(text).format, 'fsx');
      const { events, diagnostics } = parseWith('fsx', text);
      assert.deepEqual(diagnostics, []);
      assert.ok(events.length > 0);
      assert.equal(events[0].kind === 'open' || events[0].kind === 'generic', true);
      for (const chunk of [1, 13, 200]) assert.deepEqual(strip(parseWith('fsx', text, { chunk }).events), strip(events), `chunk ${chunk}`);
    });
  }

  it('freebsd-U: progress lines become fd 3 syscalls; "thru" is inclusive', () => {
    const text = read(sample('fsx', 'freebsd-U.fsxlog'));
    const { events } = parseWith('fsx', text);
    const first = lineOf(text, '1 write');
    assert.deepEqual(lineKinds(events, first), ['open:open', 'write:WRITE']);
    const open = only(events, 'open')[0];
    assert.deepEqual([open.fd, open.target?.path, open.flags.trunc, open.flags.creat, open.flags.write, open.pid], [FSX_FD, 'fsx.bin', true, true, true, 1]);
    const w = only(events, 'write')[0];
    // 1 write	0x8485 thru	0x10c55	(0x87d1 bytes)
    assert.deepEqual([w.fd, w.offset, w.length], [3, 0x8485, 0x10c55 - 0x8485 + 1]);
    assert.equal(w.length, 0x87d1);
    const trunc = only(events, 'truncate').find((e) => e.span.line === lineOf(text, '4 trunc'))!;
    assert.equal(trunc.size, 0x48d9);
    const mr = only(events, 'mmap').find((e) => e.span.line === lineOf(text, '6 mapread'))!;
    // 6 mapread	0x359ed thru	0x37250	(0x1864 bytes): mapped from its page, for pg_offset + size bytes
    assert.deepEqual([mr.offset, mr.length, mr.prot.write, mr.shared, mr.addr], [0x35000, 0x9ed + 0x1864, false, true, FSX_MAP_ADDR]);
    assert.deepEqual(lineKinds(events, lineOf(text, '6 mapread')), ['mmap:MAPREAD', 'munmap:munmap']);
    assert.deepEqual(lineKinds(events, lineOf(text, '7 read')), ['read:READ']);
    const last = events[events.length - 1];
    assert.deepEqual([last.kind, last.span.line], ['close', lineOf(text, 'All operations completed A-OK!')]);
  });

  it('MAPWRITE: ftruncate when it extends the file, mmap, a definite store, no msync for -U, munmap', () => {
    const text = read(sample('fsx', 'freebsd-U.stdout'));
    const { events } = parseWith('fsx', text);
    // 13 mapwrite	0x38c28 thru	0x3e8cb	(0x5ca4 bytes) after "10 trunc from 0x38872 to 0x14ba2": extends the file
    const line = lineOf(text, '13 mapwrite');
    assert.deepEqual(lineKinds(events, line), ['truncate:ftruncate', 'mmap:mmap', 'store:MAPWRITE', 'munmap:munmap']);
    const at = events.filter((e) => e.span.line === line);
    const [t, m, s, u] = at as [Extract<TraceEvent, { kind: 'truncate' }>, Extract<TraceEvent, { kind: 'mmap' }>, Extract<TraceEvent, { kind: 'store' }>, Extract<TraceEvent, { kind: 'munmap' }>];
    assert.equal(t.size, 0x3e8cc);
    assert.deepEqual([m.offset, m.length, m.prot.read, m.prot.write, m.shared, m.fd], [0x38000, 0xc28 + 0x5ca4, true, true, true, 3]);
    assert.deepEqual([s.fd, s.offset, s.length, s.evidence, s.source], [3, 0x38c28, 0x5ca4, 'definite', 'fsx']);
    assert.deepEqual([u.addr, u.length], [m.addr, m.length]);
    // 14 mapwrite	0x36762 thru	0x3fbee: extends again; 16 mapwrite 0xf4e5 thru 0x19675 does not
    assert.deepEqual(lineKinds(events, lineOf(text, '16 mapwrite')), ['mmap:mmap', 'store:MAPWRITE', 'munmap:munmap']);
  });

  it('msync after MAPWRITE: banners without "mapped msync DISABLED" mean yes; a bare FreeBSD .fsxlog means no; fsxMsync decides', () => {
    const stdout = read(sample('fsx', 'freebsd-msync.stdout'));
    const line = lineOf(stdout, '13 mapwrite');
    assert.deepEqual(lineKinds(parseWith('fsx', stdout).events, line), ['truncate:ftruncate', 'mmap:mmap', 'store:MAPWRITE', 'msync:msync', 'munmap:munmap']);
    const ms = only(parseWith('fsx', stdout).events, 'msync').find((e) => e.span.line === line)!;
    assert.deepEqual([ms.sync, ms.invalidate, ms.addr, ms.length], [true, false, FSX_MAP_ADDR, 0xc28 + 0x5ca4]);
    const log = read(sample('fsx', 'freebsd-msync.fsxlog'));
    assert.equal(only(parseWith('fsx', log).events, 'msync').length, 0);
    assert.equal(only(parseOpts(log, { fsxMsync: true }).events, 'msync').length, 5);
    assert.equal(only(parseOpts(stdout, { fsxMsync: false }).events, 'msync').length, 0);
    const xfs = read(sample('fsx', 'xfstests-zero-range.fsxlog'));
    assert.equal(only(parseWith('fsx', xfs).events, 'msync').length, 1);
    assert.equal(only(parseOpts(xfs, { fsxMsync: false }).events, 'msync').length, 0);
  });

  it('-c/-i: close/open reopens without O_TRUNC; msync(MS_INVALIDATE) maps the whole file and invalidates', () => {
    const text = read(sample('fsx', 'freebsd-c4-i4-U.fsxlog'));
    const { events } = parseWith('fsx', text);
    assert.deepEqual(lineKinds(events, lineOf(text, '1 close/open')), ['close:close', 'open:open']);
    const reopen = only(events, 'open')[1];
    assert.deepEqual([reopen.fd, reopen.flags.trunc, reopen.flags.creat, reopen.flags.write], [3, false, false, true]);
    const inv = lineOf(text, '1 msync(MS_INVALIDATE)');
    assert.deepEqual(lineKinds(events, inv), ['mmap:mmap', 'msync:MS_INVALIDATE', 'munmap:munmap']);
    const [m, s] = events.filter((e) => e.span.line === inv) as [Extract<TraceEvent, { kind: 'mmap' }>, Extract<TraceEvent, { kind: 'msync' }>];
    assert.deepEqual([m.offset, m.length], [0, 0x10c56]);
    assert.deepEqual([s.length, s.sync, s.invalidate], [0, true, true]);
  });

  it('bug237588.fsxlog: the dump is expanded in order, then READ BAD DATA becomes a verify anchored at its line', () => {
    const text = read(sample('fsx', 'bug237588.fsxlog'));
    const { events, diagnostics } = parseWith('fsx', text);
    assert.deepEqual(diagnostics, []);
    const v = only(events, 'verify');
    assert.equal(v.length, 1);
    assert.deepEqual([v[0].span.line, v[0].offset, v[0].length, v[0].badOffset, v[0].suspectOp, v[0].ok, v[0].path], [1, 0x61d4, 0xd68, 0x61d4, 2, false, 'fsx.bin']);
    assert.match(v[0].detail ?? '', /0x06a1.*0x029d.*0xb36 bytes differ/);
    assert.equal(events[events.length - 1], v[0], 'after the operations it judges');
    assert.deepEqual(lineKinds(events, lineOf(text, '2(2 mod 256)')), ['mmap:mmap', 'store:MAPWRITE', 'munmap:munmap']);
    assert.deepEqual(lineKinds(events, lineOf(text, '\t\tCLOSE/OPEN')), ['close:close', 'open:open']);
    assert.deepEqual(lineKinds(events, lineOf(text, '7(7 mod 256)')), ['write:WRITE']);
    const w = only(events, 'write').find((e) => e.span.line === lineOf(text, '7(7 mod 256)'))!;
    assert.deepEqual([w.offset, w.length], [0x6590, 0x232]);
    const stores = only(events, 'store');
    assert.deepEqual(stores.map((s) => [s.offset, s.length]), [[0x1c3a, 0x89b8], [0x3e07, 0x4c67]]);
    assert.equal(only(events, 'msync').length, 0, 'FreeBSD-style log: no msync (the -U case)');
    // TRUNCATE UP from 0x0 to 0x12000
    assert.equal(only(events, 'truncate')[0].size, 0x12000);
    assert.equal(only(events, 'open')[0].span.line, lineOf(text, '1(1 mod 256)'));
  });

  it('xfstests LOG DUMP: padded entries, FALLOC/COPY/CLONE/PUNCH/ZERO/FSYNC/SKIPPED, CLOSE/OPEN, fname, one hint per row', () => {
    const text = read(sample('fsx', 'xfstests-zero-range.fsxlog'));
    const { events, diagnostics } = parseWith('fsx', text);
    assert.deepEqual(diagnostics, []);
    assert.equal(only(events, 'open')[0].target?.path, '/mnt/fuse/fsx.bin');
    const v = only(events, 'verify')[0];
    assert.deepEqual([v.offset, v.length, v.badOffset, v.suspectOp, v.path], [0x2e00, 0x300, 0x3000, 2, '/mnt/fuse/fsx.bin']);
    assert.deepEqual(lineKinds(events, lineOf(text, '1(  1 mod 256)')), ['open:open', 'write:WRITE']);
    assert.deepEqual(lineKinds(events, lineOf(text, '2(  2 mod 256)')), ['mmap:mmap', 'store:MAPWRITE', 'msync:msync', 'munmap:munmap']);
    const space = only(events, 'space');
    assert.deepEqual(space.map((s) => [s.name, s.op, s.offset, s.length, s.keepSize, s.srcOffset]), [
      ['FALLOC', 'allocate', 0x8000, 0x2000, false, undefined],
      ['COPY', 'copy-dest', 0x9000, 0x1000, false, 0x1000],
      ['PUNCH', 'punch', 0x6000, 0x1000, true, undefined],
      ['CLONE', 'copy-dest', 0xa000, 0x1000, false, 0x0],
      ['ZERO', 'zero', 0x3000, 0x1000, false, undefined],
    ]);
    assert.deepEqual(lineKinds(events, lineOf(text, '5(  5 mod 256)')), ['generic:SKIPPED']);
    assert.deepEqual(lineKinds(events, lineOf(text, '9(  9 mod 256)')), ['sync:FSYNC']);
  });

  it('xfstests .fsxops: the same operations as its LOG DUMP, numbered by line', () => {
    const dump = parseWith('fsx', read(sample('fsx', 'xfstests-zero-range.fsxlog'))).events.filter((e) => e.kind !== 'verify');
    const ops = parseWith('fsx', read(sample('fsx', 'xfstests-zero-range.fsxops'))).events;
    const shape = (events: TraceEvent[]) => events.map(({ seq: _s, span: _p, name: _n, ...e }) => ({ ...e, target: undefined }));
    assert.deepEqual(shape(ops.filter((e) => e.kind !== 'generic')), shape(dump.filter((e) => e.kind !== 'generic')));
    assert.deepEqual(lineKinds(ops, 4), ['generic:SKIPPED READ']);
  });
});

describe('fsx line forms', () => {
  it('a malformed line is one error; the lines after it are read', () => {
    const text = ['1 write\t0x0 thru\t0xfff\t(0x1000 bytes)', '2 write\t0x1000 thru 0x1fff (0x1000 bytes)', '3 read\t0x0 thru\t0xff\t(0x100 bytes)'].join('\n');
    const { events, diagnostics } = parseWith('fsx', text);
    assert.deepEqual(diagnostics.map((d) => [d.severity, d.span.line]), [['error', 1]]);
    assert.deepEqual(events.map((e) => `${e.kind}:${e.span.line}`), ['open:0', 'write:0', 'unparsed:1', 'read:2']);
  });

  it('a line cut at the end of the log is one warning', () => {
    const text = '1 write\t0x0 thru\t0xfff\t(0x1000 bytes)\n2 mapwrite\t0x1000 thr';
    for (const t of [text, `${text}\n`]) {
      const { diagnostics } = parseWith('fsx', t);
      assert.deepEqual(diagnostics.map((d) => [d.severity, d.span.line]), [['warning', 1]]);
    }
  });

  it('-d progress lines then a failure: dump entries repeat the operations and stay generic', () => {
    const text = [
      '1 write\t0x0 thru\t0x1fff\t(0x2000 bytes)',
      '2 mapwrite\t0x800 thru\t0x17ff\t(0x1000 bytes)',
      '3 read\t0x0 thru\t0xfff\t(0x1000 bytes)',
      'READ BAD DATA: offset = 0x0, size = 0x1000',
      'OFFSET\tGOOD\tBAD\tRANGE',
      '0x  800\t0x0211\t0x0122\t0x  800',
      'operation# (mod 256) for the bad data may be 1',
      'LOG DUMP (3 total operations):',
      '1(1 mod 256): WRITE\t0x0 thru 0x1fff\t(0x2000 bytes) EXTEND',
      '2(2 mod 256): MAPWRITE 0x800 thru 0x17ff\t(0x1000 bytes)\t******WWWW',
      '3(3 mod 256): READ\t0x0 thru 0xfff\t(0x1000 bytes)\t***RRRR***',
      'Correct content saved for comparison',
      '(maybe hexdump "t.bin" vs "t.bin.fsxgood")',
    ].join('\n');
    const { events, diagnostics } = parseWith('fsx', text);
    assert.deepEqual(diagnostics, []);
    assert.equal(only(events, 'store').length, 1);
    assert.deepEqual(events.slice(-4).map((e) => `${e.kind}:${e.name}:${e.span.line}`), ['generic:WRITE:8', 'generic:MAPWRITE:9', 'generic:READ:10', 'verify:READ BAD DATA:3']);
    const v = only(events, 'verify')[0];
    assert.deepEqual([v.badOffset, v.suspectOp, v.path], [0x800, 1, 't.bin']);
  });

  it('other failures become verify events: size error, short read (the failing op’s range), mapped EOF garbage', () => {
    const text = [
      '1 write\t0x0 thru\t0x1fff\t(0x2000 bytes)',
      '2 read\t0x100 thru\t0x1ff\t(0x100 bytes)',
      'short read: 0x80 bytes instead of 0x100',
      'LOG DUMP (2 total operations):',
      '1(1 mod 256): WRITE\t0x0 thru 0x1fff\t(0x2000 bytes) EXTEND',
      '2(2 mod 256): READ\t0x100 thru 0x1ff\t(0x100 bytes)',
    ].join('\n');
    const v = only(parseWith('fsx', text).events, 'verify');
    assert.deepEqual(v.map((e) => [e.name, e.offset, e.length, e.span.line]), [['short read', 0x100, 0x100, 2]]);
    const size = only(parseWith('fsx', 'Size error: expected 0x2000 stat 0x1000 seek 0x1000\n').events, 'verify')[0];
    assert.deepEqual([size.offset, size.length, size.ok], [0, 0x2000, false]);
    assert.match(size.detail ?? '', /expected 0x2000/);
    const eof = only(parseWith('fsx', 'Mapped Read: non-zero data past EOF (0x1233) page offset 0x235 is 0x4142\n').events, 'verify')[0];
    assert.deepEqual([eof.name, eof.offset], ['Mapped Read', 0x1235]);
  });

  it('banners and informational lines are no errors; "Will begin at operation N" (-b) simulates the ops before N', () => {
    const text = [
      'Will begin at operation 3',
      'mapped msync DISABLED',
      'Seed set to 1333',
      'skipping zero size read',
      'LOG DUMP (3 total operations):',
      '1(1 mod 256): WRITE\t0x0 thru 0x1fff\t(0x2000 bytes) EXTEND',
      '2(2 mod 256): TRUNCATE DOWN\tfrom 0x2000 to 0x1800',
      '3(3 mod 256): MAPWRITE 0x100 thru 0x1ff\t(0x100 bytes)',
      'signal 2',
      'testcalls = 3',
    ].join('\n');
    const { events, diagnostics } = parseWith('fsx', text);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(events.map((e) => `${e.kind}:${e.name}:${e.span.line}`), [
      'generic:WRITE:5', 'generic:TRUNCATE:6', 'open:open:7', 'write:write:7', 'truncate:ftruncate:7', 'mmap:mmap:7', 'store:MAPWRITE:7', 'munmap:munmap:7',
    ]);
    const image = only(events, 'write')[0];
    assert.deepEqual([image.offset, image.length], [0, 0x1800]);
  });

  it('.fsxops comments, keep_size and close_open flags; defaultPid', () => {
    const text = ['# replay', 'fallocate 0x1000 0x1000 0x0 keep_size', 'zero_range 0x0 0x800 0x0 close_open', 'copy_range 0x0 0x100 0x4000 0x800'].join('\n');
    const { events, diagnostics } = parseWith('fsx', text, { defaultPid: 42 });
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(events.map((e) => `${e.kind}:${e.span.line}`), ['open:1', 'space:1', 'space:2', 'close:2', 'open:2', 'space:3']);
    const [f, z] = only(events, 'space');
    assert.deepEqual([f.keepSize, z.keepSize, f.pid], [true, false, 42]);
  });
});
