// A reduced run made runnable by itself: what the trace took for granted becomes calls. A file is as big as the
// trace's mappings of it need (ftruncate before an mmap past its end: a store there would be SIGBUS), and a store
// named by file offset (an fsx MAPWRITE) goes through a mapping of those pages, made for it. Both the C emitter and
// the strace emitter work from this, so the reduced trace replays to the finding without the stores strace
// cannot show, and the program runs.
import type { MmapEvent, StoreEvent, TraceEvent, TruncateEvent } from '../events.js';

const PAGE = 4096;
/** Where mappings made for stores go (apart from any address a trace shows). */
const SYNTHETIC_BASE = 0x7e0000000000;

export function runnable(events: readonly TraceEvent[]): TraceEvent[] {
  const out: TraceEvent[] = [];
  const pathOf = new Map<string, string>();
  const size = new Map<string, number>();
  const maps: Array<{ path: string; addr: number; end: number; offset: number; pid: number | undefined }> = [];
  let next = SYNTHETIC_BASE;
  const key = (pid: number | undefined, fd: number): string => `${pid ?? 0}/${fd}`;
  const grow = (e: TraceEvent, fd: number, path: string, to: number): void => {
    if ((size.get(path) ?? 0) >= to) return;
    out.push({ ...e, kind: 'truncate', name: 'ftruncate', ok: true, errno: undefined, fd, size: to, path: undefined } as TruncateEvent & TraceEvent);
    size.set(path, to);
  };
  for (const e of events) {
    switch (e.kind) {
      case 'open': {
        const path = e.resolvedPath ?? e.target?.path ?? '';
        pathOf.set(key(e.pid, e.fd), path);
        if (e.flags.trunc || !size.has(path)) size.set(path, 0);
        break;
      }
      case 'truncate': {
        const path = e.fd !== undefined ? pathOf.get(key(e.pid, e.fd)) : e.path;
        if (path !== undefined) size.set(path, e.size);
        break;
      }
      case 'write': {
        const path = pathOf.get(key(e.pid, e.fd));
        if (path !== undefined && e.offset !== undefined) size.set(path, Math.max(size.get(path) ?? 0, e.offset + e.length));
        break;
      }
      case 'mmap': {
        const path = e.anonymous ? undefined : pathOf.get(key(e.pid, e.fd));
        if (path !== undefined && e.shared) {
          grow(e, e.fd, path, e.offset + e.length);
          maps.push({ path, addr: e.addr, end: e.addr + e.length, offset: e.offset, pid: e.pid });
        }
        break;
      }
      case 'store': {
        if (e.addr !== undefined || e.fd === undefined || e.offset === undefined) break;
        const path = pathOf.get(key(e.pid, e.fd));
        if (path === undefined) break;
        let m = maps.find((x) => x.path === path && x.pid === e.pid && x.offset <= e.offset! && e.offset! + e.length <= x.offset + (x.end - x.addr));
        if (m === undefined) {
          const offset = Math.floor(e.offset / PAGE) * PAGE;
          const length = Math.ceil((e.offset + e.length) / PAGE) * PAGE - offset;
          grow(e, e.fd, path, offset + length);
          out.push({ ...e, kind: 'mmap', name: 'mmap', ok: true, errno: undefined, addr: next, length, prot: { read: true, write: true, exec: false }, shared: true, anonymous: false, fd: e.fd, offset } as MmapEvent & TraceEvent);
          m = { path, addr: next, end: next + length, offset, pid: e.pid };
          maps.push(m);
          next += length + PAGE;
        }
        out.push({ ...e, addr: m.addr + (e.offset - m.offset), fd: undefined, offset: undefined, wholePage: false } as StoreEvent & TraceEvent);
        continue;
      }
      default:
        break;
    }
    out.push(e);
  }
  return out;
}
