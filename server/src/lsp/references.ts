// Find All References and Document Highlight: an fd or an address leads to every call that used the same open
// file description or mapping (dup'ed fds included, a reused fd number not), and to the open or mmap itself.
import { DocumentHighlightKind, type DocumentHighlight, type Location, type Position, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { TraceEvent } from '../engine/events.js';
import type { ReplayResult } from '../engine/model/replay.js';
import type { DocAnalysis } from './analyses.js';
import { rangeOf } from './diagnostics.js';
import { callStart, lineText, numberAt, numbersIn, refAt, type Word } from './refs.js';

interface Target {
  what: 'fd' | 'addr';
  /** The open or mmap. */
  defSeq: number;
}

/** The open or mmap behind the fd or address under the cursor, including an open's or mmap's own result. */
function targetAt(doc: TextDocument, pos: Position, a: DocAnalysis, r: ReplayResult): Target | undefined {
  const hit = refAt(doc, pos, a, r);
  if (hit) return hit.ref.defSeq > 0 ? { what: hit.ref.what, defSeq: hit.ref.defSeq } : undefined;
  const word = numberAt(lineText(doc, pos.line), pos.character);
  if (!word || word.value === undefined) return undefined;
  for (const ev of a.eventsAt(pos.line)) {
    if (word.start < callStart(ev, pos.line)) continue;
    if (ev.kind === 'open' && ev.fd === word.value && !isHex(word)) return { what: 'fd', defSeq: ev.seq };
    if (ev.kind === 'mmap' && ev.addr === word.value) return { what: 'addr', defSeq: ev.seq };
  }
  return undefined;
}

function isHex(w: Word): boolean {
  return w.text.startsWith('0x');
}

function eventOf(a: DocAnalysis, seq: number): TraceEvent | undefined {
  const ev = a.analysis.events[seq - 1];
  return ev?.seq === seq ? ev : a.analysis.events.find((e) => e.seq === seq);
}

/** The range of `value` as the event prints it (the last printing when `last`), else the call's span. */
function rangeOfValue(doc: TextDocument, ev: TraceEvent, what: 'fd' | 'addr', value: number, last: boolean): Range {
  for (const line of ev.endSpan && ev.endSpan.line !== ev.span.line ? [ev.span.line, ev.endSpan.line] : [ev.span.line]) {
    const text = lineText(doc, line);
    let found: Range | undefined;
    const from = callStart(ev, line);
    for (const w of numbersIn(text)) {
      if (w.start < from || w.value !== value || (what === 'addr') !== isHex(w)) continue;
      found = { start: { line, character: w.start }, end: { line, character: w.end } };
      if (!last) return found;
    }
    if (found) return found;
  }
  return rangeOf(ev.span, doc);
}

/** The definition (first) and every use, as ranges in the document. */
function occurrences(doc: TextDocument, pos: Position, a: DocAnalysis): Array<{ range: Range; definition: boolean }> | undefined {
  const r = a.analysis.replay;
  if (!r || a.eventsAt(pos.line).length === 0) return undefined;
  const t = targetAt(doc, pos, a, r);
  if (!t) return undefined;
  const out: Array<{ range: Range; definition: boolean }> = [];
  const def = eventOf(a, t.defSeq);
  if (def && (def.kind === 'open' || def.kind === 'mmap')) {
    out.push({ range: rangeOfValue(doc, def, t.what, def.kind === 'open' ? def.fd : def.addr, true), definition: true });
  }
  for (const use of r.usesOf(t.defSeq, t.what)) {
    const ev = eventOf(a, use.seq);
    if (ev) out.push({ range: rangeOfValue(doc, ev, t.what, use.value, false), definition: false });
  }
  return out;
}

export function references(doc: TextDocument, pos: Position, a: DocAnalysis, includeDeclaration: boolean): Location[] | null {
  const occ = occurrences(doc, pos, a);
  if (!occ) return null;
  return occ.filter((o) => includeDeclaration || !o.definition).map((o) => ({ uri: doc.uri, range: o.range }));
}

export function documentHighlights(doc: TextDocument, pos: Position, a: DocAnalysis): DocumentHighlight[] | null {
  const occ = occurrences(doc, pos, a);
  if (!occ) return null;
  return occ.map((o) => ({ range: o.range, kind: o.definition ? DocumentHighlightKind.Write : DocumentHighlightKind.Read }));
}
