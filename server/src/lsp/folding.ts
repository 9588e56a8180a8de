// Folding: runs of consecutive lines of one process (interleaved traces switch often, -ff files are one run),
// and multi-line records (an unfinished call and its resumption, a kdump CALL and its RET).
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver/node';
import type { DocAnalysis } from './analyses.js';

const MAX_RANGES = 5000;
const MIN_RUN = 3;

export function foldingRanges(a: DocAnalysis): FoldingRange[] {
  const out: FoldingRange[] = [];
  let runPid: number | undefined | null = null;
  let runStart = -1;
  let runEnd = -1;
  const close = () => {
    if (runPid !== null && runEnd - runStart + 1 >= MIN_RUN) out.push({ startLine: runStart, endLine: runEnd, kind: FoldingRangeKind.Region, collapsedText: `pid ${runPid ?? '?'}: ${runEnd - runStart + 1} lines` });
  };
  const events = [...a.analysis.events].sort((x, y) => x.span.line - y.span.line);
  for (const ev of events) {
    if (out.length >= MAX_RANGES) break;
    if (ev.endSpan && ev.endSpan.line > ev.span.line + 1) out.push({ startLine: ev.span.line, endLine: ev.endSpan.line - 1, kind: FoldingRangeKind.Region, collapsedText: `${ev.name} … resumed at line ${ev.endSpan.line + 1}` });
    if (ev.pid === runPid && ev.span.line <= runEnd + 1) {
      runEnd = Math.max(runEnd, ev.span.line);
      continue;
    }
    if (ev.pid === undefined && runPid === null) continue;
    close();
    runPid = ev.pid;
    runStart = runEnd = ev.span.line;
  }
  close();
  return out.filter((r) => r.endLine > r.startLine);
}
