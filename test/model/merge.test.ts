// strace -ff traces: one file per process, replayed as one run. The fixtures are a real run of
// samples/bug237588/mmap_fork_pwrite.c on a bindfs mount (make-traces.sh): the parent maps the file and stores,
// the child writes. The same program traced with -f into one file is the oracle.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText, type Analysis } from '../../server/src/engine/analyze.js';
import { CACHE_MODES, KERNEL_PROFILES } from '../../server/src/engine/model/profiles.js';
import { mergeRun, type RunPart } from '../../server/src/engine/merge.js';
import type { Finding } from '../../server/src/engine/rules/findings.js';
import { acrossMidnight, read, sample } from '../helpers.js';

const PARENT = sample('bug237588', 'ff', 'mmap_fork_pwrite.20114');
const CHILD = sample('bug237588', 'ff', 'mmap_fork_pwrite.20115');

function part(path: string, text = read(path)): RunPart {
  return { name: path, analysis: analyzeText(text, { fileName: path, keepEvents: true, parseOnly: true }) };
}

/** What a finding says about the loss, whatever run or file it comes from. */
function gist(f: Finding): string {
  return `${f.rule} ${f.severity} ${JSON.stringify(f.lostRanges)}`;
}

function merged(parts: RunPart[], mode: (typeof CACHE_MODES)[number], kernel: (typeof KERNEL_PROFILES)[number]): Analysis[] {
  const run = mergeRun(parts, { mode, kernel });
  assert.ok(run.parts, run.error);
  return run.parts;
}

describe('strace -ff files replayed as one run', () => {
  it('each file alone shows nothing; together they show the possible loss at the child’s pwrite, with the parent’s mmap as related', () => {
    for (const path of [PARENT, CHILD]) assert.deepEqual(analyzeText(read(path), { fileName: path, kernel: 'freebsd-2019', mode: 'write-through' }).findings, []);
    const [parent, child] = merged([part(PARENT), part(CHILD)], 'write-through', 'freebsd-2019');
    assert.equal(parent.findings.length, 0);
    assert.equal(child.findings.length, 1);
    const f = child.findings[0];
    assert.equal(f.rule, 'mmap-dirty-invalidated');
    assert.equal(f.span.line, 2, 'the pwrite64 line of the child’s file');
    assert.match(read(CHILD).split('\n')[f.span.line], /pwrite64\(4<.*>, "W+"\.\.\., 100, 1000\)/);
    assert.deepEqual(f.lostRanges, [[0, 1000], [1100, 4096]]);
    const mapping = f.related.find((r) => r.trace === PARENT);
    assert.ok(mapping, 'a related location in the parent’s file');
    assert.match(read(PARENT).split('\n')[mapping.span.line], /mmap\(NULL, 8192, PROT_READ\|PROT_WRITE, MAP_SHARED, 3</);
    assert.match(f.message, new RegExp(`made at line ${mapping.span.line + 1} of ${PARENT.replace(/[.]/g, '\\.')}`));
    assert.match(mapping.message, new RegExp(`at line 3 of ${CHILD.replace(/[.]/g, '\\.')}`));
    // The child's open sends a FUSE_OPEN of its own (fuse_filehandle_validrw), which writes the parent's stores
    // back: only stores after it may be lost, and that is said where the open is, in the child's file.
    assert.equal(f.tier, 'stored-again');
    assert.ok(f.related.some((r) => r.trace === undefined && r.span.line === 1 && /clean after this openat/.test(r.message)));
  });

  it('finds what the -f trace of the same program finds, under every kernel and mode', () => {
    const oneFile = read(sample('bug237588', 'mmap_fork_pwrite.strace'));
    let losses = 0;
    for (const kernel of KERNEL_PROFILES) {
      for (const mode of CACHE_MODES) {
        const expected = analyzeText(oneFile, { mode, kernel }).findings.map(gist).sort();
        const got = merged([part(PARENT), part(CHILD)], mode, kernel).flatMap((a) => a.findings).map(gist).sort();
        assert.deepEqual(got, expected, `${kernel} ${mode}`);
        losses += got.length;
      }
    }
    assert.ok(losses > 0, 'some kernel and mode lose the stores');
  });

  it('interleaves by time whatever order the files are given in', () => {
    const a = merged([part(PARENT), part(CHILD)], 'write-through', 'freebsd-2019');
    const b = merged([part(CHILD), part(PARENT)], 'write-through', 'freebsd-2019');
    assert.deepEqual(b[0].findings.map(gist), a[1].findings.map(gist));
    assert.deepEqual(b[1].findings.map(gist), a[0].findings.map(gist));
  });

  it('one file replayed as a run is that file analysed alone', () => {
    for (const name of ['mmap_pwrite', 'mmap_msync_pwrite', 'mmap_fork_pwrite', 'mmap_nostore_pwrite']) {
      const path = sample('bug237588', `${name}.strace`);
      for (const mode of CACHE_MODES) {
        const [alone] = merged([part(path)], mode, 'freebsd');
        assert.deepEqual(alone.findings, analyzeText(read(path), { fileName: path, mode }).findings, `${name} ${mode}`);
      }
    }
  });

  it('a run across midnight (-tt stamps start again at 00:00) keeps its order', () => {
    const parent = acrossMidnight(read(PARENT));
    const child = acrossMidnight(read(CHILD));
    assert.match(parent, /^23:59:59\.\d+ mmap\(NULL, 8192, PROT_READ\|PROT_WRITE, MAP_SHARED/m);
    assert.match(child, /^00:00:00\.\d+ pwrite64/m);
    const expected = merged([part(PARENT), part(CHILD)], 'write-through', 'freebsd-2019').map((a) => a.findings.map(gist));
    for (const order of [[0, 1], [1, 0]]) {
      const parts = [part('p.20114', parent), part('c.20115', child)];
      const got = merged(order.map((k) => parts[k]), 'write-through', 'freebsd-2019').map((a) => a.findings.map(gist));
      assert.deepEqual(order[0] === 0 ? got : [got[1], got[0]], expected);
    }
  });

  it('refuses a file without timestamps, naming it', () => {
    const bare = read(CHILD).replace(/^\d\d:\d\d:\d\d\.\d+ /gm, '');
    const run = mergeRun([part(PARENT), part('child-without-times.20115', bare)], { kernel: 'freebsd-2019', mode: 'write-through' });
    assert.equal(run.parts, undefined);
    assert.match(run.error ?? '', /^child-without-times\.20115: its lines have no timestamps.*-tt/);
  });
});
