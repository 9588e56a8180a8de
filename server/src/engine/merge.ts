// strace -ff writes one file per process. Replayed one by one, a hazard that spans processes (the parent maps the
// file and stores, the child writes) is in no single file. Replayed as one run, their events interleaved by the
// time each call began, it is found at the child's write, with the parent's mmap as a related location in the
// parent's file.
import { replayOptions, type Analysis } from './analyze.js';
import type { TraceEvent } from './events.js';
import type { ReplayOptions } from './model/profiles.js';
import { Replay, type ReplayResult } from './model/replay.js';
import { findingsOf, type Finding } from './rules/findings.js';

export interface RunPart {
  /** Its name in messages ("line 32 of NAME"); also its location unless `location` says otherwise. */
  name: string;
  /** What related locations in it carry as their `trace` (the editor gives URIs). */
  location?: string;
  /** The part read on its own, with its events kept (`keepEvents`, `parseOnly`). */
  analysis: Analysis;
}

/** Why a file cannot be a part of a run. */
export const notAPart = {
  daemonLog: (name: string) => `${name} is a FUSE daemon's log, not a process's trace: give it as the run's daemon log (--fuse-log; Attach FUSE Log in the editor)`,
  untimed: (name: string) => `${name}: its lines have no timestamps, so its calls cannot be put in order with the other files' (trace with strace -ff -tt)`,
};

export type MergedRun = { parts: Analysis[]; error?: undefined } | { parts?: undefined; error: string };

/**
 * Replays the parts as one run. Each part's analysis comes back with the findings anchored in it, and its related
 * locations in other parts name their part (`trace`). Fails when a part is a daemon's log, or has events but no
 * timestamps.
 */
export function mergeRun(parts: RunPart[], options: Partial<ReplayOptions>): MergedRun {
  const log = parts.find((p) => p.analysis.format === 'fuse');
  if (log) return { error: notAPart.daemonLog(log.name) };
  const order: Array<{ t: number; part: number; i: number }> = [];
  const firsts = parts.map((p) => p.analysis.events.find((e) => isTime(e.time))?.time);
  for (let k = 0; k < parts.length; k++) {
    if (firsts[k] === undefined && parts[k].analysis.events.length > 0) {
      return { error: notAPart.untimed(parts[k].name) };
    }
  }
  const latestFirst = Math.max(...firsts.map((f) => f ?? Number.NEGATIVE_INFINITY));
  for (let k = 0; k < parts.length; k++) {
    const first = firsts[k];
    if (first === undefined) continue;
    const clock = new RunClock(first, latestFirst);
    parts[k].analysis.events.forEach((e, i) => order.push({ t: clock.at(e.time), part: k, i }));
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
  const own = findingsByPart(result, parts, partOf);
  return { parts: parts.map((p, k) => ({ ...p.analysis, findings: own[k], replay: result })) };
}

/** The findings of a merged replay, each in the part of the call that loses the data; `partOf[seq]` is the part of event `seq`. */
export function findingsByPart(result: ReplayResult, parts: ReadonlyArray<{ name: string; location?: string }>, partOf: Int32Array): Finding[][] {
  const own: Finding[][] = parts.map(() => []);
  const traces = parts.map((p) => ({ name: p.name, location: p.location ?? p.name }));
  for (const f of findingsOf(result, (seq) => traces[partOf[seq]])) own[partOf[f.seq]].push(f);
  return own;
}

const DAY = 86400;

export function isTime(t: number | undefined): t is number {
  return t !== undefined && Number.isFinite(t);
}

/**
 * The time by which a part's calls are put in order with the other parts', call by call in the file's order. Lines
 * without a time (unreadable ones) keep their place after the line before; within a part the order of the file is
 * kept even if a stamp goes back. -tt stamps are seconds since midnight: a stamp half a day earlier than the one
 * before, or a file that begins half a day before another, is in the next day.
 */
export class RunClock {
  private day: number;
  private t: number;

  /** `first`: the part's first stamp; `latestFirst`: the latest first stamp of all parts. */
  constructor(first: number, latestFirst: number) {
    this.day = first < latestFirst - DAY / 2 ? DAY : 0;
    this.t = first + this.day;
  }

  /** The time of the part's next call, stamped `time` (or not). */
  at(time: number | undefined): number {
    if (isTime(time)) {
      if (time + this.day < this.t - DAY / 2) this.day += DAY;
      if (time + this.day > this.t) this.t = time + this.day;
    }
    return this.t;
  }
}
