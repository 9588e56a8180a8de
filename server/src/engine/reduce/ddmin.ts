// Delta debugging (Zeller and Hildebrandt, "Simplifying and Isolating Failure-Inducing Input", 2002): the smallest
// subset of `items` the predicate still holds for that no single item can be removed from (1-minimal), found by
// testing complements of ever finer partitions. `holds` must hold for `items` itself.
export interface DdminResult<T> {
  items: T[];
  /** Predicate evaluations. */
  tests: number;
  /** The budget ran out first: `items` still holds, but may not be 1-minimal. */
  stopped: boolean;
}

export function ddmin<T>(items: T[], holds: (subset: T[]) => boolean, budget: { deadline?: number; maxTests?: number } = {}): DdminResult<T> {
  let current = items;
  let n = 2;
  let tests = 0;
  const out = (): boolean => (budget.deadline !== undefined && Date.now() > budget.deadline) || (budget.maxTests !== undefined && tests >= budget.maxTests);
  while (current.length >= 2) {
    const size = Math.ceil(current.length / n);
    let reduced = false;
    for (let i = 0; i < n && !reduced; i++) {
      if (out()) return { items: current, tests, stopped: true };
      const complement = current.slice(0, i * size).concat(current.slice((i + 1) * size));
      if (complement.length === current.length) continue;
      tests++;
      if (holds(complement)) {
        current = complement;
        n = Math.max(n - 1, 2);
        reduced = true;
      }
    }
    if (!reduced) {
      if (n >= current.length) break;
      n = Math.min(n * 2, current.length);
    }
  }
  // A single item left that is not needed (the predicate may hold for nothing at all).
  if (current.length === 1 && !out()) {
    tests++;
    if (holds([])) current = [];
  }
  return { items: current, tests, stopped: false };
}
