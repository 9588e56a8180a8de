// Which fd or address each event used and the open or mmap behind it (hover and go-to-definition), kept as
// parallel arrays in event order: one entry costs a few stores, not an object and a map entry.

/** What an fd or address in an event referred to when the event happened. */
export interface Ref {
  what: 'fd' | 'addr';
  value: number;
  /** The open (or mmap) that created it. */
  defSeq: number;
  path: string;
}

export class RefLog {
  private seqs = new Float64Array(256);
  private values = new Float64Array(256);
  private defs = new Float64Array(256);
  private addr = new Uint8Array(256);
  private readonly paths: string[] = [];
  private n = 0;

  add(seq: number, what: 'fd' | 'addr', value: number, defSeq: number, path: string): void {
    if (this.n === this.seqs.length) this.grow();
    const i = this.n++;
    this.seqs[i] = seq;
    this.values[i] = value;
    this.defs[i] = defSeq;
    this.addr[i] = what === 'addr' ? 1 : 0;
    this.paths.push(path);
  }

  private grow(): void {
    const cap = this.seqs.length * 2;
    const f = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.seqs = f(this.seqs);
    this.values = f(this.values);
    this.defs = f(this.defs);
    const w = new Uint8Array(cap);
    w.set(this.addr);
    this.addr = w;
  }

  /** The refs of event `seq`, in the order the replay met them. */
  at(seq: number): Ref[] {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[mid] < seq) lo = mid + 1;
      else hi = mid;
    }
    const out: Ref[] = [];
    for (let i = lo; i < this.n && this.seqs[i] === seq; i++) {
      out.push({ what: this.addr[i] === 1 ? 'addr' : 'fd', value: this.values[i], defSeq: this.defs[i], path: this.paths[i] });
    }
    return out;
  }
}
