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

/** Turns the replay's divergences into findings. */
export function findingsOf(r: ReplayResult): Finding[] {
  const out: Finding[] = [];
  const eventSpan = (seq: number): Span => r.sources.get(seq)?.span ?? lineSpan(r, seq);
  const eventName = (seq: number): string => r.sources.get(seq)?.name ?? 'call';
  const fileName = (id: number): string => r.files[id]?.name ?? `file #${id}`;
  const { mode, kernel, pageSize, blockSize } = r.options;
  for (const d of r.divergences) {
    const rule: RuleId = d.cause === 'around-invalidate' ? 'mmap-dirty-invalidated' : 'direct-io-drops-mmap';
    const bySrc = new Map<number, Array<[number, number]>>();
    for (const l of d.lost) {
      const list = bySrc.get(l.src);
      if (list) list.push([l.start, l.end]);
      else bySrc.set(l.src, [[l.start, l.end]]);
    }
    const srcs = [...bySrc.keys()].map((s) => r.sources.get(s));
    const definite = srcs.some(isStoreKind);
    const evidence: Evidence = definite ? 'definite' : 'possible';
    const severity: Severity = definite ? RULES[rule].severity : 'warning';
    const lostRanges = merge(d.lost.map((l) => [l.start, l.end] as [number, number]));
    const lostBytes = lostRanges.reduce((n, [a, b]) => n + (b - a), 0);
    const file = fileName(d.fileId);
    const call = eventName(d.seq);

    const origins: string[] = [];
    const related: Related[] = [];
    for (const [srcSeq, ranges] of bySrc) {
      const s = r.sources.get(srcSeq);
      const line = (s?.span.line ?? r.lineOf(srcSeq)) + 1;
      const rangeText = formatRanges(merge(ranges), 4);
      if (isMappingKind(s)) {
        origins.push(`possibly stored through the shared mapping made at line ${line} and never msync()ed`);
        related.push({ seq: srcSeq, span: s!.span, message: `writable MAP_SHARED mapping of ${file} made here; it was not msync()ed before line ${eventSpan(d.seq).line + 1}, so its stores may have been in ${rangeText}` });
      } else if (isStoreKind(s)) {
        origins.push(`stored by the ${s!.name} at line ${line} and never synced`);
        related.push({ seq: srcSeq, span: s!.span, message: `bytes ${rangeText} stored here (definite evidence) and not synced` });
        if (s!.mappingSeq !== undefined && s!.mappingSeq !== srcSeq) {
          const m = r.sources.get(s!.mappingSeq);
          related.push({ seq: s!.mappingSeq, span: m?.span ?? lineSpan(r, s!.mappingSeq), message: `the shared mapping those stores went through was made here` });
        }
      } else {
        origins.push(`written by the ${s?.name ?? 'event'} at line ${line}`);
        related.push({ seq: srcSeq, span: s?.span ?? lineSpan(r, srcSeq), message: `bytes ${rangeText} written here` });
      }
    }
    if (rule === 'direct-io-drops-mmap' && d.viaOpen !== undefined && d.viaOpen > 0) {
      related.push({ seq: d.viaOpen, span: eventSpan(d.viaOpen), message: mode === 'uncached' ? 'the file was opened here (uncached mode: every write is direct)' : 'the descriptor used was opened here' });
    }
    const how = rule === 'mmap-dirty-invalidated' ? 'went around the cache and invalidated' : d.cause === 'space-invalidate' ? 'invalidated' : 'bypassed the cache and invalidated';
    const writeBack = rule === 'direct-io-drops-mmap' ? ' without writing back mmap-dirty pages' : '';
    const message = `${definite ? 'data loss' : 'possible data loss'}: this ${call} ${how} ${pagesText(d, pageSize, blockSize)} of ${file}${writeBack} (${mode}, ${kernel}); ${plural(lostBytes, 'byte')} ${origins.join(' and ')} were dropped: ${formatRanges(lostRanges)}`;
    out.push({
      rule, severity, evidence, seq: d.seq, span: eventSpan(d.seq), file, fileId: d.fileId,
      lostRanges, lostBytes, message, related, mode, kernel,
    });
  }
  return out;
}
