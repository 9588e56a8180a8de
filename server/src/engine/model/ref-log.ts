// Which fd or address each event used and the open or mmap behind it (hover and go-to-definition), kept as
// parallel arrays in event order: one entry costs a few stores, not an object and a map entry.
import { lowerBound, withRoom } from '../typed-arrays.js';

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
    const i = this.n++;
    if (this.n > this.seqs.length) {
      this.seqs = withRoom(this.seqs, this.n);
      this.values = withRoom(this.values, this.n);
      this.defs = withRoom(this.defs, this.n);
      this.addr = withRoom(this.addr, this.n);
    }
    this.seqs[i] = seq;
    this.values[i] = value;
    this.defs[i] = defSeq;
    this.addr[i] = what === 'addr' ? 1 : 0;
    this.paths.push(path);
  }

  /** Every use of the open (or mmap) `defSeq`: the events that used it and the fd or address they used, in event order. */
  usesOf(defSeq: number, what: 'fd' | 'addr'): Array<{ seq: number; value: number }> {
    const out: Array<{ seq: number; value: number }> = [];
    const addr = what === 'addr' ? 1 : 0;
    for (let i = 0; i < this.n; i++) if (this.defs[i] === defSeq && this.addr[i] === addr) out.push({ seq: this.seqs[i], value: this.values[i] });
    return out;
  }

  /** The refs of event `seq`, in the order the replay met them. */
  at(seq: number): Ref[] {
    const out: Ref[] = [];
    for (let i = lowerBound(this.n, seq, (k) => this.seqs[k]); i < this.n && this.seqs[i] === seq; i++) {
      out.push({ what: this.addr[i] === 1 ? 'addr' : 'fd', value: this.values[i], defSeq: this.defs[i], path: this.paths[i] });
    }
    return out;
  }
}
