// "Analyze strace -ff Run...": the per-process files of one run, read from disk and replayed as one
// (io/merge-files.ts). Each file gets the findings anchored in it as diagnostics, with related locations in the
// other files; a loss across processes is in none of them alone.
import { basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CancellationToken, Connection } from 'vscode-languageserver/node';
import { ffRunOf } from '../io/ff-run.js';
import { mergeFiles, type MergedFiles } from '../io/merge-files.js';
import { Cancelled, InputError } from '../io/read-trace.js';
import { publishAnalysis } from './analyze-file.js';
import type { AnalyzeFileResult, AnalyzeRunResult, CacheReplaySettings } from '../../../protocol/messages.js';
import { analyzeOptions } from './settings.js';

/** `uris`: the files of the run; a single NAME.PID stands for its whole run (the NAME.* beside it). */
export async function analyzeRun(connection: Connection, uris: string[], settings: CacheReplaySettings, token: CancellationToken): Promise<AnalyzeRunResult> {
  const t0 = Date.now();
  let paths: string[];
  try {
    paths = uris.map((u) => fileURLToPath(u));
  } catch {
    return { files: [], error: `not a local file: ${uris.find((u) => !u.startsWith('file:')) ?? uris[0]}` };
  }
  // The URIs given stay as the client spelled them; siblings found on disk get theirs from their path.
  const given = new Map(paths.map((p, i) => [p, uris[i]]));
  if (paths.length === 1) paths = await ffRunOf(paths[0]);
  // Messages name the file; related locations point at its URI.
  const refOf = (path: string) => ({ name: basename(path), location: given.get(path) ?? pathToFileURL(path).href });
  const options = analyzeOptions(settings, undefined);
  let run: MergedFiles;
  try {
    // Read as they merge, so a run of any size fits in memory.
    run = await mergeFiles(paths, [settings.cacheMode], () => ({ ...options, isCancelled: () => token.isCancellationRequested }), refOf);
  } catch (e) {
    if (e instanceof Cancelled) throw e;
    return { files: [], error: e instanceof InputError ? e.message : `internal error: ${(e as Error).message}` };
  }
  if (run.unreadable.length > 0) return { files: [], error: run.unreadable[0].message };
  const ms = Date.now() - t0;
  const files: AnalyzeFileResult[] = [];
  for (const part of run.parts) files.push(await publishAnalysis(connection, refOf(part.path).location, part.byMode.get(settings.cacheMode)!, settings, 0, ms));
  return { files };
}
