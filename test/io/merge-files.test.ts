// Merging the files of an strace -ff run as they are read (mergeFiles, what `check --merge` and `compare --merge`
// do) gives what merging the files read whole gives (mergeRun): on the real -ff sample under every kernel and mode,
// on a generated four-process run split into its per-process files (in either order, and across midnight), and
// with the same refusals. It keeps no events.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeText, type Analysis } from '../../server/src/engine/analyze.js';
import { mergeRun } from '../../server/src/engine/merge.js';
import { CACHE_MODES, KERNEL_PROFILES, type CacheMode, type KernelProfile } from '../../server/src/engine/model/profiles.js';
import { mergeFiles, MergeRefused } from '../../server/src/io/merge-files.js';
import { acrossMidnight, generateTrace, read, sample, tempDir } from '../helpers.js';

const PARENT = sample('bug237588', 'ff', 'mmap_fork_pwrite.20114');
const CHILD = sample('bug237588', 'ff', 'mmap_fork_pwrite.20115');

/** What a report shows of a part: its counts, its parse diagnostics and its findings. */
const gist = (a: Analysis) => ({ format: a.format, lines: a.lineCount, events: a.eventCount, diagnostics: a.diagnostics, findings: JSON.parse(JSON.stringify(a.findings)) as unknown });

/** The run merged from whole files, per mode: one gist per file. */
function whole(paths: string[], modes: readonly CacheMode[], kernel: KernelProfile): Map<CacheMode, unknown[]> {
  const parts = paths.map((p) => ({ name: p, analysis: analyzeText(readFileSync(p, 'utf8'), { fileName: p, keepEvents: true, parseOnly: true }) }));
  return new Map(modes.map((mode) => {
    const run = mergeRun(parts, { mode, kernel });
    assert.ok(run.parts, run.error);
    return [mode, run.parts.map(gist)];
  }));
}

async function streamed(paths: string[], modes: readonly CacheMode[], kernel: KernelProfile, maxStreamed?: number): Promise<Map<CacheMode, unknown[]>> {
  const run = await mergeFiles(paths, modes, () => ({ kernel }), undefined, maxStreamed);
  assert.deepEqual(run.unreadable, []);
  for (const p of run.parts) for (const a of p.byMode.values()) assert.equal(a.events.length, 0, 'no events are kept');
  return new Map(modes.map((mode) => [mode, run.parts.map((p) => gist(p.byMode.get(mode)!))]));
}

/** A MergeRefused whose message (without the CLI's `--merge: `) matches `re`. */
const refused = (re: RegExp) => (e: unknown) => e instanceof MergeRefused && re.test(e.message);

describe('strace -ff files merged as they are read', () => {
  const dir = tempDir('mergefiles');

  it('the real -ff sample: the same findings as mergeRun under every kernel and mode, in either order', async () => {
    for (const kernel of KERNEL_PROFILES) {
      for (const order of [[PARENT, CHILD], [CHILD, PARENT]]) assert.deepStrictEqual(await streamed(order, CACHE_MODES, kernel), whole(order, CACHE_MODES, kernel), kernel);
    }
    const wa = await streamed([PARENT, CHILD], ['write-through'], 'freebsd-2019');
    assert.equal((wa.get('write-through')![1] as { findings: unknown[] }).findings.length, 1, 'the child’s pwrite loses the parent’s stores');
  });

  it('a generated four-process run split into its files (unfinished calls, many chunks, thousands of calls): the same', async () => {
    const all = join(dir, 'all.strace');
    await generateTrace(all, 40_000, 21);
    // strace -ff: a file per pid, the pid prefix gone.
    const byPid = new Map<string, string[]>();
    for (const line of read(all).split('\n')) {
      const m = /^(\d+) +(.*)$/.exec(line);
      if (m) byPid.set(m[1], [...(byPid.get(m[1]) ?? []), m[2]]);
    }
    assert.equal(byPid.size, 4);
    const paths = [...byPid].map(([pid, lines]) => {
      const p = join(dir, `run.${pid}`);
      writeFileSync(p, `${lines.join('\n')}\n`);
      return p;
    });
    const modes = ['write-through', 'uncached'] as const;
    const expected = whole(paths, modes, 'freebsd-2019');
    assert.ok((expected.get('write-through') as Array<{ findings: unknown[] }>).some((g) => g.findings.length > 0), 'the run has hazards to find');
    assert.deepStrictEqual(await streamed(paths, modes, 'freebsd-2019'), expected);
    const reversed = [...paths].reverse();
    assert.deepStrictEqual(await streamed(reversed, modes, 'freebsd-2019'), whole(reversed, modes, 'freebsd-2019'));
    // A run of more files than stay open is read whole, one file at a time: the same report.
    assert.deepStrictEqual(await streamed(paths, modes, 'freebsd-2019', 2), expected);
  });

  it('a run across midnight keeps its order', async () => {
    const p = join(dir, 'night.20114');
    const c = join(dir, 'night.20115');
    writeFileSync(p, acrossMidnight(read(PARENT)));
    writeFileSync(c, acrossMidnight(read(CHILD)));
    for (const order of [[p, c], [c, p]]) assert.deepStrictEqual(await streamed(order, ['write-through'], 'freebsd-2019'), whole(order, ['write-through'], 'freebsd-2019'));
  });

  it('equal times keep the order of the files as given, then of each file', async () => {
    // Every call of both files at the same instant: only the order given decides whether the child's pwrite
    // comes after the parent's stores.
    const same = (text: string) => text.replace(/^\d\d:\d\d:\d\d\.\d+ /gm, '10:00:00.000000 ');
    const p = join(dir, 'same.20114');
    const c = join(dir, 'same.20115');
    writeFileSync(p, same(read(PARENT)));
    writeFileSync(c, same(read(CHILD)));
    const results: unknown[] = [];
    for (const order of [[p, c], [c, p]]) {
      const got = await streamed(order, ['write-through'], 'freebsd-2019');
      assert.deepStrictEqual(got, whole(order, ['write-through'], 'freebsd-2019'));
      results.push((got.get('write-through') as Array<{ findings: unknown[] }>).map((g) => g.findings.length));
    }
    assert.deepEqual(results, [[0, 1], [0, 0]], 'parent first: the loss; child first: its pwrite comes before the stores');
  });

  it('refuses a daemon log and a file without timestamps as mergeRun does; an unreadable file is set aside', async () => {
    const log = sample('bug237588', 'ff', 'mmap_fork_pwrite.fuselog');
    await assert.rejects(mergeFiles([PARENT, log], ['write-through'], () => ({ kernel: 'freebsd-2019' })), refused(/^\S+mmap_fork_pwrite\.fuselog is a FUSE daemon's log/));
    const bare = join(dir, 'bare.20115');
    writeFileSync(bare, read(CHILD).replace(/^\d\d:\d\d:\d\d\.\d+ /gm, ''));
    await assert.rejects(mergeFiles([PARENT, bare], ['write-through'], () => ({ kernel: 'freebsd-2019' })), refused(/^\S+bare\.20115: its lines have no timestamps/));
    const binary = join(dir, 'binary.20116');
    writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3, 0, 0]));
    for (const maxStreamed of [undefined, 1]) {
      const run = await mergeFiles([PARENT, join(dir, 'missing.20117'), CHILD, binary], ['write-through'], () => ({ kernel: 'freebsd-2019' }), undefined, maxStreamed);
      assert.deepEqual(run.parts.map((x) => x.path), [PARENT, CHILD]);
      assert.deepEqual(run.unreadable.map((u) => u.path), [join(dir, 'missing.20117'), binary]);
      assert.match(run.unreadable[0].message, /no such file/);
      assert.match(run.unreadable[1].message, /binary/);
      assert.equal(run.parts[1].byMode.get('write-through')!.findings.length, 1);
    }
    await assert.rejects(mergeFiles([PARENT, bare], ['write-through'], () => ({ kernel: 'freebsd-2019' }), undefined, 1), refused(/^\S+bare\.20115: its lines have no timestamps/));
  });
});
