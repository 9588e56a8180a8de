// A failed WRITE whose data the kernel keeps as clean cache (FreeBSD write-through's bwrite, writeback's
// write-back of dirty pages).
import type { CacheMode, KernelProfile } from '../model/profiles.js';
import type { RuleInfo } from './rule.js';

export const writeErrorCached: RuleInfo<'write-error-cached'> = {
  id: 'write-error-cached',
  title: 'Failed WRITE kept as clean cache',
  severity: 'error',
  description: 'The daemon failed a WRITE, but the kernel cache kept the data as if it had been written.',
};

/** What the kernel kept, by mode. */
export function writeErrorKept(mode: CacheMode): string {
  return mode === 'writeback'
    ? 'the kernel marked the pages it tried to write back clean and keeps them'
    : 'the kernel keeps the block it filled before the synchronous WRITE, valid and clean (fuse_io_strategy marks the buffer B_INVAL; brelse keeps its pages)';
}

/** The finding's sentence, up to the bytes readers see wrongly. */
export function writeErrorMessage(what: string, mode: CacheMode, kernel: KernelProfile, bytes: string, ranges: string): string {
  return `data loss: ${what}, but in ${mode} mode (${kernel}) ${writeErrorKept(mode)}: readers see ${bytes} the file system does not have: ${ranges}`;
}
