// Reads a recording of write faults (`perf script --header` output, as `cachereplay record` writes it beside its
// strace trace: NAME.faults) for replay with a trace of the same run (AnalyzeOptions.faults).
import type { StoreEvent, TraceEvent } from '../engine/events.js';
import { InputError } from './input-errors.js';
import { traceSource } from './read-chunks.js';
import { analyzeFile } from './read-trace.js';

export interface FaultRecording {
  /** The write faults, in time order, each naming the recording (`trace`) for related locations. */
  faults: TraceEvent[];
  /** Samples read, of any event. */
  samples: number;
}

/** The fault recording at `path`; `name` is how findings point into it. An InputError says why it cannot serve. */
export async function readFaultsFile(path: string, name = path): Promise<FaultRecording> {
  const a = await analyzeFile(path, { format: 'perf', keepEvents: true, parseOnly: true, threads: 1 });
  if (a.error !== undefined) throw new InputError(`${path}: ${a.error}`);
  const faults = a.events.filter((e): e is StoreEvent & TraceEvent => e.kind === 'store');
  for (const f of faults) f.trace = name;
  if (faults.length > 0 && !(faults[0].time! > 1e8)) {
    throw new InputError(`${path}: its times are perf's own clock, not the time of day: record with \`perf record -k CLOCK_MONOTONIC\` and print with \`perf script --header\` (its reference time converts them)`);
  }
  faults.sort((x, y) => x.time! - y.time!);
  return { faults, samples: a.eventCount };
}

/** The fault recording beside a strace trace (`NAME.strace` or `NAME.strace.gz` -> `NAME.faults`), if there is one. */
export async function faultsBeside(tracePath: string): Promise<string | undefined> {
  if (!/\.strace(?:\.gz)?$/.test(tracePath)) return undefined;
  const candidate = tracePath.replace(/\.strace(?:\.gz)?$/, '.faults');
  try {
    const s = await traceSource(candidate);
    return s.stream ? undefined : candidate;
  } catch {
    return undefined;
  }
}
