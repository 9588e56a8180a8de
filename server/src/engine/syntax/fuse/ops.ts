// FUSE protocol tables: opcode numbers, which requests create directory entries, which get no reply, and the
// strerror texts libfuse prints with error replies.
import { byName } from '../../by-name.js';

/** `include/fuse_kernel.h` (protocol 7.45): for `opcode: ??? (53)` lines of libraries older than the kernel. */
export const OPCODE_NAMES: Record<number, string> = {
  1: 'LOOKUP', 2: 'FORGET', 3: 'GETATTR', 4: 'SETATTR', 5: 'READLINK', 6: 'SYMLINK', 8: 'MKNOD', 9: 'MKDIR', 10: 'UNLINK',
  11: 'RMDIR', 12: 'RENAME', 13: 'LINK', 14: 'OPEN', 15: 'READ', 16: 'WRITE', 17: 'STATFS', 18: 'RELEASE', 20: 'FSYNC',
  21: 'SETXATTR', 22: 'GETXATTR', 23: 'LISTXATTR', 24: 'REMOVEXATTR', 25: 'FLUSH', 26: 'INIT', 27: 'OPENDIR', 28: 'READDIR',
  29: 'RELEASEDIR', 30: 'FSYNCDIR', 31: 'GETLK', 32: 'SETLK', 33: 'SETLKW', 34: 'ACCESS', 35: 'CREATE', 36: 'INTERRUPT',
  37: 'BMAP', 38: 'DESTROY', 39: 'IOCTL', 40: 'POLL', 41: 'NOTIFY_REPLY', 42: 'BATCH_FORGET', 43: 'FALLOCATE',
  44: 'READDIRPLUS', 45: 'RENAME2', 46: 'LSEEK', 47: 'COPY_FILE_RANGE', 48: 'SETUPMAPPING', 49: 'REMOVEMAPPING', 50: 'SYNCFS',
  51: 'TMPFILE', 52: 'STATX', 53: 'COPY_FILE_RANGE_64', 4096: 'CUSE_INIT',
};

/** `NOTIFY: code=N` codes (enum fuse_notify_code). */
export const NOTIFY_NAMES: Record<number, string> = {
  1: 'POLL', 2: 'INVAL_INODE', 3: 'INVAL_ENTRY', 4: 'STORE', 5: 'RETRIEVE', 6: 'DELETE', 7: 'RESEND', 8: 'INC_EPOCH', 9: 'PRUNE',
};

/** Requests whose reply carries a new node (`   NODEID: N` in libfuse high-level logs). Their nodeid is the parent. */
export const ENTRY_OPS: ReadonlySet<string> = new Set(['LOOKUP', 'CREATE', 'MKNOD', 'MKDIR', 'SYMLINK', 'LINK', 'TMPFILE']);

/** Requests whose nodeid is a directory the request names an entry in (so the nodeid's path is not theirs). */
export const PARENT_OPS: ReadonlySet<string> = new Set([...ENTRY_OPS, 'UNLINK', 'RMDIR', 'RENAME', 'RENAME2']);

/** Requests the kernel expects no reply to. */
export const NO_REPLY: ReadonlySet<string> = new Set(['FORGET', 'BATCH_FORGET', 'INTERRUPT', 'NOTIFY_REPLY']);

/** strerror texts (glibc, macOS, FreeBSD) of the errors FUSE daemons commonly return. */
const ERRNO_TEXTS: Record<string, string> = byName({
  'Operation not permitted': 'EPERM',
  'No such file or directory': 'ENOENT',
  'Interrupted system call': 'EINTR',
  'Input/output error': 'EIO',
  'Bad file descriptor': 'EBADF',
  'Resource temporarily unavailable': 'EAGAIN',
  'Cannot allocate memory': 'ENOMEM',
  'Permission denied': 'EACCES',
  'File exists': 'EEXIST',
  'Not a directory': 'ENOTDIR',
  'Is a directory': 'EISDIR',
  'Invalid argument': 'EINVAL',
  'File too large': 'EFBIG',
  'No space left on device': 'ENOSPC',
  'Read-only file system': 'EROFS',
  'Numerical result out of range': 'ERANGE',
  'Result too large': 'ERANGE',
  'Function not implemented': 'ENOSYS',
  'Directory not empty': 'ENOTEMPTY',
  'No data available': 'ENODATA',
  'Attribute not found': 'ENOATTR',
  'Operation not supported': 'EOPNOTSUPP',
  'Stale file handle': 'ESTALE',
  'Stale NFS file handle': 'ESTALE',
  'Inappropriate ioctl for device': 'ENOTTY',
  'No such device': 'ENODEV',
  'Success': '',
});

export function errnoName(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const n = ERRNO_TEXTS[text];
  return n === undefined || n === '' ? undefined : n;
}

/** go-fuse prints errors with Go's lower-case texts (`2=no such file or directory`). */
export function errnoNameLoose(text: string): string | undefined {
  const t = text.trim();
  if (t.length === 0) return undefined;
  return errnoName(t.charAt(0).toUpperCase() + t.slice(1));
}
