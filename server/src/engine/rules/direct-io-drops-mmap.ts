// Since r349038: direct writes and space operations drop whole cache blocks (fuse_inval_buf_range).
import type { LossRule } from './rule.js';

export const directIoDropsMmap: LossRule<'direct-io-drops-mmap'> = {
  id: 'direct-io-drops-mmap',
  title: 'Direct I/O or space operation drops mmap-dirty pages',
  severity: 'error',
  description:
    'On FreeBSD since r349038, an O_DIRECT/uncached write, posix_fallocate, fspacectl or copy_file_range destination drops the whole cache blocks it touches (fuse_inval_buf_range) before the request; an edge block is written back first only when wholly cached (right edge) or when its write(2)-dirty range reaches the call (left edge), so mmap-dirty pages elsewhere in those blocks are discarded.',
  what: (f) => `this ${f.call} bypassed the cache and invalidated ${f.units} of ${f.file} without writing back mmap-dirty pages`,
};

/** The same rule for fallocate, fspacectl and copy_file_range, which do not bypass the cache but drop it. */
export const spaceOpDropsMmap: LossRule<'direct-io-drops-mmap'> = {
  ...directIoDropsMmap,
  what: (f) => `this ${f.call} invalidated ${f.units} of ${f.file} without writing back mmap-dirty pages`,
};
