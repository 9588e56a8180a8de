// "Compare Cache Modes": the findings of one trace under each cache mode, for the side-by-side view.
import { CACHE_MODES } from '../engine/model/profiles.js';
import { MODES } from '../../../protocol/tables.js';
import type { Finding } from '../engine/rules/findings.js';
import type { DocAnalysis } from './analyses.js';
import type { CompareModesResult, ModeFinding } from '../../../protocol/messages.js';

export function modeFinding(f: Finding): ModeFinding {
  return { rule: f.rule, severity: f.severity, line: f.span.line, lostBytes: f.lostBytes, lostRanges: f.lostRanges, file: f.file, message: f.message };
}

export async function compareModes(a: DocAnalysis): Promise<CompareModesResult> {
  const byMode = await a.byMode();
  return {
    uri: a.uri,
    kernel: a.settings.kernel,
    current: a.settings.cacheMode,
    modes: CACHE_MODES.map((mode) => ({
      mode,
      description: MODES[mode],
      findings: (byMode.get(mode) ?? []).filter((f) => a.display.showPossibleLosses || f.evidence === 'definite').map(modeFinding),
    })),
  };
}
