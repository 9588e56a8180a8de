// Hazard rules: stable ids, titles and default severities (design.md section 4). The catalogue is data so that
// the CLI's SARIF output, the editor's diagnostics and the README all describe the same rules.

export type RuleId =
  | 'mmap-dirty-invalidated'
  | 'direct-io-drops-mmap'
  | 'daemon-size-invalidates-dirty'
  | 'write-error-cached'
  | 'read-bad-data'
  | 'parse-error'
  | 'inexact-value';

export type Severity = 'error' | 'warning' | 'information';

export interface RuleInfo {
  id: RuleId;
  title: string;
  /** Severity for definite evidence; possible evidence lowers an error to a warning. */
  severity: Severity;
  description: string;
}

export const RULES: Record<RuleId, RuleInfo> = {
  'mmap-dirty-invalidated': {
    id: 'mmap-dirty-invalidated',
    title: 'Unsynced mmap stores discarded by an invalidating write',
    severity: 'error',
    description:
      'FreeBSD bug 237588: before r349038, write-through (and every direct write) went around the cache and invalidated the pages the call asked for before sending the WRITE; bytes stored into those pages through a shared mapping and not yet msync()ed, and not overwritten by the write itself, are lost.',
  },
  'direct-io-drops-mmap': {
    id: 'direct-io-drops-mmap',
    title: 'Direct I/O or space operation drops mmap-dirty pages',
    severity: 'error',
    description:
      'On FreeBSD since r349038, an O_DIRECT/uncached write, posix_fallocate, fspacectl or copy_file_range destination drops the whole cache blocks it touches (fuse_inval_buf_range) before the request; an edge block is written back first only when wholly cached (right edge) or when its write(2)-dirty range reaches the call (left edge), so mmap-dirty pages elsewhere in those blocks are discarded.',
  },
  'daemon-size-invalidates-dirty': {
    id: 'daemon-size-invalidates-dirty',
    title: 'Daemon-reported size growth drops dirty cache',
    severity: 'error',
    description: 'When the FUSE daemon reports a larger file size than the kernel has cached, FreeBSD invalidates the whole cache, dirty mmap pages included.',
  },
  'write-error-cached': {
    id: 'write-error-cached',
    title: 'Failed WRITE kept as clean cache',
    severity: 'error',
    description: 'The daemon failed a WRITE, but the kernel cache kept the data as if it had been written.',
  },
  'read-bad-data': {
    id: 'read-bad-data',
    title: 'The program read bad data',
    severity: 'information',
    description: 'The trace’s program checked content and found it wrong (fsx READ BAD DATA); linked to the loss that explains it, or reported as unexplained under the chosen mode.',
  },
  'inexact-value': {
    id: 'inexact-value',
    title: 'A value beyond 2^53',
    severity: 'warning',
    description: 'An offset, length or address larger than 2^53, which a double holds only approximately: the call is not replayed rather than replayed at the wrong bytes.',
  },
  'parse-error': {
    id: 'parse-error',
    title: 'Unreadable trace line',
    severity: 'error',
    description: 'A line none of the format’s rules accept. The rest of the trace is still read.',
  },
};
