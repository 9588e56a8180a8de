// The engine as a library (bundled to server/out/api.cjs): what scripts, benchmarks and other tools call.
export { analyzeText, replayEvents, TraceAnalysis, textChunks, type Analysis, type AnalyzeOptions } from './engine/analyze.js';
export { detectFormat, FORMATS, formatSpec } from './engine/syntax/formats.js';
export { analyzeFile, Cancelled, InputError, readChunks } from './io/read-trace.js';
export { TraceReader } from './engine/trace-reader.js';
export * from './engine/model/profiles.js';
export type * from './engine/events.js';
export type { Finding } from './engine/rules/findings.js';
