// Streams a trace file from disk into a TraceAnalysis in newline-aligned chunks, with progress and cancellation.
// Shared by the CLI and the language server's "Analyze Trace File..." (files VS Code will not hand over).
import { closeSync, createReadStream, openSync, promises as fs, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { TraceAnalysis, unreadableReason, type Analysis, type AnalyzeOptions } from '../engine/analyze.js';
import type { ParseDiagnostic } from '../engine/events.js';
import { Cancelled, finished, InputError, notATrace } from './input-errors.js';
import { utf16Chunker, Utf8Chunker, type NewlineChunker } from './newline-chunks.js';
import { analyzeInTwoThreads, twoThreads } from './two-threads.js';

export { Cancelled, InputError };

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

export async function analyzeFile(path: string, options: ReadTraceOptions = {}): Promise<Analysis> {
  const total = await sizeOf(path);
  if (await twoThreads(options.threads, path, total)) return analyzeInTwoThreads(path, total, options);
  const analysis = new TraceAnalysis({ ...options, fileName: options.fileName ?? path });
  await readChunks(path, total, analysis, options);
  return finished(path, analysis.finish());
}

/** The size of the trace at `path`; an InputError when it is no file or cannot be read. */
export async function sizeOf(path: string): Promise<number> {
  try {
    const st = await fs.stat(path);
    if (st.isDirectory()) throw new InputError(`${path}: is a directory, not a trace file`);
    return st.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/**
 * Streams the file at `path` (`total` bytes) into `target` in newline-aligned chunks: gzip and UTF-16 are decoded,
 * binary input is refused, a gzip file cut short is read up to the cut. `between` runs after each read.
 */
export async function readChunks(path: string, total: number, target: ChunkTarget, options: ReadTraceOptions, between?: (bytes: number) => Promise<void> | void): Promise<void> {
  let chunker: NewlineChunker = new Utf8Chunker();
  // Big traces are often kept gzipped: read them as they are (the progress counts compressed bytes).
  const gzip = await isGzip(path);
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  const blocking = options.blockingReads === true && !gzip;
  const raw = blocking ? undefined : createReadStream(path, { highWaterMark: chunkSize });
  const stream = raw && gzip ? raw.pipe(createGunzip({ chunkSize: Math.max(64, chunkSize) })) : raw;
  if (raw && stream !== raw) raw.on('error', (e) => stream!.destroy(e)); // pipe() does not pass read errors on
  const source: Iterable<Buffer> | AsyncIterable<Buffer> = stream ?? blockingChunks(path, chunkSize);
  let bytes = 0;
  let first = true;
  let cut = false;
  try {
    for await (const buf of source) {
      if (options.isCancelled?.()) throw new Cancelled();
      bytes = gzip ? raw!.bytesRead : bytes + buf.length;
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
    stream?.destroy();
    raw?.destroy();
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

/** Whether the file starts with gzip's magic bytes. */
async function isGzip(path: string): Promise<boolean> {
  const h = await fs.open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await h.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await h.close();
  }
}
