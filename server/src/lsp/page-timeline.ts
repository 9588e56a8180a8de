// "Show Page Timeline": the states of one file's pages after each event that touched them, as compact rows of
// state codes that the webview draws as a grid, with the losses marked.
import type { PageView } from '../engine/model/file-cache.js';
import type { ReplayResult } from '../engine/model/replay.js';
import type { DocAnalysis } from './analyses.js';
import type { PageCode, PageTimelineResult } from '../../../protocol/messages.js';

const MAX_PAGES = 512;
const MAX_STEPS = 2000;

function code(p: PageView, r: ReplayResult): PageCode {
  if (!p.valid && p.dirty.length === 0) return '.';
  let out: PageCode = 'c';
  for (const d of p.dirty) {
    const k = r.kindOf(d.value);
    if (k === 'store') return 'm';
    if (k === 'mmap' || k === 'mremap' || k === 'mprotect') out = 'p';
    else if (out === 'c') out = 'w';
  }
  return out;
}

export async function pageTimeline(a: DocAnalysis, fileId: number | undefined): Promise<PageTimelineResult> {
  const r = await a.recorded();
  const perFile = new Map<number, { events: number; findings: number }>();
  for (const touches of r.touches.values()) for (const t of touches) {
    const c = perFile.get(t.fileId) ?? { events: 0, findings: 0 };
    c.events++;
    perFile.set(t.fileId, c);
  }
  for (const f of a.findings) {
    const c = perFile.get(f.fileId) ?? { events: 0, findings: 0 };
    c.findings++;
    perFile.set(f.fileId, c);
  }
  const files = [...perFile].map(([id, c]) => ({ id, name: r.files[id]?.name ?? `file #${id}`, ...c }))
    .sort((x, y) => y.findings - x.findings || y.events - x.events);
  const chosen = fileId !== undefined && perFile.has(fileId) ? fileId : files[0]?.id;
  const base = { uri: a.uri, mode: a.settings.cacheMode, kernel: a.settings.kernel, files, fileId: chosen, pageSize: a.settings.pageSize };
  if (chosen === undefined) return { ...base, pages: 0, steps: [], truncated: false };

  let maxPage = 0;
  const relevant: Array<{ seq: number; touches: Array<{ first: number; after: PageView[] }> }> = [];
  for (const [seq, touches] of [...r.touches].sort((x, y) => x[0] - y[0])) {
    const mine = touches.filter((t) => t.fileId === chosen);
    if (mine.length === 0) continue;
    for (const t of mine) maxPage = Math.max(maxPage, t.lastPage);
    relevant.push({ seq, touches: mine.map((t) => ({ first: t.firstPage, after: t.after })) });
  }
  const pages = Math.min(MAX_PAGES, maxPage + 1);
  const states: PageCode[] = new Array(pages).fill('.');
  const steps: PageTimelineResult['steps'] = [];
  const lostAt = new Map(a.findings.filter((f) => f.fileId === chosen).map((f) => [f.seq, f.lostRanges]));
  const events = new Map(a.analysis.events.map((e) => [e.seq, e]));
  for (const step of relevant.slice(0, MAX_STEPS)) {
    for (const t of step.touches) for (const p of t.after) if (p.index < pages) states[p.index] = code(p, r);
    const row = [...states];
    const lost = lostAt.get(step.seq);
    if (lost) {
      for (const [x, y] of lost) for (let p = Math.floor(x / a.settings.pageSize); p * a.settings.pageSize < y && p < pages; p++) row[p] = 'x';
    }
    const ev = events.get(step.seq);
    steps.push({ seq: step.seq, line: ev?.span.line ?? r.lineOf(step.seq), name: ev?.name ?? 'event', states: row.join(''), ...(lost ? { lost } : {}) });
  }
  return { ...base, pages, steps, truncated: relevant.length > MAX_STEPS || maxPage + 1 > MAX_PAGES };
}
