// Parsing in a second thread changes the time, not the result: every sample and fixture of every format, a
// generated trace and the odd inputs (gzip, cut gzip, UTF-16, overlong lines, binary, empty) give the same
// analysis, events included, read in one thread or in two.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { TraceAnalysis, type Analysis } from '../../server/src/engine/analyze.js';
import { BatchDecoder, BatchEncoder } from '../../server/src/engine/event-codec.js';
import type { EventDraft } from '../../server/src/engine/events.js';
import { eventOfLineCall } from '../../server/src/engine/syntax/strace/line-call.js';
import { finished } from '../../server/src/io/input-errors.js';
import { parseInBatches, type ParsedPart } from '../../server/src/io/parse-batches.js';
import { analyzeFile, Cancelled, InputError, sizeOf, type ReadTraceOptions } from '../../server/src/io/read-trace.js';
import { estimateLines, ReplayOfBatches, twoThreads, TWO_THREADS_FROM, TWO_THREADS_FROM_LINES } from '../../server/src/io/two-threads.js';
import { generateTrace, read, ROOT, sample, tempDir } from '../helpers.js';

/** Every key whose value is undefined dropped (an absent field and an undefined one mean the same to the engine). */
function defined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(defined);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, defined(x)]));
}

const summary = (a: Analysis) => ({
  format: a.format, lines: a.lineCount, events: a.eventCount, diagnostics: a.diagnostics,
  findings: defined(a.findings), eventList: defined(a.events),
});

/**
 * Where events are built: by the replaying thread (`replay`, as the parsing thread leaves them), by the parsing one
 * (`parse`, as when a batch's name table is full), or by each in turn, call by call (`turns`).
 */
type Builder = 'replay' | 'parse' | 'turns';

/**
 * What the two-thread path computes, run in this thread: the parsing side's batches, then their replay. (A real
 * thread loads every module anew, which under the compiled tests costs most of a second per file.)
 */
async function viaBatches(path: string, options: ReadTraceOptions, builder: Builder): Promise<Analysis> {
  const total = await sizeOf(path);
  const analysis = new TraceAnalysis({ ...options, fileName: path }, true);
  const parts: ParsedPart[] = [];
  let calls = 0;
  const buildHere = builder === 'turns' ? () => ++calls % 2 === 0 : () => builder === 'parse';
  await parseInBatches({ path, total, options: { fileName: path } }, (p) => parts.push(p), () => undefined, buildHere);
  const replay = new ReplayOfBatches(analysis);
  for (const p of parts) replay.take(p);
  return finished(path, analysis.finish());
}

/**
 * The analysis in one thread and the two-thread one (in a real thread, or `viaBatches`), or the refusal each gave
 * (an InputError: binary, empty, not a trace). Any other error is a bug of ours, and fails the test.
 */
async function both(path: string, how: 'thread' | Builder = 'thread'): Promise<[unknown, unknown]> {
  const options: ReadTraceOptions = { kernel: 'freebsd-2019', mode: 'write-through', keepEvents: true };
  const run = async (threads: 1 | 2) => {
    try {
      if (threads === 2 && how !== 'thread') return summary(await viaBatches(path, options, how));
      return summary(await analyzeFile(path, { ...options, threads }));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      return { refused: e.message };
    }
  };
  return [await run(1), await run(2)];
}

/** The trace files under `dir`, recursively (C sources, READMEs and scripts left out). */
function tracesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tracesUnder(p);
    return /\.(c|md|sh|json|d)$/.test(e.name) ? [] : [p];
  });
}

describe('two threads give the analysis one thread gives', () => {
  const dir = tempDir('threads');

  const files = [...tracesUnder(join(ROOT, 'samples')), ...tracesUnder(join(ROOT, 'test', 'fixtures'))];
  it('there are traces of every format to compare', () => {
    assert.ok(files.length > 60, `${files.length} files`);
    for (const ext of ['.strace', '.fuselog', '.fsxlog', '.dtruss', '.txt']) assert.ok(files.some((f) => f.endsWith(ext)), ext);
  });

  for (const f of files) {
    it(f.slice(ROOT.length + 1), async () => {
      const [one, two] = await both(f, 'turns');
      assert.deepStrictEqual(two, one);
    });
  }

  // One trace of each format through a real thread.
  for (const f of ['bug237588/mmap_pwrite.strace', 'bug237588/ff/mmap_fork_pwrite.20114', 'bug237588/mmap_pwrite.fuselog', 'fsx/freebsd-U.fsxlog', 'dtrace/mmap_pwrite.dtruss', 'kdump/mmap_pwrite.kdump']) {
    it(`${f}, parsed in a real second thread`, async () => {
      const [one, two] = await both(sample(...f.split('/')));
      assert.deepStrictEqual(two, one);
    });
  }

  it('a generated trace of 40,000 lines (fds, mappings, forks, unfinished calls): the same events and findings', async () => {
    const p = join(dir, 'generated.strace');
    await generateTrace(p, 40_000, 7);
    const [one, two] = await both(p);
    assert.ok((one as { findings: unknown[] }).findings.length > 5, 'the trace has hazards to find');
    assert.deepStrictEqual(two, one);
    // Wherever the events are built, they are the same.
    for (const builder of ['replay', 'parse', 'turns'] as const) assert.deepStrictEqual((await both(p, builder))[1], one, builder);
  });

  const repro = read(sample('bug237588', 'mmap_pwrite.strace'));
  const odd: Array<[string, Buffer]> = [
    ['gzipped', gzipSync(repro)],
    ['gzip cut short', gzipSync(Buffer.from(repro.repeat(200))).subarray(0, 3000)],
    ['UTF-16LE with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(repro, 'utf16le')])],
    ['a line longer than any format prints', Buffer.from(repro.replace('\n', `\n${'x'.repeat((1 << 20) + 10)}\n`))],
    ['binary', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3, 0, 0, 0, 0, 0, 0])],
    ['empty', Buffer.alloc(0)],
    ['not a trace', Buffer.from('hello\nworld\n')],
  ];
  for (const [name, bytes] of odd) {
    it(`${name}: the same result or the same error`, async () => {
      const p = join(dir, `${name.replace(/\W+/g, '-')}.strace`);
      writeFileSync(p, bytes);
      const [one, two] = await both(p);
      assert.deepStrictEqual(two, one);
    });
  }

  it('a missing file is the same InputError', async () => {
    const [one, two] = await both(join(dir, 'no-such.strace'));
    assert.deepStrictEqual(two, one);
    assert.match((one as { refused: string }).refused, /no-such\.strace: cannot read: no such file/);
  });

  it('progress is reported as the batches arrive, and cancelling stops the parsing thread', async () => {
    const p = join(dir, 'progress.strace');
    await generateTrace(p, 60_000, 3);
    const seen: number[] = [];
    await analyzeFile(p, { threads: 2, onProgress: (r) => seen.push(r.bytes) });
    assert.ok(seen.length >= 2, `${seen.length} progress reports`);
    assert.equal(seen.at(-1), statSync(p).size);
    let calls = 0;
    await assert.rejects(analyzeFile(p, { threads: 2, isCancelled: () => ++calls > 1 }), Cancelled);
  });

  it('the lines of a file are estimated from its first MiB, plain or gzipped', async () => {
    const p = join(dir, 'estimate.strace');
    await generateTrace(p, 30_000, 5);
    const text = read(p);
    const lines = text.split('\n').length - 1;
    const estimate = await estimateLines(p, statSync(p).size);
    assert.ok(Math.abs(estimate - lines) < lines * 0.05, `${estimate} estimated, ${lines} lines`);
    const gz = join(dir, 'estimate.strace.gz');
    writeFileSync(gz, gzipSync(text));
    const gzEstimate = await estimateLines(gz, statSync(gz).size);
    assert.ok(Math.abs(gzEstimate - lines) < lines * 0.25, `${gzEstimate} estimated from gzip, ${lines} lines`);
    // Long lines (`-s 1000`) are fewer for their bytes.
    const long = join(dir, 'long.strace');
    writeFileSync(long, text.replace(/"abcdefghijklmnopqrstuvwxyz012345"/g, `"${'x'.repeat(1000)}"`));
    assert.ok((await estimateLines(long, statSync(long).size)) < lines * 1.05);
    assert.equal(await estimateLines(join(dir, 'no-such-file'), 1 << 30), 0);
  });

  it('auto uses two threads only for traces of many lines, on a machine with more than one core', async () => {
    // A head of short lines, then zeros to the size (a sparse file: nothing is written): judged by the head.
    const p = join(dir, 'many-lines.strace');
    writeFileSync(p, read(sample('bug237588', 'mmap_pwrite.strace')).repeat(400));
    const bytes = statSync(p).size;
    const perLine = bytes / (read(p).split('\n').length - 1);
    const sized = (lines: number): number => {
      truncateSync(p, Math.ceil(lines * perLine));
      return statSync(p).size;
    };
    const two = availableParallelism() > 1;
    assert.equal(await twoThreads('auto', p, sized(TWO_THREADS_FROM_LINES * 1.2)), two, 'many lines');
    assert.equal(await twoThreads('auto', p, sized(TWO_THREADS_FROM_LINES * 0.8)), false, 'fewer lines');
    assert.equal(await twoThreads(undefined, p, sized(TWO_THREADS_FROM_LINES * 4)), false, 'one thread unless asked');
    assert.equal(await twoThreads(1, p, sized(TWO_THREADS_FROM_LINES * 4)), false);
    assert.equal(await twoThreads(2, p, 10), true, 'two when asked, whatever the size');
    assert.equal(await twoThreads('auto', p, TWO_THREADS_FROM - 1), false, 'a file under 4 MiB');
  });
});

describe('the event codec', () => {
  it('gives integers back as small integers, and events in the shape the parser makes them', () => {
    // A double where the model expects a small integer (an fd, a pid, a line) slows every Map lookup and object
    // shape it meets: two threads took 0.92-0.95 of the time once the decoder stopped handing doubles on.
    const codec = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'server', 'src', 'engine', 'event-codec.js')).href;
    const script = `
      const { BatchEncoder, BatchDecoder } = await import(${JSON.stringify(codec)});
      const enc = new BatchEncoder(8);
      enc.add({ kind: 'write', span: { line: 7, start: 0, end: 40 }, name: 'pwrite64', ok: true, pid: 4101, fd: 3, offset: 2 ** 40, length: 4096, direct: false });
      const base = { span: { line: 8, start: 0, end: 30 }, endSpan: undefined, pid: 4102, tid: undefined, time: 1.5, name: 'lseek', ok: true, errno: undefined, durationSec: undefined, fdPath: undefined };
      enc.defer({ text: 'lseek(3, 100, SEEK_SET) = 100', name: 'lseek', open: 5, close: 22, commas: Int32Array.from([7, 12]), commaAt: 0, commaCount: 2, retAt: 26, retLength: 3, base });
      const out = {};
      new BatchDecoder().decode(enc.take(), (ev) => {
        if (ev.kind === 'write') out.event = [%IsSmi(ev.fd), %IsSmi(ev.pid), %IsSmi(ev.length), %IsSmi(ev.span.line), %IsSmi(ev.span.end), %IsSmi(ev.offset)];
        else out.deferred = [ev.kind, %IsSmi(ev.fd), %IsSmi(ev.offset), %IsSmi(ev.pid), %IsSmi(ev.span.line), %IsSmi(ev.span.end)];
      }, (e) => { throw e; });
      // The same call, built by the parser and decoded from a batch: one shape (one hidden class) either way.
      const { StraceParser } = await import(${JSON.stringify(codec.replace('event-codec.js', 'syntax/strace/strace-parser.js'))});
      const parsed = [];
      const lines = [
        'openat(AT_FDCWD</h>, "/m/f", O_RDWR) = 3</m/f>', 'pwrite64(3</m/f>, "ab", 2, 8) = 2', 'futex(0x1, FUTEX_WAKE, 1) = 0',
        'lseek(3</m/f>, 0, SEEK_SET) = 0', 'mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, 3</m/f>, 0) = 0x7f0000000000', 'close(3</m/f>) = 0',
      ];
      new StraceParser({ event: (e) => parsed.push(e), diagnostic() {} }).feed(lines.map((l) => '4101  ' + l + '\\n').join(''), 0);
      const again = new BatchEncoder(8);
      for (const e of parsed) again.add(e);
      const decoded = [];
      new BatchDecoder().decode(again.take(), (ev) => decoded.push(ev), (e) => { throw e; });
      out.sameShape = parsed.map((e, i) => e.kind + ':' + %HaveSameMap(e, decoded[i]));
      // And read by a sink that defers: the events built on the other side have that shape too.
      const deferring = new BatchEncoder(8);
      new StraceParser({ event: (e) => deferring.add(e), diagnostic() {}, defer: (c) => deferring.defer(c) }).feed(lines.map((l) => '4101  ' + l + '\\n').join(''), 0);
      const built = [];
      new BatchDecoder().decode(deferring.take(), (ev) => built.push(ev), (e) => { throw e; });
      out.deferredShape = parsed.map((e, i) => e.kind + ':' + (built[i].kind === e.kind && %HaveSameMap(e, built[i])));
      process.stdout.write(JSON.stringify(out));
    `;
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    // The offset 2^40 is no small integer, and stays a double.
    assert.deepStrictEqual(JSON.parse(r.stdout), {
      event: [true, true, true, true, true, false], deferred: ['lseek', true, true, true, true, true],
      sameShape: ['open:true', 'write:true', 'generic:true', 'lseek:true', 'mmap:true', 'close:true'],
      deferredShape: ['open:true', 'write:true', 'generic:true', 'lseek:true', 'mmap:true', 'close:true'],
    });
  });

  it('carries every kind of event with every field, and calls left to build, in order', () => {
    const events: EventDraft[] = [
      { kind: 'open', span: { line: 1, start: 0, end: 9 }, name: 'openat', ok: true, pid: 7, time: 1.5, fd: 3, target: { path: 'a', dirfd: -100 }, resolvedPath: '/m/a', flags: { read: true, write: true, direct: false, trunc: false, append: false, cloexec: true, creat: true, directory: false } },
      { kind: 'write', span: { line: 2, start: 1, end: 2 }, endSpan: { line: 3, start: 0, end: 4 }, name: 'pwrite64', ok: true, fd: 3, offset: 2 ** 40, length: 5, direct: true, fdPath: '/m/a', durationSec: 0.25 },
      { kind: 'read', span: { line: 4, start: 0, end: 1 }, name: 'read', ok: false, errno: 'EIO', fd: 3, length: 1, offset: undefined },
      { kind: 'fuse-request', span: { line: 5, start: 0, end: 1 }, name: 'WRITE', ok: true, unique: 9, opcode: 'WRITE', nodeid: 2, writepage: true, flags: 0x8002, time: Number.NaN },
      { kind: 'generic', span: { line: 6, start: 0, end: 0 }, name: 'futex', ok: true, tid: 12 },
    ];
    const enc = new BatchEncoder(4);
    enc.add(events[0]);
    enc.add(events[1]);
    const commas = Int32Array.from([0, 0, 7, 12]);
    const base = { kind: 'generic', seq: 0, span: { line: 9, start: 0, end: 30 }, endSpan: undefined, pid: 4101, tid: undefined, time: 3600.25, name: 'lseek', ok: true, errno: undefined, durationSec: 1e-6, fdPath: undefined };
    const call = { text: 'lseek(3, 100, SEEK_SET) = 100', name: 'lseek', open: 5, close: 22, commas, commaAt: 2, commaCount: 2, retAt: 26, retLength: 3, base };
    // What the receiver builds is the event built here from the same call.
    const expected = defined({ ...eventOfLineCall({ ...call, base: { ...base } }), seq: undefined });
    enc.defer(call);
    enc.add(events[2]);
    const first = enc.take();
    enc.add(events[3]);
    enc.add(events[4]);
    const second = enc.take();
    const dec = new BatchDecoder();
    const out: unknown[] = [];
    for (const b of [first, second]) {
      dec.decode(b, (ev) => out.push(defined({ ...ev, seq: undefined })), (e) => assert.fail(String(e)));
    }
    assert.equal((expected as { kind: string }).kind, 'lseek');
    assert.deepStrictEqual(out, [
      defined(events[0]), defined(events[1]),
      expected,
      defined(events[2]), defined(events[3]), defined(events[4]),
    ]);
  });
});
