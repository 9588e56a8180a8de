// Findings and parse diagnostics → LSP diagnostics, with the rule id as code and related locations at the
// mmap, the store evidence and the open. Pull diagnostics where the client supports them, push otherwise.
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from '../engine/analyze.js';
import type { ParseDiagnostic, Span } from '../engine/events.js';
import type { Finding } from '../engine/rules/findings.js';
import { RULES, type Severity } from '../engine/rules/rules.js';
import type { CacheReplaySettings } from '../../../protocol/messages.js';
import { lineLength } from './doc-lines.js';

export { lineLength };

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

export const SOURCE = 'cachereplay';

/** A span as a range; related spans known only by line cover the whole line. */
export function rangeOf(span: Span, doc: TextDocument | undefined): Range {
  let end = span.end;
  if (end <= span.start) {
    end = doc ? lineLength(doc, span.line) : span.start;
    return { start: { line: span.line, character: 0 }, end: { line: span.line, character: end } };
  }
  return { start: { line: span.line, character: span.start }, end: { line: span.line, character: end } };
}

export function findingDiagnostic(f: Finding, uri: string, doc: TextDocument | undefined): Diagnostic {
  return {
    range: rangeOf(f.span, doc),
    severity: SEVERITY[f.severity],
    code: f.rule,
    ...(f.rule === 'mmap-dirty-invalidated' || f.rule === 'direct-io-drops-mmap' ? { codeDescription: { href: 'https://bugs.freebsd.org/bugzilla/show_bug.cgi?id=237588' } } : {}),
    source: SOURCE,
    message: f.message,
    // A related location in a correlated FUSE log points into that document (its trace name is its URI).
    relatedInformation: f.related.map((r) => ({ location: { uri: r.trace ?? uri, range: rangeOf(r.span, r.trace ? undefined : doc) }, message: r.message })),
    data: { lostRanges: f.lostRanges, file: f.file, evidence: f.evidence, mode: f.mode, kernel: f.kernel },
  };
}

export function parseDiagnostic(d: ParseDiagnostic, doc: TextDocument | undefined): Diagnostic {
  return {
    range: rangeOf(d.span, doc),
    severity: SEVERITY[d.severity],
    code: d.rule ?? 'parse-error',
    source: SOURCE,
    message: d.message,
    tags: d.severity === 'error' ? [] : [DiagnosticTag.Unnecessary],
  };
}

export function diagnosticsOf(a: Analysis, uri: string, doc: TextDocument | undefined, s: CacheReplaySettings): Diagnostic[] {
  if (a.error) {
    return [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: doc ? lineLength(doc, 0) : 0 } }, severity: DiagnosticSeverity.Error, code: 'parse-error', source: SOURCE, message: `Cache Replay cannot read this file: ${a.error}` }];
  }
  const out: Diagnostic[] = [];
  for (const f of a.findings) if (s.showPossibleLosses || f.evidence === 'definite') out.push(findingDiagnostic(f, uri, doc));
  for (const d of a.diagnostics) out.push(parseDiagnostic(d, doc));
  if (out.length > s.maxProblems) {
    const shown = out.slice(0, s.maxProblems);
    shown.push({
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: DiagnosticSeverity.Information,
      source: SOURCE,
      message: `${out.length - s.maxProblems} more problems not shown (cachereplay.maxProblems = ${s.maxProblems}); run "Cache Replay: Analyze Trace File..." or the CLI for all of them.`,
    });
    return shown;
  }
  return out;
}

export function ruleTitle(rule: string): string {
  return (RULES as Record<string, { title: string }>)[rule]?.title ?? rule;
}
