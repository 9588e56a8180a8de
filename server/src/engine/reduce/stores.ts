// Where a reproducer stores. A loss that was only possible (strace saw no store) needs the program to store
// somewhere in the lost bytes before the losing call; but where it stores changes what the kernel does (on
// FreeBSD, a 64 KiB block every page of which is cached is written back before a direct write drops it). So the
// stores are chosen by replaying them, as a recording of the program would show them (write faults): all the
// lost bytes if that still loses data, else the first page of each lost range, else the first page only.
import { replayEvents } from '../analyze.js';
import type { StoreEvent, TraceEvent } from '../events.js';
import type { ReplayOptions } from '../model/profiles.js';
import type { Finding } from '../rules/findings.js';
import { renumbered } from './reduce.js';

const PAGE = 4096;

/**
 * `events` (runnable, the losing call last) with stores before the losing call, through the live writable
 * mappings of the lost bytes, where the finding's loss comes from stores the events do not show.
 */
export function withStores(events: readonly TraceEvent[], finding: Finding, options: Partial<ReplayOptions>): TraceEvent[] {
  if (events.some((e) => e.kind === 'store')) return [...events];
  const losing = events[events.length - 1];
  const before = events.slice(0, -1);
  const maps = liveMappings(before);
  const ranges = finding.lostRanges;
  const firstPages = ranges.map(([a, b]) => [a, Math.min(b, Math.floor(a / PAGE) * PAGE + PAGE)] as [number, number]);
  for (const choice of [ranges, firstPages, firstPages.slice(0, 1)]) {
    const stores = choice.flatMap(([a, b]) => storesIn(maps, losing, a, b));
    if (stores.length === 0) continue;
    const evs = renumbered([...before, ...stores, losing]);
    const last = evs.length;
    if (replayEvents(evs, options).findings.some((f) => f.seq === last && f.rule === finding.rule && f.lostBytes > 0)) return [...before, ...stores, losing];
  }
  return [...events];
}

interface Live { pid: number | undefined; addr: number; length: number; offset: number; file: string; writable: boolean }

/** The shared file mappings live before the losing call, with the file each maps. */
function liveMappings(events: readonly TraceEvent[]): Live[] {
  const pathOf = new Map<string, string>();
  const out: Live[] = [];
  for (const e of events) {
    if (e.kind === 'open') pathOf.set(`${e.pid}/${e.fd}`, e.resolvedPath ?? e.target?.path ?? '');
    else if (e.kind === 'mmap' && e.shared && !e.anonymous) {
      const file = pathOf.get(`${e.pid}/${e.fd}`) ?? e.fdPath;
      if (file !== undefined) out.push({ pid: e.pid, addr: e.addr, length: e.length, offset: e.offset, file, writable: e.prot.write });
    } else if (e.kind === 'munmap') {
      const i = out.findIndex((m) => m.pid === e.pid && m.addr === e.addr);
      if (i >= 0) out.splice(i, 1);
    }
  }
  return out;
}

/** Store events for the file bytes [a, b), a page at a time, through the first mapping that covers them. */
function storesIn(maps: Live[], at: TraceEvent, a: number, b: number): TraceEvent[] {
  const m = maps.find((x) => x.writable && x.offset <= a && b <= x.offset + x.length);
  if (m === undefined) return [];
  const out: TraceEvent[] = [];
  for (let from = a; from < b; ) {
    const to = Math.min(b, Math.floor(from / PAGE) * PAGE + PAGE);
    const store: StoreEvent = {
      kind: 'store', seq: 0, span: at.span, name: 'store', ok: true, pid: m.pid, evidence: 'definite', addr: m.addr + (from - m.offset),
      length: to - from, source: 'pflt', wholePage: false,
    };
    out.push(store as TraceEvent);
    from = to;
  }
  return out;
}
