// Webviews: Compare Cache Modes (a side-by-side table), Show Page Timeline (a grid of page states over the
// events, with losses marked) and the summary of Analyze Trace File. Strict CSP with a nonce; data goes in as
// JSON; clicks come back as messages that reveal the line in the trace.
import * as vscode from 'vscode';
import type { AnalyzeFileResult, CompareModesResult, ModeFinding, PageTimelineResult } from '../../protocol/messages.js';

const panels = new Map<string, vscode.WebviewPanel>();

function nonce(): string {
  let s = '';
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  for (let i = 0; i < 32; i++) s += chars.charAt(Math.floor(Math.random() * chars.length));
  return s;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

async function reveal(uri: string, line: number): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
  const range = new vscode.Range(line, 0, line, 0);
  editor.selection = new vscode.Selection(range.start, range.start);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
}

function panel(context: vscode.ExtensionContext, kind: string, title: string, onMessage: (m: { type: string; [k: string]: unknown }) => void): vscode.WebviewPanel {
  let p = panels.get(kind);
  if (!p) {
    p = vscode.window.createWebviewPanel(`cachereplay.${kind}`, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: true, localResourceRoots: [] });
    panels.set(kind, p);
    p.onDidDispose(() => panels.delete(kind), null, context.subscriptions);
  }
  p.title = title;
  // one listener per render: replace the previous one
  (p as unknown as { _crSub?: vscode.Disposable })._crSub?.dispose();
  (p as unknown as { _crSub?: vscode.Disposable })._crSub = p.webview.onDidReceiveMessage(onMessage);
  p.reveal(vscode.ViewColumn.Beside, true);
  return p;
}

function page(webview: vscode.Webview, title: string, body: string, script: string, data: unknown): string {
  const n = nonce();
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${n}'; script-src 'nonce-${n}'; img-src ${webview.cspSource} data:;">
<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>${esc(title)}</title>
<style nonce="${n}">
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 16px 16px; }
h1 { font-size: 1.3em; font-weight: 600; } h2 { font-size: 1.1em; }
table { border-collapse: collapse; margin: 8px 0; } th, td { border: 1px solid var(--vscode-panel-border, #8884); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--vscode-editorWidget-background); } tr.row:hover { background: var(--vscode-list-hoverBackground); cursor: pointer; }
.current { outline: 2px solid var(--vscode-focusBorder); } .none { opacity: .55; } .warn { color: var(--vscode-editorWarning-foreground, #cca700); } .err { color: var(--vscode-editorError-foreground, #f14c4c); }
.muted { opacity: .75; } code { font-family: var(--vscode-editor-font-family); }
.legend span { display: inline-block; margin-right: 14px; } .legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -2px; border: 1px solid #8886; }
#tip { position: fixed; pointer-events: none; background: var(--vscode-editorHoverWidget-background); border: 1px solid var(--vscode-editorHoverWidget-border); padding: 4px 8px; display: none; white-space: pre; }
canvas { cursor: crosshair; } select { margin-left: 8px; }
${Object.entries(COLORS).map(([k, c]) => `.c-${k === '.' ? 'none' : k} { background: ${c}; }`).join(' ')}
</style></head><body>${body}
<script nonce="${n}">const vscode = acquireVsCodeApi(); const DATA = ${JSON.stringify(data).replace(/</g, '\\u003c')};
${script}</script></body></html>`;
}

function cell(f: ModeFinding | undefined): string {
  if (!f) return '<td class="none">—</td>';
  const cls = f.severity === 'error' ? 'err' : 'warn';
  return `<td class="${cls}" title="${esc(f.message)}">${f.severity === 'error' ? '✖ loss' : '⚠ possible loss'}: ${f.lostBytes} B</td>`;
}

export function showCompare(context: vscode.ExtensionContext, r: CompareModesResult): void {
  const p = panel(context, 'compare', 'Compare Cache Modes', (m) => {
    if (m.type === 'reveal') void reveal(r.uri, m.line as number);
  });
  const keys = new Map<string, { line: number; rule: string; file: string }>();
  for (const m of r.modes) for (const f of m.findings) keys.set(`${f.line}:${f.rule}`, { line: f.line, rule: f.rule, file: f.file });
  const rows = [...keys.values()].sort((a, b) => a.line - b.line).map((k) => {
    const cells = r.modes.map((m) => cell(m.findings.find((f) => f.line === k.line && f.rule === k.rule))).join('');
    return `<tr class="row" data-line="${k.line}"><td>line ${k.line + 1}</td><td><code>${esc(k.rule)}</code><br><span class="muted">${esc(k.file)}</span></td>${cells}</tr>`;
  }).join('');
  const head = r.modes.map((m) => `<th class="${m.mode === r.current ? 'current' : ''}" title="${esc(m.description)}">${esc(m.mode)}${m.mode === r.current ? ' (shown)' : ''}<br><span class="muted">${m.findings.length === 0 ? 'no loss' : `${m.findings.length} finding${m.findings.length === 1 ? '' : 's'}`}</span></th>`).join('');
  const body = `<h1>Compare Cache Modes</h1><p class="muted">${esc(vscode.Uri.parse(r.uri).path.split('/').pop() ?? r.uri)} · kernel <b>${esc(r.kernel)}</b> · click a row to go to the line</p>
<table id="cmp"><thead><tr><th>where</th><th>rule</th>${head}</tr></thead><tbody>${rows || `<tr><td colspan="${2 + r.modes.length}">No data loss under any cache mode.</td></tr>`}</tbody></table>
<h2>Modes</h2><ul>${r.modes.map((m) => `<li><b>${esc(m.mode)}</b>: ${esc(m.description)}</li>`).join('')}</ul>`;
  p.webview.html = page(p.webview, 'Compare Cache Modes', body, `
for (const tr of document.querySelectorAll('tr.row')) tr.addEventListener('click', () => vscode.postMessage({ type: 'reveal', line: Number(tr.dataset.line) }));`, r);
}

const COLORS: Record<string, string> = { '.': '#80808026', c: '#3fa34d', w: '#3b82f6', p: '#f0a020', m: '#e8590c', x: '#e03131' };
const NAMES: Record<string, string> = { '.': 'not cached', c: 'valid, clean', w: 'dirty from write(2)', p: 'possibly dirty (shared mapping, not msync()ed)', m: 'dirty from a store (definite)', x: 'lost here' };

export function showTimeline(context: vscode.ExtensionContext, r: PageTimelineResult, switchFile: (id: number) => void): void {
  const p = panel(context, 'timeline', 'Page Timeline', (m) => {
    if (m.type === 'reveal') void reveal(r.uri, m.line as number);
    if (m.type === 'file') switchFile(m.id as number);
  });
  const file = r.files.find((f) => f.id === r.fileId);
  const options = r.files.map((f) => `<option value="${f.id}"${f.id === r.fileId ? ' selected' : ''}>${esc(f.name)} (${f.events} events${f.findings ? `, ${f.findings} findings` : ''})</option>`).join('');
  const legend = Object.entries(NAMES).map(([k, v]) => `<span><i class="c-${k === '.' ? 'none' : k}"></i>${esc(v)}</span>`).join('');
  const body = `<h1>Page Timeline</h1>
<p class="muted">${esc(r.mode)} · ${esc(r.kernel)} · ${r.pageSize} B pages · time runs left to right, one column per event that touched the file; click a column to go to its line${r.truncated ? ' · (truncated)' : ''}</p>
<p>File <select id="file">${options}</select></p>
<div class="legend">${legend}</div>
${file ? `<canvas id="grid" aria-label="page states of ${esc(file.name)}"></canvas>` : '<p>No file pages were touched in this trace.</p>'}
<div id="losses"></div><div id="tip"></div>`;
  p.webview.html = page(p.webview, 'Page Timeline', body, `
const COLORS = ${JSON.stringify(COLORS)}; const NAMES = ${JSON.stringify(NAMES)};
document.getElementById('file').addEventListener('change', (e) => vscode.postMessage({ type: 'file', id: Number(e.target.value) }));
const canvas = document.getElementById('grid');
if (canvas) {
  const steps = DATA.steps, pages = DATA.pages;
  const cw = Math.max(3, Math.min(48, Math.floor(1000 / Math.max(1, steps.length))));
  const ch = Math.max(3, Math.min(32, Math.floor(420 / Math.max(1, pages))));
  const left = 56, top = 22;
  canvas.width = left + steps.length * cw + 8; canvas.height = top + pages * ch + 40;
  const g = canvas.getContext('2d');
  g.font = '11px sans-serif'; g.fillStyle = getComputedStyle(document.body).color;
  for (let p = 0; p < pages; p += Math.max(1, Math.ceil(pages / 16))) g.fillText('page ' + p, 2, top + p * ch + Math.min(ch, 12));
  steps.forEach((s, i) => {
    for (let p = 0; p < pages; p++) { g.fillStyle = COLORS[s.states[p]] || COLORS['.']; g.fillRect(left + i * cw, top + p * ch, cw - 1, ch - 1); }
    if (s.lost) { g.fillStyle = COLORS.x; g.beginPath(); g.moveTo(left + i * cw, 4); g.lineTo(left + i * cw + cw - 1, 4); g.lineTo(left + i * cw + (cw - 1) / 2, top - 4); g.fill(); }
  });
  // line numbers under the columns, as many as fit
  g.fillStyle = getComputedStyle(document.body).color; g.textAlign = 'center';
  const every = Math.max(1, Math.ceil(36 / cw));
  steps.forEach((s, i) => { if (i % every === 0) g.fillText(String(s.line + 1), left + i * cw + cw / 2, top + pages * ch + 14); });
  g.textAlign = 'left'; g.fillText('line', 2, top + pages * ch + 14);
  const tip = document.getElementById('tip');
  const at = (e) => { const r = canvas.getBoundingClientRect(); const i = Math.floor((e.clientX - r.left - left) / cw), p = Math.floor((e.clientY - r.top - top) / ch); return { i, p }; };
  canvas.addEventListener('mousemove', (e) => {
    const { i, p } = at(e); const s = steps[i];
    if (!s) { tip.style.display = 'none'; return; }
    tip.textContent = 'line ' + (s.line + 1) + ': ' + s.name + (p >= 0 && p < pages ? '\\npage ' + p + ': ' + NAMES[s.states[p]] : '') + (s.lost ? '\\nlost: ' + s.lost.map((r) => '[0x' + r[0].toString(16) + ', 0x' + r[1].toString(16) + ')').join(' ') : '');
    tip.style.display = 'block'; tip.style.left = (e.clientX + 14) + 'px'; tip.style.top = (e.clientY + 14) + 'px';
  });
  canvas.addEventListener('mouseleave', () => { tip.style.display = 'none'; });
  canvas.addEventListener('click', (e) => { const s = steps[at(e).i]; if (s) vscode.postMessage({ type: 'reveal', line: s.line }); });
  const lost = steps.filter((s) => s.lost);
  document.getElementById('losses').innerHTML = lost.length ? '<h2>Losses</h2><ul>' + lost.map((s) => '<li>line ' + (s.line + 1) + ' (' + s.name + '): ' + s.lost.map((r) => '[0x' + r[0].toString(16) + ', 0x' + r[1].toString(16) + ')').join(' ') + '</li>').join('') + '</ul>' : '<p>No bytes lost in this file under this mode.</p>';
}`, r);
}

export function showAnalyzeSummary(context: vscode.ExtensionContext, r: AnalyzeFileResult): void {
  const p = panel(context, 'analyze', 'Trace Analysis', (m) => {
    if (m.type === 'reveal') void reveal(r.uri, m.line as number);
  });
  const rows = r.findings.map((f) => `<tr class="row" data-line="${f.line}"><td>line ${f.line + 1}</td><td class="${f.severity === 'error' ? 'err' : 'warn'}">${esc(f.severity)}</td><td><code>${esc(f.rule)}</code></td><td>${f.lostBytes} B</td><td>${esc(f.message)}</td></tr>`).join('');
  const body = `<h1>Trace Analysis</h1>
<p>${esc(vscode.Uri.parse(r.uri).fsPath)}</p>
<table><tr><th>format</th><td>${esc(r.format ?? '?')}</td><th>lines</th><td>${r.lines.toLocaleString()}</td><th>events</th><td>${r.events.toLocaleString()}</td></tr>
<tr><th>mode</th><td>${esc(r.mode)} · ${esc(r.kernel)}</td><th>size</th><td>${(r.bytes / 1e6).toFixed(1)} MB</td><th>time</th><td>${(r.ms / 1000).toFixed(1)} s</td></tr>
<tr><th>data loss</th><td class="err">${r.counts.error}</td><th>possible loss</th><td class="warn">${r.counts.warning}</td><th>unreadable lines</th><td>${r.counts.parse}</td></tr></table>
<p class="muted">${r.published} problems were published to the Problems panel.</p>
<table><thead><tr><th>where</th><th>severity</th><th>rule</th><th>lost</th><th>message</th></tr></thead><tbody>${rows || '<tr><td colspan="5">No data loss found.</td></tr>'}</tbody></table>`;
  p.webview.html = page(p.webview, 'Trace Analysis', body, `
for (const tr of document.querySelectorAll('tr.row')) tr.addEventListener('click', () => vscode.postMessage({ type: 'reveal', line: Number(tr.dataset.line) }));`, r);
}
