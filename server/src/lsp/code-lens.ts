// A code lens on the first line: what the trace loses under each cache mode; clicking one replays under it.
import { fileURLToPath } from 'node:url';
import type { CodeLens } from 'vscode-languageserver/node';
import { ffRunOf } from '../io/ff-run.js';
import { CACHE_MODES, type CacheMode } from '../engine/model/profiles.js';
import type { Finding } from '../engine/rules/findings.js';
import type { DocAnalysis } from './analyses.js';

export function summary(findings: Finding[], showPossible: boolean): string {
  const shown = findings.filter((f) => showPossible || f.evidence === 'definite');
  if (shown.length === 0) return 'no loss';
  const definite = shown.filter((f) => f.evidence === 'definite').length;
  const possible = shown.length - definite;
  const bytes = shown.reduce((n, f) => n + f.lostBytes, 0);
  const parts: string[] = [];
  if (definite > 0) parts.push(`${definite} loss${definite === 1 ? '' : 'es'}`);
  if (possible > 0) parts.push(`${possible} possible loss${possible === 1 ? '' : 'es'}`);
  return `${parts.join(', ')} (${bytes} B)`;
}

export async function codeLenses(a: DocAnalysis): Promise<CodeLens[]> {
  if (a.analysis.error) return [];
  const byMode = await a.byMode();
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const lenses: CodeLens[] = CACHE_MODES.map((mode: CacheMode) => {
    const current = mode === a.settings.cacheMode;
    const text = summary(byMode.get(mode) ?? [], a.display.showPossibleLosses);
    return {
      range,
      command: {
        title: `${current ? '● ' : ''}${mode}: ${text}`,
        command: 'cachereplay.setCacheMode',
        arguments: [mode],
        tooltip: current ? `Findings shown now (${a.settings.kernel})` : `Replay under ${mode} (${a.settings.kernel})`,
      },
    };
  });
  lenses.push({ range, command: { title: 'Compare…', command: 'cachereplay.compareModes', arguments: [a.uri] } });
  // One process's file of a strace -ff run: hazards across processes show only when the run is replayed as one.
  if (a.analysis.format === 'strace' && a.uri.startsWith('file:')) {
    const run = await ffRunOf(fileURLToPath(a.uri));
    if (run.length > 1) {
      const others = run.length - 1;
      lenses.push({ range, command: { title: `Replay with the ${others} other process${others === 1 ? '' : 'es'} of this -ff run…`, command: 'cachereplay.analyzeRun', arguments: [a.uri] } });
    }
  }
  return lenses;
}
