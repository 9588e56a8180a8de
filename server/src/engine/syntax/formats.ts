// The format registry: how each format is recognised from content, and its parser. Detection scores a sample
// of lines with one cheap regular expression per format; the parsers do the real work.
import type { TraceFormat } from '../events.js';
import type { EventSink, ParserOptions, TraceParser } from './parser-api.js';
import { StraceParser } from './strace/strace-parser.js';
import { DTRACE_DETECT_LINE, DTRACE_DETECT_NEUTRAL, DTRUSS_DETECT_LINE, DTRUSS_DETECT_NEUTRAL, KDUMP_DETECT_LINE, KDUMP_DETECT_NEUTRAL, DtrussParser, KdumpParser, PlainDtraceParser } from './kdump/bsd-formats.js';
import { FUSE_DETECT_LINE, FUSE_DETECT_NEUTRAL, FuseParser } from './fuse/fuse-parser.js';
import { FSX_DETECT_LINE, FSX_DETECT_NEUTRAL, FsxParser } from './fsx/fsx-parser.js';
import { PerfParser } from './perf/perf-parser.js';
import { PERF_DETECT_LINE, PERF_DETECT_NEUTRAL } from './perf/tokens.js';

export interface FormatSpec {
  format: TraceFormat;
  label: string;
  /** Lines typical of the format (tested against a sample of the file's first lines). */
  line: RegExp;
  /** Lines that are allowed but say nothing (banners, comments). */
  neutral?: RegExp;
  create(sink: EventSink, options: ParserOptions): TraceParser;
}

// A line ending in dtruss's `= RET 0` / `= RET Err#N` is not strace, even without dtruss's pid column.
const STRACE_LINE = /^(?!.*\)[ \t]*= \S+ (?:0|Err#-?\d+)\s*$)(?:\[pid +\d+(?:<[^>]*>)?\] |\d+(?:<[^>]*>)? +)?(?:\d\d:\d\d:\d\d(?:\.\d+)? |\d{9,}\.\d+ | *\d+\.\d+ )?(?:\(\+ *\d+\.\d+\) )?(?:\[ *\d+\] )?(?:[A-Za-z_][A-Za-z0-9_]*\(|<\.\.\. [A-Za-z0-9_]+ resumed>|--- |\+\+\+ (?:exited|killed|superseded))/;

export const FORMATS: FormatSpec[] = [
  {
    format: 'strace',
    label: 'strace',
    line: STRACE_LINE,
    neutral: /^(?:strace: |#|\s+> |\s+\| |\.\.\.\s*$)/,
    create: (sink, options) => new StraceParser(sink, options),
  },
  { format: 'kdump', label: 'kdump (ktrace)', line: KDUMP_DETECT_LINE, neutral: KDUMP_DETECT_NEUTRAL, create: (sink, options) => new KdumpParser(sink, options) },
  { format: 'dtruss', label: 'dtruss', line: DTRUSS_DETECT_LINE, neutral: DTRUSS_DETECT_NEUTRAL, create: (sink, options) => new DtrussParser(sink, options) },
  { format: 'dtrace', label: 'dtrace', line: DTRACE_DETECT_LINE, neutral: DTRACE_DETECT_NEUTRAL, create: (sink, options) => new PlainDtraceParser(sink, options) },
  {
    format: 'fuse',
    label: 'FUSE daemon debug log',
    line: FUSE_DETECT_LINE,
    neutral: FUSE_DETECT_NEUTRAL,
    create: (sink, options) => new FuseParser(sink, options),
  },
  {
    format: 'fsx',
    label: 'fsx operation log',
    line: FSX_DETECT_LINE,
    neutral: FSX_DETECT_NEUTRAL,
    create: (sink, options) => new FsxParser(sink, options),
  },
  {
    format: 'perf',
    label: 'perf script / perf trace output',
    line: PERF_DETECT_LINE,
    neutral: PERF_DETECT_NEUTRAL,
    create: (sink, options) => new PerfParser(sink, options),
  },
];

export function formatSpec(format: TraceFormat): FormatSpec | undefined {
  return FORMATS.find((f) => f.format === format);
}

export interface Detection {
  format: TraceFormat | undefined;
  /** Fraction of sampled lines that look like the format. */
  score: number;
  sampled: number;
}

/** Recognises the format from the first lines of the text. */
export function detectFormat(text: string, maxLines = 200): Detection {
  const sample: string[] = [];
  let pos = 0;
  while (sample.length < maxLines && pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const line = text.slice(pos, Math.min(nl, pos + 2000)).replace(/\r$/, '').replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
    if (line.trim().length > 0) sample.push(line);
    pos = nl + 1;
  }
  let best: Detection = { format: undefined, score: 0, sampled: sample.length };
  for (const spec of FORMATS) {
    let hits = 0;
    let counted = 0;
    for (const l of sample) {
      if (spec.line.test(l)) {
        hits++;
        counted++;
      } else if (!spec.neutral?.test(l)) counted++;
    }
    const score = counted === 0 ? 0 : hits / counted;
    if (hits > 0 && score > best.score) best = { format: spec.format, score, sampled: sample.length };
  }
  if (best.score < 0.3) best.format = undefined;
  return best;
}
