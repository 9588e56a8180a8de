// fuse_vnode_setsize(from_server): a size from the daemon larger than the cached one discards the whole cache.
import type { LossRule } from './rule.js';

export const daemonSizeInvalidatesDirty: LossRule<'daemon-size-invalidates-dirty'> = {
  id: 'daemon-size-invalidates-dirty',
  title: 'Daemon-reported size growth drops dirty cache',
  severity: 'error',
  description: 'When the FUSE daemon reports a larger file size than the kernel has cached, FreeBSD invalidates the whole cache, dirty mmap pages included.',
  what: (f) => `${f.detail ?? 'the daemon reported a larger size'}, so the kernel discarded the whole cache of ${f.file}, dirty pages included`,
};
