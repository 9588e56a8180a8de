import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IntervalMap } from '../../server/src/engine/model/interval-map.js';
import { seededRandom } from '../helpers.js';

/** A byte array is the obviously-correct model an IntervalMap must agree with. */
function runsOf(ref: Array<number | undefined>): Array<{ start: number; end: number; value: number }> {
  const out: Array<{ start: number; end: number; value: number }> = [];
  for (let i = 0; i < ref.length; i++) {
    const v = ref[i];
    if (v === undefined) continue;
    const last = out[out.length - 1];
    if (last && last.end === i && last.value === v) last.end = i + 1;
    else out.push({ start: i, end: i + 1, value: v });
  }
  return out;
}


describe('IntervalMap', () => {
  it('clips segments and truncates', () => {
    const m = new IntervalMap();
    m.set(0, 100, 1);
    m.set(50, 150, 2);
    assert.deepEqual(m.segments(40, 60), [{ start: 40, end: 50, value: 1 }, { start: 50, end: 60, value: 2 }]);
    m.truncate(120);
    assert.equal(m.extent(), 120);
    m.clear(0, 30);
    assert.deepEqual(m.segments(0, 60), [{ start: 30, end: 50, value: 1 }, { start: 50, end: 60, value: 2 }]);
  });

  it('an empty query range has no segments and intersects nothing', () => {
    const m = new IntervalMap();
    m.set(0, 100, 1);
    assert.deepEqual(m.segments(50, 50), []);
    assert.deepEqual(m.segments(60, 40), []);
    assert.equal(m.intersects(50, 50), false);
  });

  it('grows past its initial capacity', () => {
    const m = new IntervalMap();
    for (let i = 0; i < 1000; i++) m.set(i * 2, i * 2 + 1, i);
    assert.equal(m.size, 1000);
    assert.equal(m.get(1998), 999);
  });
});

describe('IntervalMap across leaves', () => {
  // Leaves of 512 (the default) hold the whole map here; smaller ones make updates cross leaves all the time.
  for (const leafSize of [4, 5, 64, 512]) {
    it(`agrees with a byte array under random sets, clears and truncations (merged, sorted, disjoint) with leaves of ${leafSize}`, () => {
      const rnd = seededRandom(leafSize);
      const size = 2000;
      const ref: Array<number | undefined> = new Array(size).fill(undefined);
      const m = new IntervalMap(leafSize);
      const updates: string[] = [];
      m.observer = { update: (target, start, end, value) => updates.push(`${target}:${start}-${end}=${value}`) };
      for (let step = 0; step < 30_000; step++) {
        const a = rnd(size);
        // Mostly short ranges (many fragments, many leaves), now and then a long one that spans leaves.
        const b = Math.min(size, a + 1 + (rnd(20) === 0 ? rnd(size) : rnd(12)));
        const op = rnd(40);
        if (op === 0) {
          m.truncate(a);
          for (let i = a; i < size; i++) ref[i] = undefined;
        } else if (op < 10) {
          m.clear(a, b);
          for (let i = a; i < b; i++) ref[i] = undefined;
        } else {
          // Few values, so that neighbours often agree and merge, across leaf boundaries too.
          const v = 1 + rnd(3);
          m.set(a, b, v);
          for (let i = a; i < b; i++) ref[i] = v;
        }
        if (step % 101 === 0 || step < 200) {
          const runs = runsOf(ref);
          assert.deepEqual(m.segments(0, size), runs, `after step ${step}`);
          assert.equal(m.size, runs.length);
          assert.equal(m.extent(), runs.length === 0 ? 0 : runs[runs.length - 1].end);
        }
      }
      const runs = runsOf(ref);
      assert.deepEqual(m.toArray(), runs);
      for (let i = 0; i < size; i++) assert.equal(m.get(i), ref[i], `byte ${i}`);
      for (let i = 0; i < 500; i++) {
        const a = rnd(size);
        const b = a + rnd(50);
        const want = ref.slice(a, b).some((x) => x !== undefined);
        assert.equal(m.intersects(a, b), want, `intersects(${a}, ${b})`);
        assert.deepEqual(m.segments(a, b), runsOf(ref.map((x, k) => (k >= a && k < b ? x : undefined))), `segments(${a}, ${b})`);
      }
      const copy = m.clone();
      copy.set(0, size, 9);
      assert.deepEqual(m.toArray(), runs, 'a clone is independent');
      assert.ok(updates.length > 20_000, 'the observer hears of every update');
    });
  }

  it('stays exact after 100,000 random 4 KiB writes over 1 GiB (tens of thousands of fragments, many leaves)', () => {
    const rnd = seededRandom(11);
    const m = new IntervalMap();
    for (let k = 1; k <= 100_000; k++) {
      const off = rnd(262_144) * 4096;
      m.set(off, off + 4096, k);
    }
    assert.ok(m.size > 80_000, `${m.size} fragments`);
    // The map still answers exactly.
    const segs = m.toArray();
    for (let i = 1; i < segs.length; i++) assert.ok(segs[i - 1].end <= segs[i].start);
  });
});
