// Which failed write(2)s reached the file system. FreeBSD's direct path invalidates the range before it sends the
// WRITE (fuse_io_dispatch / fuse_vnop_write call fuse_inval_buf_range, then fuse_write_directbackend), so a write
// the daemon fails can still have dropped cached pages; the errors below are decided before the file system's
// write routine runs (by the descriptor layer, the generic VFS checks, or the caller's arguments), and such a call
// touched nothing.
const BEFORE_THE_FILE_SYSTEM = new Set([
  'EBADF', // not an open fd, or not open for writing (fget_write, fdget_pos)
  'EISDIR',
  'ESPIPE', // pwrite on a pipe or socket
  'EAGAIN', 'EWOULDBLOCK', // non-blocking descriptors of pipes and sockets
  'EPIPE',
  'ETXTBSY',
  'EPERM', // sealed or immutable files (generic_write_checks, vn_write's checks)
  'EROFS',
  'EINVAL', // negative offset, bad flags
  'EFBIG', // RLIMIT_FSIZE (vn_rlimit_fsize, generic_write_check_limits)
]);

/** Whether a write(2) that failed with `errno` reached the file system's write routine. */
export function failedWriteReachedFs(errno: string | undefined): boolean {
  if (errno === undefined) return false;
  const name = /^[A-Z0-9]+/.exec(errno)?.[0];
  return name !== undefined && !BEFORE_THE_FILE_SYSTEM.has(name);
}
