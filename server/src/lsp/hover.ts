// Hovers. On an fd: the file and the line that opened it. On an address: the mapping and its file offset.
// Anywhere else on an event line: a Markdown table of the pages the event touched, before and after it.
import type { Hover, Position } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { TraceEvent } from '../engine/events.js';
import type { Segment } from '../engine/model/interval-map.js';
import type { PageView } from '../engine/model/file-cache.js';
import type { ReplayResult, Touch } from '../engine/model/replay.js';
import { formatRanges, hex } from '../engine/rules/findings.js';
import type { DocAnalysis } from './analyses.js';
import { refAt } from './refs.js';

const MAX_ROWS = 8;

function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

/** "mmap L32 (possible)", "store L40", "pwrite64 L33". */
function describe(seq: number, r: ReplayResult): string {
  const src = r.source(seq);
  const kind = r.kindOf(seq);
  const line = (src?.span.line ?? r.lineOf(seq)) + 1;
  if (kind === 'mmap' || kind === 'mremap' || kind === 'mprotect') {
    return src?.since ? `${src.name} L${line} (possible, since ${src.since.name} L${src.since.span.line + 1})` : `${src?.name ?? kind} L${line} (possible)`;
  }
  if (kind === 'store') return `${src?.name ?? 'store'} L${line} (definite)`;
  return `${src?.name ?? (kind === 'unknown' ? 'event' : kind)} L${line}`;
}

function segs(list: Segment[], r: ReplayResult): string {
  if (list.length === 0) return '';
  const shown = list.slice(0, 3).map((s) => `\`[${hex(s.start)}, ${hex(s.end)})\` ← ${describe(s.value, r)}`);
  if (list.length > 3) shown.push(`+${list.length - 3} more`);
  return shown.join('<br>');
}

function state(p: PageView, r: ReplayResult): string {
  // Bytes only possibly stored sit on a page that is cached if the program did store into it.
  if (!p.valid) return p.dirty.length === 0 ? 'not cached' : `**possibly dirty** ${segs(p.dirty, r)}`;
  if (p.dirty.length === 0) return 'clean';
  return `**dirty** ${segs(p.dirty, r)}`;
}

function touchTable(t: Touch, r: ReplayResult, lost: Array<[number, number]>): string {
  const file = r.files[t.fileId]?.name ?? `file #${t.fileId}`;
  const { pageSize } = r.options;
  const rows: string[] = [];
  for (let i = 0; i < t.before.length && i < MAX_ROWS; i++) {
    const b = t.before[i];
    const a = t.after[i];
    let after = state(a, r);
    if ((b.valid || b.dirty.length > 0) && !a.valid) {
      after = `**invalidated**${b.dirty.length > 0 ? ' (dirty bytes dropped)' : ''}`;
      if (a.dirty.length > 0) after += `; may be stored into again: ${segs(a.dirty, r)}`;
    }
    const lostHere = lost.filter(([x, y]) => x < a.end && y > a.start).map(([x, y]) => [Math.max(x, a.start), Math.min(y, a.end)] as [number, number]);
    if (lostHere.length > 0) after += `<br>⚠ lost ${formatRanges(lostHere, 3)}`;
    rows.push(`| ${a.index} | \`${hex(a.start)}–${hex(a.end)}\` | ${state(b, r)} | ${after} | ${segs(a.daemon, r) || 'nothing written yet'} |`);
  }
  const more = t.before.length > MAX_ROWS ? `\n\n…and ${t.before.length - MAX_ROWS} more pages` : '';
  return [
    `**${esc(file)}**: page${t.lastPage > t.firstPage ? `s ${t.firstPage}–${t.lastPage}` : ` ${t.firstPage}`} (${pageSize} B pages)`,
    '',
    '| page | bytes | before | after | daemon holds (after) |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n') + more;
}

function header(ev: TraceEvent, a: DocAnalysis): string {
  const bits = [`**${esc(ev.name)}**`];
  if (ev.pid !== undefined) bits.push(`pid ${ev.pid}`);
  if (!ev.ok) bits.push(ev.errno ? `failed: ${ev.errno}` : 'did not complete');
  if (ev.durationSec !== undefined) bits.push(`${(ev.durationSec * 1e6).toFixed(0)} µs`);
  bits.push(`${a.settings.cacheMode}, ${a.settings.kernel}`);
  return bits.join(' · ');
}

/**
 * `stale`: `a` analysed an earlier version of the document (a newer analysis is running while the user types): said
 * in the hover, whose lines may then be off by the edits since.
 */
export function hover(doc: TextDocument, pos: Position, a: DocAnalysis, stale = false): Hover | null {
  if (a.lean) return { contents: { kind: 'markdown', value: `_Page-state hovers are off for this document: at ${(a.analysis.lineCount).toLocaleString('en-US')} lines it is too big to keep every event's history. Its problems are complete; \`cachereplay check\` or **Analyze Trace File...** read traces of any size._` } };
  const h = hoverOf(doc, pos, a);
  if (h === null || !stale) return h;
  const c = h.contents as { kind: 'markdown'; value: string };
  return { ...h, contents: { kind: 'markdown', value: `${c.value}\n\n_(analysed before your last edit; the new analysis is still running)_` } };
}

function hoverOf(doc: TextDocument, pos: Position, a: DocAnalysis): Hover | null {
  const events = a.eventsAt(pos.line);
  if (events.length === 0) return null;
  const r = a.analysis.replay;
  if (!r) return null;
  const hit = refAt(doc, pos, a, r);
  const range = hit ? { start: { line: pos.line, character: hit.word.start }, end: { line: pos.line, character: hit.word.end } } : undefined;
  if (hit?.ref.what === 'fd') {
    const def = r.source(hit.ref.defSeq);
    const where = hit.ref.defSeq > 0 ? `opened at line ${(def?.span.line ?? r.lineOf(hit.ref.defSeq)) + 1}${def ? ` (${def.name})` : ''}` : 'opened before the trace began';
    return { range, contents: { kind: 'markdown', value: `**fd ${hit.ref.value}** → \`${esc(hit.ref.path)}\`, ${where}` } };
  }
  if (hit?.ref.what === 'addr') {
    const m = r.mappings.find((x) => x.seq === hit.ref.defSeq);
    const lines = [`**${hex(hit.ref.value)}** → ${m ? `${m.shared ? 'MAP_SHARED' : 'MAP_PRIVATE'}${m.writable ? ' writable' : ''} mapping \`${hex(m.start)}–${hex(m.end)}\`` : 'mapping'} made at line ${r.lineOf(hit.ref.defSeq) + 1}`];
    if (m?.path) lines.push(`of \`${esc(m.path)}\` at file offset ${hex(m.offset + (hit.ref.value - m.start))}`);
    if (m?.unmapSeq !== undefined) lines.push(`(unmapped at line ${r.lineOf(m.unmapSeq) + 1})`);
    return { range, contents: { kind: 'markdown', value: lines.join(' ') } };
  }
  const parts: string[] = [];
  for (const ev of events) {
    const touches = r.touchesAt(ev.seq);
    const finding = a.findings.find((f) => f.seq === ev.seq);
    const sections = [header(ev, a)];
    if (finding) sections.push(`⚠ **${finding.evidence === 'definite' ? 'data loss' : 'possible data loss'}** (${finding.rule}): ${finding.lostBytes} bytes ${formatRanges(finding.lostRanges)}`);
    for (const t of touches) sections.push(touchTable(t, r, finding && finding.fileId === t.fileId ? finding.lostRanges : []));
    if (touches.length === 0 && ev.kind === 'generic') sections.push('_No effect on any file cache the model tracks._');
    parts.push(sections.join('\n\n'));
  }
  return { contents: { kind: 'markdown', value: parts.join('\n\n---\n\n') } };
}
