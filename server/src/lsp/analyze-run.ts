// "Analyze strace -ff Run...": the per-process files of one run, read from disk and replayed as one
// (engine/merge.ts). Each file gets the findings anchored in it as diagnostics, with related locations in the
// other files; a loss across processes is in none of them alone.
import { basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CancellationToken, Connection } from 'vscode-languageserver/node';
import { mergeRun, type RunPart } from '../engine/merge.js';
import { ffRunOf } from '../io/ff-run.js';
import { Cancelled, InputError, analyzeFile } from '../io/read-trace.js';
import { publishAnalysis } from './analyze-file.js';
import type { AnalyzeFileResult, AnalyzeRunResult, CacheReplaySettings } from './protocol.js';
import { analyzeOptions } from './settings.js';

/** `uris`: the files of the run; a single NAME.PID stands for its whole run (the NAME.* beside it). */
export async function analyzeRun(connection: Connection, uris: string[], settings: CacheReplaySettings, token: CancellationToken): Promise<AnalyzeRunResult> {
  const t0 = Date.now();
  const parts: RunPart[] = [];
  let paths: string[];
  try {
    paths = uris.map((u) => fileURLToPath(u));
  } catch {
    return { files: [], error: `not a local file: ${uris.find((u) => !u.startsWith('file:')) ?? uris[0]}` };
  }
  // The URIs given stay as the client spelled them; siblings found on disk get theirs from their path.
  const given = new Map(paths.map((p, i) => [p, uris[i]]));
  if (paths.length === 1) paths = await ffRunOf(paths[0]);
  try {
    for (const path of paths) {
      const uri = given.get(path) ?? pathToFileURL(path).href;
      const analysis = await analyzeFile(path, { ...analyzeOptions(settings, undefined), keepEvents: true, parseOnly: true, isCancelled: () => token.isCancellationRequested });
      // Messages name the file; related locations point at its URI.
      parts.push({ name: basename(path), location: uri, analysis });
    }
  } catch (e) {
    if (e instanceof Cancelled) throw e;
    return { files: [], error: e instanceof InputError ? e.message : `internal error: ${(e as Error).message}` };
  }
  const run = mergeRun(parts, analyzeOptions(settings, undefined));
  if (run.error !== undefined) return { files: [], error: run.error };
  const ms = Date.now() - t0;
  const files: AnalyzeFileResult[] = [];
  for (let k = 0; k < parts.length; k++) files.push(await publishAnalysis(connection, parts[k].location!, run.parts[k], settings, 0, ms));
  return { files };
}
