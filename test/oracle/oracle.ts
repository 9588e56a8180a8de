// The model's Linux column against the real Linux FUSE stack (issue: the kernel as the oracle). Each seed is a
// random workload (workload.ts) emitted as C by the reducer's emitter (engine/reduce/c-emit.ts), compiled, and run
// on its own files of a real FUSE mount. A batch of seeds runs as one shell script under `cachereplay record`
// (strace and perf's write faults: every store the program makes is in the recording), which is replayed under
// kernel linux and the mount's mode. The daemon runs under strace too: its pwrites to the backing store, on the
// same clock as the program's calls, are the WRITE requests it received and when. Three comparisons:
//   - content: each program reads its files back from the daemon's backing store and prints every byte that is not
//     what the program wrote, in program order (each write and store has a byte of its own). No finding where the
//     content is right (no loss where Linux loses none); a finding where bytes are lost, and the bytes lost at the
//     end among the finding's (the same loss).
//   - WRITEs: the pages each call sent the daemon (the daemon's pwrites made while the call ran) against the pages
//     the model expects it to send (ReplayOptions.writes): write(2) data and the write-backs of msync, fsync,
//     munmap, close, open and ftruncate. Linux sends these synchronously, within the call, so they are deterministic.
// A disagreement names its seed and its C program; where the model found a loss, `cachereplay reduce` makes that
// program small.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { analyzeText } from '../../server/src/engine/analyze.js';
import type { TraceEvent } from '../../server/src/engine/events.js';
import { cProgramOf } from '../../server/src/engine/reduce/c-emit.js';
import type { Finding } from '../../server/src/engine/rules/findings.js';
import { readFaultsFile } from '../../server/src/io/faults-file.js';
import { analyzeFile } from '../../server/src/io/read-trace.js';
import { workload } from './workload.js';

const PAGE = 4096;

export interface Mount {
  daemon: string;
  args(backing: string, mnt: string): string[];
  /** The cache mode of the model that matches the mount. */
  mode: 'uncached' | 'write-through' | 'writeback';
  /** Whether the daemon takes fallocate (bindfs 1.14 answers EOPNOTSUPP to every mode). */
  fallocate: boolean;
  /** Whether MAP_SHARED works (not under direct_io without FUSE_DIRECT_IO_ALLOW_MMAP: fuse_file_mmap's ENODEV). */
  mappings: boolean;
  /** Whether O_DIRECT works (mergerfs 2.33 passes it to its backing file and writes unaligned: EINVAL). */
  direct: boolean;
}

/** The mounts the oracle knows: bindfs (libfuse 2, no writeback cache) and mergerfs (which can enable it). */
export const MOUNTS: Record<string, Mount> = {
  cached: { daemon: 'bindfs', args: (b, m) => ['-f', b, m], mode: 'write-through', fallocate: false, mappings: true, direct: true },
  direct_io: { daemon: 'bindfs', args: (b, m) => ['-f', '-o', 'direct_io', b, m], mode: 'uncached', fallocate: false, mappings: false, direct: true },
  'mergerfs-cached': { daemon: 'mergerfs', args: (b, m) => ['-f', '-o', 'cache.files=partial,dropcacheonclose=false', b, m], mode: 'write-through', fallocate: true, mappings: true, direct: false },
  writeback: { daemon: 'mergerfs', args: (b, m) => ['-f', '-o', 'cache.files=partial,cache.writeback=true,dropcacheonclose=false', b, m], mode: 'writeback', fallocate: true, mappings: true, direct: false },
};

export interface Row {
  mount: string;
  mode: string;
  seeds: number;
  agree: number;
  keptBoth: number;
  lostBoth: number;
  /** Both lost bytes, but the kernel lost bytes the model's findings do not name. */
  otherBytes: number;
  kernelOnly: number;
  modelOnly: number;
  /** Calls after which the daemon had WRITEs, by the kernel or by the model, and those whose pages agree. */
  writeCalls: number;
  writeCallsSame: number;
  broken: number;
  calls: number;
  ms: number;
}

export interface Disagreement {
  mount: string;
  seed: number;
  why: string;
  /** The seed's C program, and the reduced one where the model found a loss. */
  c: string;
  reduced?: string;
}

export interface OracleOptions {
  from: number;
  seeds: number;
  mounts: string[];
  work: string;
  cli: string;
  /** Seeds per recording. */
  batch?: number;
  /** The model's kernel profile (linux; another one shows that the oracle tells a wrong model apart). */
  kernel?: string;
  /** Keep every seed's program and every recording, not only those of disagreements (fixtures are made so). */
  keepAll?: boolean;
  log?: (line: string) => void;
}

type Range = [number, number];

/** The byte ranges a program reported lost, by file suffix ('' for PATH, '.1' for PATH.1), and whether its size was wrong. */
export function kernelLosses(out: string): { ranges: Map<string, Range[]>; size: boolean } {
  const ranges = new Map<string, Range[]>();
  let size = false;
  for (const line of out.split('\n')) {
    const m = /^\S*?\/s\d+(\.\d+)?: bytes \[0x([0-9a-f]+), 0x([0-9a-f]+)\) lost/.exec(line);
    if (m) {
      const k = m[1] ?? '';
      ranges.set(k, [...(ranges.get(k) ?? []), [parseInt(m[2], 16), parseInt(m[3], 16)]]);
    } else if (/: the file has 0x[0-9a-f]+ bytes, the program made/.test(line)) size = true;
  }
  return { ranges, size };
}

/** Whether every range of `inner` lies in the union of `outer`. */
export function covered(inner: Range[], outer: Range[]): boolean {
  const sorted = [...outer].sort((a, b) => a[0] - b[0]);
  return inner.every(([a, b]) => {
    let at = a;
    for (const [c, d] of sorted) if (c <= at && d > at) at = d;
    return at >= b;
  });
}

/** A write the daemon made to its backing store (strace -y of the daemon: the file by path), at time `t`. */
export interface DaemonWrite {
  t: number;
  path: string;
  off: number;
  len: number;
}

/**
 * The daemon's successful pwrites in its strace output (`-f --timestamps=unix,ns -y`), at the time each started,
 * read by the project's strace parser (which joins a threaded daemon's `<unfinished ...>` and `resumed` halves).
 */
export function daemonWrites(text: string): DaemonWrite[] {
  const out: DaemonWrite[] = [];
  for (const e of analyzeText(text, { format: 'strace', keepEvents: true, parseOnly: true }).events) {
    if (e.kind === 'write' && e.ok && e.length > 0 && e.offset !== undefined && e.time !== undefined && e.fdPath !== undefined) {
      out.push({ t: e.time, path: e.fdPath, off: e.offset, len: e.length });
    }
  }
  return out.sort((a, b) => a.t - b.t);
}

const pagesOf = (start: number, end: number): number[] => Array.from({ length: Math.ceil(end / PAGE) - Math.floor(start / PAGE) }, (_, i) => Math.floor(start / PAGE) + i);

/** The calls whose WRITEs are compared: those that send them, synchronously, on Linux. */
const SENDS = new Set<TraceEvent['kind']>(['write', 'msync', 'sync', 'munmap', 'close', 'open', 'truncate', 'space', 'exit']);

/**
 * Per seed, the calls whose WRITE pages differ between the daemon and the model ("line N call: daemon PAGES, model
 * PAGES"), and how many calls were compared. A daemon write belongs to the call of the program that was running
 * when it was made (the last that started before it, among the calls that send WRITEs: seeds run one at a time).
 */
export function compareWrites(events: readonly TraceEvent[], expected: Array<{ seq: number; file: string; start: number; end: number }>, daemon: DaemonWrite[], mnt: string, backing: string): Map<number, { compared: number; diffs: string[] }> {
  const calls = events.filter((e) => SENDS.has(e.kind) && e.time !== undefined).sort((a, b) => a.time! - b.time!);
  const key = (seq: number, file: string): string => `${seq}\u0000${file}`;
  const got = new Map<string, Set<number>>();
  const want = new Map<string, Set<number>>();
  const add = (m: Map<string, Set<number>>, k: string, pages: number[]): void => {
    const s = m.get(k) ?? new Set<number>();
    for (const p of pages) s.add(p);
    m.set(k, s);
  };
  for (const w of daemon) {
    let lo = 0;
    let hi = calls.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (calls[mid].time! <= w.t) lo = mid + 1;
      else hi = mid;
    }
    const call = calls[lo - 1];
    const file = w.path.startsWith(`${backing}/`) ? `${mnt}${w.path.slice(backing.length)}` : w.path;
    add(got, key(call?.seq ?? -1, file), pagesOf(w.off, w.off + w.len));
  }
  for (const w of expected) add(want, key(w.seq, w.file), pagesOf(w.start, w.end));
  const bySeq = new Map(events.map((e) => [e.seq, e]));
  const out = new Map<number, { compared: number; diffs: string[] }>();
  for (const k of new Set([...got.keys(), ...want.keys()])) {
    const [seq, file] = k.split('\u0000');
    const s = /\/s(\d+)(\.\d+)?$/.exec(file);
    if (!s) continue;
    const r = out.get(Number(s[1])) ?? { compared: 0, diffs: [] };
    out.set(Number(s[1]), r);
    r.compared++;
    const a = [...(got.get(k) ?? [])].sort((x, y) => x - y).join(',');
    const b = [...(want.get(k) ?? [])].sort((x, y) => x - y).join(',');
    if (a !== b) {
      const e = bySeq.get(Number(seq));
      r.diffs.push(`${e ? `line ${e.span.line + 1} ${e.name}` : 'outside any call'} on ${file.slice(file.lastIndexOf('/') + 1)}: daemon pages [${a}], model [${b}]`);
    }
  }
  return out;
}

async function mountIt(m: Mount, backing: string, mnt: string, daemonTrace: string): Promise<() => void> {
  mkdirSync(backing, { recursive: true });
  mkdirSync(mnt, { recursive: true });
  spawnSync('fusermount', ['-u', mnt], { stdio: 'ignore' });
  // The daemon's writes to its backing store, with the time of day (the recording's clock) and the file by path.
  const daemon = spawn('strace', ['-f', '-qq', '-T', '--timestamps=unix,ns', '-y', '-e', 'trace=pwrite64', '-o', daemonTrace, m.daemon, ...m.args(backing, mnt)], { stdio: 'ignore', detached: true });
  const up = (): boolean => spawnSync('mountpoint', ['-q', mnt]).status === 0;
  for (let i = 0; i < 100 && !up(); i++) await new Promise((r) => setTimeout(r, 100));
  if (!up()) throw new Error(`${m.daemon} did not mount ${mnt}`);
  return () => {
    spawnSync('fusermount', ['-u', mnt]);
    daemon.kill();
  };
}

/** What a file gained since `from` bytes. */
function readFrom(path: string, from: number): { text: string; size: number } {
  const size = statSync(path).size;
  const buf = Buffer.alloc(size - from);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, buf.length, from);
  } finally {
    closeSync(fd);
  }
  return { text: buf.toString('utf8'), size };
}

/** cc on each program, as many at once as there are CPUs. */
async function compileAll(jobs: Array<{ c: string; exe: string }>): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const j = jobs[next++];
      await new Promise<void>((done) => {
        const p = spawn('cc', ['-O0', '-Wall', '-Werror', '-o', j.exe, j.c], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        p.stderr.on('data', (d: Buffer) => (err += d.toString()));
        p.on('close', (code) => {
          if (code !== 0) failed.set(j.c, err.split('\n').slice(0, 3).join(' '));
          done();
        });
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, cpus().length) }, worker));
  return failed;
}

export async function runOracle(o: OracleOptions): Promise<{ rows: Row[]; disagreements: Disagreement[] }> {
  const rows: Row[] = [];
  const disagreements: Disagreement[] = [];
  const batch = o.batch ?? 50;
  const log = o.log ?? (() => undefined);
  const kernel = o.kernel ?? 'linux';
  for (const name of o.mounts) {
    const m = MOUNTS[name];
    if (m === undefined) throw new Error(`unknown mount ${name} (${Object.keys(MOUNTS).join(', ')})`);
    const backing = join(o.work, `${name}-backing`);
    const mnt = join(o.work, `${name}-mnt`);
    const daemonTrace = join(o.work, `${name}-daemon.strace`);
    let daemonRead = 0;
    const row: Row = { mount: name, mode: m.mode, seeds: 0, agree: 0, keptBoth: 0, lostBoth: 0, otherBytes: 0, kernelOnly: 0, modelOnly: 0, writeCalls: 0, writeCallsSame: 0, broken: 0, calls: 0, ms: 0 };
    const t0 = Date.now();
    const unmount = await mountIt(m, backing, mnt, daemonTrace);
    try {
      for (let first = o.from; first < o.from + o.seeds; first += batch) {
        const seeds = Array.from({ length: Math.min(batch, o.from + o.seeds - first) }, (_, i) => first + i);
        const dirOf = (seed: number): string => join(o.work, name, String(seed));
        const jobs = seeds.map((seed) => {
          const w = workload(seed, { fallocate: m.fallocate, mappings: m.mappings, direct: m.direct });
          const c = cProgramOf(w.events, undefined, `oracle seed ${seed}`, kernel, m.mode);
          mkdirSync(dirOf(seed), { recursive: true });
          writeFileSync(join(dirOf(seed), 'w.c'), c.source);
          row.calls += c.calls;
          return { seed, c: join(dirOf(seed), 'w.c'), exe: join(dirOf(seed), 'w') };
        });
        const failed = await compileAll(jobs);
        const runs = jobs.filter((j) => !failed.has(j.c));
        for (const j of jobs.filter((x) => failed.has(x.c))) {
          row.seeds++;
          row.broken++;
          disagreements.push({ mount: name, seed: j.seed, why: `does not compile: ${failed.get(j.c)}`, c: j.c });
        }
        // One recording for the batch: each program on its own files, its output and status beside its C.
        const script = join(o.work, name, `batch-${first}.sh`);
        writeFileSync(script, runs.map((j) => `"${j.exe}" "${join(mnt, `s${j.seed}`)}" "${join(backing, `s${j.seed}`)}" > "${dirOf(j.seed)}/out.txt" 2>&1; echo $? > "${dirOf(j.seed)}/status.txt"\n`).join(''));
        const rec = join(o.work, name, `batch-${first}`);
        const r = spawnSync(process.execPath, [o.cli, 'record', '--kernel', kernel, '--mode', m.mode, '--mount', mnt, '--output', 'json', '--fail-on', 'never', '-o', rec, '--', 'sh', script], { encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 28 });
        if (r.status !== 0) throw new Error(`${name}: the recording of seeds ${first}.. failed: ${r.stderr.split('\n').slice(-4).join(' ')}`);
        // The recording replayed here, with the WRITEs the model expects.
        const faults = (await readFaultsFile(`${rec}.faults`)).faults;
        const a = await analyzeFile(`${rec}.strace`, { kernel: kernel as 'linux', mode: m.mode, mounts: [mnt], faults, writes: true, keepEvents: true, threads: 1 });
        if (a.error !== undefined || a.replay === undefined) throw new Error(`${name}: the recording of seeds ${first}.. did not replay: ${a.error}`);
        const fileName = new Map(a.replay.files.map((f) => [f.id, f.name]));
        const news = readFrom(daemonTrace, daemonRead);
        daemonRead = news.size;
        const writes = compareWrites(a.events, a.replay.writes.map((w) => ({ seq: w.seq, file: fileName.get(w.fileId) ?? '', start: w.start, end: w.end })), daemonWrites(news.text), mnt, backing);
        const bySeed = new Map<number, Finding[]>();
        for (const f of a.findings) {
          const k = /\/s(\d+)(\.\d+)?$/.exec(f.file);
          if (k && f.lostBytes > 0) bySeed.set(Number(k[1]), [...(bySeed.get(Number(k[1])) ?? []), f]);
        }
        for (const j of runs) {
          row.seeds++;
          const dir = dirOf(j.seed);
          let status: number;
          let out: string;
          try {
            status = Number(readFileSync(join(dir, 'status.txt'), 'utf8'));
            out = readFileSync(join(dir, 'out.txt'), 'utf8');
          } catch {
            status = -1;
            out = '';
          }
          if (status !== 0 && status !== 1) {
            row.broken++;
            disagreements.push({ mount: name, seed: j.seed, why: `the program failed (exit ${status}): ${out.slice(0, 200)}`, c: j.c });
            continue;
          }
          const w = writes.get(j.seed) ?? { compared: 0, diffs: [] };
          row.writeCalls += w.compared;
          row.writeCallsSame += w.compared - w.diffs.length;
          if (w.diffs.length > 0) disagreements.push({ mount: name, seed: j.seed, c: j.c, why: `the daemon received other WRITEs than the model expects: ${w.diffs.slice(0, 4).join('; ')}${w.diffs.length > 4 ? `; and ${w.diffs.length - 4} more` : ''}` });
          const model = bySeed.get(j.seed) ?? [];
          const byKernel = kernelLosses(out);
          const kernelLost = status === 1;
          if (kernelLost === (model.length > 0)) {
            row.agree++;
            if (!kernelLost) row.keptBoth++;
            else {
              row.lostBoth++;
              const same = [...byKernel.ranges].every(([suffix, ranges]) => covered(ranges, model.filter((f) => f.file.endsWith(`/s${j.seed}${suffix}`)).flatMap((f) => f.lostRanges)));
              if (!same || byKernel.size) row.otherBytes++;
            }
            continue;
          }
          const d: Disagreement = { mount: name, seed: j.seed, c: j.c, why: '' };
          if (kernelLost) {
            row.kernelOnly++;
            d.why = `the kernel lost bytes the model keeps: ${out.trim().split('\n').slice(0, 3).join(' | ')}`;
          } else {
            row.modelOnly++;
            d.why = `the model finds a loss the kernel did not make: ${model.map((f) => `${f.rule} (${f.evidence}) at recording line ${f.span.line + 1}, ${JSON.stringify(f.lostRanges)}`).join('; ')}`;
            const red = join(dir, 'reduced');
            const rr = spawnSync(process.execPath, [o.cli, 'reduce', `${rec}.strace`, '--line', String(model[0].span.line + 1), '--kernel', kernel, '--mode', m.mode, '--mount', mnt, '-o', red], { encoding: 'utf8', timeout: 120_000 });
            if (rr.status === 0) d.reduced = join(red, 'repro.c');
          }
          disagreements.push(d);
          log(`oracle: ${name} seed ${j.seed}: ${d.why} (${d.reduced ?? d.c})`);
        }
        // Keep what a disagreement needs; the rest of the batch goes.
        const keep = new Set(disagreements.filter((d) => d.mount === name).map((d) => d.seed));
        if (o.keepAll) for (const s of seeds) keep.add(s);
        for (const j of jobs) if (!keep.has(j.seed)) rmSync(dirOf(j.seed), { recursive: true, force: true });
        for (const j of o.keepAll ? [] : jobs) {
          rmSync(join(mnt, `s${j.seed}`), { force: true });
          rmSync(join(mnt, `s${j.seed}.1`), { force: true });
        }
        if (!seeds.some((s) => keep.has(s))) for (const f of [`${rec}.strace`, `${rec}.faults`, script]) rmSync(f, { force: true });
        log(`oracle: ${name}: ${row.agree}/${row.seeds} agree, ${row.writeCallsSame}/${row.writeCalls} calls with the same WRITEs (seeds ${o.from}..${first + seeds.length - 1})`);
      }
    } finally {
      row.ms = Date.now() - t0;
      unmount();
    }
    rows.push(row);
  }
  return { rows, disagreements };
}

/** The agreement table, in Markdown (docs/semantics.md and the closing of `npm run oracle`). */
export function tableOf(rows: Row[]): string {
  const out = [
    '| mount (model mode) | seeds | agree on the bytes | both keep every byte | both lose bytes | of which other bytes | kernel loses, model not | model loses, kernel not | calls with WRITEs: same pages | broken | calls per program | ms per seed |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) out.push(`| ${r.mount} (${r.mode}) | ${r.seeds} | ${r.agree} | ${r.keptBoth} | ${r.lostBoth} | ${r.otherBytes} | ${r.kernelOnly} | ${r.modelOnly} | ${r.writeCallsSame} of ${r.writeCalls} | ${r.broken} | ${(r.calls / Math.max(1, r.seeds)).toFixed(1)} | ${Math.round(r.ms / Math.max(1, r.seeds))} |`);
  return out.join('\n');
}
