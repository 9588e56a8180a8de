// A reduced run -> a standalone C program that makes the same calls on a path given as its argument, as the bug
// 237588 reproducer does (syzkaller's prog2c, for page-cache hazards): it creates and sizes the files, maps them,
// stores a known pattern where the trace's mapping was (or may have been) stored, makes the losing call, then
// syncs, reads the files back and prints every byte range that differs from what the program wrote, exiting 1
// when data was lost. Each write and store has a byte of its own (writes A, B, C..., stores a, b, c...), so a
// difference names the call whose bytes went missing. Several processes become fork()ed children that take turns
// in the trace's order (a token passed through pipes), so a mapping of one stays alive while another writes; a
// thread's calls run in its process, in program order, which keeps what threads share.
import type { OpenFlags, Prot, TraceEvent } from '../events.js';
import type { Finding } from '../rules/findings.js';
import { openFlagNames, protNames } from './flag-names.js';

interface Mapping {
  name: string;
  /** The trace line of its mmap. */
  line: number;
  addr: number;
  length: number;
  offset: number;
  file: number | undefined;
  writable: boolean;
  live: boolean;
}

interface FileImage {
  path: string;
  bytes: number[];
  /** Which call wrote each byte (its description), parallel to `bytes`. */
  by: string[];
}

const cstr = (s: string): string => JSON.stringify(s);

const openFlags = (f: OpenFlags): string => openFlagNames(f).join(' | ');
const prot = (p: Prot): string => protNames(p).join(' | ');

export interface CProgram {
  source: string;
  /** The calls it makes, the checks aside. */
  calls: number;
}

/**
 * The C program of `events` (a reduction's, the losing call last) for `finding`. `trace` names the trace in the
 * program's comment.
 */
export function cProgramOf(events: readonly TraceEvent[], finding: Finding | undefined, trace: string, kernel: string, mode: string): CProgram {
  const files = new Map<string, number>();
  const images: FileImage[] = [];
  const fileOf = (path: string): number => {
    let i = files.get(path);
    if (i === undefined) {
      i = images.length;
      files.set(path, i);
      images.push({ path, bytes: [], by: [] });
    }
    return i;
  };
  // The process tree: the first pid runs main(); a forked process (not a thread) runs in a child of it.
  const first = events[0]?.pid;
  const threadsOf = new Map<number | undefined, number | undefined>([[first, first]]);
  const proc = (pid: number | undefined): number | undefined => threadsOf.get(pid) ?? pid;
  for (const e of events) if (e.kind === 'fork') threadsOf.set(e.child, e.thread || (e.shareVm && e.shareFiles) ? proc(e.pid) : e.child);
  /** Process index: 0 is main(); a process the events show without its fork runs in main() too. */
  const procIndex = new Map<number | undefined, number>([[proc(first), 0]]);
  for (const e of events) if (e.kind === 'fork' && proc(e.child) === e.child) procIndex.set(e.child, procIndex.size);
  const ownerOf = (pid: number | undefined): number => procIndex.get(proc(pid)) ?? 0;
  const fdFile = new Map<string, number>();
  const fdPos = new Map<string, number>();
  const fdKey = (pid: number | undefined, fd: number): string => `${proc(pid)}/${fd}`;
  const maps: Array<Mapping & { owner: number }> = [];
  /** The program as steps, each run by one process, in the trace's order. */
  const steps: Array<{ owner: number; lines: string[]; fork?: number }> = [];
  let step: { owner: number; lines: string[]; fork?: number } = { owner: 0, lines: [] };
  const begin = (owner: number): void => {
    step = { owner, lines: [] };
    steps.push(step);
  };
  let calls = 0;
  let writes = 0;
  let stores = 0;
  const emit = (line: string): void => {
    step.lines.push(line);
  };
  const put = (file: number | undefined, off: number, len: number, byte: number, by: string): void => {
    if (file === undefined || len <= 0) return;
    const img = images[file];
    for (let i = img.bytes.length; i < off + len; i++) {
      img.bytes.push(0);
      img.by.push('the file size (zeros)');
    }
    for (let i = off; i < off + len; i++) {
      img.bytes[i] = byte;
      img.by[i] = by;
    }
  };
  const resize = (file: number | undefined, size: number): void => {
    if (file === undefined) return;
    const img = images[file];
    if (size < img.bytes.length) {
      img.bytes.length = size;
      img.by.length = size;
    } else put(file, img.bytes.length, size - img.bytes.length, 0, 'the file size (zeros)');
  };
  const mappingAt = (owner: number, addr: number) => maps.find((m) => m.live && m.owner === owner && m.addr <= addr && addr < m.addr + m.length);
  const store = (m: Mapping, addr: number, len: number, line: number, recorded: boolean): void => {
    const byte = 0x61 + (stores++ % 26);
    const by = recorded ? `the store recorded at line ${line} (through the mapping of line ${m.line})` : `a store through the mapping of line ${m.line} before line ${line}`;
    emit(`memset(${m.name} + ${addr - m.addr}, '${String.fromCharCode(byte)}', ${len}); /* ${by} */`);
    calls++;
    put(m.file, m.offset + (addr - m.addr), len, byte, by);
  };
  for (const e of events) {
    const line = e.span.line + 1;
    const fd = (n: number): string => `fds[${n}]`;
    const owner = ownerOf(e.pid);
    begin(owner);
    switch (e.kind) {
      case 'open': {
        const path = e.resolvedPath ?? e.target?.path ?? '';
        const f = fileOf(path);
        fdFile.set(fdKey(e.pid, e.fd), f);
        fdPos.set(fdKey(e.pid, e.fd), 0);
        emit(`${fd(e.fd)} = open(path[${f}], ${openFlags(e.flags)}, 0644); /* line ${line} */`);
        emit(`if (${fd(e.fd)} < 0) die("open", ${line});`);
        if (e.flags.trunc) resize(f, 0);
        calls++;
        break;
      }
      case 'close':
        emit(`close(${fd(e.fd)}); /* line ${line} */`);
        fdFile.delete(fdKey(e.pid, e.fd));
        calls++;
        break;
      case 'dup':
        emit(`${fd(e.newfd)} = dup2(${fd(e.fd)}, ${fd(e.newfd)} >= 0 ? ${fd(e.newfd)} : 100 + ${e.newfd}); /* line ${line} */`);
        if (fdFile.has(fdKey(e.pid, e.fd))) fdFile.set(fdKey(e.pid, e.newfd), fdFile.get(fdKey(e.pid, e.fd))!);
        calls++;
        break;
      case 'setfl':
        emit(`fcntl(${fd(e.fd)}, F_SETFL, ${e.direct ? 'O_DIRECT' : '0'}${e.append ? ' | O_APPEND' : ''}); /* line ${line} */`);
        calls++;
        break;
      case 'truncate': {
        const f = e.fd !== undefined ? fdFile.get(fdKey(e.pid, e.fd)) : e.path !== undefined ? fileOf(e.path) : undefined;
        emit(e.fd !== undefined ? `if (ftruncate(${fd(e.fd)}, ${e.size}) < 0) die("ftruncate", ${line});` : `if (truncate(path[${f}], ${e.size}) < 0) die("truncate", ${line});`);
        resize(f, e.size);
        calls++;
        break;
      }
      case 'mmap': {
        if (e.anonymous || !e.shared) break;
        const f = fdFile.get(fdKey(e.pid, e.fd));
        if (f !== undefined && images[f].bytes.length < e.offset + e.length) {
          // The trace's file was at least this big (a store past its end would be SIGBUS).
          emit(`if (ftruncate(${fd(e.fd)}, ${e.offset + e.length}) < 0) die("ftruncate", ${line}); /* the file's size at line ${line} */`);
          resize(f, e.offset + e.length);
          calls++;
        }
        const m = { name: `map${maps.length}`, line, addr: e.addr, length: e.length, offset: e.offset, file: f, writable: e.prot.write, live: true, owner };
        maps.push(m);
        emit(`${m.name} = mmap(NULL, ${e.length}, ${prot(e.prot)}, MAP_SHARED, ${fd(e.fd)}, ${e.offset}); /* line ${line} */`);
        emit(`if (${m.name} == MAP_FAILED) die("mmap", ${line});`);
        calls++;
        break;
      }
      case 'munmap': {
        const m = mappingAt(owner, e.addr);
        if (!m) break;
        emit(`munmap(${m.name} + ${e.addr - m.addr}, ${e.length}); /* line ${line} */`);
        if (e.addr === m.addr && e.length >= m.length) m.live = false;
        calls++;
        break;
      }
      case 'msync': {
        const m = mappingAt(owner, e.addr);
        if (!m) break;
        const flags = [e.sync && 'MS_SYNC', e.async && 'MS_ASYNC', e.invalidate && 'MS_INVALIDATE'].filter(Boolean).join(' | ') || '0';
        emit(`msync(${m.name} + ${e.addr - m.addr}, ${e.length}, ${flags}); /* line ${line} */`);
        calls++;
        break;
      }
      case 'store': {
        const m = e.addr !== undefined ? mappingAt(owner, e.addr) : undefined;
        if (m === undefined) break;
        if (!e.wholePage) {
          store(m, e.addr!, Math.min(e.length, m.addr + m.length - e.addr!), line, e.name !== 'store');
          break;
        }
        // A write fault names a page: the whole page was (or may as well have been) stored.
        const page = Math.floor(e.addr! / 4096) * 4096;
        const from = Math.max(page, m.addr);
        store(m, from, Math.min(page + 4096, m.addr + m.length) - from, line, true);
        break;
      }
      case 'write': {
        const asked = e.requested ?? e.length;
        const f = fdFile.get(fdKey(e.pid, e.fd));
        const byte = 0x41 + (writes++ % 26);
        const c = String.fromCharCode(byte);
        const by = `the ${e.offset === undefined ? 'write' : 'pwrite'} of line ${line}`;
        emit(`memset(buf, '${c}', ${asked});`);
        if (e.offset === undefined) {
          emit(`if (write(${fd(e.fd)}, buf, ${asked}) != ${asked}) die("write", ${line}); /* ${by} */`);
          const pos = fdPos.get(fdKey(e.pid, e.fd)) ?? 0;
          put(f, pos, asked, byte, by);
          fdPos.set(fdKey(e.pid, e.fd), pos + asked);
        } else {
          emit(`if (pwrite(${fd(e.fd)}, buf, ${asked}, ${e.offset}) != ${asked}) die("pwrite", ${line}); /* ${by} */`);
          put(f, e.offset, asked, byte, by);
        }
        calls++;
        break;
      }
      case 'read':
        emit(e.offset === undefined ? `if (read(${fd(e.fd)}, buf, ${e.length}) < 0) die("read", ${line});` : `if (pread(${fd(e.fd)}, buf, ${e.length}, ${e.offset}) < 0) die("pread", ${line});`);
        if (e.offset === undefined) fdPos.set(fdKey(e.pid, e.fd), (fdPos.get(fdKey(e.pid, e.fd)) ?? 0) + e.length);
        calls++;
        break;
      case 'lseek':
        emit(`lseek(${fd(e.fd)}, ${e.offset}, SEEK_${e.whence === 'data' || e.whence === 'hole' ? 'SET' : e.whence.toUpperCase()}); /* line ${line} */`);
        if (e.result !== undefined) fdPos.set(fdKey(e.pid, e.fd), e.result);
        calls++;
        break;
      case 'sync':
        if (e.fd !== undefined) emit(`${e.how === 'fdatasync' ? 'fdatasync' : 'fsync'}(${fd(e.fd)}); /* line ${line} */`);
        else emit(`sync(); /* line ${line} */`);
        calls++;
        break;
      case 'space': {
        if (e.op === 'copy-dest') break;
        const mode = e.op === 'punch' ? 'FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE' : e.op === 'zero' ? `FALLOC_FL_ZERO_RANGE${e.keepSize ? ' | FALLOC_FL_KEEP_SIZE' : ''}` : e.keepSize ? 'FALLOC_FL_KEEP_SIZE' : '0';
        emit(`if (fallocate(${fd(e.fd)}, ${mode}, ${e.offset}, ${e.length}) < 0) die("fallocate", ${line});`);
        const f = fdFile.get(fdKey(e.pid, e.fd));
        if (e.op !== 'allocate' && f !== undefined) put(f, e.offset, Math.min(e.length, Math.max(0, images[f].bytes.length - e.offset)), 0, `the ${e.op === 'punch' ? 'hole punched' : 'range zeroed'} at line ${line}`);
        if (!e.keepSize && f !== undefined && e.offset + e.length > images[f].bytes.length) resize(f, e.offset + e.length);
        calls++;
        break;
      }
      case 'fork': {
        const child = procIndex.get(e.child);
        if (child === undefined || proc(e.child) !== e.child) break; // a thread: its calls run here
        // A process: a child that inherits this one's fds and mappings, and waits for its turn.
        for (const [k, v] of [...fdFile]) if (k.startsWith(`${proc(e.pid)}/`)) fdFile.set(`${e.child}/${k.slice(k.indexOf('/') + 1)}`, v);
        for (const [k, v] of [...fdPos]) if (k.startsWith(`${proc(e.pid)}/`)) fdPos.set(`${e.child}/${k.slice(k.indexOf('/') + 1)}`, v);
        for (const m of maps.filter((x) => x.live && x.owner === owner)) maps.push({ ...m, owner: child });
        emit(`pid = fork(); /* line ${line} */`);
        emit(`if (pid < 0) die("fork", ${line});`);
        emit(`if (pid == 0) goto process${child};`);
        emit(`pids[${child}] = pid;`);
        calls++;
        break;
      }
      default:
        break;
    }
  }
  const body = programOf(steps.filter((x) => x.lines.length > 0), procIndex.size);
  const expected = images.map((img, i) => runsOf(img).map(([off, len, byte, by]) => `\t{ ${i}, ${off}, ${len}, ${byte}, ${cstr(by)} },`).join('\n')).filter(Boolean).join('\n');
  const lost = finding?.lostRanges.map(([a, b]) => `[0x${a.toString(16)}, 0x${b.toString(16)})`).join(' ');
  const title = finding === undefined
    ? ` * Generated by cachereplay from ${trace}, for ${kernel} ${mode}.`
    : ` * Reproducer generated by cachereplay reduce from ${trace}, line ${finding.span.line + 1}:\n * ${finding.rule} under ${kernel} ${mode}, ${finding.lostBytes} bytes lost: ${lost} of ${finding.file}.`;
  const source = `/*
${title}
 *
 * It makes the trace's ${calls} calls that the loss needs, in the trace's order, on PATH (and PATH.1, PATH.2...
 * for further files): on an affected kernel it prints the bytes that did not reach the file and exits 1;
 * elsewhere it prints nothing and exits 0.
 *
 * Build: cc -Wall -Werror -o repro repro.c    Run: ./repro /mnt/fuse/file [/backing/store/file]
 * (with the second path, the check reads what the daemon stored rather than what the mount shows)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define FILES ${Math.max(images.length, 1)}
#define PROCS ${procIndex.size}
#define BUF ${Math.max(4096, ...events.map((e) => (e.kind === 'write' ? e.requested ?? e.length : e.kind === 'read' ? e.length : 0)))}

struct run { int file; long off, len; int byte; const char *by; };

/* The size of each file once the calls are done. */
static const long sizes[FILES] = { ${images.length > 0 ? images.map((i) => i.bytes.length).join(', ') : '0'} };

/* What each file holds once the calls are done, as the program made it. */
static const struct run expected[] = {
${expected || '\t{ 0, 0, 0, 0, "" },'}
};

static char path[FILES][4096];
/* Where the check reads each file: PATH, or the same file on the daemon's backing store. */
static char checked[FILES][4096];

/* The processes of the run, shared between them so that one that fails can end the others. */
static pid_t *pids;

${procIndex.size > 1 ? TURNS : ''}static void die(const char *what, int line)
{
	int i;
	fprintf(stderr, "%s (trace line %d): ", what, line);
	perror(NULL);
	for (i = 0; pids != NULL && i < PROCS; i++)
		if (pids[i] > 0 && pids[i] != getpid())
			kill(pids[i], SIGTERM);
	exit(2);
}

/* Another process of the run failed. */
static void ended(int sig)
{
	(void)sig;
	_exit(2);
}

/* Reads file i back and reports every run of bytes that differs from what the program wrote. */
static int check(int i)
{
	int lost = 0, fd = open(checked[i], O_RDONLY);
	off_t size;
	unsigned char *got;
	size_t k;
	if (fd < 0) die("open for the check", 0);
	size = lseek(fd, 0, SEEK_END);
	got = calloc(1, (size_t)size + 1);
	if (got == NULL || pread(fd, got, (size_t)size, 0) != size) die("read back", 0);
	close(fd);
	if (size != sizes[i]) {
		printf("%s: the file has 0x%lx bytes, the program made 0x%lx\\n", checked[i], (long)size, sizes[i]);
		lost = 1;
	}
	for (k = 0; k < sizeof expected / sizeof expected[0]; k++) {
		const struct run *r = &expected[k];
		long a = r->off, end = r->off + r->len;
		if (r->file != i || r->len == 0) continue;
		while (a < end) {
			long b;
			if (a < size && got[a] == r->byte) { a++; continue; }
			for (b = a; b < end && !(b < size && got[b] == r->byte); b++)
				;
			printf("%s: bytes [0x%lx, 0x%lx) lost: %s wrote 0x%02x, the file has 0x%02x\\n", checked[i], a, b, r->by, r->byte, a < size ? got[a] : 0);
			lost = 1;
			a = b;
		}
	}
	free(got);
	return lost;
}

int main(int argc, char **argv)
{
	int fds[1024], i, lost = 0;
	pid_t pid;
	char *buf;
${[...new Set(maps.map((m) => m.name))].map((n) => `\tchar *${n} = MAP_FAILED;`).join('\n')}

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: %s PATH [BACKING]\\n", argv[0]);
		return 2;
	}
	for (i = 0; i < FILES; i++) {
		snprintf(path[i], sizeof path[i], i == 0 ? "%s" : "%s.%d", argv[1], i);
		snprintf(checked[i], sizeof checked[i], i == 0 ? "%s" : "%s.%d", argv[argc - 1], i);
	}
	for (i = 0; i < 1024; i++)
		fds[i] = -1;
	/* Aligned, for O_DIRECT. */
	if (posix_memalign((void **)&buf, 4096, BUF) != 0) die("posix_memalign", 0);
${procIndex.size > 1 ? '\tfor (i = 0; i < PROCS; i++)\n\t\tif (pipe(turn[i]) < 0) die("pipe", 0);\n' : ''}	pids = mmap(NULL, PROCS * sizeof *pids, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (pids == MAP_FAILED) {
		pids = NULL;
		die("mmap for the process table", 0);
	}
	pids[0] = getpid();
	signal(SIGTERM, ended);
	(void)pid;
	/* Each file starts empty, as the program's expected content assumes. */
	for (i = 0; i < FILES; i++) {
		int f = open(path[i], O_RDWR | O_CREAT | O_TRUNC, 0644);
		if (f < 0) die("create", 0);
		close(f);
	}

${body}

	/* What is still cached reaches the file; what the kernel dropped does not. */
${maps.filter((m) => m.live && m.owner === 0).map((m) => `\tmsync(${m.name}, ${m.length}, MS_SYNC);\n\tmunmap(${m.name}, ${m.length});`).join('\n')}
	for (i = 0; i < 1024; i++)
		if (fds[i] >= 0) {
			fsync(fds[i]);
			close(fds[i]);
		}
	for (i = 0; i < FILES; i++)
		lost |= check(i);
	free(buf);
	return lost;
}
`;
  return { source, calls };
}

/**
 * The body of main(): the steps of process 0, then each child's from its label (a child jumps there from its
 * fork). A process takes the turn before a step another process's step came just before, and gives it on when the
 * next step is another's. At the end, main() takes the turn back, lets each child end, and waits for it.
 */
function programOf(steps: Array<{ owner: number; lines: string[] }>, procs: number): string {
  const out: string[] = [];
  for (let p = 0; p < procs; p++) {
    const mine = steps.map((s, i) => [s, i] as const).filter(([s]) => s.owner === p);
    if (p > 0) out.push(`process${p}:`);
    for (const [s, i] of mine) {
      if (i === 0 ? p !== 0 : steps[i - 1].owner !== p) out.push(`\ttake(${p});`);
      for (const l of s.lines) out.push(`\t${l}`);
      const next = steps[i + 1];
      if (next !== undefined && next.owner !== p) out.push(`\tgive(${next.owner});`);
      else if (next === undefined && p !== 0) out.push('\tgive(0);');
    }
    if (p > 0) {
      out.push(`\ttake(${p}); /* the end of the run */`, '\t_exit(0);');
    } else {
      if (steps.length > 0 && steps[steps.length - 1].owner !== 0) out.push('\ttake(0);');
      out.push('\tgoto done;');
    }
  }
  out.push('done:');
  for (let p = 1; p < procs; p++) out.push(`\tgive(${p});`, `\twaitpid(pids[${p}], NULL, 0);`);
  return out.join('\n');
}

/** Turn taking between the processes of a run (only for a run of more than one). */
const TURNS = `/* Whose turn it is: process i runs its next call when it reads a byte from turn[i]. */
static int turn[PROCS][2];

static void take(int i)
{
	char c;
	if (read(turn[i][0], &c, 1) != 1) exit(3);
}

static void give(int i)
{
	if (write(turn[i][1], "t", 1) != 1) exit(3);
}

`;

/** The image as runs of one byte written by one call: [offset, length, byte, by]. */
function runsOf(img: FileImage): Array<[number, number, number, string]> {
  const out: Array<[number, number, number, string]> = [];
  for (let i = 0; i < img.bytes.length; ) {
    let j = i + 1;
    while (j < img.bytes.length && img.bytes[j] === img.bytes[i] && img.by[j] === img.by[i]) j++;
    out.push([i, j - i, img.bytes[i], img.by[i]]);
    i = j;
  }
  return out;
}
