// Growable typed arrays and a search over sorted values: the model and the parsers keep their bulk data in typed
// arrays (no object per entry), grown by doubling.

type Typed = Float64Array | Int32Array | Uint8Array;

/** `a` itself when it holds at least `min` elements, else a copy at least twice its size. */
export function withRoom<T extends Typed>(a: T, min: number): T {
  if (min <= a.length) return a;
  let cap = Math.max(a.length * 2, 4);
  while (cap < min) cap *= 2;
  const b = new (a.constructor as new (length: number) => T)(cap);
  b.set(a);
  return b;
}

/** The first index in [0, n) whose value is >= x, or n; `valueAt` must not decrease. */
export function lowerBound(n: number, x: number, valueAt: (i: number) => number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (valueAt(mid) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
