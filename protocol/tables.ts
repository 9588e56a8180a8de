// The tables every front end shares: the editor languages and the formats they read, the cache modes and the
// kernels, as users see them. package.json's languages, grammars, activation events and setting enums are
// generated from here (protocol/package-contributes.ts, `npm run sync:package`); the client's document selector,
// the server's language-to-format map, the settings' checks and the CLI's help read them; test/protocol checks
// package.json against them both ways. The lists of modes, kernels and formats themselves are the engine's: a
// Record over each makes a new one fail to compile until it is described here.
import type { TraceFormat } from '../server/src/engine/events.js';
import type { CacheMode, KernelProfile } from '../server/src/engine/model/profiles.js';

export interface LanguageEntry {
  /** The VS Code language id (and the grammar's name: syntaxes/<id>.tmLanguage.json, scope source.<id>). */
  id: string;
  /** The format a document of this language is read as; undefined: detected from content. */
  format: TraceFormat | undefined;
  aliases: string[];
  extensions: string[];
  /** VS Code picks the language from a file's first line when its extension says nothing. */
  firstLine?: string;
}

export const LANGUAGES: readonly LanguageEntry[] = [
  {
    id: 'trace', format: undefined, aliases: ['Syscall Trace', 'trace'], extensions: ['.trace'],
    firstLine: '^(?:\\[pid +\\d+\\] |\\d+ +)?(?:\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)? +)?(?:execve|openat|open)\\(|^ *\\d+ +\\S.* (?:CALL|RET|NAMI) |^unique: \\d+, opcode: |^FUSE library version',
  },
  {
    id: 'strace', format: 'strace', aliases: ['strace', 'strace output'], extensions: ['.strace'],
    firstLine: '^(?:\\[pid +\\d+\\] |\\d+ +)?(?:\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)? +|\\d+\\.\\d+ +)?execve\\(',
  },
  { id: 'kdump', format: 'kdump', aliases: ['kdump (ktrace)', 'kdump'], extensions: ['.kdump', '.ktrace.txt'] },
  { id: 'dtruss', format: 'dtruss', aliases: ['DTrace / dtruss', 'dtruss'], extensions: ['.dtruss', '.dtrace'] },
  { id: 'fuselog', format: 'fuse', aliases: ['libfuse debug log', 'fuselog'], extensions: ['.fuselog'], firstLine: '^(?:FUSE library version|unique: \\d+, opcode: )' },
  { id: 'fsxlog', format: 'fsx', aliases: ['fsx log', 'fsxlog'], extensions: ['.fsxlog', '.fsxops'] },
  { id: 'perf', format: 'perf', aliases: ['perf script / perf trace', 'perf'], extensions: ['.faults', '.perf', '.perftrace'] },
];

export const LANGUAGE_IDS: readonly string[] = LANGUAGES.map((l) => l.id);

/** The format a language id forces; undefined for `trace` and unknown ids (detect from content). */
export function formatOfLanguage(id: string | undefined): TraceFormat | undefined {
  return LANGUAGES.find((l) => l.id === id)?.format;
}

/** Each format as the format setting and the CLI's --format describe it. */
export const FORMATS: Record<TraceFormat, string> = {
  strace: 'strace output',
  kdump: 'FreeBSD/OpenBSD/NetBSD kdump output',
  dtruss: 'dtruss output',
  dtrace: 'plain dtrace output',
  fuse: 'libfuse debug (-d) log',
  fsx: 'fsx operation log',
  perf: 'perf script or perf trace output (write faults: definite stores)',
};

export const FORMAT_NAMES = Object.keys(FORMATS) as TraceFormat[];

export const MODES: Record<CacheMode, string> = {
  uncached: 'Direct I/O: no data cache; writes go straight to the daemon and drop the cached pages they touch, whole 64 KiB blocks on FreeBSD (FOPEN_DIRECT_IO, data_cache_mode=0).',
  'write-through': 'write(2) is sent to the daemon synchronously: around the cache, invalidating it, on FreeBSD before r349038 (bug 237588); through it since, and on Linux. The default everywhere.',
  writeback: 'write(2) dirties the cache; data reaches the daemon at fsync, msync, close or page-out (FUSE_WRITEBACK_CACHE).',
};

export const KERNELS: Record<KernelProfile, string> = {
  'freebsd-2019': 'FreeBSD fusefs before r349038 (projects/fuse2): its write-through was write-around, the state of bug 237588.',
  freebsd: 'Current FreeBSD fusefs (r349038 and later): write-through does a read-modify-write of the 64 KiB cache block.',
  linux: 'Linux FUSE: dirty pages are written back before every invalidation, and at munmap and close.',
};
