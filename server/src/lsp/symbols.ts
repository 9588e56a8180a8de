// Document symbols: one per process, with the files it opened and the file mappings it made as children.
// Capped like VS Code's JSON outline (json.maxItemsComputed) so huge traces stay responsive.
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { hex } from '../engine/rules/findings.js';
import type { DocAnalysis } from './analyses.js';
import { lineLength } from './diagnostics.js';

const MAX_SYMBOLS = 5000;

export function symbols(doc: TextDocument, a: DocAnalysis): DocumentSymbol[] {
  const r = a.analysis.replay;
  if (!r) return [];
  const procs = new Map<string, DocumentSymbol>();
  let count = 0;
  const lineRange = (line: number) => ({ start: { line, character: 0 }, end: { line, character: lineLength(doc, line) } });
  const procOf = (pid: number | undefined, line: number): DocumentSymbol => {
    const key = String(pid ?? 'main');
    let s = procs.get(key);
    if (!s) {
      const info = r.processes.find((p) => p.pid === pid) ?? { firstLine: line, lastLine: line, parent: undefined };
      const first = Math.max(0, info.firstLine);
      const last = Math.max(first, info.lastLine);
      s = {
        name: pid === undefined ? 'process (pid not shown)' : `process ${pid}`,
        detail: info.parent !== undefined ? `child of ${info.parent}` : undefined,
        kind: SymbolKind.Module,
        range: { start: { line: first, character: 0 }, end: { line: last, character: lineLength(doc, last) } },
        selectionRange: lineRange(first),
        children: [],
      };
      procs.set(key, s);
      count++;
    }
    return s;
  };
  for (const ev of a.analysis.events) {
    if (count >= MAX_SYMBOLS) break;
    if (ev.kind === 'open' && ev.ok) {
      const path = ev.resolvedPath ?? ev.target?.path ?? `fd ${ev.fd}`;
      procOf(ev.pid, ev.span.line).children!.push({ name: path, detail: `fd ${ev.fd}${ev.flags.direct ? ' O_DIRECT' : ''}`, kind: SymbolKind.File, range: lineRange(ev.span.line), selectionRange: lineRange(ev.span.line) });
      count++;
    } else if (ev.kind === 'mmap' && ev.ok && !ev.anonymous && ev.fd >= 0) {
      const m = r.mappings.find((x) => x.seq === ev.seq);
      const name = `${hex(ev.addr)} ${ev.shared ? 'MAP_SHARED' : 'MAP_PRIVATE'}${ev.prot.write ? ' RW' : ''}`;
      procOf(ev.pid, ev.span.line).children!.push({ name, detail: `${m?.path ?? `fd ${ev.fd}`} +${hex(ev.offset)}, ${ev.length} bytes`, kind: ev.shared && ev.prot.write ? SymbolKind.Struct : SymbolKind.Array, range: lineRange(ev.span.line), selectionRange: lineRange(ev.span.line) });
      count++;
    } else if (ev.pid !== undefined || ev.kind === 'exit') {
      procOf(ev.pid, ev.span.line);
    }
  }
  return [...procs.values()];
}
