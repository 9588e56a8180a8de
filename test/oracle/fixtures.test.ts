// The WRITEs the model expects, against recordings of what a real daemon received (test/fixtures/oracle/README.md
// says what each program does and why the pages follow): these run anywhere, without root or a FUSE mount.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readFaultsFile } from '../../server/src/io/faults-file.js';
import { analyzeFile } from '../../server/src/io/read-trace.js';
import { fixture } from '../helpers.js';
import { compareWrites, daemonWrites } from './oracle.js';

const DIR = fixture('oracle');

/** Bytes [start, end) the model expects the call at `line` to send for the file ending in `suffix`. */
type Sent = Array<[number, string, number, number]>;

const EXPECTED: Record<string, Sent> = {
  // The munmap writes page 5 again (its dirty flag outlived the pwrite over it) and the rest of page 6.
  'cached-seed2': [[163, '/s2', 0x5000, 0x6000], [163, '/s2', 0x6671, 0x7000]],
  // The close writes back page 5, flagged the same way.
  'cached-seed11': [[134, '/s11.1', 0x5000, 0x6000]],
  // The ftruncate launders the page it cut, up to the new size.
  'writeback-seed17': [[117, '/s17', 0x4000, 0x4295]],
};

describe('the WRITEs a daemon received, call by call', () => {
  for (const name of readdirSync(DIR).filter((n) => !n.includes('.'))) {
    it(`${name}: every call sent the pages the model expects`, async () => {
      const d = join(DIR, name);
      const fx = JSON.parse(readFileSync(join(d, 'fixture.json'), 'utf8')) as { mode: 'write-through' | 'writeback'; mnt: string; backing: string };
      const { faults } = await readFaultsFile(join(d, 'run.faults'));
      const a = await analyzeFile(join(d, 'run.strace'), { kernel: 'linux', mode: fx.mode, mounts: [fx.mnt], faults, writes: true, keepEvents: true, threads: 1 });
      assert.ok(a.replay);
      const names = new Map(a.replay.files.map((f) => [f.id, f.name]));
      const expected = a.replay.writes.map((w) => ({ seq: w.seq, file: names.get(w.fileId)!, start: w.start, end: w.end }));
      const r = [...compareWrites(a.events, expected, daemonWrites(readFileSync(join(d, 'daemon.strace'), 'utf8')), fx.mnt, fx.backing).values()];
      assert.equal(r.length, 1);
      assert.deepEqual(r[0].diffs, []);
      assert.ok(r[0].compared >= 5, `${r[0].compared} calls compared`);
      const lineOf = new Map(a.events.map((e) => [e.seq, e.span.line + 1]));
      for (const [line, suffix, start, end] of EXPECTED[name]) {
        assert.ok(expected.some((w) => lineOf.get(w.seq) === line && w.file.endsWith(suffix) && w.start === start && w.end === end), `line ${line}: [${start.toString(16)}, ${end.toString(16)}) of ${suffix}`);
      }
      // Without the WRITEs asked for, the model keeps none (and no flags): the replay costs what it did.
      const plain = await analyzeFile(join(d, 'run.strace'), { kernel: 'linux', mode: fx.mode, mounts: [fx.mnt], faults, threads: 1 });
      assert.deepEqual(plain.replay?.writes, []);
      assert.deepEqual(plain.findings.map((f) => f.rule), a.findings.map((f) => f.rule));
    });
  }
});
