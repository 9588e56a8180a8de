// The custom requests and notifications between the VS Code client and the language server, typed (as
// vscode-eslint's customMessages.ts), and the settings they share. A message is its method name with the types of
// its parameters and result attached: the server registers handlers (lsp/server.ts `handle`) and the client sends
// (client/src/requests.ts `request`) through these, so that neither can disagree with the other about a shape.
// No package is imported: the client and the server bundle different versions of the LSP libraries.
import type { TraceFormat } from '../server/src/engine/events.js';
import type { CacheMode, Granularity, KernelProfile } from '../server/src/engine/model/profiles.js';

/** A request: its method, and (types only) its parameters and result. */
export interface Request<P, R> {
  readonly method: string;
  /** Never set: carries the types. */
  readonly types?: { params: P; result: R };
}

/** A notification: its method, and (types only) its parameters. */
export interface Notification<P> {
  readonly method: string;
  readonly types?: { params: P };
}

function request<P, R>(method: string): Request<P, R> {
  return { method };
}

function notification<P>(method: string): Notification<P> {
  return { method };
}

export interface CacheReplaySettings {
  cacheMode: CacheMode;
  kernel: KernelProfile;
  pageSize: number;
  blockSize: number;
  granularity: Granularity;
  /** Show possible (not definite) losses. */
  showPossibleLosses: boolean;
  /** `auto` detects the format from content. */
  format: 'auto' | TraceFormat;
  /** Only files under these prefixes are modelled. */
  mounts: string[];
  maxProblems: number;
  /** fsx logs: whether fsx msynced after each MAPWRITE (`auto`: decided from the log's dialect and banners). */
  fsxMsync: 'auto' | 'yes' | 'no';
  /** Analyze Trace File...: parse in a second thread while the first replays (ReadTraceOptions.threads). */
  threads: 'auto' | '1' | '2';
}

export const DEFAULT_SETTINGS: CacheReplaySettings = {
  cacheMode: 'write-through',
  kernel: 'freebsd',
  pageSize: 4096,
  blockSize: 65536,
  granularity: 'page',
  showPossibleLosses: true,
  format: 'auto',
  mounts: [],
  maxProblems: 1000,
  fsxMsync: 'auto',
  threads: 'auto',
};

export interface UriParams {
  uri: string;
}

export interface ModeFinding {
  rule: string;
  severity: 'error' | 'warning' | 'information';
  line: number;
  lostBytes: number;
  lostRanges: Array<[number, number]>;
  file: string;
  message: string;
}

export interface CompareModesResult {
  uri: string;
  kernel: KernelProfile;
  current: CacheMode;
  modes: Array<{ mode: CacheMode; description: string; findings: ModeFinding[] }>;
}

/** Findings under every cache mode; null when the document is not analysed. */
export const CompareModesRequest = request<UriParams, CompareModesResult | null>('cachereplay/compareModes');

export interface PageTimelineParams extends UriParams {
  /** Which traced file (by id); defaults to the file with the most findings, then the most events. */
  fileId?: number;
}

/** Page state codes: '.' not cached, 'c' clean, 'w' dirty from write(2), 'p' possibly dirty (mmap), 'm' dirty from a store, 'x' lost here. */
export type PageCode = '.' | 'c' | 'w' | 'p' | 'm' | 'x';

export interface PageTimelineResult {
  uri: string;
  mode: CacheMode;
  kernel: KernelProfile;
  files: Array<{ id: number; name: string; events: number; findings: number }>;
  fileId: number | undefined;
  pageSize: number;
  pages: number;
  /** One step per event that touched the file: the states of pages [0, pages) after it, one code per page. */
  steps: Array<{ seq: number; line: number; name: string; states: string; lost?: Array<[number, number]> }>;
  truncated: boolean;
}

export const PageTimelineRequest = request<PageTimelineParams, PageTimelineResult | null>('cachereplay/pageTimeline');

export interface AnalyzeFileParams extends UriParams {}

export interface AnalyzeFileResult {
  uri: string;
  format: string | undefined;
  lines: number;
  events: number;
  bytes: number;
  ms: number;
  mode: CacheMode;
  kernel: KernelProfile;
  counts: { error: number; warning: number; information: number; parse: number };
  findings: ModeFinding[];
  /** Diagnostics were published for the file (capped at maxProblems). */
  published: number;
  /** The threads the analysis ran in (the `threads` setting). */
  threads?: 1 | 2;
  error?: string;
}

/** Analyses a trace file the editor does not open (too big, gzipped), and publishes its findings. */
export const AnalyzeFileRequest = request<AnalyzeFileParams, AnalyzeFileResult>('cachereplay/analyzeFile');

/** The per-process files of one strace -ff run, replayed as one run (`check --merge`). */
export interface AnalyzeRunParams {
  uris: string[];
}

export interface AnalyzeRunResult {
  /** One per file, in the order given; each file's findings are published as its diagnostics. */
  files: AnalyzeFileResult[];
  /** Why the run could not be replayed (a file without timestamps, a daemon log among the files). */
  error?: string;
}

export const AnalyzeRunRequest = request<AnalyzeRunParams, AnalyzeRunResult>('cachereplay/analyzeRun');

export interface StatusParams {
  uri: string;
  mode: CacheMode;
  kernel: KernelProfile;
  format: string | undefined;
  errors: number;
  warnings: number;
  /** Possible losses of bytes stored again after a clean (the second tier of possible evidence). */
  information: number;
  ms: number;
  /** The attached FUSE log, if any. */
  fuseLog?: string;
  /** The write faults recorded beside the trace (NAME.faults), if any. */
  faults?: string;
  /** Set while the analysis is still running: the counts so far, `ms` since it began. */
  partial?: boolean;
}

/** The server tells the client what the status bar shows for a document. */
export const StatusNotification = notification<StatusParams>('cachereplay/status');

export interface AttachFuseLogParams extends UriParams {
  /** The daemon's log to correlate with the trace; absent to detach. */
  logUri?: string;
}

export interface AttachFuseLogResult {
  uri: string;
  logUri?: string;
  requests: number;
  files: string[];
  error?: string;
}

export const AttachFuseLogRequest = request<AttachFuseLogParams, AttachFuseLogResult>('cachereplay/attachFuseLog');

/**
 * Analyse the document again, reading what lies beside it afresh (the write faults `cachereplay record` writes
 * when its command ends): the client asks when a recording it started is done.
 */
export const ReanalyzeRequest = request<UriParams, { faults?: string }>('cachereplay/reanalyze');

export interface ReduceParams extends UriParams {
  /** The 0-based line of the loss. */
  line: number;
}

export interface ReduceResult {
  /** The folder the client writes them in, beside the trace (as `cachereplay reduce` names it). */
  folder?: string;
  /** The reduced run as strace text; it replays to the same finding. */
  trace?: string;
  /** A C program that makes the reduced calls on a path and reports the bytes that did not reach the file. */
  c?: string;
  /** For an fsx log: the reduced operations as a file fsx replays (fsx --replay-ops). */
  fsxOps?: string;
  before?: number;
  after?: number;
  tests?: number;
  ms?: number;
  summary?: string;
  error?: string;
}

/** Minimize to a Reproducer: the fewest calls of the trace that still lose the bytes of the loss at a line. */
export const ReduceRequest = request<ReduceParams, ReduceResult | null>('cachereplay/reduce');
