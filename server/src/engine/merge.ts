// strace -ff writes one file per process. Replayed one by one, a hazard that spans processes (the parent maps the
// file and stores, the child writes) is in no single file. Replayed as one run, their events interleaved by the
// time each call began, it is found at the child's write, with the parent's mmap as a related location in the
// parent's file.
import { replayOptions, type Analysis } from './analyze.js';
import type { TraceEvent } from './events.js';
import type { ReplayOptions } from './model/profiles.js';
import { Replay } from './model/replay.js';
import { findingsOf, type Finding } from './rules/findings.js';

export interface RunPart {
  /** Its name in messages ("line 32 of NAME"); also its location unless `location` says otherwise. */
  name: string;
  /** What related locations in it carry as their `trace` (the editor gives URIs). */
  location?: string;
  /** The part read on its own, with its events kept (`keepEvents`, `parseOnly`). */
  analysis: Analysis;
}

export type MergedRun = { parts: Analysis[]; error?: undefined } | { parts?: undefined; error: string };

/**
 * Replays the parts as one run. Each part's analysis comes back with the findings anchored in it, and its related
 * locations in other parts name their part (`trace`). Fails when a part is a daemon's log, or has events but no
 * timestamps.
 */
export function mergeRun(parts: RunPart[], options: Partial<ReplayOptions>): MergedRun {
  const log = parts.find((p) => p.analysis.format === 'fuse');
  if (log) return { error: `${log.name} is a FUSE daemon's log, not a process's trace: give it as the run's daemon log (--fuse-log; Attach FUSE Log in the editor)` };
  const order: Array<{ t: number; part: number; i: number }> = [];
  const firsts = parts.map((p) => p.analysis.events.find((e) => isTime(e.time))?.time);
  for (let k = 0; k < parts.length; k++) {
    if (firsts[k] === undefined && parts[k].analysis.events.length > 0) {
      return { error: `${parts[k].name}: its lines have no timestamps, so its calls cannot be put in order with the other files' (trace with strace -ff -tt)` };
    }
  }
  const latestFirst = Math.max(...firsts.map((f) => f ?? Number.NEGATIVE_INFINITY));
  for (let k = 0; k < parts.length; k++) {
    const events = parts[k].analysis.events;
    const first = firsts[k];
    if (first === undefined) continue;
    // Lines without a time (unreadable ones) keep their place after the line before; within a part the order of
    // the file is kept even if a stamp goes back. -tt stamps are seconds since midnight: a stamp half a day
    // earlier than the one before, or a file that begins half a day before another, is in the next day.
    let day = first < latestFirst - DAY / 2 ? DAY : 0;
    let t = first + day;
    events.forEach((e, i) => {
      if (isTime(e.time)) {
        if (e.time + day < t - DAY / 2) day += DAY;
        if (e.time + day > t) t = e.time + day;
      }
      order.push({ t, part: k, i });
    });
  }
  // Stable: equal times keep the order of the parts as given, then of the file.
  order.sort((a, b) => a.t - b.t || a.part - b.part || a.i - b.i);
  const merged: TraceEvent[] = [];
  const partOf = new Int32Array(order.length + 1);
  for (const { part, i } of order) {
    const ev = parts[part].analysis.events[i];
    ev.seq = merged.length + 1;
    partOf[ev.seq] = part;
    merged.push(ev);
  }
  const replay = new Replay(replayOptions(options));
  for (const ev of merged) replay.apply(ev);
  const result = replay.finish();
  const own: Finding[][] = parts.map(() => []);
  const traces = parts.map((p) => ({ name: p.name, location: p.location ?? p.name }));
  for (const f of findingsOf(result, (seq) => traces[partOf[seq]])) own[partOf[f.seq]].push(f);
  return { parts: parts.map((p, k) => ({ ...p.analysis, findings: own[k], replay: result })) };
}

const DAY = 86400;

function isTime(t: number | undefined): t is number {
  return t !== undefined && Number.isFinite(t);
}
