// A byte-range map: disjoint, sorted half-open ranges [start, end) each carrying a number (an event seq, or 1 for
// plain membership). Adjacent ranges with the same value are merged. The ranges live in leaves of at most 64,
// each three parallel Float64Arrays: a lookup is two binary searches (over the leaves, then in one), and an
// update moves at most one leaf's tail. A flat array would move half the map per update: a trace of random 4 KiB
// writes to a 1 GiB file makes a quarter of a million fragments, and each write would then copy megabytes.
import { withRoom } from '../typed-arrays.js';

export interface Segment {
  start: number;
  end: number;
  value: number;
}

/** Ranges per leaf: big enough that the leaves are few, small enough that moving a leaf's tail costs little. */
const LEAF_SIZE = 512;

/** Up to three replacement ranges (left remnant, new range, right remnant) as triples. */
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

/** Up to LEAF_SIZE consecutive ranges; never empty while it is in a map. Its arrays grow as it fills. */
class Leaf {
  constructor(public s: Float64Array, public e: Float64Array, public v: Float64Array, public n: number) {}

  static empty(room: number): Leaf {
    return new Leaf(new Float64Array(room), new Float64Array(room), new Float64Array(room), 0);
  }

  copy(): Leaf {
    return new Leaf(this.s.slice(), this.e.slice(), this.v.slice(), this.n);
  }

  room(min: number): void {
    this.s = withRoom(this.s, min);
    this.e = withRoom(this.e, min);
    this.v = withRoom(this.v, min);
  }

  /** Index of the first range whose end is > pos (n when none). */
  firstEndingAfter(pos: number): number {
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
}

/** Where a leaf-wise rebuild gathers its ranges (at most two leaves and three new ranges). */
const GATHER = { s: new Float64Array(2 * LEAF_SIZE + 3), e: new Float64Array(2 * LEAF_SIZE + 3), v: new Float64Array(2 * LEAF_SIZE + 3) };

export class IntervalMap {
  /** Set to keep a history of this map; `target` says which map it is to the observer. */
  observer: MapObserver | undefined;
  target = 0;
  private leaves: Leaf[] = [];
  private count = 0;

  /** `leafSize` is for tests, which use tiny leaves to exercise updates across leaves. */
  constructor(private readonly leafSize = LEAF_SIZE) {
    if (leafSize < 4 || leafSize > LEAF_SIZE) throw new RangeError(`leaf size ${leafSize} is not within 4..${LEAF_SIZE}`);
  }

  get size(): number {
    return this.count;
  }

  isEmpty(): boolean {
    return this.count === 0;
  }

  clone(): IntervalMap {
    const m = new IntervalMap(this.leafSize);
    m.leaves = this.leaves.map((l) => l.copy());
    m.count = this.count;
    return m;
  }

  /** Index of the leaf holding the first range whose end is > pos, or the number of leaves. */
  private leafEndingAfter(pos: number): number {
    const L = this.leaves;
    let lo = 0;
    let hi = L.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const l = L[mid];
      if (l.e[l.n - 1] > pos) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  get(pos: number): number | undefined {
    const k = this.leafEndingAfter(pos);
    if (k === this.leaves.length) return undefined;
    const l = this.leaves[k];
    const i = l.firstEndingAfter(pos);
    return l.s[i] <= pos ? l.v[i] : undefined;
  }

  set(start: number, end: number, value: number): void {
    this.splice(start, end, value);
  }

  clear(start: number, end: number): void {
    this.splice(start, end, undefined);
  }

  /** Replaces everything in [start, end) with `value` (or nothing). */
  private splice(start: number, end: number, value: number | undefined): void {
    if (end <= start) return;
    const L = this.leaves;
    // [(li, i), (lj, j)): the ranges overlapping [start, end). A position is a range, or (L.length, 0) past the end.
    let li = this.leafEndingAfter(start);
    let i = li < L.length ? L[li].firstEndingAfter(start) : 0;
    let lj = li;
    let j = i;
    while (lj < L.length) {
      const l = L[lj];
      if (l.s[l.n - 1] < end) {
        lj++;
        j = 0;
        continue;
      }
      while (l.s[j] < end) j++;
      break;
    }
    const overlaps = li !== lj || i !== j;
    if (value === undefined && !overlaps) return;
    if (this.observer !== undefined) this.observer.update(this.target, start, end, value);
    const R = SCRATCH;
    let n = 0;
    if (overlaps) {
      const first = L[li];
      if (first.s[i] < start) n = addRange(R, n, first.s[i], start, first.v[i]);
    }
    if (value !== undefined) n = addRange(R, n, start, end, value);
    if (overlaps) {
      const last = j > 0 ? L[lj] : L[lj - 1];
      const k = j > 0 ? j - 1 : last.n - 1;
      if (last.e[k] > end) n = addRange(R, n, end, last.e[k], last.v[k]);
    }
    if (n > 0) {
      // merge with the neighbours holding the same value
      const prevLeaf = i > 0 ? L[li] : li > 0 ? L[li - 1] : undefined;
      if (prevLeaf !== undefined) {
        const k = i > 0 ? i - 1 : prevLeaf.n - 1;
        if (prevLeaf.e[k] === R[0] && prevLeaf.v[k] === R[2]) {
          R[0] = prevLeaf.s[k];
          if (i > 0) i--;
          else (li--, (i = k));
        }
      }
      if (lj < L.length) {
        const next = L[lj];
        const t = (n - 1) * 3;
        if (next.s[j] === R[t + 1] && next.v[j] === R[t + 2]) {
          R[t + 1] = next.e[j];
          if (++j === next.n) (lj++, (j = 0));
        }
      }
    }
    // A window that ends at the start of a leaf ends at the end of the one before; one past every leaf starts at
    // the end of the last.
    if (j === 0 && lj > li) j = L[--lj].n;
    if (li === L.length) {
      if (L.length === 0) {
        if (n === 0) return;
        // Most maps stay small (a file's valid pages, its dirty bytes): the first leaf starts small and grows.
        L.push(Leaf.empty(4));
        li = lj = 0;
        i = j = 0;
      } else {
        li = lj = L.length - 1;
        i = j = L[li].n;
      }
    }
    if (li === lj) this.replaceInLeaf(li, i, j, n);
    else this.rebuild(li, lj, L[li], i, L[lj], j, n);
  }

  /** Replaces ranges [i, j) of leaf `k` with the n triples of SCRATCH. */
  private replaceInLeaf(k: number, i: number, j: number, n: number): void {
    const l = this.leaves[k];
    const newN = l.n - (j - i) + n;
    if (newN > this.leafSize) {
      this.rebuild(k, k, l, i, l, j, n);
      return;
    }
    if (newN === 0) {
      this.leaves.splice(k, 1);
      this.count -= l.n;
      return;
    }
    if (newN > l.s.length) l.room(newN);
    const { s, e, v } = l;
    if (n !== j - i && j < l.n) {
      const shift = i + n - j;
      if (l.n - j > 32) {
        s.copyWithin(j + shift, j, l.n);
        e.copyWithin(j + shift, j, l.n);
        v.copyWithin(j + shift, j, l.n);
      } else if (shift > 0) {
        // A short tail: a loop beats three calls of copyWithin.
        for (let t = l.n - 1; t >= j; t--) (s[t + shift] = s[t]), (e[t + shift] = e[t]), (v[t + shift] = v[t]);
      } else {
        for (let t = j; t < l.n; t++) (s[t + shift] = s[t]), (e[t + shift] = e[t]), (v[t + shift] = v[t]);
      }
    }
    const R = SCRATCH;
    for (let t = 0; t < n; t++) (s[i + t] = R[t * 3]), (e[i + t] = R[t * 3 + 1]), (v[i + t] = R[t * 3 + 2]);
    this.count += newN - l.n;
    l.n = newN;
  }

  /**
   * Replaces leaves li..lj with leaves holding left[0, i), the n triples of SCRATCH and right[j, right.n)
   * (nothing of a side that is undefined), at most leafSize ranges each and as even as can be.
   */
  private rebuild(li: number, lj: number, left: Leaf | undefined, i: number, right: Leaf | undefined, j: number, n: number): void {
    const G = GATHER;
    let c = 0;
    if (left !== undefined) for (let t = 0; t < i; t++, c++) (G.s[c] = left.s[t]), (G.e[c] = left.e[t]), (G.v[c] = left.v[t]);
    const R = SCRATCH;
    for (let t = 0; t < n; t++, c++) (G.s[c] = R[t * 3]), (G.e[c] = R[t * 3 + 1]), (G.v[c] = R[t * 3 + 2]);
    if (right !== undefined) for (let t = j; t < right.n; t++, c++) (G.s[c] = right.s[t]), (G.e[c] = right.e[t]), (G.v[c] = right.v[t]);
    const L = this.leaves;
    let removed = 0;
    for (let k = li; k <= lj; k++) removed += L[k].n;
    // The leaves replaced are reused (a typed array costs far more to allocate than to fill); a leaf added by a
    // split is made whole-size, since only a map that has filled a leaf splits.
    const parts = Math.ceil(c / this.leafSize);
    const made: Leaf[] = [];
    for (let p = 0, from = 0; p < parts; p++) {
      const to = Math.round(((p + 1) * c) / parts);
      const l = li + p <= lj ? L[li + p] : Leaf.empty(this.leafSize);
      if (to - from > l.s.length) l.room(to - from);
      l.s.set(G.s.subarray(from, to));
      l.e.set(G.e.subarray(from, to));
      l.v.set(G.v.subarray(from, to));
      l.n = to - from;
      made.push(l);
      from = to;
    }
    if (made.length === lj - li + 1) for (let p = 0; p < made.length; p++) L[li + p] = made[p];
    else L.splice(li, lj - li + 1, ...made);
    this.count += c - removed;
  }

  /** Mapped segments intersecting [start, end), clipped to it. */
  segments(start = 0, end = Number.POSITIVE_INFINITY): Segment[] {
    const out: Segment[] = [];
    if (end <= start) return out;
    const L = this.leaves;
    const first = this.leafEndingAfter(start);
    for (let k = first; k < L.length; k++) {
      const l = L[k];
      for (let i = k === first ? l.firstEndingAfter(start) : 0; i < l.n; i++) {
        if (l.s[i] >= end) return out;
        out.push({ start: Math.max(start, l.s[i]), end: Math.min(end, l.e[i]), value: l.v[i] });
      }
    }
    return out;
  }

  /** Whether any byte of [start, end) is mapped. */
  intersects(start: number, end: number): boolean {
    if (end <= start) return false;
    const k = this.leafEndingAfter(start);
    if (k === this.leaves.length) return false;
    const l = this.leaves[k];
    return l.s[l.firstEndingAfter(start)] < end;
  }

  /** Drops everything at or beyond `size`. */
  truncate(size: number): void {
    this.clear(size, INFINITE);
  }

  /** Last mapped byte + 1, or 0. */
  extent(): number {
    const L = this.leaves;
    if (L.length === 0) return 0;
    const l = L[L.length - 1];
    return l.e[l.n - 1];
  }

  toArray(): Segment[] {
    return this.segments();
  }
}

/**
 * A map that nobody will read, whose updates cost nothing: a file's daemon and valid-page maps when no page states
 * are kept. Findings never read them (a loss is dirty bytes dropped, and dirty bytes have their own map); only
 * page views (hovers, the timeline) show them. Each write would otherwise pay for two map updates it never uses.
 */
export class UnkeptMap extends IntervalMap {
  override set(_start: number, _end: number, _value: number): void {}

  override clear(_start: number, _end: number): void {}
}

/** Rounds a byte range out to `unit` boundaries. */
export function alignOut(start: number, end: number, unit: number): [number, number] {
  return [Math.floor(start / unit) * unit, Math.ceil(end / unit) * unit];
}

/** `x` rounded down to a multiple of `unit`. */
export function down(x: number, unit: number): number {
  return Math.floor(x / unit) * unit;
}

/** `x` rounded up to a multiple of `unit`. */
export function up(x: number, unit: number): number {
  return Math.ceil(x / unit) * unit;
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
