// Divergences (the model's facts) → findings (what a user reads): rule, severity from evidence, exact lost
// ranges, the events involved, and a message that names them.
import type { Evidence, Span } from '../events.js';
import type { Divergence } from '../model/file-cache.js';
import type { CacheMode, KernelProfile } from '../model/profiles.js';
import type { ReplayResult, SourceInfo } from '../model/replay.js';
import { RULES, type RuleId, type Severity } from './rules.js';

export interface Related {
  span: Span;
  message: string;
  seq?: number;
  /** Another trace the location is in (a correlated FUSE log); absent for this trace. */
  trace?: string;
}

export interface Finding {
  rule: RuleId;
  severity: Severity;
  evidence: Evidence;
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
    if (d.cause === 'write-error') out.push(ctx.writeError(d));
    else out.push(ctx.loss(d));
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
    return this.r.sources.get(seq)?.span ?? lineSpan(this.r, seq);
  }

  eventName(seq: number): string {
    return this.r.sources.get(seq)?.name ?? 'call';
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
  loss(d: Divergence): Finding {
    const r = this.r;
    this.anchor = d.seq;
    const { mode, kernel, pageSize, blockSize } = r.options;
    const rule: RuleId = d.cause === 'around-invalidate' ? 'mmap-dirty-invalidated' : d.cause === 'size-growth' ? 'daemon-size-invalidates-dirty' : 'direct-io-drops-mmap';
    const bySrc = new Map<number, Array<[number, number]>>();
    for (const l of d.lost) {
      const list = bySrc.get(l.src);
      if (list) list.push([l.start, l.end]);
      else bySrc.set(l.src, [[l.start, l.end]]);
    }
    const definite = [...bySrc.keys()].some((s) => isStoreKind(r.sources.get(s)));
    const evidence: Evidence = definite ? 'definite' : 'possible';
    const severity: Severity = definite ? RULES[rule].severity : 'warning';
    const lostRanges = merge(d.lost.map((l) => [l.start, l.end] as [number, number]));
    const lostBytes = lostRanges.reduce((n, [a, b]) => n + (b - a), 0);
    const file = this.fileName(d.fileId);
    const call = this.eventName(d.seq);
    const origins: string[] = [];
    const related: Related[] = [];
    for (const [srcSeq, ranges] of bySrc) {
      const s = r.sources.get(srcSeq);
      const rangeText = formatRanges(merge(ranges), 4);
      if (isMappingKind(s)) {
        origins.push(`possibly stored through the shared mapping made at ${this.where(s, srcSeq)} and never msync()ed`);
        related.push(this.related(srcSeq, s, `writable MAP_SHARED mapping of ${file} made here; it was not msync()ed before ${this.anchorFrom(srcSeq)}, so its stores may have been in ${rangeText}`));
      } else if (isStoreKind(s)) {
        if (s!.trace) {
          origins.push(`stored through the mapping (the daemon's log shows the kernel writing them back: ${this.where(s, srcSeq)})`);
          related.push(this.related(srcSeq, s, `the kernel wrote these pages back to the daemon here, so they were stored through the mapping: bytes ${rangeText} (definite evidence)`));
        } else {
          origins.push(`stored by the ${s!.name} at ${this.where(s, srcSeq)} and never synced`);
          related.push(this.related(srcSeq, s, `bytes ${rangeText} stored here (definite evidence) and not synced`));
        }
        if (s!.mappingSeq !== undefined && s!.mappingSeq !== srcSeq) {
          const m = r.sources.get(s!.mappingSeq);
          related.push(this.related(s!.mappingSeq, m, 'the shared mapping those stores went through was made here'));
        }
      } else {
        origins.push(`written by the ${s?.name ?? 'event'} at ${this.where(s, srcSeq)}`);
        related.push(this.related(srcSeq, s, `bytes ${rangeText} written here`));
      }
    }
    if (rule === 'direct-io-drops-mmap' && d.viaOpen !== undefined && d.viaOpen > 0) {
      related.push(this.related(d.viaOpen, r.sources.get(d.viaOpen), mode === 'uncached' ? 'the file was opened here (uncached mode: every write is direct)' : 'the descriptor used was opened here'));
    }
    let what: string;
    if (rule === 'mmap-dirty-invalidated') what = `this ${call} went around the cache and invalidated ${pagesText(d, pageSize, blockSize)} of ${file}`;
    else if (rule === 'daemon-size-invalidates-dirty') what = `${d.detail ?? 'the daemon reported a larger size'}, so the kernel discarded the whole cache of ${file}, dirty pages included`;
    else what = `this ${call} ${d.cause === 'space-invalidate' ? 'invalidated' : 'bypassed the cache and invalidated'} ${pagesText(d, pageSize, blockSize)} of ${file} without writing back mmap-dirty pages`;
    const message = `${definite ? 'data loss' : 'possible data loss'}: ${what} (${mode}, ${kernel}); ${plural(lostBytes, 'byte')} ${origins.join(' and ')} were dropped: ${formatRanges(lostRanges)}`;
    return { rule, severity, evidence, seq: d.seq, span: this.eventSpan(d.seq), file, fileId: d.fileId, lostRanges, lostBytes, message, related, mode, kernel };
  }

  /** The daemon failed a WRITE whose data the cache keeps as if it had been written. */
  writeError(d: Divergence): Finding {
    const r = this.r;
    this.anchor = d.seq;
    const { mode, kernel } = r.options;
    const file = this.fileName(d.fileId);
    const lostRanges = merge(d.lost.map((l) => [l.start, l.end] as [number, number]));
    const lostBytes = lostRanges.reduce((n, [a, b]) => n + (b - a), 0);
    const req = d.lost[0].src;
    const keep = mode === 'writeback' ? 'the kernel drops the dirty pages it tried to write back' : 'the kernel keeps the data it cached before the synchronous WRITE';
    const message = `data loss: the daemon failed this WRITE of ${file} (${d.detail ?? 'error'}), but in ${mode} mode (${kernel}) ${keep}: readers see ${plural(lostBytes, 'byte')} the file system does not have: ${formatRanges(lostRanges)}`;
    return {
      rule: 'write-error-cached', severity: RULES['write-error-cached'].severity, evidence: 'definite', seq: d.seq, span: this.eventSpan(d.seq),
      file, fileId: d.fileId, lostRanges, lostBytes, message, mode, kernel,
      related: [this.related(req, r.sources.get(req), `the WRITE request of ${formatRanges(lostRanges, 2)}`)],
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
        message = `${what}: explained by the ${f.evidence === 'definite' ? 'data loss' : 'possible data loss'} at line ${f.span.line + 1} (${f.rule}, ${mode}, ${kernel})`;
        related.push({ seq: f.seq, span: f.span, message: 'the bytes were lost here' });
        f.related.push({ seq: v.seq, span: v.span, message: `the program's check failed here, reading these bytes (${what})` });
      } else {
        message = `${what}: no loss the model finds under ${mode} (${kernel}) explains it; try another cache mode or kernel`;
      }
      out.push({
        rule: 'read-bad-data', severity: RULES['read-bad-data'].severity, evidence: 'definite', seq: v.seq, span: v.span, file,
        fileId: v.fileId ?? -1, lostRanges: v.badOffset !== undefined ? [[v.badOffset, v.offset + v.length]] : [[v.offset, v.offset + v.length]],
        lostBytes: 0, message, related, mode, kernel,
      });
    }
    return out;
  }
}
