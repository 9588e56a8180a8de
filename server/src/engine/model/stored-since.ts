// The second tier of possible evidence: "the program may have stored into this page of a writable shared mapping
// since the event that made it clean". Such sources are made by every write-back, invalidation or growth of a
// mapped file, and nearly all of them are never lost, so each is two numbers and a name until a finding or a hover
// asks for it (a program that pwrites a mapped file a million times would otherwise keep a million objects).
import { withRoom } from '../typed-arrays.js';
import type { StorableMapping } from './file-cache.js';

/** Seqs from here up are this tier's sources: no event of the trace has one. */
export const STORED_SINCE_SEQ = 2 ** 40;
/** Seqs from here up are write-backs in a correlated daemon log (sources in another trace). */
export const DAEMON_SEQ = 2 ** 41;

export interface StoredSinceSource {
  /** The mmap/mremap/mprotect that made the mapping storable. */
  storableSeq: number;
  /** The event after which the stores may have been made (it cleaned, dropped or created the pages). */
  sinceSeq: number;
  /** Its name (msync, pwrite64, ftruncate...). */
  sinceName: string;
}

export class StoredSinceSources {
  private storable = new Float64Array(64);
  private since = new Float64Array(64);
  private readonly names: string[] = [];
  /** The last source each mapping got, so one event asking twice makes one source. */
  private readonly last = new WeakMap<StorableMapping, number>();

  /** The source for `m`'s pages made clean by the event `sinceSeq`. */
  sourceFor(m: StorableMapping, sinceSeq: number, sinceName: string): number {
    const prev = this.last.get(m);
    if (prev !== undefined && this.since[prev - STORED_SINCE_SEQ] === sinceSeq && this.storable[prev - STORED_SINCE_SEQ] === m.storableSeq) return prev;
    const i = this.names.length;
    this.storable = withRoom(this.storable, i + 1);
    this.since = withRoom(this.since, i + 1);
    this.storable[i] = m.storableSeq;
    this.since[i] = sinceSeq;
    this.names.push(sinceName);
    const src = STORED_SINCE_SEQ + i;
    this.last.set(m, src);
    return src;
  }

  get(src: number): StoredSinceSource | undefined {
    const i = src - STORED_SINCE_SEQ;
    if (i < 0 || i >= this.names.length) return undefined;
    return { storableSeq: this.storable[i], sinceSeq: this.since[i], sinceName: this.names[i] };
  }
}
