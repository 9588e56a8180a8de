// Minimize to a Reproducer: a code action on each data-loss diagnostic, and the request behind it, which reduces
// the document's events to the fewest that still lose the bytes (engine/reduce) and answers with the reduced trace
// and the C program; the client shows them beside the trace.
import type { CodeAction, CodeActionParams } from 'vscode-languageserver/node';
import type { ReduceResult } from '../../../protocol/messages.js';
import { reproducerFolder, reproducerOf } from '../engine/reduce/reproducer.js';
import type { DocAnalysis } from './analyses.js';
import { analyzeOptions } from './settings.js';

/** Rules whose findings a reproducer can be made for: a loss at a call. */
const LOSSES = new Set(['mmap-dirty-invalidated', 'direct-io-drops-mmap', 'daemon-size-invalidates-dirty', 'write-error-cached']);

export function reduceActions(a: DocAnalysis, params: CodeActionParams): CodeAction[] {
  // From the analysis's own findings on the lines asked about, not only the diagnostics the client sends: VS Code
  // sends those whose range meets the cursor's, Neovim often none.
  const { start, end } = params.range;
  const lines = new Set<number>();
  for (const f of a.findings) {
    if (LOSSES.has(f.rule) && f.lostBytes > 0 && f.span.line >= start.line && f.span.line <= end.line) lines.add(f.span.line);
  }
  return [...lines].map((line) => ({
    title: 'Minimize to a Reproducer',
    kind: 'quickfix',
    diagnostics: params.context.diagnostics.filter((d) => d.range.start.line === line && typeof d.code === 'string' && LOSSES.has(d.code)),
    command: { title: 'Minimize to a Reproducer', command: 'cachereplay.reduce', arguments: [a.uri, line] },
  }));
}

/** The reduction of the loss at `line` (0-based) of the analysed document. */
export function reduceResult(a: DocAnalysis, line: number): ReduceResult {
  if (a.lean || a.analysis.events.length === 0) return { error: 'this trace is too big to keep its events in the editor: run cachereplay reduce on it' };
  const options = { ...analyzeOptions(a.settings, a.languageId), faults: undefined, daemon: a.settings.fuseLog?.evidence };
  const name = a.uri.slice(a.uri.lastIndexOf('/') + 1);
  const rep = reproducerOf(a.analysis.events, options, line, name, a.analysis.format);
  if (rep === undefined) return { error: `no data loss at line ${line + 1} under ${options.kernel} ${options.mode}` };
  const r = rep.reduction;
  return {
    folder: reproducerFolder(name, line + 1), trace: rep.trace, c: rep.c.source, fsxOps: rep.fsxOps, before: r.before, after: r.events.length, tests: r.tests, ms: r.ms,
    summary: rep.summary,
  };
}
