// From a finding to what a user files as a bug report, in one place for every front end (the CLI, the language
// server, the benchmark): the reduction (reduce.ts), the reduced run made runnable (runnable.ts) as a trace
// (strace-emit.ts) and as a C program with the stores a recording would show (stores.ts, c-emit.ts), the fsx
// operations of an fsx log (fsx-ops-emit.ts), and whether the reduced trace replays to the finding by itself.
import { analyzeText, type AnalyzeOptions } from '../analyze.js';
import type { TraceEvent } from '../events.js';
import { formatRanges } from '../rules/findings.js';
import { cProgramOf, type CProgram } from './c-emit.js';
import { fsxOpsOf } from './fsx-ops-emit.js';
import { reduceFinding, type Reduction } from './reduce.js';
import { runnable } from './runnable.js';
import { withStores } from './stores.js';
import { straceOf } from './strace-emit.js';

export interface Reproducer {
  reduction: Reduction;
  /** One line: the rule, the lost bytes, and how far the events went down. */
  summary: string;
  /** The reduced run as strace text. */
  trace: string;
  /** It replays to the finding alone: the same rule, with lost bytes, at its last line. */
  replaysAlone: boolean;
  c: CProgram;
  /** The reduced operations for `fsx --replay-ops`, when the trace is an fsx log. */
  fsxOps?: string;
}

/**
 * The reproducer of the loss at `line` (0-based) of `events` (the analysis of the trace `name`, in `format`) under
 * `options`; undefined when there is no loss at that line.
 */
export function reproducerOf(events: readonly TraceEvent[], options: AnalyzeOptions, line: number, name: string, format?: string): Reproducer | undefined {
  const r = reduceFinding(events, options, line);
  if (r === undefined) return undefined;
  const run = runnable(r.events);
  const trace = straceOf(run);
  const again = analyzeText(trace, { ...options, format: 'strace', faults: undefined, daemon: undefined });
  const lastLine = trace.trimEnd().split('\n').length - 1;
  return {
    reduction: r,
    summary: `${r.original.rule}, ${formatRanges(r.original.lostRanges)}: ${r.before} events reduced to ${r.events.length} in ${r.tests} replays (${r.ms} ms)${r.stopped ? ' (time budget reached)' : ''}`,
    trace,
    replaysAlone: again.findings.some((f) => f.span.line === lastLine && f.rule === r.original.rule && f.lostBytes > 0),
    c: cProgramOf(withStores(run, r.finding, options), r.finding, name, String(options.kernel), String(options.mode)),
    fsxOps: format === 'fsx' ? fsxOpsOf(r.events, name) : undefined,
  };
}

/** The folder a reproducer of the loss at `line` (1-based) of the trace `name` goes in, beside the trace. */
export function reproducerFolder(name: string, line: number): string {
  return `${name.replace(/\.[^.]+$/, '')}-line${line}.reduced`;
}
