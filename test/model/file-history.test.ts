// The files' histories (kept by the editor's analysis) must give every event exactly the page states that the
// full recording gives, on every sample and under every cache mode.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeText, replayEvents } from '../../server/src/engine/analyze.js';
import { CACHE_MODES } from '../../server/src/engine/model/profiles.js';
import { read, sample } from '../helpers.js';

const DIRS = ['bug237588', 'bug237588/ff', 'fsx', 'kdump', 'dtrace'];

describe('file histories', () => {
  for (const dir of DIRS) {
    for (const name of readdirSync(sample(dir), { withFileTypes: true }).filter((e) => e.isFile() && !/\.(md|c|sh|d)$/.test(e.name)).map((e) => e.name)) {
      it(`${dir}/${name}: page states and refs rebuilt on demand equal the full recording`, () => {
        const a = analyzeText(read(join(sample(dir), name)), { keepEvents: true, fileName: name });
        assert.equal(a.error, undefined);
        let touched = 0;
        for (const mode of CACHE_MODES) {
          const recorded = replayEvents(a.events, { mode, record: true }).replay;
          const history = replayEvents(a.events, { mode, history: true }).replay;
          for (const ev of a.events) {
            assert.deepEqual(history.touchesAt(ev.seq), recorded.touchesAt(ev.seq), `${mode} line ${ev.span.line + 1}`);
            assert.deepEqual(history.refsAt(ev.seq), recorded.refsAt(ev.seq));
            touched += recorded.touchesAt(ev.seq).length;
          }
        }
        if (dir === 'bug237588') assert.ok(touched > 0);
      });
    }
  }

  it('rebuilds page states from snapshots on a long history', () => {
    // 20,000 writes and stores to one file: past several snapshots.
    const lines = ['openat(AT_FDCWD, "/mnt/f", O_RDWR|O_CREAT, 0644) = 3', 'mmap(NULL, 1048576, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0) = 0x7f0000000000'];
    for (let i = 0; i < 20_000; i++) {
      const off = (i * 7919) % 1_000_000;
      lines.push(i % 3 === 0 ? `msync(0x7f0000000000, 1048576, MS_SYNC) = 0` : `pwrite64(3, "x"..., ${100 + (i % 900)}, ${off}) = ${100 + (i % 900)}`);
    }
    const a = analyzeText(`${lines.join('\n')}\n`, { keepEvents: true, kernel: 'freebsd-2019', mode: 'write-through' });
    const recorded = replayEvents(a.events, { kernel: 'freebsd-2019', mode: 'write-through', record: true }).replay;
    const history = replayEvents(a.events, { kernel: 'freebsd-2019', mode: 'write-through', history: true }).replay;
    for (let seq = 1; seq <= a.events.length; seq += 997) assert.deepEqual(history.touchesAt(seq), recorded.touchesAt(seq), `seq ${seq}`);
  });
});
