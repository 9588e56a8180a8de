// Divergences (the model's facts) → findings (what a user reads): rule, severity from evidence, exact lost
// ranges, the events involved, and a message that names them.
import type { Evidence, Span } from '../events.js';
import type { Divergence } from '../model/file-cache.js';
import type { CacheMode, KernelProfile } from '../model/profiles.js';
import type { ReplayResult, SourceInfo } from '../model/replay.js';
import { DAEMON_SEQ } from '../model/stored-since.js';
import { explainedMessage, unexplainedMessage } from './read-bad-data.js';
import { RULE_OF_CAUSE, type LossCause } from './rule-of-cause.js';
import { RULES, type RuleId, type Severity } from './rules.js';
import { writeErrorMessage } from './write-error-cached.js';

export interface Related {
  span: Span;
  message: string;
  seq?: number;
  /** Another trace the location is in (a correlated FUSE log); absent for this trace. */
  trace?: string;
}

/**
 * Of a possible loss: whether the lost bytes may have been stored since their mapping was made and never synced
 * (`unsynced`, the bug 237588 shape), or only since an event made them clean (`stored-again`).
 */
export type PossibleTier = 'unsynced' | 'stored-again';

/** The least evidence a finding needs to be shown: definite, definite or unsynced, or any (possible). */
export type EvidenceLevel = 'definite' | 'unsynced' | 'possible';

export function shownAt(f: Pick<Finding, 'evidence' | 'tier'>, level: EvidenceLevel): boolean {
  return level === 'possible' || f.evidence === 'definite' || (level === 'unsynced' && f.tier === 'unsynced');
}

export interface Finding {
  rule: RuleId;
  severity: Severity;
  evidence: Evidence;
  /** Set on possible losses. */
  tier?: PossibleTier;
  seq: number;
  span: Span;
  file: string;
  fileId: number;
  lostRanges: Array<[number, number]>;
  lostBytes: number;
  message: string;
  related: Related[];
  mode: CacheMode;
  kernel: KernelProfile;
}

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** Seconds since the epoch as the time of day, to the microsecond (HH:MM:SS.ffffff). */
export function timeOfDay(t: number): string {
  const s = Math.floor(t);
  const us = Math.round((t - s) * 1e6);
  return `${new Date(s * 1000).toISOString().slice(11, 19)}.${String(Math.min(us, 999999)).padStart(6, '0')}`;
}

export function formatRanges(ranges: Array<[number, number]>, max = 6): string {
  const shown = ranges.slice(0, max).map(([a, b]) => `[${hex(a)}, ${hex(b)})`);
  if (ranges.length > max) shown.push(`and ${ranges.length - max} more`);
  return shown.join(' ');
}

function merge(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...ranges].sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last[1] >= r[0]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

function pagesText(d: Divergence, pageSize: number, blockSize: number): string {
  const unit = d.granularity === 'block' ? blockSize : pageSize;
  const first = d.invalidated[0] / unit;
  const last = d.invalidated[1] / unit - 1;
  const noun = d.granularity === 'block' ? 'block' : 'page';
  return first === last ? `${noun} ${first}` : `${noun}s ${first}-${last}`;
}

/** "a", "a and b", "a, b and c", "a, b, c and 4 more". */
function listed(items: Array<string | number>, max = 3): string {
  const shown = items.slice(0, max).map(String);
  if (items.length > max) shown.push(`${items.length - max} more`);
  return shown.length <= 1 ? shown.join('') : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function isStoreKind(s: SourceInfo | undefined): boolean {
  return s?.kind === 'store';
}

function isMappingKind(s: SourceInfo | undefined): boolean {
  return s?.kind === 'mmap' || s?.kind === 'mremap' || s?.kind === 'mprotect';
}

function lineSpan(r: ReplayResult, seq: number): Span {
  return { line: r.lineOf(seq), start: 0, end: 0 };
}

/** A trace of a run replayed as one: its name in messages, and its location for related locations. */
export interface TraceRef {
  name: string;
  location: string;
}

/**
 * Turns the replay's divergences into findings, and links the program's own failed checks to them. `traceOf`:
 * for a replay of several traces as one run, which trace each event is in; locations in a trace other than the
 * finding's own then name it.
 */
export function findingsOf(r: ReplayResult, traceOf?: (seq: number) => TraceRef): Finding[] {
  const ctx = new FindingContext(r, traceOf);
  const out: Finding[] = [];
  for (const d of r.divergences) {
    if (d.cause === 'daemon-write-failed') out.push(ctx.writeError(d));
    else out.push(ctx.loss(d, d.cause));
  }
  out.push(...ctx.verifies(out));
  return out;
}

class FindingContext {
  /** The event of the finding being built: locations in another trace than its own are named. */
  private anchor = 0;

  constructor(readonly r: ReplayResult, private readonly traceOf?: (seq: number) => TraceRef) {}

  /** The trace `seq` is in, when that is not the trace of `from`; undefined for a replay of one trace. */
  private traceApart(seq: number, from: number): TraceRef | undefined {
    if (this.traceOf === undefined) return undefined;
    const t = this.traceOf(seq);
    return t.location === this.traceOf(from).location ? undefined : t;
  }

  /** The trace `seq` is in, when that is not the anchor's (sources from a correlated daemon log say their own). */
  private otherTrace(s: SourceInfo | undefined, seq: number): TraceRef | undefined {
    return s?.trace ? { name: s.trace, location: s.trace } : this.traceApart(seq, this.anchor);
  }

  eventSpan(seq: number): Span {
    return this.r.source(seq)?.span ?? lineSpan(this.r, seq);
  }

  eventName(seq: number): string {
    return this.r.source(seq)?.name ?? 'call';
  }

  fileName(id: number): string {
    return this.r.files[id]?.name ?? `file #${id}`;
  }

  /** Where a source is: "line N", or "line N of <other trace>" for a correlated daemon log. */
  where(s: SourceInfo | undefined, seq: number): string {
    const line = (s?.span.line ?? this.r.lineOf(seq)) + 1;
    const trace = this.otherTrace(s, seq);
    return trace ? `line ${line} of ${trace.name}` : `line ${line}`;
  }

  /** "line N" of the finding's own event, as a note at `from` says it (naming the anchor's trace if `from` is elsewhere). */
  anchorFrom(from: number): string {
    const line = `line ${this.eventSpan(this.anchor).line + 1}`;
    const t = this.traceApart(this.anchor, from);
    return t ? `${line} of ${t.name}` : line;
  }

  related(seq: number, s: SourceInfo | undefined, message: string): Related {
    const trace = this.otherTrace(s, seq)?.location;
    return { seq, span: s?.span ?? lineSpan(this.r, seq), message, ...(trace ? { trace } : {}) };
  }

  /** Bytes dropped by an invalidation (write, space operation) or by the daemon's size report. */
  loss(d: Divergence, cause: LossCause): Finding {
    const r = this.r;
    this.anchor = d.seq;
    const { mode, kernel, pageSize, blockSize } = r.options;
    const lossRule = RULE_OF_CAUSE[cause];
    const rule = lossRule.id;
    const bySrc = new Map<number, Array<[number, number]>>();
    for (const l of d.lost) {
      const list = bySrc.get(l.src);
      if (list) list.push([l.start, l.end]);
      else bySrc.set(l.src, [[l.start, l.end]]);
    }
    // Each fact once: the lost bytes grouped by what is known of them (stored, written, possibly stored since the
    // mapping was made, possibly stored since an event cleaned them), each group naming its events.
    const stored: number[] = [];
    const daemonStored: number[] = [];
    const written: number[] = [];
    const unsynced = new Map<number, number[]>();
    const again = new Map<number, number[]>();
    const group = (m: Map<number, number[]>, key: number, src: number) => {
      const list = m.get(key);
      if (list) list.push(src);
      else m.set(key, [src]);
    };
    for (const srcSeq of bySrc.keys()) {
      const s = r.source(srcSeq);
      if (isMappingKind(s)) group(s!.since ? again : unsynced, s!.mappingSeq ?? srcSeq, srcSeq);
      else if (isStoreKind(s)) (srcSeq >= DAEMON_SEQ ? daemonStored : stored).push(srcSeq);
      else written.push(srcSeq);
    }
    const definite = stored.length + daemonStored.length + written.length > 0;
    const tier: PossibleTier | undefined = definite ? undefined : unsynced.size > 0 ? 'unsynced' : 'stored-again';
    const evidence: Evidence = definite ? 'definite' : 'possible';
    const severity: Severity = definite ? RULES[rule].severity : tier === 'unsynced' ? 'warning' : 'information';
    const lostRanges = merge(d.lost.map((l) => [l.start, l.end] as [number, number]));
    const lostBytes = lostRanges.reduce((n, [a, b]) => n + (b - a), 0);
    const file = this.fileName(d.fileId);
    const call = this.eventName(d.seq);
    const rangesOf = (srcs: number[]) => formatRanges(merge(srcs.flatMap((x) => bySrc.get(x)!)), 4);
    const origins: string[] = [];
    const related: Related[] = [];
    for (const srcSeq of stored) {
      const s = r.source(srcSeq)!;
      origins.push(`stored by the ${s.name} at ${this.where(s, srcSeq)} and never synced`);
      const fault = s.fault ? `: a write fault at ${hex(s.fault.addr)}${s.fault.time !== undefined && s.fault.time > 1e8 ? `, ${timeOfDay(s.fault.time)} UTC` : ''}` : '';
      related.push(this.related(srcSeq, s, `bytes ${rangesOf([srcSeq])} stored here (definite evidence${fault}) and not synced`));
      this.mappingNote(s, srcSeq, related);
    }
    if (daemonStored.length > 0) {
      const first = r.source(daemonStored[0])!;
      const lines = daemonStored.map((x) => r.source(x)!.span.line + 1);
      origins.push(`stored through the mapping (the daemon's log shows the kernel writing them back before this call, at ${lines.length === 1 ? 'line' : 'lines'} ${listed(lines)} of ${first.trace})`);
      for (const x of daemonStored) related.push(this.related(x, r.source(x), `the kernel wrote bytes ${rangesOf([x])} back to the daemon here, before ${this.anchorFrom(x)}: they had been stored through the mapping (definite evidence)`));
      this.mappingNote(first, daemonStored[0], related);
    }
    for (const srcSeq of written) {
      const s = r.source(srcSeq);
      origins.push(`written by the ${s?.name ?? 'event'} at ${this.where(s, srcSeq)}`);
      related.push(this.related(srcSeq, s, `bytes ${rangesOf([srcSeq])} written here`));
    }
    for (const [mappingSeq, srcs] of unsynced) {
      const m = r.source(mappingSeq) ?? r.source(srcs[0]);
      origins.push(`possibly stored through the shared mapping made at ${this.where(m, mappingSeq)} and not synced since`);
      related.push(this.related(mappingSeq, m, `writable MAP_SHARED mapping of ${file} made here; none of its pages in ${rangesOf(srcs)} was synced before ${this.anchorFrom(mappingSeq)}, so the program may have stored into them`));
    }
    for (const [mappingSeq, srcs] of again) {
      const m = r.source(mappingSeq);
      const sinces = srcs.map((x) => r.source(x)!.since!).sort((x, y) => x.seq - y.seq);
      const at = sinces.map((x) => `the ${x.name} at ${this.where({ span: x.span } as SourceInfo, x.seq)}`);
      origins.push(`possibly stored again through the shared mapping made at ${this.where(m, mappingSeq)} after ${listed(at)} made them clean`);
      if (!unsynced.has(mappingSeq)) related.push(this.related(mappingSeq, m, `writable MAP_SHARED mapping of ${file} made here; it was still mapped writable at ${this.anchorFrom(mappingSeq)}`));
      for (const x of srcs) {
        const since = r.source(x)!.since!;
        related.push({ seq: since.seq, span: since.span, message: `bytes ${rangesOf([x])} were clean after this ${since.name}; the program may have stored into them again before ${this.anchorFrom(since.seq)}` });
      }
    }
    if (cause === 'direct-write-invalidated-blocks' && d.viaOpen !== undefined && d.viaOpen > 0) {
      related.push(this.related(d.viaOpen, r.source(d.viaOpen), mode === 'uncached' ? 'the file was opened here (uncached mode: every write is direct)' : 'the descriptor used was opened here'));
    }
    const what = lossRule.what({ call, file, units: pagesText(d, pageSize, blockSize), mode, kernel, detail: d.detail });
    const message = `${definite ? 'data loss' : 'possible data loss'}: ${what} (${mode}, ${kernel}); ${plural(lostBytes, 'byte')} ${origins.join(' and ')} were dropped: ${formatRanges(lostRanges)}`;
    return { rule, severity, evidence, ...(tier ? { tier } : {}), seq: d.seq, span: this.eventSpan(d.seq), file, fileId: d.fileId, lostRanges, lostBytes, message, related, mode, kernel };
  }

  /** The mapping a definite store went through, when it is not the store itself. */
  private mappingNote(s: SourceInfo, srcSeq: number, related: Related[]): void {
    if (s.mappingSeq === undefined || s.mappingSeq === srcSeq) return;
    related.push(this.related(s.mappingSeq, this.r.source(s.mappingSeq), 'the shared mapping those stores went through was made here'));
  }

  /**
   * The daemon failed a WRITE whose data the cache keeps, clean, as if it had been written: from the daemon's log
   * (a failed WRITE reply), or from a client trace (write(2) = -1 in FreeBSD's write-through). `lost[0]` is the
   * write's own bytes; any further ranges are dirty pages the failed WRITE carried, now clean and never resent.
   */
  writeError(d: Divergence): Finding {
    const r = this.r;
    this.anchor = d.seq;
    const { mode, kernel } = r.options;
    const file = this.fileName(d.fileId);
    const own = d.lost[0];
    const ownRanges: Array<[number, number]> = [[own.start, own.end]];
    const possible = (l: { src: number }) => isMappingKind(r.source(l.src));
    const carried = merge(d.lost.slice(1).filter((l) => !possible(l)).map((l) => [l.start, l.end] as [number, number]));
    const maybeCarried = merge(d.lost.slice(1).filter(possible).map((l) => [l.start, l.end] as [number, number]));
    const lostRanges = merge([...ownRanges, ...carried, ...maybeCarried]);
    const lostBytes = lostRanges.reduce((n, [a, b]) => n + (b - a), 0);
    const fromTrace = own.src === d.seq;
    const what = fromTrace ? `the daemon failed this ${this.eventName(d.seq)} of ${file}` : `the daemon failed this WRITE of ${file} (${d.detail ?? 'error'})`;
    let message = writeErrorMessage(what, mode, kernel, plural(own.end - own.start, 'byte'), formatRanges(ownRanges));
    const bytes = (rs: Array<[number, number]>) => plural(rs.reduce((n, [a, b]) => n + (b - a), 0), 'byte');
    if (carried.length > 0) message += `; and ${bytes(carried)} of dirty pages the failed WRITE carried (vfs_setdirty_range) are now clean and will never be written: ${formatRanges(carried)}`;
    if (maybeCarried.length > 0) message += `; and ${bytes(maybeCarried)} possibly stored through a shared mapping, which the WRITE carried if they were, may be lost the same way: ${formatRanges(maybeCarried)}`;
    const related = fromTrace ? [] : [this.related(own.src, r.source(own.src), `the WRITE request of ${formatRanges(ownRanges, 2)}`)];
    for (const l of d.lost.slice(1)) {
      const s = r.source(l.src);
      if (s !== undefined) related.push(this.related(l.src, s, `bytes [${hex(l.start)}, ${hex(l.end)}) were dirty since here, and went out with the failed WRITE`));
    }
    return {
      rule: 'write-error-cached', severity: RULES['write-error-cached'].severity, evidence: 'definite', seq: d.seq, span: this.eventSpan(d.seq),
      file, fileId: d.fileId, lostRanges, lostBytes, message, mode, kernel, related,
    };
  }

  /**
   * The program's own checks (fsx READ BAD DATA...): each is linked to the loss that explains it (a loss before
   * it whose bytes it read), or said to be unexplained under this mode.
   */
  verifies(findings: Finding[]): Finding[] {
    const r = this.r;
    const { mode, kernel } = r.options;
    const out: Finding[] = [];
    for (const v of r.verifies) {
      const at = v.badOffset ?? v.offset;
      const explains = findings.filter((f) => f.seq < v.seq && (v.fileId === undefined || f.fileId === v.fileId)
        && f.lostRanges.some(([a, b]) => a <= at && at < b || (v.badOffset === undefined && a < v.offset + v.length && b > v.offset)));
      const file = v.fileId !== undefined ? this.fileName(v.fileId) : explains[0]?.file ?? '';
      const what = v.detail ?? `the program read bad data at ${hex(at)}`;
      let message: string;
      const related: Related[] = [];
      if (explains.length > 0) {
        const f = explains[explains.length - 1];
        message = explainedMessage(what, { definite: f.evidence === 'definite', line: f.span.line + 1, rule: f.rule }, mode, kernel);
        related.push({ seq: f.seq, span: f.span, message: 'the bytes were lost here' });
        f.related.push({ seq: v.seq, span: v.span, message: `the program's check failed here, reading these bytes (${what})` });
      } else {
        message = unexplainedMessage(what, mode, kernel);
      }
      out.push({
        rule: 'read-bad-data', severity: RULES['read-bad-data'].severity, evidence: 'definite', seq: v.seq, span: v.span, file,
        // At least the first bad byte, which fsx may report at or past the end of the range it read.
        fileId: v.fileId ?? -1, lostRanges: v.badOffset !== undefined ? [[v.badOffset, Math.max(v.offset + v.length, v.badOffset + 1)]] : [[v.offset, Math.max(v.offset + v.length, v.offset + 1)]],
        lostBytes: 0, message, related, mode, kernel,
      });
    }
    return out;
  }
}
