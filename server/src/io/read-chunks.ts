// Reads a trace in newline-aligned chunks, with progress and cancellation: a file from disk, or a stream (standard
// input as `-`, a pipe, a FIFO, /dev/stdin), gzipped or UTF-16 or plain. What reads the chunks is given to it: a
// TraceAnalysis (read-trace.ts) or, in the parsing thread, a reader whose events cross (parse-batches.ts).
import { closeSync, constants as fsConstants, createReadStream, openSync, promises as fs, readSync } from 'node:fs';
import { Socket } from 'node:net';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { unreadableReason, type AnalyzeOptions } from '../engine/analyze.js';
import type { ParseDiagnostic } from '../engine/events.js';
import { Cancelled, InputError, notATrace } from './input-errors.js';
import { utf16Chunker, Utf8Chunker, type NewlineChunker } from './newline-chunks.js';

export interface ReadProgress {
  bytes: number;
  total: number;
}

export interface ReadTraceOptions extends AnalyzeOptions {
  onProgress?: (p: ReadProgress) => void;
  /** Polled between chunks; when it returns true the read stops and `Cancelled` is thrown. */
  isCancelled?: () => boolean;
  chunkSize?: number;
  /**
   * 2: parse in a second thread while this one replays; auto: so when the file has about TWO_THREADS_FROM_LINES
   * lines or more and the machine more than one core. The result is the same; only the time differs. Default 1.
   */
  threads?: 1 | 2 | 'auto';
  /**
   * Read a plain (not gzipped) file with blocking reads: for a thread that does nothing else (the parsing thread, the CLI),
   * where each awaited read of a stream would leave it idle while the read is done elsewhere.
   */
  blockingReads?: boolean;
}

/**
 * Bytes per read, and so per lexed chunk. 64 KiB measured fastest (`npm run bench`): a chunk's tokens then die
 * young instead of being promoted by the garbage collector; 1 MiB was about 20% slower and 40 MB larger.
 */
const DEFAULT_CHUNK = 64 * 1024;

/** Where `readChunks` puts what it reads: a TraceAnalysis, or (in the parsing thread) a reader whose events cross. */
export interface ChunkTarget {
  /** `bytes`: what `chunk` was decoded from, when it was decoded from UTF-8 (TraceReader.push). */
  push(chunk: string, bytes?: Uint8Array): void;
  diagnostic(d: ParseDiagnostic): void;
  readonly lineCount: number;
  readonly error: string | undefined;
}

/** Where a trace comes from: a file (`size` known), or a stream read once to its end (`size` 0). */
export interface TraceSource {
  path: string;
  size: number;
  stream: boolean;
}

/**
 * The trace at `path`: `-` is standard input; a FIFO, a pipe, a socket or a terminal (`/dev/stdin` is one of them
 * or a file) is a stream. An InputError says, in one line, why it cannot be read.
 */
export async function traceSource(path: string): Promise<TraceSource> {
  if (path === '-') return { path, size: 0, stream: true };
  let st;
  try {
    st = await fs.stat(path);
  } catch (e) {
    throw cannotRead(path, e);
  }
  if (st.isDirectory()) throw new InputError(`${path}: is a directory, not a trace file`);
  return st.isFile() ? { path, size: st.size, stream: false } : { path, size: 0, stream: true };
}

/** The size of the trace file at `path`; an InputError when it is no file or cannot be read. */
export async function sizeOf(path: string): Promise<number> {
  const s = await traceSource(path);
  if (s.stream) throw new InputError(`${path}: a stream, not a file: it can be read only once, as it comes`);
  return s.size;
}

/** The one-line reason an I/O error gives, as every front end says it. */
export function cannotRead(path: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'EISDIR' ? 'is a directory' : code === 'ENXIO' ? 'no such device' : (e as Error).message;
  return new InputError(`${path}: cannot read: ${why}`);
}

/**
 * How long a FIFO is given to get a process writing to it. Opening a FIFO for reading waits for a writer, for ever:
 * it is opened without waiting, and a writer must come within this time (CACHEREPLAY_FIFO_WAIT_MS).
 */
const FIFO_WAIT_MS = Number(process.env.CACHEREPLAY_FIFO_WAIT_MS) > 0 ? Number(process.env.CACHEREPLAY_FIFO_WAIT_MS) : 10_000;

/**
 * A FIFO (or a pipe) as a stream, once a process writes to it: opened non-blocking, a read that finds no writer
 * returns 0 and one that finds a writer but no data yet fails with EAGAIN. The bytes read while waiting come first.
 */
async function openFifo(path: string): Promise<Readable> {
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (e) {
    throw cannotRead(path, e);
  }
  const probe = Buffer.alloc(64 * 1024);
  const deadline = Date.now() + FIFO_WAIT_MS;
  let first: Buffer | undefined;
  for (;;) {
    try {
      const n = readSync(fd, probe, 0, probe.length, null);
      if (n > 0) {
        first = probe.subarray(0, n);
        break;
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') break;
      closeSync(fd);
      throw cannotRead(path, e);
    }
    if (Date.now() >= deadline) {
      closeSync(fd);
      throw new InputError(`${path}: cannot read: no process wrote to it within ${FIFO_WAIT_MS / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  // libuv reads a pipe's descriptor as it becomes readable, and ends at the writer's close.
  const socket = new Socket({ fd, readable: true, writable: false });
  if (first === undefined) return socket;
  const head = first;
  return Readable.from((async function* () {
    yield head;
    yield* socket;
  })());
}

const STDIN_NAMES = new Set(['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

/** The raw bytes of the trace at `path`, in pieces of about `size` bytes, and how to stop reading them. */
async function rawBytes(path: string, size: number, blocking: boolean): Promise<{ chunks: AsyncIterable<Buffer> | Iterable<Buffer>; stop(): void }> {
  const source = await traceSource(path);
  // Standard input by name is read from the descriptor: it may be a socket (node's spawn makes one), which no path opens.
  if (path === '-' || (source.stream && STDIN_NAMES.has(path))) return { chunks: process.stdin, stop: () => process.stdin.pause() };
  if (source.stream) {
    const s = await openFifo(path);
    return { chunks: s, stop: () => s.destroy() };
  }
  if (blocking) return { chunks: blockingChunks(path, size), stop: () => undefined };
  const s = createReadStream(path, { highWaterMark: size });
  return { chunks: s, stop: () => s.destroy() };
}

/**
 * Streams the trace at `path` (`total` bytes; 0 for a stream) into `target` in newline-aligned chunks: gzip and
 * UTF-16 are decoded, binary input is refused, a gzip file cut short is read up to the cut. `between` runs after
 * each read.
 */
export async function readChunks(path: string, total: number, target: ChunkTarget, options: ReadTraceOptions, between?: (bytes: number) => Promise<void> | void): Promise<void> {
  let chunker: NewlineChunker = new Utf8Chunker();
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  const raw = await rawBytes(path, chunkSize, options.blockingReads === true);
  // Big traces are often kept gzipped: read them as they are (the progress counts compressed bytes). Whether a
  // trace is gzipped is seen in its first bytes, so a stream is read once.
  let rawRead = 0;
  const iterator = (Symbol.asyncIterator in raw.chunks ? (raw.chunks as AsyncIterable<Buffer>)[Symbol.asyncIterator]() : (raw.chunks as Iterable<Buffer>)[Symbol.iterator]()) as AsyncIterator<Buffer> | Iterator<Buffer>;
  let firstRaw: IteratorResult<Buffer>;
  try {
    firstRaw = await iterator.next();
  } catch (e) {
    raw.stop();
    throw cannotRead(path, e);
  }
  const gzip = !firstRaw.done && firstRaw.value.length >= 2 && firstRaw.value[0] === 0x1f && firstRaw.value[1] === 0x8b;
  const counted = (async function* () {
    if (firstRaw.done) return;
    rawRead += firstRaw.value.length;
    yield firstRaw.value;
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      rawRead += r.value.length;
      yield r.value;
    }
  })();
  const gunzip = gzip ? createGunzip({ chunkSize: Math.max(64, chunkSize) }) : undefined;
  // pipeline, not pipe: a read error must end the inflated stream too (it destroys both with the error).
  if (gunzip) pipeline(Readable.from(counted), gunzip, () => undefined);
  const source: AsyncIterable<Buffer> = gunzip ?? counted;
  let bytes = 0;
  let first = true;
  let cut = false;
  try {
    for await (const buf of source) {
      if (options.isCancelled?.()) throw new Cancelled();
      bytes = rawRead;
      if (first) {
        first = false;
        // UTF-16 with a byte order mark (PowerShell's `>` writes it) is text; anything else is judged from raw
        // bytes, since a UTF-8 decode would hide NULs behind replacement characters.
        const utf16 = utf16Of(buf);
        if (utf16) chunker = utf16Chunker(utf16);
        else {
          const reason = unreadableReason(buf.subarray(0, 4096).toString('latin1'));
          if (reason) throw notATrace(path, reason);
        }
      }
      const text = chunker.write(buf);
      if (text !== undefined) target.push(text, chunker.bytes);
      options.onProgress?.({ bytes, total });
      if (target.error) break;
      await between?.(bytes);
    }
  } catch (e) {
    if (e instanceof InputError || e instanceof Cancelled) throw e;
    // A gzip file cut short (a copy or a CI artifact interrupted): what came before the cut is still a trace.
    if (gzip && (e as NodeJS.ErrnoException).code === 'Z_BUF_ERROR' && !first) cut = true;
    else throw new InputError(`${path}: cannot read${gzip ? ' (a gzip file)' : ''}: ${(e as Error).message}`);
  } finally {
    gunzip?.destroy();
    raw.stop();
  }
  const rest = chunker.end();
  if (rest.length > 0 || first) target.push(rest, chunker.bytes);
  if (cut) {
    // The last line, which a cut usually leaves without its line break.
    const line = rest.length > 0 && !rest.endsWith('\n') ? target.lineCount : Math.max(0, target.lineCount - 1);
    target.diagnostic({ span: { line, start: 0, end: 0 }, severity: 'warning', message: 'the gzip file ends early (cut off while it was written or copied): only the lines before the cut were analysed' });
  }
}

/** The file's bytes in reads of `size`, each read blocking. */
function* blockingChunks(path: string, size: number): Generator<Buffer> {
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const buf = Buffer.allocUnsafe(size);
      const n = readSync(fd, buf, 0, size, null);
      if (n === 0) return;
      yield n === size ? buf : buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/** The UTF-16 byte order mark a file starts with, if any. */
function utf16Of(buf: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return 'utf-16le';
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return 'utf-16be';
  return undefined;
}
