// Events -> strace text (`strace -f -y` style), so that a reduced run is a trace like any other: it opens in the
// editor and replays to the same finding. Stores have no strace line (strace cannot see them): a reduced trace
// whose loss came from a recorded store replays to a possible loss of the same bytes instead.
import type { OpenFlags, Prot, TraceEvent } from '../events.js';
import { openFlagNames, protNames } from './flag-names.js';

const hex = (n: number): string => `0x${n.toString(16)}`;

const openFlags = (f: OpenFlags): string => openFlagNames(f).join('|');
const prot = (p: Prot): string => protNames(p).join('|');

/** The path of each fd as the events open it, per process (for -y decorations). */
class FdPaths {
  private readonly paths = new Map<string, string>();
  key = (pid: number | undefined, fd: number): string => `${pid ?? 0}/${fd}`;
  get(pid: number | undefined, fd: number, fallback?: string): string {
    return this.paths.get(this.key(pid, fd)) ?? fallback ?? '';
  }
  set(pid: number | undefined, fd: number, path: string): void {
    this.paths.set(this.key(pid, fd), path);
  }
}

/** One strace line per event that has one; the pid column when the events come from more than one process. */
export function straceOf(events: readonly TraceEvent[]): string {
  const pids = new Set(events.map((e) => e.pid));
  const fds = new FdPaths();
  const out: string[] = [];
  for (const e of events) {
    const line = callOf(e, fds);
    if (line === undefined) continue;
    out.push(pids.size > 1 || e.pid !== undefined ? `${e.pid ?? 1}  ${line}` : line);
  }
  return `${out.join('\n')}\n`;
}

function callOf(e: TraceEvent, fds: FdPaths): string | undefined {
  const fd = (n: number, fallback?: string): string => {
    const p = fds.get(e.pid, n, fallback);
    return p ? `${n}<${p}>` : String(n);
  };
  const ret = (ok: string): string => (e.ok ? ok : `-1 ${e.errno ?? 'EIO'} (failed)`);
  switch (e.kind) {
    case 'open': {
      const path = e.resolvedPath ?? e.target?.path ?? '';
      fds.set(e.pid, e.fd, path);
      return `openat(AT_FDCWD, ${JSON.stringify(e.target?.path ?? path)}, ${openFlags(e.flags)}, 0644) = ${fd(e.fd)}`;
    }
    case 'close': return `close(${fd(e.fd, e.fdPath)}) = 0`;
    case 'dup': {
      fds.set(e.pid, e.newfd, fds.get(e.pid, e.fd, e.fdPath));
      return `dup2(${fd(e.fd, e.fdPath)}, ${e.newfd}) = ${fd(e.newfd)}`;
    }
    case 'setfl': return `fcntl(${fd(e.fd, e.fdPath)}, F_SETFL, O_RDWR${e.direct ? '|O_DIRECT' : ''}${e.append ? '|O_APPEND' : ''}) = 0`;
    case 'mmap': {
      const flags = `${e.shared ? 'MAP_SHARED' : 'MAP_PRIVATE'}${e.anonymous ? '|MAP_ANONYMOUS' : ''}`;
      return `mmap(NULL, ${e.length}, ${prot(e.prot)}, ${flags}, ${e.anonymous ? '-1' : fd(e.fd, e.fdPath)}, ${hex(e.offset)}) = ${hex(e.addr)}`;
    }
    case 'munmap': return `munmap(${hex(e.addr)}, ${e.length}) = 0`;
    case 'mremap': return `mremap(${hex(e.oldAddr)}, ${e.oldLength}, ${e.newLength}, MREMAP_MAYMOVE) = ${hex(e.newAddr)}`;
    case 'mprotect': return `mprotect(${hex(e.addr)}, ${e.length}, ${prot(e.prot)}) = 0`;
    case 'msync': {
      const flags = [e.sync && 'MS_SYNC', e.async && 'MS_ASYNC', e.invalidate && 'MS_INVALIDATE'].filter(Boolean).join('|') || '0';
      return `msync(${hex(e.addr)}, ${e.length}, ${flags}) = 0`;
    }
    case 'write': {
      const asked = e.requested ?? e.length;
      const data = `"${'W'.repeat(Math.min(asked, 32))}"${asked > 32 ? '...' : ''}`;
      return e.offset === undefined
        ? `write(${fd(e.fd, e.fdPath)}, ${data}, ${asked}) = ${ret(String(e.length))}`
        : `pwrite64(${fd(e.fd, e.fdPath)}, ${data}, ${asked}, ${e.offset}) = ${ret(String(e.length))}`;
    }
    case 'read':
      return e.offset === undefined ? `read(${fd(e.fd, e.fdPath)}, ""..., ${e.length}) = ${e.length}` : `pread64(${fd(e.fd, e.fdPath)}, ""..., ${e.length}, ${e.offset}) = ${e.length}`;
    case 'lseek': return `lseek(${fd(e.fd, e.fdPath)}, ${e.offset}, SEEK_${e.whence.toUpperCase()}) = ${e.result ?? e.offset}`;
    case 'truncate': return e.fd !== undefined ? `ftruncate(${fd(e.fd, e.fdPath)}, ${e.size}) = 0` : `truncate(${JSON.stringify(e.path ?? '')}, ${e.size}) = 0`;
    case 'sync':
      if (e.fd === undefined) return 'sync() = 0';
      if (e.how === 'range') return `sync_file_range(${fd(e.fd, e.fdPath)}, ${e.range?.offset ?? 0}, ${e.range?.length ?? 0}, SYNC_FILE_RANGE_WRITE) = 0`;
      return `${e.how === 'fdatasync' ? 'fdatasync' : 'fsync'}(${fd(e.fd, e.fdPath)}) = 0`;
    case 'space': {
      if (e.op === 'copy-dest') return `copy_file_range(${fd(e.srcFd ?? 0)}, NULL, ${fd(e.fd, e.fdPath)}, ${e.offset >= 0 ? `[${e.offset}]` : 'NULL'}, ${e.length}, 0) = ${e.length}`;
      const mode = e.op === 'punch' ? 'FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE' : e.op === 'zero' ? `FALLOC_FL_ZERO_RANGE${e.keepSize ? '|FALLOC_FL_KEEP_SIZE' : ''}` : e.keepSize ? 'FALLOC_FL_KEEP_SIZE' : '0';
      return `fallocate(${fd(e.fd, e.fdPath)}, ${mode}, ${e.offset}, ${e.length}) = 0`;
    }
    case 'fork':
      return `clone(child_stack=NULL, flags=${[e.shareVm && 'CLONE_VM', e.shareFiles && 'CLONE_FILES', e.thread && 'CLONE_THREAD|CLONE_SIGHAND', 'SIGCHLD'].filter(Boolean).join('|')}) = ${e.child}`;
    case 'exec': return `execve(${JSON.stringify(e.path ?? '')}, [], 0x0 /* 0 vars */) = 0`;
    case 'exit': return e.threadOnly ? `exit(${e.code ?? 0}) = ?` : `exit_group(${e.code ?? 0}) = ?`;
    default:
      return undefined;
  }
}
