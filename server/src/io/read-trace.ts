// Analyses a trace from a file or a stream: in one thread (readChunks into a TraceAnalysis), or, for a long file,
// parsing in a second thread while this one replays (two-threads.ts). Shared by the CLI and the language server's
// "Analyze Trace File..." (files VS Code will not hand over).
import { TraceAnalysis, type Analysis } from '../engine/analyze.js';
import { Cancelled, finished, InputError } from './input-errors.js';
import { readChunks, traceSource, type ReadTraceOptions } from './read-chunks.js';
import { analyzeInTwoThreads, twoThreads } from './two-threads.js';

export { Cancelled, InputError };
export { cannotRead, readChunks, sizeOf, traceSource, type ReadProgress, type ReadTraceOptions, type TraceSource } from './read-chunks.js';

export async function analyzeFile(path: string, options: ReadTraceOptions = {}): Promise<Analysis> {
  const source = await traceSource(path);
  if (!source.stream && await twoThreads(options.threads, path, source.size)) return analyzeInTwoThreads(path, source.size, options);
  const analysis = new TraceAnalysis({ ...options, fileName: options.fileName ?? path });
  await readChunks(path, source.size, analysis, options);
  return finished(path, analysis.finish());
}
