// Go to definition: an fd jumps to the open that created it, an address to the mmap that mapped it.
import type { Location, Position } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocAnalysis } from './analyses.js';
import { rangeOf } from './diagnostics.js';
import { refAt } from './refs.js';

export function definition(doc: TextDocument, pos: Position, a: DocAnalysis): Location | null {
  if (a.eventsAt(pos.line).length === 0) return null;
  const r = a.analysis.replay;
  if (!r) return null;
  const hit = refAt(doc, pos, a, r);
  if (!hit || hit.ref.defSeq <= 0) return null;
  const def = r.source(hit.ref.defSeq);
  const span = def?.span ?? { line: r.lineOf(hit.ref.defSeq), start: 0, end: 0 };
  return { uri: doc.uri, range: rangeOf(span, doc) };
}
