// A file cache's history, cheap enough to keep during the main replay: every update of its three maps and every
// "this event touched pages first..last" mark, in event order, with a snapshot of the maps now and then. The page
// states before and after any event are rebuilt on demand from the nearest snapshot, so a hover costs a few
// milliseconds and the replay never builds page views for events nobody looks at.
import { lowerBound, withRoom } from '../typed-arrays.js';
import { IntervalMap, type MapObserver, type Segment } from './interval-map.js';

/** The replay's current event, shared by the histories of all files. */
export interface Clock {
  seq: number;
}

/** Which map an entry updates; Touch entries mark pages instead. */
export const Target = { Dirty: 0, Daemon: 1, Valid: 2, Touch: 3 } as const;

export interface PageView {
  index: number;
  start: number;
  end: number;
  valid: boolean;
  dirty: Segment[];
  daemon: Segment[];
}

/** The three maps that make a page state. */
export interface CacheMaps {
  dirty: IntervalMap;
  daemon: IntervalMap;
  valid: IntervalMap;
}

/** Page states of pages [first, last]. */
export function viewPages(m: CacheMaps, pageSize: number, first: number, last: number): PageView[] {
  const out: PageView[] = [];
  for (let p = first; p <= last; p++) {
    const start = p * pageSize;
    const end = start + pageSize;
    out.push({ index: p, start, end, valid: m.valid.intersects(start, end), dirty: m.dirty.segments(start, end), daemon: m.daemon.segments(start, end) });
  }
  return out;
}

const FIELDS = 5; // seq, target, start, end, value (NaN: cleared)
const SNAPSHOT_EVERY = 4096;

interface Snapshot {
  /** Entries before this index are in the maps. */
  entry: number;
  maps: CacheMaps;
}

export class FileHistory implements MapObserver {
  private log = new Float64Array(FIELDS * 256);
  private n = 0;
  private readonly snapshots: Snapshot[] = [];
  private sinceSnapshot = 0;

  constructor(private readonly clock: Clock, private readonly live: CacheMaps) {}

  /** Called by the live maps on every update. */
  update(target: number, start: number, end: number, value: number | undefined): void {
    this.push(target, start, end, value ?? Number.NaN);
    if (++this.sinceSnapshot >= SNAPSHOT_EVERY + this.liveSize()) this.snapshot();
  }

  /** The current event touched pages first..last. */
  touch(first: number, last: number): void {
    this.push(Target.Touch, first, last, 0);
  }

  private liveSize(): number {
    // Snapshots of big maps are taken less often, so that they never cost more than the entries they save.
    return this.live.dirty.size + this.live.daemon.size + this.live.valid.size;
  }

  private snapshot(): void {
    this.sinceSnapshot = 0;
    this.snapshots.push({ entry: this.n, maps: { dirty: this.live.dirty.clone(), daemon: this.live.daemon.clone(), valid: this.live.valid.clone() } });
  }

  private push(target: number, start: number, end: number, value: number): void {
    if ((this.n + 1) * FIELDS > this.log.length) this.log = withRoom(this.log, (this.n + 1) * FIELDS);
    const o = this.n * FIELDS;
    this.log[o] = this.clock.seq;
    this.log[o + 1] = target;
    this.log[o + 2] = start;
    this.log[o + 3] = end;
    this.log[o + 4] = value;
    this.n++;
  }

  /** Index of the first entry whose seq is >= seq. */
  private firstAt(seq: number): number {
    return lowerBound(this.n, seq, (i) => this.log[i * FIELDS]);
  }

  /** The pages the event `seq` touched, as [first, last] pairs without repeats. */
  touchesAt(seq: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = this.firstAt(seq); i < this.n && this.log[i * FIELDS] === seq; i++) {
      const o = i * FIELDS;
      if (this.log[o + 1] !== Target.Touch) continue;
      const first = this.log[o + 2];
      const last = this.log[o + 3];
      if (!out.some(([a, b]) => a === first && b === last)) out.push([first, last]);
    }
    return out;
  }

  /** The maps as they were after the entries before index `entry`. */
  private mapsAt(entry: number): CacheMaps {
    // The last snapshot taken at or before `entry`.
    const s: Snapshot | undefined = this.snapshots[lowerBound(this.snapshots.length, entry + 1, (i) => this.snapshots[i].entry) - 1];
    const maps = s ? { dirty: s.maps.dirty.clone(), daemon: s.maps.daemon.clone(), valid: s.maps.valid.clone() } : { dirty: new IntervalMap(), daemon: new IntervalMap(), valid: new IntervalMap() };
    this.apply(maps, s ? s.entry : 0, entry);
    return maps;
  }

  private apply(maps: CacheMaps, from: number, to: number): void {
    const targets = [maps.dirty, maps.daemon, maps.valid];
    for (let i = from; i < to; i++) {
      const o = i * FIELDS;
      const t = this.log[o + 1];
      if (t === Target.Touch) continue;
      const v = this.log[o + 4];
      if (Number.isNaN(v)) targets[t].clear(this.log[o + 2], this.log[o + 3]);
      else targets[t].set(this.log[o + 2], this.log[o + 3], v);
    }
  }

  /** Page states of pages [first, last] just before and just after the event `seq`. */
  around(seq: number, first: number, last: number, pageSize: number): { before: PageView[]; after: PageView[] } {
    const start = this.firstAt(seq);
    const end = this.firstAt(seq + 1);
    const maps = this.mapsAt(start);
    const before = viewPages(maps, pageSize, first, last);
    this.apply(maps, start, end);
    return { before, after: viewPages(maps, pageSize, first, last) };
  }
}
