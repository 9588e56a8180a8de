// perf's text output: `perf script` samples (write faults become stores; the header's reference time turns perf's
// clock into the time of day) and `perf trace` lines (syscalls by argument name, tracepoints), read from real
// recordings (samples/record, made by make-recordings.sh) and from lines in every form perf prints.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TraceEvent } from '../../server/src/engine/events.js';
import { detectFormat } from '../../server/src/engine/syntax/formats.js';
import { parseWith, read, sample } from '../helpers.js';

const of = <K extends TraceEvent['kind']>(events: TraceEvent[], kind: K) => events.filter((e): e is Extract<TraceEvent, { kind: K }> => e.kind === kind);

describe('perf script', () => {
  const text = read(sample('record', 'mmap_pwrite.faults'));

  it('a recording of `cachereplay record` is detected as perf, and every line reads, in any chunking', () => {
    assert.equal(detectFormat(text).format, 'perf');
    const { events, diagnostics } = parseWith('perf', text);
    assert.deepEqual(diagnostics, []);
    assert.ok(of(events, 'store').length > 100);
    for (const chunk of [1, 97, 4096]) assert.deepEqual(parseWith('perf', text, { chunk }).events, events, `chunk ${chunk}`);
  });

  it('write faults are stores of a whole page at their address, at the time of day the header gives', () => {
    const { events } = parseWith('perf', text);
    const stores = of(events, 'store');
    const ref = /# reference time: .* = (\d+\.\d+) \(TOD\) = (\d+\.\d+) \(monotonic\)/.exec(text)!;
    const first = /^ *(\S+) +(\d+)\/(\d+) +(\d+\.\d+): exceptions:page_fault_(?:user|kernel): address=(0x[0-9a-f]{1,12}) ip=\S+ error_code=(0x[0-9a-f]+)$/m.exec(text)!;
    assert.equal(stores[0].addr, parseInt(first[5], 16));
    assert.equal(stores[0].pid, Number(first[2]));
    assert.equal(stores[0].tid, Number(first[3]));
    assert.equal(stores[0].wholePage, true);
    assert.equal(stores[0].evidence, 'definite');
    assert.ok(Math.abs(stores[0].time! - (Number(ref[1]) + Number(first[4]) - Number(ref[2]))) < 1e-6);
  });

  it('reads every form of sample line, and only write faults at user addresses are stores', () => {
    const lines = [
      '# reference time: 2026-12-04 17:08:35.684002 = 1796404115.684002 (TOD) = 9189.065661536 (monotonic)',
      '     mmap_pwrite 30242/30242 [001] 9189.138969917: exceptions:page_fault_user: address=0x7fa589249000 ip=0x7fa5891cd0ba error_code=0x6',
      '     Web Content 4101/4102 9189.200000000: exceptions:page_fault_user: address=0x7f0000001000 ip=0x1 error_code=0x7',
      '            prog 77 9189.300000000: exceptions:page_fault_user: address=0x7f0000002000 ip=0x1 error_code=0x4',
      '            prog 77/77 2026-12-04 17:08:35.900000000  9189.400000000: exceptions:page_fault_kernel: address=0x7f0000003000 ip=0xffffffff81000000 error_code=0x2',
      '            prog 77/77 9189.500000000: exceptions:page_fault_kernel: address=0xffff888000000000 ip=0xffffffff81000000 error_code=0x2',
      '            prog 77/77 9189.600000000: 1 cycles: ffffffff81000000 [unknown] ([kernel.kallsyms])',
      '            prog 77/77 9189.700000000: raw_syscalls:sys_enter: NR 18 (3, 7ffc, 64, 3e8, 0, 0)',
    ].join('\n');
    const { events, diagnostics } = parseWith('perf', `${lines}\n`);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(events.map((e) => [e.kind, e.pid, e.tid, e.kind === 'store' ? e.addr : undefined]), [
      ['store', 30242, 30242, 0x7fa589249000],
      ['store', 4101, 4102, 0x7f0000001000],
      ['generic', 77, 77, undefined],
      ['store', 77, 77, 0x7f0000003000],
      ['generic', 77, 77, undefined],
      ['generic', 77, 77, undefined],
      ['generic', 77, 77, undefined],
    ]);
    assert.ok(Math.abs(events[0].time! - 1796404115.757310381) < 1e-6);
    assert.equal(events[3].name, 'page_fault_kernel');
  });

  it('a line of another kind is an error, and the rest is read', () => {
    const { events, diagnostics } = parseWith('perf', '            prog 77/77 9189.600000000: exceptions:page_fault_user: address=0x1000 ip=0x1 error_code=0x6\nnot perf at all\n');
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].span.line, 1);
    assert.deepEqual(events.map((e) => e.kind), ['store', 'unparsed']);
  });
});

describe('perf trace', () => {
  const text = read(sample('record', 'mmap_pwrite.perftrace'));

  it('the bug 237588 program under perf trace: detected, read, and its calls and fault are the model\'s events', () => {
    assert.equal(detectFormat(text).format, 'perf');
    const { events, diagnostics } = parseWith('perf', text);
    assert.deepEqual(diagnostics, []);
    const kinds = events.filter((e) => e.kind !== 'generic' && e.kind !== 'munmap' || (e.kind === 'munmap' && e.length === 8192)).map((e) => e.kind);
    // The open of file.bin is emitted once ftruncate shows its fd's path (perf prints openat's filename as a pointer).
    const open = of(events, 'open').find((o) => o.resolvedPath?.endsWith('/file.bin'));
    assert.ok(open, 'the open gets its path from the next call on its fd');
    assert.deepEqual(open.flags, { read: true, write: true, direct: false, trunc: true, append: false, cloexec: false, creat: true, directory: false });
    const tail = kinds.slice(kinds.lastIndexOf('open'));
    assert.deepEqual(tail, ['open', 'truncate', 'mmap', 'store', 'write', 'munmap', 'close']);
    const w = of(events, 'write').at(-1)!;
    assert.equal(w.offset, 1000);
    assert.equal(w.length, 100);
  });

  it('strace samples are not perf, and perf is not strace', () => {
    assert.equal(detectFormat(read(sample('bug237588', 'mmap_pwrite.strace'))).format, 'strace');
    assert.notEqual(detectFormat(text).format, 'strace');
  });
});
