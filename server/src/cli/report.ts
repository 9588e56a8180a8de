// One record per analysed trace file, shared by the three output formats.
import type { Analysis } from '../engine/analyze.js';
import type { ParseDiagnostic, Span, TraceFormat } from '../engine/events.js';
import type { CacheMode, KernelProfile } from '../engine/model/profiles.js';
import { shownAt, type EvidenceLevel, type Finding } from '../engine/rules/findings.js';
import type { RuleId, Severity } from '../engine/rules/rules.js';

export interface ReportFinding {
  rule: RuleId;
  severity: Severity;
  span: Span;
  message: string;
  /** The traced file's path (empty for parse errors). */
  file: string;
  lostRanges: Array<[number, number]>;
  lostBytes: number;
  evidence?: string;
  /** Of a possible loss: unsynced, or stored-again (since a clean). */
  tier?: string;
  related: Array<{ span: Span; message: string; trace?: string }>;
}

export interface FileReport {
  path: string;
  format?: TraceFormat;
  events: number;
  lines: number;
  findings: ReportFinding[];
  error?: string;
  /** Read from a stream, with its findings printed as they were found (text output). */
  streamed?: boolean;
}

export interface RunInfo {
  mode: CacheMode;
  kernel: KernelProfile;
  pageSize: number;
  blockSize: number;
  version: string;
}

export function fromFinding(f: Finding): ReportFinding {
  return {
    rule: f.rule, severity: f.severity, span: f.span, message: f.message, file: f.file, lostRanges: f.lostRanges,
    lostBytes: f.lostBytes, evidence: f.evidence, ...(f.tier ? { tier: f.tier } : {}), related: f.related.map((r) => ({ span: r.span, message: r.message, ...(r.trace ? { trace: r.trace } : {}) })),
  };
}

export function fromDiagnostic(d: ParseDiagnostic): ReportFinding {
  return { rule: d.rule ?? 'parse-error', severity: d.severity, span: d.span, message: d.message, file: '', lostRanges: [], lostBytes: 0, related: [] };
}

export function reportOf(path: string, a: Analysis, evidence: EvidenceLevel): FileReport {
  const findings = [
    ...a.findings.filter((f) => shownAt(f, evidence)).map(fromFinding),
    ...a.diagnostics.map(fromDiagnostic),
  ].sort((x, y) => x.span.line - y.span.line || x.span.start - y.span.start);
  return { path, format: a.format, events: a.eventCount, lines: a.lineCount, findings };
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, information: 1 };
