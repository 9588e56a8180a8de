// The page cache of one file, with byte-precise provenance maps (design.md section 3):
//   daemon:   what the FUSE server has received;
//   cached:   what the valid cached pages hold, kept as `valid` pages plus `dirty`, the bytes of the cache
//             the daemon has not received: cached = daemon overlaid with dirty, on valid pages. (Keeping the
//             cache as an overlay rather than a third full map saves a map update per write and per fill.)
//   intended: what a coherent file system would hold (every write and store in order). It is not stored: it
//             is always daemon overlaid with dirty, because dirty bytes live only on valid pages and a loss is
//             reported as the program's view now following what survived. (One map fewer to update per write.)
// Values are the seq of the event that last wrote each byte. Visible content is the cache on valid pages, else
// the daemon's. When an invalidation drops dirty bytes the invalidating call did not rewrite, they are lost.
// Only page views (hovers, the timeline) read `daemon` and `valid`: without them, neither is kept (UnkeptMap).
import { FileHistory, Target, viewPages, type Clock, type PageView } from './file-history.js';
import { alignOut, down, IntervalMap, subtract, UnkeptMap, up, type Segment } from './interval-map.js';

export type { PageView };

const NONE: Segment[] = [];
import type { Granularity, WritePolicy } from './profiles.js';

export interface LostRange {
  start: number;
  end: number;
  /** seq of the event whose bytes were lost. */
  src: number;
}

export type DivergenceCause = WritePolicy | 'space-invalidate' | 'write-error' | 'size-growth';

export interface Divergence {
  seq: number;
  fileId: number;
  cause: DivergenceCause;
  granularity: Granularity;
  /** The byte range whose pages were dropped. */
  invalidated: [number, number];
  lost: LostRange[];
  /** The open whose descriptor the invalidating call used (set by the replay). */
  viaOpen?: number;
  /** More to say (the daemon's error, the size it reported). */
  detail?: string;
}

export interface CacheContext {
  pageSize: number;
  blockSize: number;
  /** Whether page states will be viewed (ReplayOptions record or history): only they show the daemon's map. */
  pageViews: boolean;
  /** Whether `seq` is a write(2)-kind source (buffer-tracked dirty data) rather than an mmap store. */
  isWriteSource(seq: number): boolean;
  report(d: Divergence): void;
}


export class FileCache {
  readonly dirty = new IntervalMap();
  /** Unkept (UnkeptMap) when no page states will be viewed: nothing else reads it. */
  readonly daemon: IntervalMap;
  /** Valid page ranges (value 1). Unkept like `daemon` without page views: a loss is dirty bytes dropped, and
   * dirty bytes are always on valid pages, so findings never ask which pages are valid. */
  readonly valid: IntervalMap;
  size = 0;
  sizeKnown = false;
  /** Open file descriptions referring to this file, and live mappings of it. */
  openCount = 0;
  mapCount = 0;
  history: FileHistory | undefined;

  constructor(readonly id: number, public name: string, private readonly ctx: CacheContext) {
    this.daemon = ctx.pageViews ? new IntervalMap() : new UnkeptMap();
    this.valid = ctx.pageViews ? new IntervalMap() : new UnkeptMap();
  }

  // Units as sizes, aligned with down/up: a [start, end) tuple per call was most of what a write allocated.
  private unitSize(g: Granularity): number {
    return g === 'block' ? this.ctx.blockSize : this.ctx.pageSize;
  }

  grow(end: number): void {
    if (end > this.size) this.size = end;
  }

  /** Makes [start, end) valid: pages not cached are read from the daemon (the overlay needs no copy). */
  fill(start: number, end: number): void {
    this.valid.set(start, end, 1);
  }

  /** read(2) through the cache: the fill unit around the range becomes valid (clipped at EOF). */
  read(start: number, end: number, unit: Granularity): void {
    const lim = this.sizeKnown ? Math.min(end, this.size) : end;
    if (lim <= start) return;
    const u = this.unitSize(unit);
    const b = up(lim, u);
    this.fill(down(start, u), this.sizeKnown ? Math.min(b, up(this.size, this.ctx.pageSize)) : b);
  }

  /** Sends dirty bytes of [start, end) to the daemon. */
  flush(start = 0, end = Number.POSITIVE_INFINITY): void {
    if (!this.dirty.intersects(start, end)) return;
    for (const seg of this.dirty.segments(start, end)) this.daemon.set(seg.start, seg.end, seg.value);
    this.dirty.clear(start, end);
  }

  /** Flushes only buffer-tracked (write(2)) dirty data in [start, end): what FreeBSD's fuse_inval_buf_range writes. */
  private flushWriteDirty(start: number, end: number): void {
    for (const seg of this.dirty.segments(start, end)) {
      if (!this.ctx.isWriteSource(seg.value)) continue;
      this.daemon.set(seg.start, seg.end, seg.value);
      this.dirty.clear(seg.start, seg.end);
    }
  }

  /** Drops pages of [start, end) without writing anything back; returns the dirty bytes that went with them. */
  private drop(start: number, end: number): Segment[] {
    const dropped = this.dirty.isEmpty() ? NONE : this.dirty.segments(start, end);
    this.valid.clear(start, end);
    if (dropped.length > 0) this.dirty.clear(start, end);
    return dropped;
  }

  /**
   * Pages of [start, end) were dropped with `dropped` dirty bytes in them. Outside the range the invalidating
   * call itself rewrote ([overStart, overEnd), empty when it rewrote none), those bytes were what the program
   * meant the file to hold, and a reader can no longer see them: they are lost. (Invariant: intended == daemon
   * except on dirty bytes, so only dropped dirty bytes can diverge.) The program's view then follows what
   * survived: intended stays daemon overlaid with dirty.
   */
  private reportLoss(seq: number, cause: DivergenceCause, granularity: Granularity, start: number, end: number, dropped: Segment[], overStart: number, overEnd: number, detail?: string): void {
    // Nothing dropped (a write's usual case) allocates nothing.
    if (dropped.length === 0) return;
    const lost: LostRange[] = [];
    for (const d of dropped) {
      for (const [a, b] of subtract([[d.start, d.end]], overStart, overEnd)) lost.push({ start: a, end: b, src: d.value });
    }
    if (lost.length === 0) return;
    this.ctx.report({ seq, fileId: this.id, cause, granularity, invalidated: [start, end], lost, ...(detail ? { detail } : {}) });
  }

  /** A write(2) of [off, off+len) under `policy`. */
  write(seq: number, off: number, len: number, policy: WritePolicy, granularity: Granularity, fillUnit: Granularity): void {
    const end = off + len;
    if (end <= off) return; // nothing, or beyond 2^53 where off + len rounds back to off
    this.grow(end);
    switch (policy) {
      case 'around-invalidate': {
        this.daemon.set(off, end, seq);
        const u = this.unitSize(granularity);
        const a = down(off, u);
        const b = up(end, u);
        const dropped = this.drop(a, b);
        this.reportLoss(seq, policy, granularity, a, b, dropped, off, end);
        return;
      }
      case 'direct-invalidate': {
        const a = down(off, this.ctx.blockSize);
        const b = up(end, this.ctx.blockSize);
        this.flushWriteDirty(a, b);
        const dropped = this.drop(a, b);
        this.daemon.set(off, end, seq);
        this.reportLoss(seq, policy, 'block', a, b, dropped, off, end);
        return;
      }
      case 'direct-flush': {
        const a = down(off, this.ctx.pageSize);
        const b = up(end, this.ctx.pageSize);
        this.flush(a, b);
        this.drop(a, b);
        this.daemon.set(off, end, seq);
        return;
      }
      case 'through-block': {
        const a = down(off, this.ctx.blockSize);
        const b = up(end, this.ctx.blockSize);
        this.fill(a, b);
        this.daemon.set(off, end, seq);
        this.dirty.clear(off, end);
        // The synchronous bwrite of the block carries the block's mmap-dirty pages too (vfs_setdirty_range).
        this.flush(a, b);
        return;
      }
      case 'through-pages': {
        // Existing pages take the bytes; untouched mmap-dirty bytes in them stay dirty. Fully written pages become valid.
        const fa = up(off, this.ctx.pageSize);
        const fb = down(end, this.ctx.pageSize);
        if (fb > fa) this.valid.set(fa, fb, 1);
        this.daemon.set(off, end, seq);
        this.dirty.clear(off, end);
        return;
      }
      case 'back': {
        const u = this.unitSize(fillUnit);
        this.fill(down(off, u), up(end, u));
        this.dirty.set(off, end, seq);
        return;
      }
    }
  }

  /** Bytes stored through a shared mapping (definite evidence) or that may have been (possible): dirty, cached. */
  store(seq: number, off: number, len: number): void {
    const end = off + len;
    if (end <= off) return; // nothing, or beyond 2^53 where off + len rounds back to off
    this.fill(down(off, this.ctx.pageSize), up(end, this.ctx.pageSize));
    this.dirty.set(off, end, seq);
  }

  truncate(size: number): void {
    if (size < this.size || !this.sizeKnown) {
      this.dirty.truncate(size);
      this.daemon.truncate(size);
      this.valid.truncate(Math.ceil(size / this.ctx.pageSize) * this.ctx.pageSize);
    }
    this.size = size;
    this.sizeKnown = true;
  }

  /** fallocate/fspacectl/copy_file_range destination. */
  space(seq: number, off: number, len: number, op: 'allocate' | 'punch' | 'zero' | 'copy-dest', keepSize: boolean, policy: 'invalidate' | 'flush-invalidate' | 'none'): void {
    const end = off + len;
    if (end <= off) return; // nothing, or beyond 2^53 where off + len rounds back to off
    const changesData = op !== 'allocate';
    let inval: [number, number] | undefined;
    let dropped: Segment[] = NONE;
    if (policy === 'invalidate') {
      inval = alignOut(off, end, this.ctx.blockSize);
      this.flushWriteDirty(inval[0], inval[1]);
      dropped = this.drop(inval[0], inval[1]);
    } else if (policy === 'flush-invalidate') {
      const a = down(off, this.ctx.pageSize);
      const b = up(end, this.ctx.pageSize);
      this.flush(a, b);
      this.drop(a, b);
    }
    if (changesData) {
      this.daemon.set(off, end, seq);
      if (policy === 'none') this.dirty.clear(off, end);
    }
    if (!keepSize) this.grow(end);
    if (inval) this.reportLoss(seq, 'space-invalidate', 'block', inval[0], inval[1], dropped, changesData ? off : 0, changesData ? end : 0);
  }

  /**
   * The daemon reported a size larger than the cached one: FreeBSD discards the whole cache, dirty pages
   * included, without writing them back (fuse_vnode_setsize from_server, D24012).
   */
  dropForSizeGrowth(seq: number, newSize: number, detail: string): void {
    const dropped = this.drop(0, Number.POSITIVE_INFINITY);
    this.size = Math.max(this.size, newSize);
    this.reportLoss(seq, 'size-growth', 'block', 0, Math.ceil(this.size / this.ctx.pageSize) * this.ctx.pageSize, dropped, 0, 0, detail);
  }

  /** Drops valid pages of [start, end) after writing their dirty bytes back (msync MS_INVALIDATE, open without keep_cache). */
  flushAndInvalidate(start = 0, end = Number.POSITIVE_INFINITY): void {
    this.flush(start, end);
    this.valid.clear(start, end);
  }

  hasDirty(): boolean {
    return !this.dirty.isEmpty();
  }

  /** Page states of pages [first, last] for hovers and the timeline. */
  view(first: number, last: number): PageView[] {
    return viewPages(this, this.ctx.pageSize, first, last);
  }

  /** From now on, keep the history of this cache (page states before and after any event, on demand). */
  keepHistory(clock: Clock): FileHistory {
    const h = new FileHistory(clock, this);
    this.dirty.observer = this.daemon.observer = this.valid.observer = h;
    this.dirty.target = Target.Dirty;
    this.daemon.target = Target.Daemon;
    this.valid.target = Target.Valid;
    this.history = h;
    return h;
  }
}
