// Shared test helpers: fixture lookup, sample splitting, parse collection and expected-output files.
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EventDraft, ParseDiagnostic, TraceEvent, TraceFormat } from '../server/src/engine/events.js';
import { formatSpec } from '../server/src/engine/syntax/formats.js';
import type { EventSink, TraceParser } from '../server/src/engine/syntax/parser-api.js';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || dir.endsWith('/out')) {
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  return dir;
}

export const ROOT = findRoot();

export function fixture(...parts: string[]): string {
  return join(ROOT, 'test', 'fixtures', ...parts);
}

export function sample(...parts: string[]): string {
  return join(ROOT, 'samples', ...parts);
}

export function read(path: string): string {
  return readFileSync(path, 'utf8');
}

const DELIMITER = '# ---- verbatim sample below this line ----\n';

/** The verbatim part of a shared format sample (after its provenance header). */
export function verbatim(path: string): string {
  const t = read(path);
  const i = t.indexOf(DELIMITER);
  return i < 0 ? t : t.slice(i + DELIMITER.length);
}

export interface Parsed {
  events: TraceEvent[];
  diagnostics: ParseDiagnostic[];
}

/**
 * Runs one format's parser over text fed in chunks of `chunk` characters (newline-aligned). `create` replaces the
 * format's own parser factory (to test a parser's options).
 */
export function parseWith(format: TraceFormat, text: string, options: { defaultPid?: number; chunk?: number; create?: (sink: EventSink) => TraceParser } = {}): Parsed {
  const events: TraceEvent[] = [];
  const diagnostics: ParseDiagnostic[] = [];
  let seq = 0;
  const spec = formatSpec(format);
  assert.ok(spec, `no parser for ${format}`);
  const sink: EventSink = { event: (e: EventDraft) => events.push({ ...e, seq: ++seq } as TraceEvent), diagnostic: (d) => diagnostics.push(d) };
  const parser = options.create ? options.create(sink) : spec.create(sink, { defaultPid: options.defaultPid });
  const size = options.chunk ?? 1 << 16;
  let pos = 0;
  let line = 0;
  while (pos < text.length) {
    let end = Math.min(text.length, pos + size);
    if (end < text.length) {
      const nl = text.indexOf('\n', end);
      end = nl < 0 ? text.length : nl + 1;
    }
    const chunk = text.slice(pos, end);
    parser.feed(chunk, line);
    line += chunk.split('\n').length - 1;
    pos = end;
  }
  parser.end();
  return { events, diagnostics };
}

/**
 * Holds `actual` to the expected-output file at `path` (rust-analyzer's `expect` tests): a changed verdict shows
 * as a diff of that file in review. CACHEREPLAY_UPDATE=1 writes the file instead of comparing; a missing file
 * is written and fails, so that it is reviewed before it is trusted.
 */
export function expectFile(path: string, actual: string): void {
  if (process.env.CACHEREPLAY_UPDATE === '1' || !existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    if (process.env.CACHEREPLAY_UPDATE !== '1') assert.fail(`${relative(ROOT, path)} was missing and has been written: review it and run again`);
    return;
  }
  assert.equal(actual, read(path), `${relative(ROOT, path)} differs: run with CACHEREPLAY_UPDATE=1 to accept the new output, then review the diff`);
}

export function resolveRoot(...parts: string[]): string {
  return resolve(ROOT, ...parts);
}

/** A seeded random integer in [0, n): the same sequence on every run, so a failing case can be replayed. */
export function seededRandom(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

/**
 * The -ff sample's stamps shifted so that the child's first line comes just after midnight and the parent's fork just
 * before (-tt stamps start again at 00:00): a run across midnight.
 */
export function acrossMidnight(text: string): string {
  return text.replace(/^(\d\d):(\d\d):(\d\d\.\d+)/gm, (_m, h: string, m: string, sec: string) => {
    const t = (Number(h) * 3600 + Number(m) * 60 + Number(sec) + 86400.0005 - 77256.619737) % 86400;
    const whole = Math.floor(t);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${pad(Math.floor(whole / 3600))}:${pad(Math.floor((whole % 3600) / 60))}:${pad(whole % 60)}.${String(Math.round((t - whole) * 1e6)).padStart(6, '0')}`;
  });
}

/** Writes the benchmark's generated strace trace (scripts/gen-strace.mjs) of `lines` lines to `path`. */
export async function generateTrace(path: string, lines: number, seed = 42): Promise<void> {
  const { generate } = (await import(pathToFileURL(join(ROOT, 'scripts', 'gen-strace.mjs')).href)) as { generate: (path: string, lines: number, seed: number) => Promise<unknown> };
  await generate(path, lines, seed);
}

/** The files in `dir` whose names match `ext`, with their paths. */
export function traceFiles(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).filter((f) => ext.test(f)).map((f) => join(dir, f));
}

/** A fresh temporary folder, removed when the enclosing suite ends (call it inside `describe`). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `cachereplay-${prefix}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
