// From a finding to the fewest events that still make it: the events before the losing call are delta-debugged
// (ddmin.ts) against a replay that must still report the same rule at that call, with lost bytes, all inside the
// original's, in the same file. What a kept event depends on (the open behind an fd, the mmap behind an address,
// the fork that made its process) is kept with it (`dependencies`): a trace names an fd's file beside the fd, so
// the replay would not miss an open, but a program that makes the calls needs it.
import { replayEvents } from '../analyze.js';
import type { TraceEvent } from '../events.js';
import type { ReplayOptions } from '../model/profiles.js';
import type { Finding } from '../rules/findings.js';
import { ddmin } from './ddmin.js';

export interface Reduction {
  /** The kept events, in the trace's order, the losing call last. */
  events: TraceEvent[];
  /** The finding the kept events replay to. */
  finding: Finding;
  /** The finding that was reduced. */
  original: Finding;
  /** Events before the reduction (up to the losing call). */
  before: number;
  /** Replays made, and how long the reduction took. */
  tests: number;
  ms: number;
  /** The time budget ran out: the events still make the finding, but one might still go. */
  stopped: boolean;
}

/** Kinds that never bear on a loss: left out before delta debugging starts (it checks that this changes nothing). */
const INERT = new Set<TraceEvent['kind']>(['generic', 'unparsed', 'signal', 'verify', 'advise', 'stat']);

function within(ranges: Array<[number, number]>, outer: Array<[number, number]>): boolean {
  return ranges.every(([a, b]) => outer.some(([x, y]) => x <= a && b <= y));
}

/** The finding at `line` (0-based) of the replay of `events`, preferring a loss over a program's own check. */
export function findingAt(findings: Finding[], line: number): Finding | undefined {
  const at = findings.filter((f) => f.span.line === line);
  return at.find((f) => f.rule !== 'read-bad-data') ?? at[0];
}

/**
 * Reduces `events` (a trace's, kept by its analysis) to what the finding at `line` needs under `options`. Undefined
 * when there is no loss at that line.
 */
export function reduceFinding(events: readonly TraceEvent[], options: Partial<ReplayOptions>, line: number, budgetMs = 30_000): Reduction | undefined {
  const t0 = Date.now();
  const original = findingAt(replayEvents(renumbered(events), options).findings, line);
  if (original === undefined || original.rule === 'read-bad-data') return undefined;
  const losingAt = events.findIndex((e) => e.seq === original.seq);
  if (losingAt < 0) return undefined;
  const prefix = events.slice(0, losingAt);
  let tests = 0;
  const needs = dependencies(events.slice(0, losingAt + 1));
  /** `kept`, the losing call and all they depend on, in the trace's order. */
  const closed = (kept: readonly number[]): TraceEvent[] => {
    const all = new Set<number>([...kept, losingAt]);
    const todo = [...all];
    while (todo.length > 0) for (const d of needs[todo.pop()!]) if (!all.has(d)) (all.add(d), todo.push(d));
    return [...all].sort((x, y) => x - y).map((i) => events[i]);
  };
  /** The finding `kept` (then the losing call) replays to, if it is still the original's. */
  const replayed = (kept: readonly number[]): Finding | undefined => {
    tests++;
    const evs = renumbered(closed(kept));
    const last = evs[evs.length - 1].seq;
    return replayEvents(evs, options).findings.find((f) => f.seq === last && f.rule === original.rule && f.file === original.file && f.lostBytes > 0 && within(f.lostRanges, original.lostRanges));
  };
  const all = prefix.map((_, i) => i);
  const active = all.filter((i) => !INERT.has(prefix[i].kind));
  const domain = replayed(active) !== undefined ? active : all;
  const r = ddmin(domain, (subset) => replayed(subset) !== undefined, { deadline: t0 + budgetMs });
  const finding = replayed(r.items);
  if (finding === undefined) throw new Error('the reduced events no longer make the finding');
  return { events: closed(r.items), finding, original, before: losingAt + 1, tests, ms: Date.now() - t0, stopped: r.stopped };
}

/**
 * For each event, the events it cannot go without: the open or dup that made its fd, the mmap its address is in
 * (and through it the open), the fork that made its process. Fork copies the fd table and the mappings; a thread
 * shares them.
 */
export function dependencies(events: readonly TraceEvent[]): number[][] {
  interface Proc { fds: Map<number, number>; maps: Array<{ addr: number; end: number; at: number }>; made: number | undefined }
  const procs = new Map<number | undefined, Proc>();
  const proc = (pid: number | undefined): Proc => {
    let p = procs.get(pid);
    if (p === undefined) procs.set(pid, (p = { fds: new Map(), maps: [], made: undefined }));
    return p;
  };
  const out: number[][] = [];
  events.forEach((e, i) => {
    const p = proc(e.pid);
    const deps: number[] = [];
    if (p.made !== undefined) deps.push(p.made);
    const fd = (n: number | undefined): void => {
      const d = n === undefined ? undefined : p.fds.get(n);
      if (d !== undefined) deps.push(d);
    };
    const addr = (a: number | undefined): void => {
      const m = a === undefined ? undefined : p.maps.find((x) => x.addr <= a && a < x.end);
      if (m !== undefined) deps.push(m.at);
    };
    switch (e.kind) {
      case 'open': p.fds.set(e.fd, i); break;
      case 'dup': fd(e.fd); p.fds.set(e.newfd, i); break;
      case 'close': fd(e.fd); p.fds.delete(e.fd); break;
      case 'mmap':
        if (!e.anonymous) fd(e.fd);
        p.maps.push({ addr: e.addr, end: e.addr + e.length, at: i });
        break;
      case 'munmap': case 'msync': case 'mprotect': addr(e.addr); break;
      case 'mremap': addr(e.oldAddr); p.maps.push({ addr: e.newAddr, end: e.newAddr + e.newLength, at: i }); break;
      case 'store': addr(e.addr); fd(e.fd); break;
      case 'write': case 'read': case 'setfl': case 'lseek': fd(e.fd); break;
      case 'truncate': case 'sync': fd(e.fd); break;
      case 'space': fd(e.fd); fd(e.srcFd); break;
      case 'fork': {
        const child: Proc = e.thread || (e.shareVm && e.shareFiles)
          ? { fds: p.fds, maps: p.maps, made: i }
          : { fds: new Map(p.fds), maps: e.shareVm ? p.maps : [...p.maps], made: i };
        procs.set(e.child, child);
        break;
      }
      default: break;
    }
    out.push(deps);
  });
  return out;
}

/** Copies of `events` numbered 1, 2, 3... (a replay keeps what it is given; the originals stay as they are). */
export function renumbered(events: readonly TraceEvent[]): TraceEvent[] {
  return events.map((e, i) => ({ ...e, seq: i + 1 }) as TraceEvent);
}
