import type { DaemonEvidence } from './daemon.js';

// Kernel profiles × cache modes as data (design.md section 3). Each cell names a small policy that
// file-cache.ts implements; nothing else in the model branches on the kernel or the mode.

export type KernelProfile = 'freebsd-2019' | 'freebsd' | 'linux';
export type CacheMode = 'uncached' | 'write-around' | 'write-through' | 'writeback';

export const KERNEL_PROFILES: readonly KernelProfile[] = ['freebsd-2019', 'freebsd', 'linux'];
export const CACHE_MODES: readonly CacheMode[] = ['uncached', 'write-around', 'write-through', 'writeback'];

/**
 * How a write(2) reaches the daemon and what it does to the cache.
 * - `around-invalidate`: WRITE to the daemon, then the touched pages (or blocks) are invalidated without
 *   writing their mmap-dirty bytes back (bug 237588).
 * - `direct-invalidate`: the O_DIRECT/uncached path of FreeBSD: fuse_inval_buf_range flushes buffer-tracked
 *   dirty ranges, then drops whole blocks, mmap-only dirty pages included.
 * - `direct-flush`: Linux direct I/O: dirty pages are written back (laundered) before invalidation.
 * - `through-block`: FreeBSD r349038+: read-modify-write of the cache block, then a synchronous WRITE that
 *   also carries the block's mmap-dirty pages; data stays cached and clean.
 * - `through-pages`: Linux: copy into cached pages, WRITE of exactly the user bytes; mmap-dirty bytes of those
 *   pages stay dirty and are written later.
 * - `back`: data cached dirty, flushed at sync points.
 */
export type WritePolicy = 'around-invalidate' | 'direct-invalidate' | 'direct-flush' | 'through-block' | 'through-pages' | 'back';

export type Granularity = 'page' | 'block';

export interface ProfileRules {
  /** write(2) without O_DIRECT, per cache mode. */
  write: Record<CacheMode, WritePolicy>;
  /** write(2) on an O_DIRECT descriptor in a cached mode. */
  directWrite: WritePolicy;
  /** posix_fallocate, fspacectl, fallocate, copy_file_range destination. */
  space: 'invalidate' | 'flush-invalidate' | 'none';
  /** Whether the invalidation of `around-invalidate` drops pages or whole blocks by default. */
  aroundGranularity: Granularity;
  /** MS_ASYNC starts page-out (FreeBSD) or does nothing (Linux: pages stay dirty, still tracked). */
  msyncAsyncFlushes: boolean;
  /** MS_INVALIDATE drops clean pages after syncing (FreeBSD). */
  msyncInvalidates: boolean;
  /** munmap writes dirty pages back (Linux fuse_vma_close). */
  munmapFlushes: boolean;
  /** close(2) writes dirty pages back on every close (Linux fuse_flush) or only at the last reference (FreeBSD vinactive). */
  closeFlush: 'every-close' | 'last-reference';
  /** open(2) sends FUSE_OPEN (which flushes and invalidates without FOPEN_KEEP_CACHE) every time (Linux) or only when no handle exists yet (FreeBSD). */
  openInvalidates: 'every-open' | 'new-handle';
  /** Cache fill unit of read(2) and write read-modify-write. */
  fillUnit: Granularity;
  /** Daemon reports a larger size: FreeBSD drops the whole cache (dirty included); Linux launders first. */
  sizeGrowthDropsDirty: boolean;
  /**
   * Modes in which a WRITE the daemon failed leaves its data in the cache as if written (write-error-cached):
   * FreeBSD's write-through keeps the buffer it filled before the synchronous bwrite; in writeback mode a failed
   * write-back loses the dirty pages everywhere (Linux marks them clean and reports EIO at fsync).
   */
  failedWriteKept: readonly CacheMode[];
  /** Short human description for reports. */
  label: string;
}

export const PROFILES: Record<KernelProfile, ProfileRules> = {
  'freebsd-2019': {
    write: { uncached: 'direct-invalidate', 'write-around': 'around-invalidate', 'write-through': 'around-invalidate', writeback: 'back' },
    directWrite: 'direct-invalidate',
    space: 'none',
    aroundGranularity: 'page',
    msyncAsyncFlushes: true,
    msyncInvalidates: true,
    munmapFlushes: false,
    closeFlush: 'last-reference',
    openInvalidates: 'new-handle',
    fillUnit: 'block',
    sizeGrowthDropsDirty: false,
    failedWriteKept: ['writeback'],
    label: 'FreeBSD fusefs before r349038 (projects/fuse2, bug 237588)',
  },
  freebsd: {
    write: { uncached: 'direct-invalidate', 'write-around': 'around-invalidate', 'write-through': 'through-block', writeback: 'back' },
    directWrite: 'direct-invalidate',
    space: 'invalidate',
    aroundGranularity: 'page',
    msyncAsyncFlushes: true,
    msyncInvalidates: true,
    munmapFlushes: false,
    closeFlush: 'last-reference',
    openInvalidates: 'new-handle',
    fillUnit: 'block',
    sizeGrowthDropsDirty: true,
    failedWriteKept: ['write-through', 'writeback'],
    label: 'FreeBSD fusefs, r349038 and later',
  },
  linux: {
    write: { uncached: 'direct-flush', 'write-around': 'around-invalidate', 'write-through': 'through-pages', writeback: 'back' },
    directWrite: 'direct-flush',
    space: 'flush-invalidate',
    aroundGranularity: 'page',
    msyncAsyncFlushes: false,
    msyncInvalidates: false,
    munmapFlushes: true,
    closeFlush: 'every-close',
    openInvalidates: 'every-open',
    fillUnit: 'page',
    sizeGrowthDropsDirty: false,
    failedWriteKept: ['writeback'],
    label: 'Linux FUSE',
  },
};

export const MODE_DESCRIPTIONS: Record<CacheMode, string> = {
  uncached: 'Direct I/O: no data cache; writes go straight to the daemon and invalidate cached pages (FOPEN_DIRECT_IO, data_cache_mode=0).',
  'write-around': 'The pre-r349038 FreeBSD "write-through": write(2) bypasses the cache and invalidates the pages it touches (bug 237588).',
  'write-through': 'write(2) fills the cache and is sent to the daemon synchronously (FreeBSD default since r349038, Linux default).',
  writeback: 'write(2) dirties the cache; data reaches the daemon at fsync, msync, close or page-out (FUSE_WRITEBACK_CACHE).',
};

export interface ReplayOptions {
  kernel: KernelProfile;
  mode: CacheMode;
  pageSize: number;
  blockSize: number;
  /** Invalidation unit of write-around: page (the least that is lost) or block (the most). */
  granularity?: Granularity;
  /** Only files under these prefixes are modelled (the FUSE mounts); empty means every regular file. */
  mounts?: string[];
  /** Record every event's page states (the page timeline draws them all; the CLI wants none). */
  record?: boolean;
  /**
   * Keep what hovers and go-to-definition need at little cost: the fds and addresses each event used, and each
   * file's history, from which `touchesAt` rebuilds an event's page states on demand.
   */
  history?: boolean;
  /** What the daemon's log of the same run says about the files' pages (correlation, `--fuse-log`). */
  daemon?: DaemonEvidence;
}

export const DEFAULT_OPTIONS: ReplayOptions = {
  kernel: 'freebsd',
  mode: 'write-through',
  pageSize: 4096,
  blockSize: 65536,
};

export function isKernel(x: string): x is KernelProfile {
  return (KERNEL_PROFILES as readonly string[]).includes(x);
}

export function isMode(x: string): x is CacheMode {
  return (CACHE_MODES as readonly string[]).includes(x);
}
