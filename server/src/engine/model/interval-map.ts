// A byte-range map: disjoint, sorted half-open ranges [start, end) each carrying a number (an event seq, or 1 for
// plain membership). Adjacent ranges with the same value are merged. Three parallel Float64Arrays hold the
// ranges: a lookup is a binary search and an update shifts the tail with one memmove (copyWithin), which stays
// cheap for the thousands of fragments a file of random writes accumulates.
import { withRoom } from '../typed-arrays.js';

export interface Segment {
  start: number;
  end: number;
  value: number;
}

const SCRATCH = new Float64Array(9);

/** Appends [a, b) = val to the n triples in R, merging with the last one when they touch and agree; the new n. */
function addRange(R: Float64Array, n: number, a: number, b: number, val: number): number {
  if (n > 0 && R[n * 3 - 2] === a && R[n * 3 - 1] === val) {
    R[n * 3 - 2] = b;
    return n;
  }
  R[n * 3] = a;
  R[n * 3 + 1] = b;
  R[n * 3 + 2] = val;
  return n + 1;
}
const INFINITE = Number.POSITIVE_INFINITY;

/** Told of every update of a map (a file's history). */
export interface MapObserver {
  update(target: number, start: number, end: number, value: number | undefined): void;
}

export class IntervalMap {
  /** Set to keep a history of this map; `target` says which map it is to the observer. */
  observer: MapObserver | undefined;
  target = 0;
  private s = new Float64Array(4);
  private e = new Float64Array(4);
  private v = new Float64Array(4);
  private n = 0;

  get size(): number {
    return this.n;
  }

  isEmpty(): boolean {
    return this.n === 0;
  }

  clone(): IntervalMap {
    const m = new IntervalMap();
    m.s = this.s.slice();
    m.e = this.e.slice();
    m.v = this.v.slice();
    m.n = this.n;
    return m;
  }

  /** Index of the first range whose end is > pos. */
  private firstEndingAfter(pos: number): number {
    let lo = 0;
    let hi = this.n;
    const e = this.e;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (e[mid] > pos) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  get(pos: number): number | undefined {
    const i = this.firstEndingAfter(pos);
    return i < this.n && this.s[i] <= pos ? this.v[i] : undefined;
  }

  set(start: number, end: number, value: number): void {
    this.splice(start, end, value);
  }

  clear(start: number, end: number): void {
    this.splice(start, end, undefined);
  }

  private grow(min: number): void {
    this.s = withRoom(this.s, min);
    this.e = withRoom(this.e, min);
    this.v = withRoom(this.v, min);
  }

  /** Replaces everything in [start, end) with `value` (or nothing). */
  private splice(start: number, end: number, value: number | undefined): void {
    if (end <= start) return;
    let i = this.firstEndingAfter(start);
    const len = this.n;
    let { s, e, v } = this;
    // ranges i..j-1 overlap [start, end)
    let j = i;
    while (j < len && s[j] < end) j++;
    if (value === undefined && i === j) return;
    if (this.observer !== undefined) this.observer.update(this.target, start, end, value);
    // Up to three replacement entries: left remnant, the new range, right remnant (merged when equal).
    const R = SCRATCH;
    let n = 0;
    if (i < len && s[i] < start) n = addRange(R, n, s[i], start, v[i]);
    if (value !== undefined) n = addRange(R, n, start, end, value);
    if (j > i && e[j - 1] > end) n = addRange(R, n, end, e[j - 1], v[j - 1]);
    if (n > 0) {
      // merge with neighbours holding the same value
      if (i > 0 && e[i - 1] === R[0] && v[i - 1] === R[2]) {
        R[0] = s[i - 1];
        i--;
      }
      const last = (n - 1) * 3;
      if (j < len && s[j] === R[last + 1] && v[j] === R[last + 2]) {
        R[last + 1] = e[j];
        j++;
      }
    }
    const removed = j - i;
    if (n !== removed) {
      const newLen = len + n - removed;
      if (newLen > s.length) {
        this.grow(newLen);
        ({ s, e, v } = this);
      }
      if (j < len) {
        s.copyWithin(i + n, j, len);
        e.copyWithin(i + n, j, len);
        v.copyWithin(i + n, j, len);
      }
      this.n = newLen;
    }
    for (let k = 0; k < n; k++) {
      s[i + k] = R[k * 3];
      e[i + k] = R[k * 3 + 1];
      v[i + k] = R[k * 3 + 2];
    }
  }

  /** Mapped segments intersecting [start, end), clipped to it. */
  segments(start = 0, end = Number.POSITIVE_INFINITY): Segment[] {
    const out: Segment[] = [];
    if (end <= start) return out;
    for (let i = this.firstEndingAfter(start); i < this.n && this.s[i] < end; i++) {
      out.push({ start: Math.max(start, this.s[i]), end: Math.min(end, this.e[i]), value: this.v[i] });
    }
    return out;
  }

  /** Whether any byte of [start, end) is mapped. */
  intersects(start: number, end: number): boolean {
    if (end <= start) return false;
    const i = this.firstEndingAfter(start);
    return i < this.n && this.s[i] < end;
  }

  /** Drops everything at or beyond `size`. */
  truncate(size: number): void {
    this.clear(size, INFINITE);
  }

  /** Last mapped byte + 1, or 0. */
  extent(): number {
    return this.n === 0 ? 0 : this.e[this.n - 1];
  }

  toArray(): Segment[] {
    return this.segments();
  }
}

/** Rounds a byte range out to `unit` boundaries. */
export function alignOut(start: number, end: number, unit: number): [number, number] {
  return [Math.floor(start / unit) * unit, Math.ceil(end / unit) * unit];
}

/** Subtracts [cs, ce) from each range. */
export function subtract(ranges: Array<[number, number]>, cs: number, ce: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [a, b] of ranges) {
    if (ce <= a || cs >= b) out.push([a, b]);
    else {
      if (a < cs) out.push([a, cs]);
      if (ce < b) out.push([ce, b]);
    }
  }
  return out;
}
