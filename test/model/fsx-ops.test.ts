// The operations file of a reduced fsx run (engine/reduce/fsx-ops-emit.ts) is the one fsx itself writes: the
// xfstests sample's whole log gives back, line for line, the .fsxops that fsx wrote beside it (but for its `*`
// marks on the operations near the bad data, and the skipped operation, which did nothing).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeText } from '../../server/src/engine/analyze.js';
import { fsxOpsOf } from '../../server/src/engine/reduce/fsx-ops-emit.js';
import { reduceFinding } from '../../server/src/engine/reduce/reduce.js';
import { analyzeFile } from '../../server/src/io/read-trace.js';
import { expectFile, read, ROOT, sample } from '../helpers.js';

const body = (ops: string): string[] => ops.split('\n').filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('skip '));

describe('fsx operation files', () => {
  it('an xfstests fsx log: the operations its own .fsxops holds', () => {
    const a = analyzeText(read(sample('fsx', 'xfstests-zero-range.fsxlog')), { keepEvents: true, parseOnly: true });
    const ours = fsxOpsOf(a.events, 'xfstests-zero-range.fsxlog');
    assert.ok(ours !== undefined);
    assert.deepEqual(body(ours), body(read(sample('fsx', 'xfstests-zero-range.fsxops')).replace(/ \*$/gm, '')));
  });

  it('the reduction of the FreeBSD fsx run: its MAPWRITE, then the WRITE that lost it', async () => {
    const options = { kernel: 'freebsd-2019' as const, mode: 'write-through' as const };
    const a = await analyzeFile(sample('fsx', 'freebsd-U-seed8.fsxlog'), { ...options, keepEvents: true });
    const r = reduceFinding(a.events, options, 2)!;
    const ops = fsxOpsOf(r.events, 'freebsd-U-seed8.fsxlog')!;
    assert.deepEqual(body(ops), ['mapwrite 0x3c5f9 0x894 0x0', 'write 0x3c98a 0x3676 0x3ce8d']);
    expectFile(join(ROOT, 'test', 'samples', 'expected', 'reduce', 'freebsd-U-seed8.fsxlog.fsxops'), ops);
  });

  it('a trace without fsx operations has no operations file', () => {
    const a = analyzeText('100  openat(AT_FDCWD, "/m/f", O_RDWR) = 3\n100  close(3) = 0\n', { keepEvents: true, parseOnly: true });
    assert.equal(fsxOpsOf(a.events, 'x'), undefined);
  });
});
