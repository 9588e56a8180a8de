// Reduction (engine/reduce): delta debugging keeps the fewest events that still lose the bytes, with what they
// depend on; the reduced run is emitted as a trace and a C program. Each sample's reduction is pinned in
// test/samples/expected/reduce/ (CACHEREPLAY_UPDATE=1 rewrites them), so a change in what is kept or in the
// generated code shows as a diff.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeText } from '../../server/src/engine/analyze.js';
import type { TraceEvent } from '../../server/src/engine/events.js';
import type { KernelProfile } from '../../server/src/engine/model/profiles.js';
import { ddmin } from '../../server/src/engine/reduce/ddmin.js';
import { dependencies, reduceFinding } from '../../server/src/engine/reduce/reduce.js';
import { reproducerOf } from '../../server/src/engine/reduce/reproducer.js';
import { analyzeFile } from '../../server/src/io/read-trace.js';
import { expectFile, ROOT, sample } from '../helpers.js';

describe('ddmin', () => {
  it('finds the 1-minimal subset a predicate needs', () => {
    const items = Array.from({ length: 40 }, (_, i) => i);
    const r = ddmin(items, (s) => s.includes(7) && s.includes(23) && s.includes(31));
    assert.deepEqual(r.items, [7, 23, 31]);
    assert.ok(r.tests < 100, `${r.tests} tests`);
    assert.deepEqual(ddmin(items, () => true).items, []);
  });

  it('stops at its budget with a subset that still holds', () => {
    const r = ddmin(Array.from({ length: 200 }, (_, i) => i), (s) => s.includes(150), { maxTests: 3 });
    assert.equal(r.stopped, true);
    assert.ok(r.items.includes(150));
  });
});

describe('dependencies', () => {
  it('an fd needs its open, an address its mmap, a child its fork, through dup and inheritance', () => {
    const text = [
      '100  openat(AT_FDCWD, "/m/f", O_RDWR) = 3', '100  dup2(3, 5) = 5', '100  mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, 5, 0) = 0x1000',
      '100  clone(child_stack=NULL, flags=SIGCHLD) = 101', '101  msync(0x1000, 4096, MS_SYNC) = 0', '101  pwrite64(5, "x", 1, 0) = 1',
    ].join('\n');
    const events = analyzeText(text, { keepEvents: true, parseOnly: true }).events;
    assert.deepEqual(dependencies(events), [[], [0], [1], [], [3, 2], [3, 1]]);
  });
});

const CASES: Array<[string, string[], KernelProfile, number]> = [
  ['mmap_pwrite.strace', ['bug237588', 'mmap_pwrite.strace'], 'freebsd-2019', 33],
  ['mmap_odirect_pwrite.strace', ['bug237588', 'mmap_odirect_pwrite.strace'], 'freebsd', 37],
  ['mmap_fork_pwrite.strace', ['bug237588', 'mmap_fork_pwrite.strace'], 'freebsd-2019', 37],
  ['mmap_pwrite.kdump', ['kdump', 'mmap_pwrite.kdump'], 'freebsd-2019', 15],
  ['freebsd-U-seed8.fsxlog', ['fsx', 'freebsd-U-seed8.fsxlog'], 'freebsd-2019', 3],
];

describe('the samples reduced', () => {
  for (const [name, path, kernel, line] of CASES) {
    it(`${name}, the loss at line ${line} under ${kernel}`, async () => {
      const options = { kernel, mode: 'write-through' as const };
      const a = await analyzeFile(sample(...path), { ...options, keepEvents: true });
      const rep = reproducerOf(a.events, options, line - 1, name, a.format)!;
      assert.ok(rep, 'a loss at that line');
      const { reduction: r, trace, c } = rep;
      assert.ok(r.events.length <= 10, `${r.events.length} events`);
      assert.equal(r.events[r.events.length - 1].span.line, line - 1, 'the losing call last');
      // The reduced trace replays to the finding by itself, at its last line.
      const again = analyzeText(trace, { ...options, format: 'strace' });
      assert.deepEqual(again.diagnostics, []);
      assert.ok(again.findings.some((f) => f.rule === r.original.rule && f.span.line === trace.trimEnd().split('\n').length - 1), again.findings.map((f) => f.message).join('\n'));
      assert.equal(rep.replaysAlone, true);
      expectFile(join(ROOT, 'test', 'samples', 'expected', 'reduce', `${name}.strace`), trace);
      expectFile(join(ROOT, 'test', 'samples', 'expected', 'reduce', `${name}.c`), c.source);
    });
  }

  it('a line without a loss has nothing to reduce', async () => {
    const a = await analyzeFile(sample('bug237588', 'mmap_pwrite.strace'), { kernel: 'freebsd-2019', keepEvents: true });
    assert.equal(reduceFinding(a.events as TraceEvent[], { kernel: 'freebsd-2019' }, 0), undefined);
  });
});
