// cachereplay: the command-line front end (README.md, Command line). A thin adapter: it reads files, calls the
// engine and renders reports. Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or unreadable input.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { TRACE_FORMATS, type TraceEvent, type TraceFormat } from '../engine/events.js';
import { CACHE_MODES, isKernel, isMode, KERNEL_PROFILES, RETIRED_MODES, type CacheMode, type ReplayOptions } from '../engine/model/profiles.js';
import { FORMATS, KERNELS, MODES } from '../../../protocol/tables.js';
import { shownAt, type EvidenceLevel, type Finding } from '../engine/rules/findings.js';
import type { Severity } from '../engine/rules/rules.js';
import { ffRunOf } from '../io/ff-run.js';
import { mergeFiles, MergeRefused, type MergedFiles } from '../io/merge-files.js';
import { readDaemonLogFile } from '../io/daemon-log.js';
import { TraceAnalysis } from '../engine/analyze.js';
import { finished } from '../io/input-errors.js';
import { analyzeFile, InputError, readChunks, traceSource, type ReadProgress, type ReadTraceOptions } from '../io/read-trace.js';
import { faultsBeside, readFaultsFile } from '../io/faults-file.js';
import { Utf8Chunker } from '../io/newline-chunks.js';
import { findingText, renderJson, renderSarif, renderText } from './output.js';
import { faultRecording, grown, runRecording, type Recording } from './record.js';
import { reduceTrace } from './reduce.js';
import { reportOf, SEVERITY_RANK, type FileReport, type ReportFinding, type RunInfo } from './report.js';

declare const CACHEREPLAY_VERSION: string | undefined;
const VERSION = typeof CACHEREPLAY_VERSION === 'string' ? CACHEREPLAY_VERSION : 'dev';

const HELP = `cachereplay ${VERSION}: replay filesystem syscall traces against a FUSE page-cache model and report data loss

Usage:
  cachereplay check [options] FILE...     analyse traces under one cache mode
  cachereplay compare [options] FILE...   which findings appear under which cache mode
  cachereplay record [options] [-o NAME] -- COMMAND [ARGS...]
                                          run COMMAND under strace and, where the kernel allows (root, perf,
                                          tracefs), with its write faults recorded: losses they show are definite;
                                          the recording stays as NAME.strace and NAME.faults
  cachereplay reduce [options] TRACE --line N [-o DIR]
                                          the fewest calls that still lose the bytes of the finding at line N:
                                          DIR/reduced.strace, a C reproducer DIR/repro.c, and for
                                          an fsx log the operations fsx replays, DIR/reduced.fsxops
  cachereplay --version | --help

Options:
  --mode MODE          ${CACHE_MODES.join(' | ')} (default write-through)
  --kernel PROFILE     ${KERNEL_PROFILES.join(' | ')} (default freebsd)
  --format FORMAT      ${TRACE_FORMATS.join(' | ')} (default: detected from content)
  --page-size N        page size in bytes (default 4096)
  --block-size N       cache block size in bytes (default 65536)
  --granularity G      what freebsd-2019's write-around invalidates: page (the sources' reading) | block
                       (the most that could be lost) (default page)
  --mount PREFIX       only model files under this FUSE mount (repeatable; default: every regular file)
  --fuse-log FILE      the FUSE daemon's debug log of the same run: its write-backs turn possible losses
                       into definite ones, and pages it never received clear them
  --faults FILE        the write faults recorded in the same run (perf script --header; NAME.faults beside
                       NAME.strace is read without asking): stores they show make losses definite, and a
                       mapping that took none lost nothing
  --fsx-msync WHEN     fsx logs: auto | yes | no: whether fsx msynced after each MAPWRITE (default auto: from
                       the log's dialect; a FreeBSD .fsxlog is read as fsx -U, without msync)
  --merge              replay the FILEs as one run, their calls interleaved by time: the per-process
                       files of strace -ff (NAME.PID), whose hazards across processes no single file shows
                       (needs timestamps: -tt or -ttt); one NAME.PID stands for all NAME.* beside it
  --threads N          1 | 2 | auto: parse in a second thread while the replay runs (default auto: for
                       traces of about 500,000 lines or more, on a machine with more than one core; the
                       result is the same)
  --progress           say on stderr how far each file has been read (default: when stderr is a terminal;
                       --no-progress never)
  --evidence LEVEL     the least evidence a finding needs to be shown: definite (the trace shows the store),
                       unsynced (also stores possibly made since a mapping was made and never synced), or
                       possible (also stores possibly made again after an msync or other clean) (default possible)
  --output FORMAT      text | json | sarif (default text)
  --fail-on SEVERITY   error | warning | information | never (default error)
  --no-color           plain text output
  --debug              on an internal error, print where it happened

FILE may be - (standard input), a pipe or a FIFO: a stream is read as it comes, and in text output its findings are
printed as they are found (strace -o /dev/stdout -f prog | cachereplay check -).

Modes:
${CACHE_MODES.map((m) => `  ${m.padEnd(14)} ${MODES[m]}`).join('\n')}

Kernels:
${KERNEL_PROFILES.map((k) => `  ${k.padEnd(14)} ${KERNELS[k]}`).join('\n')}

Formats:
${TRACE_FORMATS.map((f) => `  ${f.padEnd(14)} ${FORMATS[f]}`).join('\n')}
`;

class UsageError extends Error {}

function num(name: string, v: string | undefined, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0 || (n & (n - 1)) !== 0) throw new UsageError(`--${name} must be a power of two, got "${v}"`);
  return n;
}

interface Parsed {
  command: string;
  files: string[];
  options: ReplayOptions;
  /** The daemon's log of the same run, to correlate with the traces. */
  fuseLog: string | undefined;
  /** The write faults recorded in the same run (--faults); else NAME.faults beside NAME.strace. */
  faults: string | undefined;
  /** record: the recording's name (NAME.strace, NAME.faults) and the command to run. */
  recordTo: string | undefined;
  run: string[];
  /** reduce: the 1-based line of the finding. */
  line: number | undefined;
  format: TraceFormat | undefined;
  /** fsx logs: whether MAPWRITE is followed by msync; undefined: decided from the log. */
  fsxMsync: boolean | undefined;
  output: 'text' | 'json' | 'sarif';
  failOn: Severity | 'never';
  /** The least evidence a finding needs to be shown. */
  evidence: EvidenceLevel;
  /** Replay the files as one run (strace -ff). */
  merge: boolean;
  /** Parse in a second thread (see ReadTraceOptions.threads). */
  threads: 1 | 2 | 'auto';
  /** Say on stderr how far the reading of each file is (on by default when stderr is a terminal). */
  progress: boolean;
  color: boolean;
}

function parse(argv: string[]): Parsed | 'help' | 'version' {
  // record: what follows `--` is the command to run, and `-o` before it names the recording.
  const at = argv.indexOf('record');
  const dashes = argv.indexOf('--');
  const recording = at >= 0 && (dashes < 0 || at < dashes);
  const run = recording && dashes >= 0 ? argv.slice(dashes + 1) : [];
  // record and reduce write files: `-o` names them there (elsewhere it is --output).
  const writes = recording || argv[0] === 'reduce';
  const own = (recording && dashes >= 0 ? argv.slice(0, dashes) : argv).map((a) => (writes && a === '-o' ? '--to' : a));
  const { values, positionals } = parseArgs({
    args: own,
    allowPositionals: true,
    options: {
      mode: { type: 'string' },
      kernel: { type: 'string' },
      format: { type: 'string' },
      'page-size': { type: 'string' },
      'block-size': { type: 'string' },
      granularity: { type: 'string' },
      mount: { type: 'string', multiple: true },
      evidence: { type: 'string' },
      'fsx-msync': { type: 'string' },
      output: { type: 'string', short: 'o' },
      'fail-on': { type: 'string' },
      'fuse-log': { type: 'string' },
      faults: { type: 'string' },
      to: { type: 'string' },
      line: { type: 'string' },
      merge: { type: 'boolean' },
      threads: { type: 'string' },
      'no-color': { type: 'boolean' },
      progress: { type: 'boolean' },
      'no-progress': { type: 'boolean' },
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'V' },
    },
  });
  if (values.help) return 'help';
  if (values.version) return 'version';
  const [command, ...files] = positionals;
  if (command === undefined) throw new UsageError('missing command (try: cachereplay check TRACE)');
  if (command !== 'check' && command !== 'compare' && command !== 'record' && command !== 'reduce') throw new UsageError(`unknown command "${command}" (commands: check, compare, record, reduce)`);
  if (command === 'reduce' && (files.length !== 1 || values.line === undefined || !/^[1-9]\d*$/.test(values.line))) throw new UsageError('reduce: give one trace and the line of its finding: cachereplay reduce TRACE --line N [-o DIR]');
  if (command === 'record' && (run.length === 0 || files.length > 0)) throw new UsageError('record: give the command after --: cachereplay record [options] -- COMMAND [ARGS...]');
  if (command !== 'record' && files.length === 0) throw new UsageError(`${command}: no trace files given`);
  const mode = values.mode ?? 'write-through';
  if (RETIRED_MODES[mode] !== undefined) throw new UsageError(`--mode ${mode}: ${RETIRED_MODES[mode]}`);
  if (!isMode(mode)) throw new UsageError(`--mode must be one of ${CACHE_MODES.join(', ')}; got "${mode}"`);
  const kernel = values.kernel ?? 'freebsd';
  if (!isKernel(kernel)) throw new UsageError(`--kernel must be one of ${KERNEL_PROFILES.join(', ')}; got "${kernel}"`);
  const format = values.format;
  if (format !== undefined && !(TRACE_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${TRACE_FORMATS.join(', ')}; got "${format}"`);
  const output = values.output ?? 'text';
  if (output !== 'text' && output !== 'json' && output !== 'sarif') throw new UsageError(`--output must be text, json or sarif; got "${output}"`);
  const failOn = values['fail-on'] ?? 'error';
  if (!['error', 'warning', 'information', 'never'].includes(failOn)) throw new UsageError(`--fail-on must be error, warning, information or never; got "${failOn}"`);
  const evidence = values.evidence ?? 'possible';
  if (evidence !== 'possible' && evidence !== 'unsynced' && evidence !== 'definite') throw new UsageError(`--evidence must be possible, unsynced or definite; got "${evidence}"`);
  const fsxMsync = values['fsx-msync'] ?? 'auto';
  if (fsxMsync !== 'auto' && fsxMsync !== 'yes' && fsxMsync !== 'no') throw new UsageError(`--fsx-msync must be auto, yes or no; got "${fsxMsync}"`);
  const granularity = values.granularity;
  if (granularity !== undefined && granularity !== 'page' && granularity !== 'block') throw new UsageError(`--granularity must be page or block; got "${granularity}"`);
  const pageSize = num('page-size', values['page-size'], 4096);
  const blockSize = num('block-size', values['block-size'], 65536);
  const threads = values.threads ?? 'auto';
  if (threads !== '1' && threads !== '2' && threads !== 'auto') throw new UsageError(`--threads must be 1, 2 or auto; got "${threads}"`);
  if (blockSize < pageSize) throw new UsageError('--block-size must be at least the page size');
  return {
    command, files,
    options: { mode, kernel, pageSize, blockSize, granularity, mounts: values.mount },
    fuseLog: values['fuse-log'],
    faults: values.faults,
    recordTo: values.to,
    run,
    line: values.line !== undefined ? Number(values.line) : undefined,
    format: format as TraceFormat | undefined,
    fsxMsync: fsxMsync === 'auto' ? undefined : fsxMsync === 'yes',
    output, failOn: failOn as Severity | 'never', evidence, merge: values.merge === true,
    threads: threads === 'auto' ? 'auto' : threads === '2' ? 2 : 1,
    color: !values['no-color'] && process.stdout.isTTY === true && process.env.NO_COLOR === undefined,
    progress: values['no-progress'] ? false : (values.progress ?? process.stderr.isTTY === true),
  };
}

/** Reads and summarises --fuse-log (plain or gzipped); its evidence goes into every trace's replay. */
async function withDaemonLog(p: Parsed): Promise<void> {
  if (p.fuseLog === undefined) return;
  p.options.daemon = (await readDaemonLogFile(p.fuseLog)).evidence;
}

async function check(p: Parsed): Promise<{ reports: FileReport[]; unreadable: boolean }> {
  const reports: FileReport[] = [];
  let unreadable = false;
  const cannotRead = (path: string, message: string): void => {
    unreadable = true;
    process.stderr.write(`cachereplay: ${message}\n`);
    reports.push({ path, events: 0, lines: 0, findings: [], error: message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message });
  };
  if (p.merge) {
    const run = await mergeRunFiles(p, [p.options.mode]);
    for (const u of run.unreadable) cannotRead(u.path, u.message);
    for (const part of run.parts) reports.push(reportOf(part.path, part.byMode.get(p.options.mode)!, p.evidence));
    // The files in the order given, unreadable ones included.
    reports.sort((x, y) => p.files.indexOf(x.path) - p.files.indexOf(y.path));
    return { reports, unreadable };
  }
  for (const path of p.files) {
    try {
      const source = await traceSource(path);
      if (source.stream && p.output === 'text') reports.push(await checkStream(p, path));
      else reports.push(reportOf(path, await analyzeFile(path, { ...readOptions(p, path), faults: await faultsFor(p, path) }), p.evidence));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      cannotRead(path, e.message);
    }
  }
  return { reports, unreadable };
}

/**
 * The write faults recorded with the trace at `path`: --faults, or NAME.faults beside NAME.strace (said on stderr,
 * since it changes the verdicts).
 */
async function faultsFor(p: Parsed, path: string): Promise<TraceEvent[] | undefined> {
  const file = p.faults ?? await faultsBeside(path);
  if (file === undefined) return undefined;
  const r = await readFaultsFile(file);
  if (p.faults === undefined) process.stderr.write(`cachereplay: ${path}: with the ${r.faults.length} write faults recorded in ${file}\n`);
  return r.faults;
}

/** How often a stream's new findings are printed while it is read. */
const STREAM_PRINT_MS = 200;

/**
 * A stream (standard input, a pipe, a FIFO) read as it comes, its findings printed as they are found: a loss is
 * found at the call that causes it, and later lines only add more. `strace -o /dev/stdout prog | cachereplay check -`.
 */
async function checkStream(p: Parsed, path: string): Promise<FileReport> {
  const analysis = new TraceAnalysis({ ...readOptions(p, path), fileName: path });
  const printed = new Set<string>();
  const print = (findings: ReportFinding[]) => {
    const fresh = findings.filter((f) => {
      const key = `${f.rule}:${f.span.line}:${f.span.start}:${f.message}`;
      if (printed.has(key)) return false;
      printed.add(key);
      return true;
    });
    if (fresh.length > 0) process.stdout.write(`${fresh.map((f) => findingText(path, f, p.color)).join('\n')}\n`);
  };
  // What came is printed a little after it came, while the reader waits for more.
  let timer: NodeJS.Timeout | undefined;
  try {
    await readChunks(path, 0, analysis, readOptions(p, path), () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        print(reportOf(path, analysis.snapshot(), p.evidence).findings);
      }, STREAM_PRINT_MS);
    });
  } finally {
    clearTimeout(timer);
  }
  const report = reportOf(path, finished(path, analysis.finish()), p.evidence);
  print(report.findings);
  return { ...report, streamed: true };
}

/**
 * Files that look like one strace -ff run (NAME.PID, NAME.PID2...) checked one by one miss what crosses processes:
 * say so on stderr (stdout may be JSON or SARIF for a script).
 */
function hintMerge(files: string[]): void {
  const stems = new Map<string, number>();
  for (const f of files) {
    const m = /^(.+)\.\d+$/.exec(f);
    if (m) stems.set(m[1], (stems.get(m[1]) ?? 0) + 1);
  }
  for (const [stem, n] of stems) {
    if (n > 1) process.stderr.write(`cachereplay: ${n} files look like one strace -ff run (${stem}.PID); checked one by one they miss what crosses processes: --merge replays them as one run\n`);
  }
}

/** The command line's files replayed as one run (--merge) under `modes`; a refusal is a usage-level error. */
async function mergeRunFiles(p: Parsed, modes: readonly CacheMode[]): Promise<MergedFiles> {
  try {
    return await mergeFiles(p.files, modes, (path) => readOptions(p, path));
  } catch (e) {
    if (e instanceof MergeRefused) throw new InputError(`--merge: ${e.message}`);
    throw e;
  }
}

/** How every file is read: the run's options, and what the command line says of the files' format. */
function readOptions(p: Parsed, path: string): ReadTraceOptions {
  // The CLI does nothing else while it reads: a blocking read leaves no idle wait (0.92 of the time in one thread).
  const o: ReadTraceOptions = { ...p.options, format: p.format, fsxMsync: p.fsxMsync, threads: p.threads, blockingReads: true };
  if (p.progress) o.onProgress = progressLine(path);
  return o;
}

/**
 * Reports how far `path` has been read, on stderr (stdout may be JSON for a script): in place on a terminal, at
 * most five times a second; elsewhere a line per tenth.
 */
function progressLine(path: string): (r: ReadProgress) => void {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let lastAt = 0;
  return (r) => {
    const pct = r.total > 0 ? Math.floor((r.bytes / r.total) * 100) : 100;
    const done = r.bytes >= r.total;
    if (tty) {
      const now = Date.now();
      if (pct === last || (!done && now - lastAt < 200)) return;
      lastAt = now;
      process.stderr.write(done ? '\r\x1b[K' : `\rcachereplay: reading ${path}: ${pct}% (${(r.bytes / 1e6).toFixed(0)} of ${(r.total / 1e6).toFixed(0)} MB)\x1b[K`);
    } else {
      if (Math.floor(pct / 10) === Math.floor(last / 10)) return;
      process.stderr.write(`cachereplay: reading ${path}: ${pct}% (${(r.bytes / 1e6).toFixed(1)} of ${(r.total / 1e6).toFixed(1)} MB)\n`);
    }
    last = pct;
  };
}

async function compare(p: Parsed): Promise<number> {
  let worst = 0;
  const shown = (findings: Finding[]) => findings.filter((f) => shownAt(f, p.evidence));
  const files: Array<{ path: string; format: TraceFormat | undefined; rows: Array<{ mode: CacheMode; findings: Finding[] }> }> = [];
  if (p.merge) {
    const run = await mergeRunFiles(p, CACHE_MODES);
    if (run.unreadable.length > 0) throw new InputError(run.unreadable[0].message);
    for (const part of run.parts) {
      files.push({ path: part.path, format: part.byMode.get(CACHE_MODES[0])!.format, rows: CACHE_MODES.map((mode) => ({ mode, findings: shown(part.byMode.get(mode)!.findings) })) });
    }
  } else {
    for (const path of p.files) {
      // Every mode replays as the events go by: none is kept, so a trace of any size compares in bounded memory.
      const a = await analyzeFile(path, { ...readOptions(p, path), modes: CACHE_MODES });
      files.push({ path, format: a.format, rows: CACHE_MODES.map((mode) => ({ mode, findings: shown(a.findingsByMode?.[mode] ?? []) })) });
    }
  }
  for (const { path, format, rows } of files) {
    if (p.output === 'json') {
      process.stdout.write(`${JSON.stringify({ path, format, kernel: p.options.kernel, modes: rows.map((r) => ({ mode: r.mode, findings: r.findings.map((f) => ({ rule: f.rule, severity: f.severity, line: f.span.line + 1, lostRanges: f.lostRanges, message: f.message })) })) }, null, 2)}\n`);
    } else {
      process.stdout.write(`${path} (${format}, kernel ${p.options.kernel})\n`);
      for (const r of rows) {
        process.stdout.write(`  ${r.mode.padEnd(14)} ${modeSummary(r.findings)}\n`);
      }
    }
    for (const r of rows) for (const f of r.findings) if (p.failOn !== 'never') worst = Math.max(worst, SEVERITY_RANK[f.severity] >= SEVERITY_RANK[p.failOn] ? 1 : 0);
  }
  return worst;
}

/** Findings listed one by one up to this many per mode; beyond, a summary per rule (a big trace has thousands). */
const LISTED = 5;

/** What `compare` says of one mode: each finding, or for many a count per severity and rule and the first lines. */
function modeSummary(findings: Finding[]): string {
  if (findings.length === 0) return 'no data loss';
  if (findings.length <= LISTED) return findings.map((f) => `${f.severity} line ${f.span.line + 1} ${f.rule} (${f.lostBytes} bytes)`).join('; ');
  const count = (xs: string[]) => [...xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>())];
  const bytes = new Map<string, number>();
  for (const f of findings) bytes.set(f.rule, (bytes.get(f.rule) ?? 0) + f.lostBytes);
  const severities = count(findings.map((f) => f.severity)).map(([sev, n]) => `${n} ${sev}${n === 1 ? '' : 's'}`).join(', ');
  const rules = count(findings.map((f) => f.rule)).map(([rule, n]) => `${rule} ×${n} (${bytes.get(rule)!.toLocaleString('en-US')} bytes)`).join(', ');
  const first = findings.slice(0, LISTED).map((f) => f.span.line + 1).join(', ');
  return `${findings.length} findings (${severities}): ${rules}; first at lines ${first} (--output json lists them all)`;
}

/** reduce: exit 0 when the reduced trace replays to the finding by itself, 1 when it does not. */
async function reduceRun(p: Parsed, path: string, line: number): Promise<number> {
  const r = await reduceTrace(path, line, { ...readOptions(p, path), faults: await faultsFor(p, path) }, p.recordTo);
  return r.replays ? 0 : 1;
}

/** Prints the reports and says the exit status: 2 unreadable input, 1 a finding at or above --fail-on, else 0. */
function finish(p: Parsed, reports: FileReport[], unreadable: boolean): number {
  const run: RunInfo = { mode: p.options.mode, kernel: p.options.kernel, pageSize: p.options.pageSize, blockSize: p.options.blockSize, version: VERSION };
  const text = p.output === 'json' ? renderJson(reports, run) : p.output === 'sarif' ? renderSarif(reports, run) : renderText(reports, run, p.color);
  process.stdout.write(text);
  if (unreadable) return 2;
  if (p.failOn === 'never') return 0;
  const threshold = SEVERITY_RANK[p.failOn];
  return reports.some((r) => r.findings.some((f) => SEVERITY_RANK[f.severity] >= threshold)) ? 1 : 0;
}

/**
 * record: runs the command under the tracers, then analyses the recording as `check` does. With strace alone, the
 * findings are printed as the command runs; with its write faults, when it ends (perf hands them over then).
 */
async function recordRun(p: Parsed): Promise<number> {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  const name = p.recordTo ?? `${basename(p.run[0])}-${stamp}`;
  const faults = faultRecording();
  process.stderr.write(faults.ok
    ? `cachereplay: recording ${p.run.join(' ')} into ${name}.strace and ${name}.faults (its write faults: losses they show are definite)\n`
    : `cachereplay: recording ${p.run.join(' ')} into ${name}.strace with strace alone: ${faults.why}. Without its write faults, every loss found is possible, not definite.\n`);
  const path = `${name}.strace`;
  const live = faults.ok ? undefined : new LiveTrace(p, path);
  let rec: Recording;
  try {
    rec = await runRecording(name, p.run, live ? () => live.read() : undefined);
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  if (rec.without !== undefined && faults.ok) process.stderr.write(`cachereplay: the write faults were not recorded: ${rec.without}\n`);
  const report = live ? live.finish() : reportOf(path, await analyzeFile(path, { ...readOptions(p, path), faults: rec.faults ? (await readFaultsFile(rec.faults)).faults : undefined }), p.evidence);
  process.stderr.write(`cachereplay: ${p.run[0]} exited with status ${rec.status}; analyse the recording again with: cachereplay check ${path}\n`);
  return finish(p, [report], false);
}

/** A trace file the recorder is writing, analysed as it grows, its findings printed as they are found. */
class LiveTrace {
  private readonly analysis: TraceAnalysis;
  private readonly chunker = new Utf8Chunker();
  private offset = 0;
  private readonly printed = new Set<string>();

  constructor(private readonly p: Parsed, private readonly path: string) {
    this.analysis = new TraceAnalysis({ ...readOptions(p, path), fileName: path });
  }

  read(): void {
    if (!existsSync(this.path)) return;
    const buf = grown(this.path, this.offset);
    if (buf.length === 0) return;
    this.offset += buf.length;
    const text = this.chunker.write(buf);
    if (text === undefined) return;
    this.analysis.push(text, this.chunker.bytes);
    if (this.p.output === 'text') this.print(reportOf(this.path, this.analysis.snapshot(), this.p.evidence).findings);
  }

  finish(): FileReport {
    this.read();
    const rest = this.chunker.end();
    if (rest.length > 0) this.analysis.push(rest, this.chunker.bytes);
    const report = reportOf(this.path, finished(this.path, this.analysis.finish()), this.p.evidence);
    if (this.p.output !== 'text') return report;
    this.print(report.findings);
    return { ...report, streamed: true };
  }

  private print(findings: ReportFinding[]): void {
    const fresh = findings.filter((f) => {
      const key = `${f.rule}:${f.span.line}:${f.span.start}:${f.message}`;
      if (this.printed.has(key)) return false;
      this.printed.add(key);
      return true;
    });
    if (fresh.length > 0) process.stdout.write(`${fresh.map((f) => findingText(this.path, f, this.p.color)).join('\n')}\n`);
  }
}

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  let p: ReturnType<typeof parse>;
  try {
    p = parse(argv);
  } catch (e) {
    if (e instanceof UsageError || (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`cachereplay: ${(e as Error).message}\nTry 'cachereplay --help'.\n`);
      return 2;
    }
    throw e;
  }
  if (p === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (p === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  try {
    await withDaemonLog(p);
    // One file of a strace -ff run stands for the whole run (NAME.PID beside it), as in the editor.
    if (p.merge && p.files.length === 1) p.files = await ffRunOf(p.files[0]);
    if (!p.merge) hintMerge(p.files);
    if (p.command === 'compare') return await compare(p);
    if (p.command === 'record') return await recordRun(p);
    if (p.command === 'reduce') return await reduceRun(p, p.files[0], p.line!);
    const { reports, unreadable } = await check(p);
    return finish(p, reports, unreadable);
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`cachereplay: ${e.message}\n`);
      return 2;
    }
    // A bug of ours: one line, and the stack where it is asked for.
    process.stderr.write(debug ? `cachereplay: internal error: ${(e as Error).stack ?? e}\n` : `cachereplay: internal error: ${(e as Error).message ?? e} (--debug shows where)\n`);
    return 2;
  }
}
