// cachereplay record: runs a command under the tracers the model needs and analyses what it did. strace gives the
// calls (with -f, -T, -y and the time of day to the nanosecond); where the kernel can tell, perf records every write
// fault of the run (exceptions:page_fault_user and, for stores the kernel makes for the program, page_fault_kernel,
// both with error_code bit 1, the write bit) on CLOCK_MONOTONIC, whose header ties it to the time of day: the
// faults go between the calls in program order (AnalyzeOptions.faults), and a loss they show is definite.
// The recording stays on disk as NAME.strace and NAME.faults, plain text that `check` and the editor read again.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, statSync, unlinkSync, writeFileSync } from 'node:fs';

/** Where the kernel's tracepoints are: tracefs, or debugfs's copy of it on older systems. */
const TRACEFS = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'];
const FAULT_EVENTS = ['exceptions:page_fault_user', 'exceptions:page_fault_kernel'];

function has(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

/** Whether write faults can be recorded here; if not, why, in a line a user can act on. */
export function faultRecording(): { ok: true } | { ok: false; why: string } {
  if (!has('perf', ['--version'])) return { ok: false, why: 'perf is not installed (Debian: apt-get install linux-perf)' };
  const paranoid = Number(readText('/proc/sys/kernel/perf_event_paranoid') ?? '2');
  if (process.getuid?.() !== 0 && paranoid > -1) return { ok: false, why: `the page-fault tracepoint needs root (or kernel.perf_event_paranoid=-1; it is ${paranoid})` };
  let events = TRACEFS.map((d) => `${d}/events/exceptions/page_fault_user`).find((p) => existsSync(p));
  if (events === undefined && process.getuid?.() === 0 && !existsSync(`${TRACEFS[0]}/events`)) {
    // tracefs is not mounted by default on some systems; root can mount it.
    spawnSync('mount', ['-t', 'tracefs', 'nodev', TRACEFS[0]], { stdio: 'ignore' });
    events = existsSync(`${TRACEFS[0]}/events/exceptions/page_fault_user`) ? TRACEFS[0] : undefined;
  }
  if (events === undefined) {
    return existsSync(`${TRACEFS[0]}/events`)
      ? { ok: false, why: 'this kernel has no exceptions:page_fault_user tracepoint (x86 only)' }
      : { ok: false, why: `tracefs is not mounted (as root: mount -t tracefs nodev ${TRACEFS[0]})` };
  }
  return { ok: true };
}

function readText(path: string): string | undefined {
  try {
    const fd = openSync(path, 'r');
    const buf = Buffer.alloc(256);
    const n = readSync(fd, buf, 0, buf.length, 0);
    closeSync(fd);
    return buf.subarray(0, n).toString('utf8').trim();
  } catch {
    return undefined;
  }
}

/** strace's options: children, durations, paths of fds, and the time of day as precisely as this strace prints it. */
export function straceArgs(out: string): string[] {
  const ns = has('strace', ['--timestamps=unix,ns', '-o', '/dev/null', 'true']);
  return ['-f', '-T', '-y', ...(ns ? ['--timestamps=unix,ns'] : ['-ttt']), '-o', out];
}

/** perf's options: the write faults of the command and its children, on a clock its header ties to the time of day. */
export function perfArgs(out: string): string[] {
  return ['record', '-q', '-k', 'CLOCK_MONOTONIC', ...FAULT_EVENTS.flatMap((e) => ['-e', e, '--filter', 'error_code & 2']), '-o', out];
}

/** The commands `record` runs, as a user would type them on another machine (README, Make a trace). */
export function recordingCommands(name: string, command: string[], faults: boolean): string[][] {
  const strace = ['strace', ...straceArgs(`${name}.strace`), '--', ...command];
  if (!faults) return [strace];
  return [['perf', ...perfArgs(`${name}.perf.data`), '--', ...strace], ['perf', 'script', '-i', `${name}.perf.data`, '--header', '-F', 'comm,pid,tid,time,event,trace', '--ns']];
}

export interface Recording {
  strace: string;
  faults: string | undefined;
  /** Why no faults were recorded. */
  without?: string;
  /** The command's exit status (or 128 + signal). */
  status: number;
}

/**
 * Runs `command` under the tracers, its input and output the terminal's. `onProgress` is called while it runs (the
 * caller reads the growing NAME.strace). The recorder ignores the terminal's interrupt while the command runs: the
 * command gets it, and the recording is still analysed.
 */
export async function runRecording(name: string, command: string[], onProgress?: () => void): Promise<Recording> {
  if (!has('strace', ['-V'])) throw new Error('record needs strace (Debian: apt-get install strace)');
  const can = faultRecording();
  const strace = `${name}.strace`;
  const perfData = `${name}.perf.data`;
  writeFileSync(strace, '');
  const [first] = recordingCommands(name, command, can.ok);
  const child = spawn(first[0], first.slice(1), { stdio: 'inherit' });
  const ignore = (): void => undefined;
  process.on('SIGINT', ignore);
  const timer = onProgress ? setInterval(onProgress, 200) : undefined;
  const status = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? (({ SIGINT: 2, SIGTERM: 15, SIGKILL: 9 }) as Record<string, number>)[signal] ?? 1 : 1)));
  }).finally(() => {
    clearInterval(timer);
    process.off('SIGINT', ignore);
  });
  if (!can.ok) return { strace, faults: undefined, without: can.why, status };
  const faults = `${name}.faults`;
  const script = spawnSync('perf', ['script', '-i', perfData, '--header', '-F', 'comm,pid,tid,time,event,trace', '--ns'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (script.status !== 0) return { strace, faults: undefined, without: `perf script failed: ${script.stderr.trim().split('\n')[0]}`, status };
  writeFileSync(faults, script.stdout);
  try {
    unlinkSync(perfData);
  } catch {
    // perf may have written nothing: nothing to remove.
  }
  return { strace, faults, status };
}

/** Bytes of `path` from `from` on (the part of a growing file not read yet). */
export function grown(path: string, from: number): Buffer {
  const size = statSync(path).size;
  if (size <= from) return Buffer.alloc(0);
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(size - from);
    const n = readSync(fd, buf, 0, buf.length, from);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
