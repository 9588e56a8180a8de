// "Analyze Trace File...": VS Code never hands a file over 50 MB to an extension, so the client sends the URI
// and the server streams the file from disk, with progress and cancellation, and publishes what it finds.
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CancellationToken, Connection, Diagnostic } from 'vscode-languageserver/node';
import type { Analysis } from '../engine/analyze.js';
import { Cancelled, InputError, analyzeFile } from '../io/read-trace.js';
import { faultsBeside, readFaultsFile } from '../io/faults-file.js';
import { modeFinding } from './compare-modes.js';
import { diagnosticsOf } from './diagnostics.js';
import type { AnalyzeFileResult, CacheReplaySettings } from '../../../protocol/messages.js';
import { analyzeOptions } from './settings.js';

export interface Progress {
  report(pct: number, message: string): void;
  done(): void;
}

export async function analyzeTraceFile(
  connection: Connection,
  uri: string,
  settings: CacheReplaySettings,
  token: CancellationToken,
  progress: Progress | undefined,
  progressCancelled: () => boolean,
): Promise<AnalyzeFileResult> {
  const t0 = Date.now();
  const base = { uri, mode: settings.cacheMode, kernel: settings.kernel };
  let path: string;
  try {
    path = fileURLToPath(uri);
  } catch {
    return { ...base, format: undefined, lines: 0, events: 0, bytes: 0, ms: 0, counts: { error: 0, warning: 0, information: 0, parse: 0 }, findings: [], published: 0, error: `not a local file: ${uri}` };
  }
  let bytes = 0;
  let lastPct = -1;
  try {
    // The write faults `cachereplay record` wrote beside the trace, as `check` reads them.
    const faultsFile = await faultsBeside(path);
    const faults = faultsFile !== undefined ? (await readFaultsFile(faultsFile, pathToFileURL(faultsFile).toString())).faults : undefined;
    const a = await analyzeFile(path, {
      ...analyzeOptions(settings, undefined),
      faults,
      // A long trace is parsed in a second thread while this one replays (auto: from about 500,000 lines).
      threads: settings.threads === 'auto' ? 'auto' : settings.threads === '2' ? 2 : 1,
      // Yield between chunks so that the cancel request itself can be received.
      isCancelled: () => token.isCancellationRequested || progressCancelled(),
      onProgress: (p) => {
        bytes = p.bytes;
        const pct = p.total > 0 ? Math.floor((p.bytes / p.total) * 100) : 0;
        if (pct !== lastPct) {
          lastPct = pct;
          progress?.report(pct, `${(p.bytes / 1e6).toFixed(0)} of ${(p.total / 1e6).toFixed(0)} MB`);
        }
      },
    });
    return await publishAnalysis(connection, uri, a, settings, bytes, Date.now() - t0);
  } catch (e) {
    if (e instanceof Cancelled) throw e;
    const error = e instanceof InputError ? e.message : `internal error: ${(e as Error).message}`;
    return { ...base, format: undefined, lines: 0, events: 0, bytes, ms: Date.now() - t0, counts: { error: 0, warning: 0, information: 0, parse: 0 }, findings: [], published: 0, error };
  } finally {
    progress?.done();
  }
}

/** Publishes the analysis of a file read from disk as that file's diagnostics, and sums it up for the client. */
export async function publishAnalysis(connection: Connection, uri: string, a: Analysis, settings: CacheReplaySettings, bytes: number, ms: number): Promise<AnalyzeFileResult> {
  const diagnostics: Diagnostic[] = diagnosticsOf(a, uri, undefined, settings);
  await connection.sendDiagnostics({ uri, diagnostics });
  const counts = { error: 0, warning: 0, information: 0, parse: a.diagnostics.length };
  for (const f of a.findings) counts[f.severity]++;
  return {
    uri, mode: settings.cacheMode, kernel: settings.kernel, format: a.format, lines: a.lineCount, events: a.eventCount, bytes, ms, counts,
    findings: a.findings.slice(0, 200).map(modeFinding), published: diagnostics.length, threads: a.threads ?? 1,
  };
}
