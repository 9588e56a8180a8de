// The mappings of one address space, ordered by address: disjoint [start, end) ranges in leaves of at most
// LEAF_SIZE, found by two binary searches. A program with tens of thousands of live mappings (a mapping per
// open file, say) then costs the same per call as one with ten: a flat sorted array would move half of them on
// every mmap, and a scan would read all of them on every store or msync.

export interface Ranged {
  start: number;
  end: number;
}

const LEAF_SIZE = 256;

export class MappingSet<M extends Ranged> {
  private leaves: M[][] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Every mapping, in address order. */
  *[Symbol.iterator](): IterableIterator<M> {
    for (const leaf of this.leaves) yield* leaf;
  }

  toArray(): M[] {
    return this.leaves.flat();
  }

  /** The index of the first leaf whose last mapping ends after `addr`. */
  private leafAfter(addr: number): number {
    const L = this.leaves;
    let lo = 0;
    let hi = L.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const leaf = L[mid];
      if (leaf[leaf.length - 1].end <= addr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The index in `leaf` of the first mapping that ends after `addr`. */
  private static inLeaf<M extends Ranged>(leaf: M[], addr: number): number {
    let lo = 0;
    let hi = leaf.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (leaf[mid].end <= addr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  find(addr: number): M | undefined {
    const k = this.leafAfter(addr);
    if (k === this.leaves.length) return undefined;
    const leaf = this.leaves[k];
    const m = leaf[MappingSet.inLeaf(leaf, addr)];
    return m !== undefined && m.start <= addr ? m : undefined;
  }

  /** Mappings overlapping [start, end), in address order. */
  overlapping(start: number, end: number): M[] {
    const out: M[] = [];
    if (end <= start) return out;
    const first = this.leafAfter(start);
    for (let k = first; k < this.leaves.length; k++) {
      const leaf = this.leaves[k];
      for (let i = k === first ? MappingSet.inLeaf(leaf, start) : 0; i < leaf.length; i++) {
        if (leaf[i].start >= end) return out;
        out.push(leaf[i]);
      }
    }
    return out;
  }

  /** Adds `m`, which overlaps no mapping of the set. */
  add(m: M): void {
    this.count++;
    const L = this.leaves;
    if (L.length === 0) {
      L.push([m]);
      return;
    }
    let k = this.leafAfter(m.start);
    if (k === L.length) k--;
    const leaf = L[k];
    leaf.splice(MappingSet.inLeaf(leaf, m.start), 0, m);
    if (leaf.length > LEAF_SIZE) L.splice(k + 1, 0, leaf.splice(LEAF_SIZE >> 1));
  }

  /** Removes `m` (the same object) from the set. */
  delete(m: M): void {
    const k = this.leafAfter(m.start);
    const leaf = this.leaves[k];
    if (leaf === undefined) return;
    const i = leaf.indexOf(m, MappingSet.inLeaf(leaf, m.start));
    if (i < 0) return;
    leaf.splice(i, 1);
    this.count--;
    if (leaf.length === 0) this.leaves.splice(k, 1);
  }
}
