// Settings pulled from the client (workspace/configuration, section "cachereplay"), cached per document and
// dropped on didChangeConfiguration. Clients without the capability get initializationOptions or defaults.
import { MessageType, ShowMessageNotification, type Connection } from 'vscode-languageserver/node';
import type { AnalyzeOptions } from '../engine/analyze.js';
import type { TraceEvent } from '../engine/events.js';
import type { DaemonEvidence } from '../engine/model/daemon.js';
import { CACHE_MODES, isKernel, isMode, RETIRED_MODES } from '../engine/model/profiles.js';
import { DEFAULT_SETTINGS, type CacheReplaySettings } from '../../../protocol/messages.js';
import { FORMAT_NAMES, formatOfLanguage } from '../../../protocol/tables.js';

const FORMAT_SETTINGS: readonly string[] = ['auto', ...FORMAT_NAMES];

function pow2(n: unknown, def: number): number {
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0 ? n : def;
}

/** Anything a client sends is checked: a bad value falls back to its default instead of breaking analysis. */
export function normalize(raw: unknown): CacheReplaySettings {
  const r = (raw ?? {}) as Record<string, unknown>;
  const d = DEFAULT_SETTINGS;
  const pageSize = pow2(r.pageSize, d.pageSize);
  return {
    cacheMode: typeof r.cacheMode === 'string' && isMode(r.cacheMode) ? r.cacheMode : d.cacheMode,
    kernel: typeof r.kernel === 'string' && isKernel(r.kernel) ? r.kernel : d.kernel,
    pageSize,
    blockSize: Math.max(pageSize, pow2(r.blockSize, d.blockSize)),
    granularity: r.granularity === 'block' ? 'block' : 'page',
    showPossibleLosses: typeof r.showPossibleLosses === 'boolean' ? r.showPossibleLosses : d.showPossibleLosses,
    format: typeof r.format === 'string' && FORMAT_SETTINGS.includes(r.format) ? (r.format as CacheReplaySettings['format']) : d.format,
    mounts: Array.isArray(r.mounts) ? r.mounts.filter((m): m is string => typeof m === 'string' && m.length > 0) : d.mounts,
    maxProblems: typeof r.maxProblems === 'number' && r.maxProblems > 0 ? Math.floor(r.maxProblems) : d.maxProblems,
    fsxMsync: r.fsxMsync === 'yes' || r.fsxMsync === 'no' ? r.fsxMsync : d.fsxMsync,
    threads: r.threads === '1' || r.threads === '2' ? r.threads : d.threads,
  };
}

/** A FUSE daemon log attached to a trace ("Attach FUSE Log..."): its evidence goes into the replay. */
export interface AttachedLog {
  uri: string;
  evidence: DaemonEvidence;
  requests: number;
}

/** The write faults recorded beside a trace (NAME.faults beside NAME.strace, from `cachereplay record`). */
export interface AttachedFaults {
  uri: string;
  /** When the file was last changed: a new recording is new evidence. */
  mtimeMs: number;
  faults: TraceEvent[];
}

/** What one analysis runs with: the user's settings plus what is attached to the document. */
export interface AnalysisSettings extends CacheReplaySettings {
  fuseLog?: AttachedLog;
  faults?: AttachedFaults;
}

export function analyzeOptions(s: AnalysisSettings, languageId: string | undefined): AnalyzeOptions {
  // Language ids that name a format force it; `trace` (and anything else) means detect from content.
  const format = s.format !== 'auto' ? s.format : formatOfLanguage(languageId);
  return {
    mode: s.cacheMode, kernel: s.kernel, pageSize: s.pageSize, blockSize: s.blockSize, granularity: s.granularity,
    mounts: s.mounts, format, daemon: s.fuseLog?.evidence, fsxMsync: s.fsxMsync === 'auto' ? undefined : s.fsxMsync === 'yes', faults: s.faults?.faults,
  };
}

/** A key that changes whenever a setting that affects analysis changes. */
export function settingsKey(s: AnalysisSettings, languageId: string | undefined): string {
  return JSON.stringify([s.cacheMode, s.kernel, s.pageSize, s.blockSize, s.granularity, s.format, s.mounts, s.fsxMsync, languageId, s.fuseLog?.uri, s.faults?.uri, s.faults?.mtimeMs]);
}

export class SettingsStore {
  private readonly cache = new Map<string, Promise<CacheReplaySettings>>();
  pull = false;
  fallback: CacheReplaySettings = DEFAULT_SETTINGS;

  constructor(private readonly connection: Connection) {}

  get(uri: string): Promise<CacheReplaySettings> {
    if (!this.pull) return Promise.resolve(this.fallback);
    let s = this.cache.get(uri);
    if (!s) {
      s = this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'cachereplay' }).then((raw: unknown) => this.checked(raw), () => this.fallback);
      this.cache.set(uri, s);
    }
    return s;
  }

  clear(pushed?: unknown): void {
    this.cache.clear();
    if (pushed !== undefined && pushed !== null && typeof pushed === 'object' && 'cachereplay' in pushed) {
      this.fallback = this.checked((pushed as { cachereplay: unknown }).cachereplay);
    }
  }

  private warned = new Set<string>();

  /** normalize(), saying once why a retired cache mode is not used (it falls back to the default). */
  checked(raw: unknown): CacheReplaySettings {
    const mode = (raw as { cacheMode?: unknown } | undefined)?.cacheMode;
    if (typeof mode === 'string' && RETIRED_MODES[mode] !== undefined && !this.warned.has(mode)) {
      this.warned.add(mode);
      // A notification, not window/showMessageRequest: it may go out while initialize is answered.
      void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `cachereplay.cacheMode "${mode}": ${RETIRED_MODES[mode].replace('use --kernel freebsd-2019 --mode write-through', 'choose kernel freebsd-2019 and mode write-through')}. Using ${DEFAULT_SETTINGS.cacheMode}.` });
    }
    return normalize(raw);
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}

export { CACHE_MODES };
