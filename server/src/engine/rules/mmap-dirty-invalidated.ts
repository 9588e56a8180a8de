// FreeBSD bug 237588 itself: write-through that went around the cache.
import type { LossRule } from './rule.js';

export const mmapDirtyInvalidated: LossRule<'mmap-dirty-invalidated'> = {
  id: 'mmap-dirty-invalidated',
  title: 'Unsynced mmap stores discarded by an invalidating write',
  severity: 'error',
  description:
    'FreeBSD bug 237588: before r349038, write-through (and every direct write) went around the cache and invalidated the pages the call asked for before sending the WRITE; bytes stored into those pages through a shared mapping and not yet msync()ed, and not overwritten by the write itself, are lost.',
  what: (f) => `this ${f.call} went around the cache and invalidated ${f.units} of ${f.file}`,
};
