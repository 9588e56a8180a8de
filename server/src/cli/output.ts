// Text, JSON and SARIF 2.1.0 renderings of the CLI's reports. Field names of the JSON output are a contract
// (docs/architecture.md, Output formats): add fields, never rename them.
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { RULES, type RuleId, type Severity } from '../engine/rules/rules.js';
import type { FileReport, ReportFinding, RunInfo } from './report.js';

function plural(n: number, w: string): string {
  return `${n} ${w}${n === 1 ? '' : 's'}`;
}

const SEVERITY_COLOR: Record<Severity, string> = { error: '1;31', warning: '1;33', information: '1;36' };

/** One finding of `path` as text: its line, and a note per related location. */
export function findingText(path: string, f: ReportFinding, color: boolean): string {
  const c = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out = [`${c('1', `${path}:${f.span.line + 1}:${f.span.start + 1}`)}: ${c(SEVERITY_COLOR[f.severity], f.severity)}: ${f.message} ${c('2', `[${f.rule}]`)}`];
  for (const rel of f.related) out.push(`  ${rel.trace ?? path}:${rel.span.line + 1}: ${c('1;36', 'note')}: ${rel.message}`);
  return out.join('\n');
}

export function renderText(reports: FileReport[], run: RunInfo, color: boolean): string {
  const c = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out: string[] = [];
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const r of reports) {
    if (r.error) {
      out.push(`${r.path}: ${c('1;31', 'error')}: ${r.error}`);
      continue;
    }
    for (const f of r.findings) {
      if (f.severity === 'error') errors++;
      else if (f.severity === 'warning') warnings++;
      else infos++;
      // A stream's findings were printed as they were found.
      if (!r.streamed) out.push(findingText(r.path, f, color));
    }
    const clean = r.findings.length === 0 ? `, ${c('1;32', 'no data loss found')}` : '';
    out.push(c('2', `${r.path}: ${r.format ?? 'unknown format'}, ${plural(r.lines, 'line')}, ${plural(r.events, 'event')}${clean}`));
  }
  out.push(`${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${infos} information (mode ${run.mode}, kernel ${run.kernel}, page ${run.pageSize}, block ${run.blockSize})`);
  return `${out.join('\n')}\n`;
}

export function renderJson(reports: FileReport[], run: RunInfo): string {
  const doc = {
    tool: 'cachereplay',
    version: run.version,
    mode: run.mode,
    kernel: run.kernel,
    pageSize: run.pageSize,
    blockSize: run.blockSize,
    files: reports.map((r) => ({
      path: r.path,
      format: r.format ?? null,
      events: r.events,
      lines: r.lines,
      ...(r.error ? { error: r.error } : {}),
      findings: r.findings.map((f) => ({
        rule: f.rule,
        severity: f.severity,
        line: f.span.line + 1,
        column: f.span.start + 1,
        endColumn: f.span.end + 1,
        message: f.message,
        file: f.file,
        lostRanges: f.lostRanges,
        lostBytes: f.lostBytes,
        evidence: f.evidence ?? null,
        ...(f.tier ? { tier: f.tier } : {}),
        related: f.related.map((rel) => ({ line: rel.span.line + 1, message: rel.message, ...(rel.trace ? { file: rel.trace } : {}) })),
      })),
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const LEVEL: Record<Severity, Sarif.Result.level> = { error: 'error', warning: 'warning', information: 'note' };

export function renderSarif(reports: FileReport[], run: RunInfo): string {
  const ruleIds = Object.keys(RULES) as RuleId[];
  // An absolute path is a file: URI; a relative one a relative reference, which must not begin with a slash
  // (SARIF1004). Both are percent-encoded as URIs are.
  const uri = (p: string) => (isAbsolute(p) ? pathToFileURL(p).href : encodeURI(p.split('\\').join('/')));
  const log: Sarif.Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'cachereplay',
            version: run.version,
            informationUri: 'https://bugs.freebsd.org/bugzilla/show_bug.cgi?id=237588',
            rules: ruleIds.map((id) => ({
              id,
              name: id.replace(/(^|-)([a-z])/g, (_m, _d, ch: string) => ch.toUpperCase()),
              shortDescription: { text: RULES[id].title },
              fullDescription: { text: RULES[id].description },
              defaultConfiguration: { level: LEVEL[RULES[id].severity] },
            })),
          },
        },
        invocations: [{ executionSuccessful: reports.every((r) => !r.error), toolExecutionNotifications: reports.filter((r) => r.error).map((r) => ({ level: 'error' as const, message: { text: `${r.path}: ${r.error}` } })) }],
        artifacts: reports.map((r) => ({ location: { uri: uri(r.path) }, ...(r.format ? { sourceLanguage: r.format } : {}) })),
        properties: { mode: run.mode, kernel: run.kernel, pageSize: run.pageSize, blockSize: run.blockSize },
        results: reports.flatMap((r, artifactIndex) =>
          r.findings.map((f) => ({
            ruleId: f.rule,
            ruleIndex: ruleIds.indexOf(f.rule),
            level: LEVEL[f.severity],
            message: { text: f.message },
            locations: [{
              physicalLocation: {
                artifactLocation: { uri: uri(r.path), index: artifactIndex },
                region: { startLine: f.span.line + 1, startColumn: f.span.start + 1, endColumn: Math.max(f.span.end, f.span.start) + 1 },
              },
            }],
            relatedLocations: f.related.map((rel, i) => ({
              id: i + 1,
              message: { text: rel.message },
              physicalLocation: { artifactLocation: rel.trace ? { uri: uri(rel.trace) } : { uri: uri(r.path), index: artifactIndex }, region: { startLine: rel.span.line + 1 } },
            })),
            properties: { tracedFile: f.file, lostRanges: f.lostRanges, lostBytes: f.lostBytes, evidence: f.evidence ?? null, ...(f.tier ? { tier: f.tier } : {}) },
          })),
        ),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
