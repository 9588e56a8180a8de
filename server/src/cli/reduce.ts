// cachereplay reduce TRACE --line N: the fewest calls of the trace that still lose the bytes of the finding at
// line N (engine/reduce/reduce.ts), written as a trace (reduced.strace, which replays to the same finding) and as
// a C program that makes those calls on a path and reports the bytes that did not reach the file (repro.c).
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { analyzeText, type AnalyzeOptions } from '../engine/analyze.js';
import { cProgramOf } from '../engine/reduce/c-emit.js';
import { fsxOpsOf } from '../engine/reduce/fsx-ops-emit.js';
import { reduceFinding } from '../engine/reduce/reduce.js';
import { runnable } from '../engine/reduce/runnable.js';
import { withStores } from '../engine/reduce/stores.js';
import { straceOf } from '../engine/reduce/strace-emit.js';
import { formatRanges } from '../engine/rules/findings.js';
import { InputError } from '../io/input-errors.js';
import { analyzeFile } from '../io/read-trace.js';

export interface Reduced {
  dir: string;
  before: number;
  after: number;
  calls: number;
  ms: number;
  /** The reduced trace replays to the finding again (same rule at its last call, bytes inside the original's). */
  replays: boolean;
}

export async function reduceTrace(path: string, line: number, options: AnalyzeOptions, outDir: string | undefined): Promise<Reduced> {
  const a = await analyzeFile(path, { ...options, keepEvents: true, threads: 1 });
  if (a.error !== undefined) throw new InputError(`${path}: ${a.error}`);
  const r = reduceFinding(a.events, options, line - 1);
  if (r === undefined) throw new InputError(`${path}:${line}: no data loss found at this line under ${options.kernel} ${options.mode} (cachereplay check lists the findings)`);
  const dir = outDir ?? `${basename(path).replace(/\.[^.]+$/, '')}-line${line}.reduced`;
  mkdirSync(dir, { recursive: true });
  const run = runnable(r.events);
  const trace = straceOf(run);
  writeFileSync(join(dir, 'reduced.strace'), trace);
  const c = cProgramOf(withStores(run, r.finding, options), r.finding, `${basename(path)}`, String(options.kernel), String(options.mode));
  writeFileSync(join(dir, 'repro.c'), c.source);
  // An fsx run also becomes the operations fsx itself replays.
  const ops = a.format === 'fsx' ? fsxOpsOf(r.events, basename(path)) : undefined;
  if (ops !== undefined) writeFileSync(join(dir, 'reduced.fsxops'), ops);
  // The reduced trace is a trace like any other: it must replay to the finding by itself.
  const again = analyzeText(trace, { ...options, format: 'strace', faults: undefined, daemon: undefined });
  const lastLine = trace.trimEnd().split('\n').length - 1;
  const replays = again.findings.some((f) => f.span.line === lastLine && f.rule === r.original.rule && f.lostBytes > 0);
  process.stderr.write(`cachereplay: ${path}:${line}: ${r.original.rule}, ${formatRanges(r.original.lostRanges)}: ${r.before} events reduced to ${r.events.length} in ${r.tests} replays (${r.ms} ms)${r.stopped ? ' (time budget reached)' : ''}\n`);
  process.stderr.write(`cachereplay: wrote ${join(dir, 'reduced.strace')} (${replays ? 'replays to the same finding' : 'does NOT replay to the finding alone'})${ops !== undefined ? `, ${join(dir, 'reduced.fsxops')} (fsx --replay-ops)` : ''} and ${join(dir, 'repro.c')} (${c.calls} calls: cc -Wall -Werror -o repro ${join(dir, 'repro.c')} && ./repro /mnt/fuse/file)\n`);
  return { dir, before: r.before, after: r.events.length, calls: c.calls, ms: r.ms, replays };
}
