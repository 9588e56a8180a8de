// Real programs nobody here wrote (sqlite3, LMDB, fio, git, tar, cp, rsync, dd), traced on a bindfs mount with the
// daemon's log and, in the same run, their recorded write faults (test/fixtures/programs). NAME.truth.json is what
// each call really loses under each kernel, derived from those faults independently of this code
// (annotate-faults.py). `npm run programs` prints the full table; this test holds the verdicts to the truth.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { KernelProfile } from '../../server/src/engine/model/profiles.js';
import { readDaemonLogFile } from '../../server/src/io/daemon-log.js';
import { analyzeFile } from '../../server/src/io/read-trace.js';
import { fixture, read } from '../helpers.js';

interface Verdict { certain: number[]; near: number[]; possible: number[] }
interface Truth { writes: Array<{ line: number; a_page: Verdict | null; b: Verdict | null }> }

const DIR = fixture('programs');
const programs = readdirSync(DIR).filter((d) => existsSync(join(DIR, d, `${d}.truth.json`))).sort();
/** Which verdict of the truth a kernel's replay is held to (linux: nothing is lost, as every run's content check shows). */
const KEY: Record<KernelProfile, 'a_page' | 'b' | undefined> = { 'freebsd-2019': 'a_page', freebsd: 'b', linux: undefined };

function lines(truth: Truth, kernel: KernelProfile): { certain: Set<number>; possible: Set<number> } {
  const certain = new Set<number>();
  const possible = new Set<number>();
  const key = KEY[kernel];
  for (const w of key === undefined ? [] : truth.writes) {
    const v = w[key!];
    if (!v) continue;
    if (v.certain.length > 0) certain.add(w.line);
    else if (v.possible.length > 0 || v.near.length > 0) possible.add(w.line);
  }
  return { certain, possible };
}

describe('real programs on a FUSE mount, against the truth of their recorded stores', () => {
  assert.equal(programs.length, 14);
  for (const name of programs) {
    it(name, async () => {
      const truth = JSON.parse(read(join(DIR, name, `${name}.truth.json`))) as Truth;
      const log = await readDaemonLogFile(join(DIR, name, `${name}.fuselog.gz`));
      for (const kernel of Object.keys(KEY) as KernelProfile[]) {
        const { certain, possible } = lines(truth, kernel);
        for (const daemon of [undefined, log.evidence]) {
          const what = `${name}, ${kernel}${daemon ? ', with its daemon log' : ''}`;
          const a = await analyzeFile(join(DIR, name, `${name}.strace.gz`), { kernel, mode: 'write-through', daemon });
          assert.deepEqual(a.diagnostics, [], `${what}: every line read`);
          const flagged = new Set(a.findings.map((f) => f.span.line + 1));
          // No loss the program really made goes unreported.
          for (const l of certain) assert.ok(flagged.has(l), `${what}: the certain loss at line ${l} is not reported`);
          // A definite verdict is never wrong.
          for (const f of a.findings) if (f.evidence === 'definite') assert.ok(certain.has(f.span.line + 1) || possible.has(f.span.line + 1), `${what}: definite loss at line ${f.span.line + 1}, where nothing is lost`);
          // Where nothing can be lost (no write into a page a mapping stored into), nothing is reported.
          if (certain.size === 0 && possible.size === 0 && truth.writes.every((w) => (w.a_page?.certain.length ?? 0) + (w.b?.certain.length ?? 0) === 0)) assert.deepEqual(a.findings.map((f) => f.message), [], what);
          // The daemon's log clears every false alarm of the O_DIRECT run: pages it shows were not stored again.
          if (name === 'fio-mmap-direct' && kernel === 'freebsd' && daemon) {
            assert.deepEqual([...flagged].filter((l) => !certain.has(l) && !possible.has(l)), [], `${what}: flagged where nothing is lost`);
          }
        }
      }
    });
  }
});
