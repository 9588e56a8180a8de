// A reduced fsx run -> an operation file fsx replays (`fsx --replay-ops FILE`, the xfstests/LTP fsx that writes
// one when it fails): one line per operation, `<op> <offset> <length> <file size before>` in hex, with
// `keep_size` where fallocate kept the size. The events of an fsx log carry their operation: the store of a
// MAPWRITE, the write of a WRITE, the read-only mmap of a MAPREAD, the truncate, fallocate, punch, zero and copy
// of TRUNCATE, FALLOC, PUNCH HOLE, ZERO RANGE and COPY, the sync of FSYNC (the mmap, msync and munmap around a
// MAPWRITE, and the helper ftruncate that grows the file for it, are fsx's own and come back with the operation).
import type { TraceEvent } from '../events.js';

const hex = (n: number): string => `0x${n.toString(16)}`;

/** The ops file of `events` (a reduction of an fsx log), or undefined when they hold no fsx operation. */
export function fsxOpsOf(events: readonly TraceEvent[], source: string): string | undefined {
  const out: string[] = [];
  let size = 0;
  const line = (op: string, a: number, b: number, flags = ''): void => {
    out.push(`${op} ${hex(a)} ${hex(b)} ${hex(size)}${flags}`);
  };
  for (const e of events) {
    // fsx -c: a close and open after the operation.
    if (e.kind === 'close' && out.length > 0 && !out[out.length - 1].endsWith(' close_open')) out[out.length - 1] += ' close_open';
    // fsx's own helper calls (the mapping of a MAPWRITE, growing the file for it) are named after the call; an
    // operation's events after the operation.
    const helper = ['ftruncate', 'mmap', 'munmap', 'msync', 'open', 'close'].includes(e.name);
    switch (e.kind) {
      case 'store':
        if (e.offset === undefined) break;
        line('mapwrite', e.offset, e.length);
        size = Math.max(size, e.offset + e.length);
        break;
      case 'write':
        if (e.offset === undefined) break;
        line('write', e.offset, e.length);
        size = Math.max(size, e.offset + e.length);
        break;
      case 'read':
        line('read', e.offset ?? 0, e.length);
        break;
      case 'mmap':
        if (!helper && !e.prot.write) line('mapread', e.offset, e.length);
        break;
      case 'truncate':
        if (helper) {
          size = e.size;
          break;
        }
        out.push(`truncate 0x0 ${hex(e.size)} ${hex(size)}`);
        size = e.size;
        break;
      case 'space':
        if (e.op === 'copy-dest') {
          out.push(`${/clone/i.test(e.name) ? 'clone_range' : 'copy_range'} ${hex(e.srcOffset ?? 0)} ${hex(e.length)} ${hex(e.offset)} ${hex(size)}`);
          size = Math.max(size, e.offset + e.length);
          break;
        }
        line(e.op === 'allocate' ? 'fallocate' : e.op === 'punch' ? 'punch_hole' : 'zero_range', e.offset, e.length, e.keepSize && e.op !== 'punch' ? ' keep_size' : '');
        if (!e.keepSize) size = Math.max(size, e.offset + e.length);
        break;
      case 'sync':
        line('fsync', 0, 0);
        break;
      default:
        break;
    }
  }
  if (out.length === 0) return undefined;
  return `# fsx operations reduced by cachereplay from ${source}\n# replay: fsx --replay-ops THIS-FILE [the original run's options] /mnt/fuse/file (the xfstests or LTP fsx)\n${out.join('\n')}\n`;
}
