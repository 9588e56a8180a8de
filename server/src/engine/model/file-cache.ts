// The page cache of one file, with byte-precise provenance maps (docs/architecture.md, The cache model):
//   daemon:   what the FUSE server has received;
//   cached:   what the valid cached pages hold, kept as `valid` pages plus `dirty`, the bytes of the cache
//             the daemon has not received: cached = daemon overlaid with dirty, on valid pages. (Keeping the
//             cache as an overlay rather than a third full map saves a map update per write and per fill.)
//   intended: what a coherent file system would hold (every write and store in order). It is not stored: it
//             is always daemon overlaid with dirty, because every dirty byte is in the cache (on a valid page, or
//             on a page that is cached if the program did store into it: possible stores) and a loss is reported
//             as the program's view now following what survived. (One map fewer to update per write.)
// Values are the seq of the event that last wrote each byte. Visible content is the cache on valid pages, else
// the daemon's. When an invalidation drops dirty bytes the invalidating call did not rewrite, they are lost.
// Only page views (hovers, the timeline) read `daemon`, and only they and FreeBSD's fuse_inval_buf_range (which
// asks whether an edge block is wholly cached) read `valid`: without them, neither is kept (UnkeptMap).
import { FileHistory, Target, viewPages, type Clock, type PageView } from './file-history.js';
import { down, IntervalMap, subtract, UnkeptMap, up, type Segment } from './interval-map.js';

export type { PageView };

import type { Granularity, SpacePolicy, WritePolicy } from './profiles.js';

const NONE: Segment[] = [];

export interface LostRange {
  start: number;
  end: number;
  /** seq of the event whose bytes were lost. */
  src: number;
}

/**
 * What made the cache diverge from what the program wrote: the kernel's step, not the policy that took it (a new
 * write policy that drops pages reports one of these, and rules/rule-of-cause.ts says which rule each becomes).
 */
export type DivergenceCause =
  /** A write(2) invalidated the pages it asked for, then sent its WRITE (fuse_io_dispatch before r349038). */
  | 'write-invalidated-pages'
  /** A direct write invalidated the cache blocks it touched (fuse_inval_buf_range, since r349038). */
  | 'direct-write-invalidated-blocks'
  /** fallocate, fspacectl or a copy_file_range destination invalidated the blocks it touched (fuse_inval_buf_range). */
  | 'space-op-invalidated-blocks'
  /** The daemon reported a larger size: the whole cache went, dirty pages included (fuse_vnode_setsize). */
  | 'daemon-size-grew'
  /** The daemon failed a WRITE whose data the kernel kept as clean cache. */
  | 'daemon-write-failed';

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

/**
 * A live writable MAP_SHARED mapping of the file whose stores the trace does not show (possible evidence): its
 * file range is [offset, offset + end - start). Processes' Mapping objects are these.
 */
export interface StorableMapping {
  start: number;
  end: number;
  offset: number;
  /** seq of the mmap, mremap or mprotect that let the program store into it: the source of its unsynced stores. */
  storableSeq: number;
}

export interface CacheContext {
  pageSize: number;
  blockSize: number;
  /** Whether page states will be viewed (ReplayOptions record or history): only they show the daemon's map. */
  pageViews: boolean;
  /** Whether the policies ask which pages are cached (fuse_inval_buf_range's B_CACHE test). */
  validityMatters: boolean;
  /** Whether `seq` is a write(2)-kind source (buffer-tracked dirty data) rather than an mmap store. */
  isWriteSource(seq: number): boolean;
  /** Whether `seq` is a possible store (a mapping's), not bytes known to be dirty. */
  isPossibleStore(seq: number): boolean;
  report(d: Divergence): void;
  /** Bytes [start, end) of file `fileId` went to the daemon in a WRITE (ReplayOptions.writes); else not kept. */
  sent?(fileId: number, start: number, end: number): void;
  /**
   * The source of bytes of `m`'s pages that the program may have stored since the event being applied made them
   * clean (wrote them back, dropped them, or made them part of the file): the second tier of possible evidence.
   */
  storedSince(m: StorableMapping): number;
}


export class FileCache {
  readonly dirty = new IntervalMap();
  /** Unkept (UnkeptMap) when no page states will be viewed: nothing else reads it. */
  readonly daemon: IntervalMap;
  /** Valid page ranges (value 1). Unkept like `daemon` unless page views or fuse_inval_buf_range read it: a loss
   * is dirty bytes dropped, which findings find in `dirty` alone. */
  readonly valid: IntervalMap;
  size = 0;
  sizeKnown = false;
  /** Open file descriptions referring to this file, and live mappings of it. */
  openCount = 0;
  mapCount = 0;
  history: FileHistory | undefined;
  /**
   * Live writable shared mappings whose stores are not in the trace. Every byte of their pages inside the file is
   * possibly dirty whenever it is not known dirty: from the mapping's creation (unsynced), and again from each event
   * that makes it clean (stored again?). Kept by the address spaces (processes.ts).
   */
  readonly storable = new Set<StorableMapping>();
  /** FreeBSD's open file handles of the file, as `type:pid` (Replay.sendsFuseOpen). */
  readonly handles = new Set<string>();
  /** The event that made the file's first storable mapping: no store came before it. */
  firstStorableSeq: number | undefined;
  /**
   * Pages whose dirty flag the kernel keeps though all their dirty bytes reached the daemon: a write(2) through
   * the cache copied over mmap-dirty bytes (fuse_perform_write leaves PG_dirty as it was), so the next write-back
   * sends the page again, with the bytes the daemon has. No loss hangs on them; only the expected WRITEs
   * (CacheContext.sent) read them, and they are kept only then.
   */
  private readonly flagged = new Set<number>();

  constructor(readonly id: number, public name: string, private readonly ctx: CacheContext) {
    this.daemon = ctx.pageViews ? new IntervalMap() : new UnkeptMap();
    this.valid = ctx.pageViews || ctx.validityMatters ? new IntervalMap() : new UnkeptMap();
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

  /** Sends dirty bytes of [start, end) to the daemon; the mappings' pages there may be stored into again. */
  flush(start = 0, end = Number.POSITIVE_INFINITY): void {
    if (this.writeBack(start, end)) this.storableAgain(start, end);
  }

  /** Sends dirty bytes of [start, end) to the daemon; whether there were any. */
  private writeBack(start: number, end: number): boolean {
    if (this.flagged.size > 0) this.sendFlagged(start, end);
    if (!this.dirty.intersects(start, end)) return false;
    for (const seg of this.dirty.segments(start, end)) {
      this.daemon.set(seg.start, seg.end, seg.value);
      // Bytes only possibly stored may not be dirty at all: no WRITE is expected for them.
      if (this.ctx.sent !== undefined && !this.ctx.isPossibleStore(seg.value)) this.ctx.sent(this.id, seg.start, seg.end);
    }
    this.dirty.clear(start, end);
    return true;
  }

  /** The flagged pages of [start, end) are written back (again). */
  private sendFlagged(start: number, end: number): void {
    const ps = this.ctx.pageSize;
    for (const p of [...this.flagged]) {
      const a = p * ps;
      if (a + ps <= start || a >= end) continue;
      this.flagged.delete(p);
      if (a < this.size && !this.knownDirtyIn(a, a + ps)) this.ctx.sent?.(this.id, a, Math.min(a + ps, this.size));
    }
  }

  /** Forgets the flagged pages of [start, end) (dropped, or cut off by a truncation). */
  private unflag(start: number, end: number): void {
    if (this.flagged.size === 0) return;
    const ps = this.ctx.pageSize;
    for (const p of [...this.flagged]) if (p * ps >= start && p * ps < end) this.flagged.delete(p);
  }

  /**
   * The clean bytes of [start, end) inside the file and a storable mapping become possibly dirty again: the program
   * may store into any page of a writable shared mapping after it was cleaned (docs/semantics.md, Evidence).
   */
  private storableAgain(start: number, end: number, sinceMapped = false): void {
    if (this.storable.size === 0) return;
    const lim = Math.min(end, this.size);
    for (const m of this.storable) {
      const a = Math.max(start, m.offset);
      const b = Math.min(lim, m.offset + (m.end - m.start));
      if (a < b) this.possiblyDirty(a, b, sinceMapped ? m.storableSeq : this.ctx.storedSince(m));
    }
  }

  /**
   * Marks the bytes of [start, end) not already dirty as possibly dirty from `src`. Their pages stay as cached as
   * they were: a page is cached if the program stored into it, and whether it did is what is not known (FreeBSD's
   * fuse_inval_buf_range writes an edge block back only when all its pages are cached).
   */
  possiblyDirty(start: number, end: number, src: number): void {
    let at = start;
    const known = this.dirty.isEmpty() ? NONE : this.dirty.segments(start, end);
    for (const seg of known) {
      if (seg.start > at) this.dirty.set(at, seg.start, src);
      at = seg.end;
    }
    if (at < end) this.dirty.set(at, end, src);
  }

  /**
   * FreeBSD's fuse_inval_buf_range(vp, filesize, start, end), run before a direct write, an allocation or a copy's
   * destination (fuse_vnops.c): an edge block is written back, with every dirty page of it (bwrite carries them:
   * vfs_setdirty_range), only where its test holds; then the pages of the whole blocks are dropped, dirty or not.
   * - left edge (start inside a block): the buffer is wholly cached and its write(2)-dirty range reaches `start`
   *   (`B_CACHE && b_dirtyend >= left_on`); mmap stores alone leave b_dirtyend at 0, so they are not written;
   * - right edge (end inside a block): the buffer, up to the file's end, is wholly cached and its write(2)-dirty
   *   range starts before `end` (`B_CACHE && b_dirtyoff < right_on`), which a clean cached block always passes.
   * A zero-length range at offset 0 drops every page of the file (v_inval_buf_range(vp, 0, 0) reaches
   * vm_object_page_remove with end 0, "to the end of the object"). Returns the dropped range and dirty bytes.
   */
  private invalBufRange(start: number, end: number): { a: number; b: number; dropped: Segment[] } {
    const bs = this.ctx.blockSize;
    const leftLbn = Math.floor(start / bs);
    const endLbn = Math.ceil(end / bs);
    const leftOn = start - leftLbn * bs;
    if (leftOn !== 0) {
      const blk = leftLbn * bs;
      if (this.blockCached(blk, bs) && this.writeDirtyIn(blk, blk + bs, 'end') >= leftOn) this.writeBack(blk, blk + bs);
    }
    const rightOn = end % bs;
    if (rightOn !== 0) {
      const blk = end - rightOn;
      const len = Math.min(bs, Math.max(this.size, end) - blk);
      const off = this.writeDirtyIn(blk, blk + bs, 'start');
      if (this.blockCached(blk, len) && off < rightOn) this.writeBack(blk, blk + bs);
    }
    const a = leftLbn * bs;
    const b = endLbn === 0 ? Number.POSITIVE_INFINITY : endLbn * bs;
    return { a, b, dropped: this.drop(a, b) };
  }

  /** Whether the buffer of `len` bytes at `blk` is wholly cached (B_CACHE): every page of it valid. */
  private blockCached(blk: number, len: number): boolean {
    const end = blk + up(len, this.ctx.pageSize);
    let at = blk;
    for (const seg of this.valid.segments(blk, end)) {
      if (seg.start > at) return false;
      at = seg.end;
    }
    return at >= end;
  }

  /**
   * The buffer's dirty range, b_dirtyoff or b_dirtyend, relative to the block at `blk`: the write(2) data in it (mmap
   * stores are not in that range until a bwrite widens it). 0 when there is none, as for a clean buffer.
   */
  private writeDirtyIn(blk: number, blkEnd: number, which: 'start' | 'end'): number {
    let lo = Number.POSITIVE_INFINITY;
    let hi = 0;
    for (const seg of this.dirty.segments(blk, blkEnd)) {
      if (!this.ctx.isWriteSource(seg.value)) continue;
      lo = Math.min(lo, seg.start - blk);
      hi = Math.max(hi, seg.end - blk);
    }
    if (hi === 0) return 0;
    return which === 'start' ? lo : hi;
  }

  /** Drops pages of [start, end) without writing anything back; returns the dirty bytes that went with them. */
  private drop(start: number, end: number): Segment[] {
    const dropped = this.dirty.isEmpty() ? NONE : this.dirty.segments(start, end);
    this.unflag(start, end);
    this.valid.clear(start, end);
    if (dropped.length > 0) this.dirty.clear(start, end);
    return dropped;
  }

  /**
   * The file grew from `oldSize` during the event: the mappings' pages there may be stored into from now. Nothing
   * cleaned them, so their stores count as the mapping's own (unsynced since it was made).
   */
  private grown(oldSize: number): void {
    if (this.size > oldSize) this.storableAgain(oldSize, this.size, true);
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

  /**
   * A write(2) that asked for [off, off + asked) under `policy` and of which the daemon took the first `done` bytes
   * (`done` < `asked`: a short write; 0: the call failed after it reached the file system). What a policy drops is
   * decided by the request (the invalidation comes before the WRITE), what the daemon holds by the result.
   */
  write(seq: number, off: number, done: number, asked: number, policy: WritePolicy, granularity: Granularity, fillUnit: Granularity): void {
    const end = off + asked;
    if (asked < 0 || (asked > 0 && end <= off)) return; // beyond 2^53, where off + asked rounds back to off
    const doneEnd = off + done;
    const oldSize = this.size;
    this.grow(doneEnd);
    switch (policy) {
      case 'around-invalidate': {
        // fuse_io_dispatch before r349038: v_inval_buf_range over the bytes asked for, then the WRITE. A length of
        // 0 reaches it too: at offset 0 it drops every page (vm_object_page_remove to the end of the object).
        const u = this.unitSize(granularity);
        const a = down(off, u);
        const b = asked === 0 && off === 0 ? Number.POSITIVE_INFINITY : up(end, u);
        const dropped = this.drop(a, b);
        if (done > 0) this.toDaemon(seq, off, doneEnd);
        this.reportLoss(seq, 'write-invalidated-pages', granularity, a, b, dropped, off, doneEnd);
        this.storableAgain(a, b);
        break;
      }
      case 'direct-invalidate': {
        const { a, b, dropped } = this.invalBufRange(off, end);
        if (done > 0) this.toDaemon(seq, off, doneEnd);
        this.reportLoss(seq, 'direct-write-invalidated-blocks', 'block', a, b, dropped, off, doneEnd);
        this.storableAgain(a, b);
        break;
      }
      case 'direct-flush': {
        if (asked === 0) return; // generic_write_checks: nothing to do
        const a = down(off, this.ctx.pageSize);
        const b = up(end, this.ctx.pageSize);
        this.writeBack(a, b);
        this.drop(a, b);
        if (done > 0) this.toDaemon(seq, off, doneEnd);
        this.storableAgain(a, b);
        break;
      }
      case 'through-block': {
        if (asked === 0) return; // fuse_write_biobackend returns at once
        const a = down(off, this.ctx.blockSize);
        const b = up(end, this.ctx.blockSize);
        this.fill(a, b);
        if (done > 0) {
          this.toDaemon(seq, off, doneEnd);
          this.dirty.clear(off, doneEnd);
        }
        if (done < asked) {
          this.failedBwrite(seq, off + done, end, a, b);
          break;
        }
        // The synchronous bwrite of the block carries the block's mmap-dirty pages too (vfs_setdirty_range).
        this.writeBack(a, b);
        this.storableAgain(a, b);
        break;
      }
      case 'through-pages': {
        if (done <= 0) return;
        // Existing pages take the bytes; untouched mmap-dirty bytes in them stay dirty. Fully written pages become valid.
        const fa = up(off, this.ctx.pageSize);
        const fb = down(doneEnd, this.ctx.pageSize);
        if (fb > fa) this.valid.set(fa, fb, 1);
        this.toDaemon(seq, off, doneEnd);
        if (this.ctx.sent !== undefined && this.dirty.intersects(off, doneEnd)) this.flag(off, doneEnd);
        this.dirty.clear(off, doneEnd);
        this.storableAgain(off, doneEnd);
        break;
      }
      case 'back': {
        if (done <= 0) return;
        const u = this.unitSize(fillUnit);
        this.fill(down(off, u), up(doneEnd, u));
        this.dirty.set(off, doneEnd, seq);
        break;
      }
    }
    this.grown(oldSize);
  }

  /** The pages of [start, end) with bytes known to be dirty keep their dirty flag (`flagged`). */
  private flag(start: number, end: number): void {
    const ps = this.ctx.pageSize;
    for (const seg of this.dirty.segments(start, end)) {
      if (this.ctx.isPossibleStore(seg.value)) continue;
      for (let p = Math.floor(seg.start / ps); p * ps < seg.end; p++) this.flagged.add(p);
    }
  }

  /** A write's bytes the daemon took. */
  private toDaemon(seq: number, start: number, end: number): void {
    this.daemon.set(start, end, seq);
    this.ctx.sent?.(this.id, start, end);
  }

  /**
   * FreeBSD's write-through bwrite of the block [a, b) failed for the bytes [start, end): fuse_io_strategy marks the
   * buffer B_INVAL and brelse neither redirties it nor invalidates its pages. They stay cached and clean: the
   * write's bytes there, which the daemon does not have, and the mmap-dirty pages the WRITE carried, which will
   * never be written again. Both are reported (write-error-cached).
   */
  private failedBwrite(seq: number, start: number, end: number, a: number, b: number): void {
    const carried = this.dirty.isEmpty() ? NONE : this.dirty.segments(a, b);
    this.dirty.clear(a, b);
    const lost: LostRange[] = [{ start, end, src: seq }];
    for (const c of carried) lost.push({ start: c.start, end: c.end, src: c.value });
    this.ctx.report({ seq, fileId: this.id, cause: 'daemon-write-failed', granularity: 'block', invalidated: [a, b], lost, detail: 'the call failed' });
    this.storableAgain(a, b);
  }

  /** Bytes stored through a shared mapping (definite evidence) or that may have been (possible): dirty, cached. */
  store(seq: number, off: number, len: number): void {
    const end = off + len;
    if (end <= off) return; // nothing, or beyond 2^53 where off + len rounds back to off
    this.fill(down(off, this.ctx.pageSize), up(end, this.ctx.pageSize));
    this.dirty.set(off, end, seq);
  }

  truncate(size: number): void {
    const oldSize = this.size;
    if (size < this.size || !this.sizeKnown) {
      const ps = this.ctx.pageSize;
      this.unflag(up(size, ps), Number.POSITIVE_INFINITY);
      // The page the new size cuts keeps its dirty flag when the bytes cut off were dirty (truncate_pagecache
      // zeroes its tail): the launder that follows writes it (fuse_do_setattr's invalidate_inode_pages2).
      if (this.ctx.sent !== undefined && size % ps !== 0 && this.knownDirtyIn(size, up(size, ps))) this.flagged.add(Math.floor(size / ps));
      this.dirty.truncate(size);
      this.daemon.truncate(size);
      this.valid.truncate(Math.ceil(size / this.ctx.pageSize) * this.ctx.pageSize);
    }
    this.size = size;
    this.sizeKnown = true;
    this.grown(Math.min(oldSize, size));
  }

  /** fallocate/fspacectl/copy_file_range destination. */
  space(seq: number, off: number, len: number, op: 'allocate' | 'punch' | 'zero' | 'copy-dest', keepSize: boolean, policy: SpacePolicy): void {
    const end = off + len;
    if (end <= off) return; // nothing, or beyond 2^53 where off + len rounds back to off
    const changesData = op !== 'allocate';
    const oldSize = this.size;
    let inval: [number, number] | undefined;
    if (policy === 'block-invalidate') {
      const { a, b, dropped } = this.invalBufRange(off, end);
      inval = [a, b];
      this.reportLoss(seq, 'space-op-invalidated-blocks', 'block', a, b, dropped, changesData ? off : 0, changesData ? end : 0);
    } else if (policy === 'flush-invalidate' && changesData) {
      // fuse_file_fallocate (punch, zero) and __fuse_copy_file_range write back from the offset to EOF first.
      const a = down(off, this.ctx.pageSize);
      this.writeBack(a, Number.POSITIVE_INFINITY);
      inval = [a, up(end, this.ctx.pageSize)];
      this.drop(inval[0], inval[1]);
    }
    if (changesData) {
      this.daemon.set(off, end, seq);
      if (policy === 'none') this.dirty.clear(off, end);
    }
    if (!keepSize) this.grow(end);
    if (inval) this.storableAgain(inval[0], inval[1]);
    else if (changesData) this.storableAgain(off, end);
    this.grown(oldSize);
  }

  /**
   * The daemon reported a size larger than the cached one: FreeBSD discards the whole cache, dirty pages
   * included, without writing them back (fuse_vnode_setsize from_server, D24012).
   */
  dropForSizeGrowth(seq: number, newSize: number, detail: string): void {
    const dropped = this.drop(0, Number.POSITIVE_INFINITY);
    this.size = Math.max(this.size, newSize);
    this.reportLoss(seq, 'daemon-size-grew', 'block', 0, Math.ceil(this.size / this.ctx.pageSize) * this.ctx.pageSize, dropped, 0, 0, detail);
    this.storableAgain(0, this.size);
  }

  /** Drops valid pages of [start, end) after writing their dirty bytes back (msync MS_INVALIDATE, open without keep_cache). */
  flushAndInvalidate(start = 0, end = Number.POSITIVE_INFINITY): void {
    this.writeBack(start, end);
    this.valid.clear(start, end);
    this.storableAgain(start, end);
  }

  /**
   * [a, b) widened over the dirty pages next to it, up to `max` pages each way: the run FreeBSD's
   * vm_object_page_collect_flush writes with a dirty page it cleans (it does not stop at the msync's range).
   */
  clusterDirty(a: number, b: number, max: number): [number, number] {
    const ps = this.ctx.pageSize;
    if (max === 0 || this.dirty.isEmpty()) return [a, b];
    // Only pages known to be dirty extend the run: one only possibly stored may have been clean, which stops it.
    let n = 0;
    while (n < max - 1 && this.knownDirtyIn(b, b + ps)) {
      b += ps;
      n++;
    }
    n = 0;
    while (n < max - 1 && a >= ps && this.knownDirtyIn(a - ps, a)) {
      a -= ps;
      n++;
    }
    return [a, b];
  }

  /** Whether [start, end) holds bytes known to be dirty (written, or stored as the trace shows), not only possibly. */
  knownDirtyIn(start: number, end: number): boolean {
    if (!this.dirty.intersects(start, end)) return false;
    return this.dirty.segments(start, end).some((seg) => !this.ctx.isPossibleStore(seg.value));
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
