import type { DaemonEvidence } from './daemon.js';

// Kernel profiles x cache modes as data (docs/semantics.md gives each cell with the kernel function it comes from).
// Each field names a small policy that file-cache.ts or replay.ts carries out, looked up by the kernel and, where
// it differs by mode, by the mode: nothing else in the model branches on either (test/architecture.test.ts).

export type KernelProfile = 'freebsd-2019' | 'freebsd' | 'linux';
/**
 * The cache modes every profile has, each selected by a real knob (ProfileRules.knobs). There is no "write-around"
 * mode: no kernel offers one, except FreeBSD before r349038, whose write-through was write-around (bug 237588).
 */
export type CacheMode = 'uncached' | 'write-through' | 'writeback';

export const KERNEL_PROFILES: readonly KernelProfile[] = ['freebsd-2019', 'freebsd', 'linux'];
export const CACHE_MODES: readonly CacheMode[] = ['uncached', 'write-through', 'writeback'];

/** Mode names that select no real configuration, and what to ask for instead. */
export const RETIRED_MODES: Readonly<Record<string, string>> = {
  'write-around':
    'no kernel has a "write-around" cache mode; FreeBSD\'s write-through before r349038 wrote around the cache (bug 237588): use --kernel freebsd-2019 --mode write-through',
};

/**
 * How a write(2) reaches the daemon and what it does to the cache.
 * - `around-invalidate`: FreeBSD before r349038 (fuse_io_dispatch): the range the call asks for is invalidated with
 *   v_inval_buf_range, dirty pages included and nothing written back, before the WRITE is sent (bug 237588).
 * - `direct-invalidate`: FreeBSD's direct path since r349038: fuse_inval_buf_range writes back an edge block only
 *   in the cases it tests, then drops whole blocks, mmap-dirty pages included, before the WRITE.
 * - `direct-flush`: Linux direct I/O (kiocb_invalidate_pages, fuse_direct_io): dirty pages are written back
 *   (launder) before invalidation.
 * - `through-block`: FreeBSD r349038+ (fuse_write_biobackend): read-modify-write of the cache block, then a
 *   synchronous bwrite that also carries the block's mmap-dirty pages (vfs_setdirty_range); data stays cached, clean.
 * - `through-pages`: Linux (fuse_perform_write): copy into cached pages, WRITE of exactly the user bytes; mmap-dirty
 *   bytes of those pages stay dirty and are written later.
 * - `back`: data cached dirty, flushed at sync points.
 */
export type WritePolicy = 'around-invalidate' | 'direct-invalidate' | 'direct-flush' | 'through-block' | 'through-pages' | 'back';

/**
 * posix_fallocate, fallocate, fspacectl and copy_file_range's destination.
 * - `none`: the call does not exist, or touches no cached page.
 * - `block-invalidate`: FreeBSD fuse_vnop_allocate / deallocate / copy_file_range: fuse_inval_buf_range, as an
 *   O_DIRECT write of the range.
 * - `flush-invalidate`: Linux fuse_file_fallocate (punch hole, zero range) and __fuse_copy_file_range: write back
 *   from the offset to EOF, then drop the range's pages; mode 0 allocation touches nothing.
 */
export type SpacePolicy = 'none' | 'block-invalidate' | 'flush-invalidate';

export type Granularity = 'page' | 'block';

export interface ProfileRules {
  /** write(2) without O_DIRECT, per cache mode. */
  write: Record<CacheMode, WritePolicy>;
  /** write(2) on an O_DIRECT descriptor, in any mode. */
  directWrite: WritePolicy;
  /** Modes whose read(2) fills the cache (in `fillUnit`s); O_DIRECT reads never do. */
  readsFill: readonly CacheMode[];
  space: SpacePolicy;
  /** What `around-invalidate` drops: the pages of the range (the reading of fuse2's v_inval_buf_range) or blocks. */
  aroundGranularity: Granularity;
  /** Modes in which msync(MS_ASYNC) writes pages back before it returns (FreeBSD: IO_SYNC outside writeback). */
  msyncAsyncFlushes: readonly CacheMode[];
  /**
   * msync without MS_ASYNC writes pages back (FreeBSD kern_msync: syncio = (flags & MS_ASYNC) == 0, so MS_INVALIDATE
   * alone and no flags sync too); Linux writes back for MS_SYNC only (mm/msync.c).
   */
  msyncSyncsUnlessAsync: boolean;
  /** msync(MS_INVALIDATE): FreeBSD vm_object_sync cleans, then drops clean pages; Linux does nothing. */
  msyncInvalidates: boolean;
  /**
   * Pages an msync writes back beyond its range: the dirty pages next to a dirty page it cleans, up to this many in a
   * run (FreeBSD vm_object_page_collect_flush, vm_pageout_page_count); 0: exactly the range (Linux vfs_fsync_range).
   */
  msyncClusterPages: number;
  /** msync of length 0: FreeBSD vm_map_sync syncs the whole map entry; Linux returns at once. */
  msyncZeroLengthSyncsEntry: boolean;
  /**
   * Modes in which an msync of part of a block writes back every dirty page of that block: FreeBSD's pager writes
   * through VOP_WRITE, whose bwrite of the 64 KiB buffer carries all its dirty pages (vfs_setdirty_range).
   */
  msyncWidensToBlock: readonly CacheMode[];
  /** munmap writes dirty pages back (Linux fuse_vma_close, for any mapping of the file). */
  munmapFlushes: boolean;
  /** close(2) writes dirty pages back on every close (Linux fuse_flush) or only at the last reference (FreeBSD vinactive). */
  closeFlush: 'every-close' | 'last-reference';
  /**
   * When open(2) sends a FUSE_OPEN, which (without FOPEN_KEEP_CACHE) writes back and invalidates the cache: on every
   * open (Linux fuse_open) or when no open handle of the file matches the access mode and process (FreeBSD
   * fuse_filehandle_validrw); FreeBSD keeps handles until the vnode is inactive.
   */
  openInvalidates: 'every-open' | 'no-matching-handle';
  /** ftruncate writes back the remaining dirty pages and drops the cache (Linux fuse_do_setattr). */
  truncateLaunders: boolean;
  /** Cache fill unit of read(2) and write read-modify-write. */
  fillUnit: Granularity;
  /**
   * Modes in which a larger size from the daemon drops the whole cache, dirty pages included (FreeBSD
   * fuse_vnode_setsize from_server; uncached has no cache); Linux launders first.
   */
  sizeGrowthDropsDirty: readonly CacheMode[];
  /**
   * Sizes from the daemon the kernel ignores, per mode. In writeback mode the kernel owns the size: Linux ignores
   * every size the daemon reports (fuse_change_attributes); FreeBSD substitutes its own for GETATTR replies while
   * it has changed the size (FN_SIZECHANGE), not for LOOKUP's.
   */
  daemonSizeIgnored: Record<CacheMode, 'none' | 'getattr' | 'all'>;
  /**
   * Modes in which a WRITE the daemon failed leaves its data in the cache as if written (write-error-cached):
   * FreeBSD's fuse_io_strategy marks the buffer B_INVAL, and brelse keeps its pages valid and clean; Linux keeps
   * pages its write-back failed on (writeback mode only: write-through clears their uptodate flag).
   */
  failedWriteKept: readonly CacheMode[];
  /** What selects each mode on this kernel. */
  knobs: Record<CacheMode, string>;
  /** Short human description for reports. */
  label: string;
}

export const PROFILES: Record<KernelProfile, ProfileRules> = {
  'freebsd-2019': {
    // One branch for write-through and every direct write: `if (directio || fuse_data_cache_mode == FUSE_CACHE_WT)`.
    write: { uncached: 'around-invalidate', 'write-through': 'around-invalidate', writeback: 'back' },
    directWrite: 'around-invalidate',
    readsFill: ['write-through', 'writeback'],
    space: 'none',
    aroundGranularity: 'page',
    msyncAsyncFlushes: ['uncached', 'write-through'],
    msyncSyncsUnlessAsync: true,
    msyncInvalidates: true,
    msyncClusterPages: 32,
    msyncZeroLengthSyncsEntry: true,
    // Its own fuse_vnop_putpages wrote exactly the clustered pages (fuse_io_dispatch with pages = true).
    msyncWidensToBlock: [],
    munmapFlushes: false,
    closeFlush: 'last-reference',
    openInvalidates: 'no-matching-handle',
    truncateLaunders: false,
    fillUnit: 'block',
    sizeGrowthDropsDirty: [],
    daemonSizeIgnored: { uncached: 'none', 'write-through': 'none', writeback: 'getattr' },
    failedWriteKept: ['writeback'],
    knobs: {
      uncached: 'FOPEN_DIRECT_IO from the daemon (data_cache_mode=0 also bypasses the cache, but then mapped pages cannot be faulted in: fuse_vnop_getpages fails)',
      'write-through': 'vfs.fusefs.data_cache_mode=1 (the default): write-through implemented as write-around',
      writeback: 'vfs.fusefs.data_cache_mode=2',
    },
    label: 'FreeBSD fusefs before r349038 (projects/fuse2, bug 237588)',
  },
  freebsd: {
    write: { uncached: 'direct-invalidate', 'write-through': 'through-block', writeback: 'back' },
    directWrite: 'direct-invalidate',
    readsFill: ['write-through', 'writeback'],
    space: 'block-invalidate',
    aroundGranularity: 'page',
    msyncAsyncFlushes: ['uncached', 'write-through'],
    msyncSyncsUnlessAsync: true,
    msyncInvalidates: true,
    msyncClusterPages: 32,
    msyncZeroLengthSyncsEntry: true,
    msyncWidensToBlock: ['write-through', 'writeback'],
    munmapFlushes: false,
    closeFlush: 'last-reference',
    openInvalidates: 'no-matching-handle',
    truncateLaunders: false,
    fillUnit: 'block',
    sizeGrowthDropsDirty: ['write-through', 'writeback'],
    daemonSizeIgnored: { uncached: 'none', 'write-through': 'none', writeback: 'getattr' },
    failedWriteKept: ['write-through', 'writeback'],
    knobs: {
      uncached: 'FOPEN_DIRECT_IO from the daemon (data_cache_mode=0, for protocol < 7.23, also bypasses the cache, but then mapped pages cannot be faulted in: fuse_vnop_getpages fails)',
      'write-through': 'the default (no FUSE_WRITEBACK_CACHE in the daemon\'s FUSE_INIT reply)',
      writeback: 'FUSE_WRITEBACK_CACHE in the daemon\'s FUSE_INIT reply',
    },
    label: 'FreeBSD fusefs, r349038 and later',
  },
  linux: {
    write: { uncached: 'direct-flush', 'write-through': 'through-pages', writeback: 'back' },
    directWrite: 'direct-flush',
    readsFill: ['write-through', 'writeback'],
    space: 'flush-invalidate',
    aroundGranularity: 'page',
    msyncAsyncFlushes: [],
    msyncSyncsUnlessAsync: false,
    msyncInvalidates: false,
    msyncClusterPages: 0,
    msyncZeroLengthSyncsEntry: false,
    msyncWidensToBlock: [],
    munmapFlushes: true,
    closeFlush: 'every-close',
    openInvalidates: 'every-open',
    truncateLaunders: true,
    fillUnit: 'page',
    sizeGrowthDropsDirty: [],
    daemonSizeIgnored: { uncached: 'none', 'write-through': 'none', writeback: 'all' },
    failedWriteKept: ['writeback'],
    knobs: {
      uncached: '-o direct_io (FOPEN_DIRECT_IO on each open; MAP_SHARED then needs FUSE_DIRECT_IO_ALLOW_MMAP, 6.6+)',
      'write-through': 'the default',
      writeback: '-o writeback_cache (FUSE_WRITEBACK_CACHE, libfuse 3)',
    },
    label: 'Linux FUSE',
  },
};

export interface ReplayOptions {
  kernel: KernelProfile;
  mode: CacheMode;
  pageSize: number;
  blockSize: number;
  /** What freebsd-2019's write-around invalidates: pages (the reading the sources support) or whole blocks. */
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
  /** Keep the WRITE requests the model expects the daemon to receive (ReplayResult.writes: the oracle's). */
  writes?: boolean;
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
