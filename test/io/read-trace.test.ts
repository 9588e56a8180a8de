// Reading a trace file in chunks gives exactly what analysing the whole text gives, whatever the read size:
// lines split across reads, multi-byte UTF-8 characters split across reads, a last line without a newline.
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeText, type Analysis } from '../../server/src/engine/analyze.js';
import { analyzeFile } from '../../server/src/io/read-trace.js';
import { generateTrace, read, sample, tempDir } from '../helpers.js';

const summary = (a: Analysis) => ({
  format: a.format, lines: a.lineCount, events: a.eventCount,
  diagnostics: a.diagnostics.map((d) => `${d.span.line}:${d.message}`),
  findings: a.findings.map((f) => `${f.rule}@${f.span.line}:${f.message}`),
});

describe('reading trace files in chunks', () => {
  const dir = tempDir('read');

  const repro = read(sample('bug237588', 'mmap_pwrite.strace'));
  // A non-ASCII path (two-byte é, four-byte 𝄞) and no newline at the end.
  const lines = repro.trimEnd().split('\n');
  lines.splice(3, 0, `${lines[3].split(' ')[0]} 10:31:02.800000 openat(AT_FDCWD, "/mnt/fuse/café-𝄞.txt", O_RDONLY) = -1 ENOENT (No such file or directory) <0.000010>`);
  const text = lines.join('\n');
  const path = join(dir, 'utf8.strace');
  writeFileSync(path, text);
  const whole = summary(analyzeText(text, { kernel: 'freebsd-2019', mode: 'write-through' }));

  it('the whole text has the hazard and no parse errors', () => {
    assert.equal(whole.diagnostics.length, 0, whole.diagnostics.join('\n'));
    assert.ok(whole.findings.some((f) => f.startsWith('mmap-dirty-invalidated@')));
  });

  for (const chunkSize of [1, 3, 7, 64, 4096, 64 * 1024]) {
    it(`reads of ${chunkSize} bytes give the same analysis`, async () => {
      const a = await analyzeFile(path, { kernel: 'freebsd-2019', mode: 'write-through', chunkSize });
      assert.deepEqual(summary(a), whole);
    });
    it(`blocking reads of ${chunkSize} bytes (the CLI's) give the same analysis`, async () => {
      const a = await analyzeFile(path, { kernel: 'freebsd-2019', mode: 'write-through', chunkSize, blockingReads: true });
      assert.deepEqual(summary(a), whole);
    });
  }

  // Windows editors and PowerShell's `>` write byte order marks; UTF-16 too.
  const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16();
  const encodings: Array<[string, Buffer]> = [
    ['UTF-8 with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
    ['UTF-16LE with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ['UTF-16BE with a BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)])],
  ];
  for (const [name, bytes] of encodings) {
    it(`${name}: the same analysis, whatever the read size`, async () => {
      const p = join(dir, `${name.replace(/\W+/g, '-')}.strace`);
      writeFileSync(p, bytes);
      for (const chunkSize of [3, 7, 64 * 1024]) assert.deepEqual(summary(await analyzeFile(p, { kernel: 'freebsd-2019', mode: 'write-through', chunkSize })), whole);
    });
  }

  it('a gzipped trace is read as it is, whatever the read size', async () => {
    const p = join(dir, 'trace.strace.gz');
    writeFileSync(p, gzipSync(text));
    for (const chunkSize of [7, 64 * 1024]) assert.deepEqual(summary(await analyzeFile(p, { kernel: 'freebsd-2019', mode: 'write-through', chunkSize })), whole);
  });

  it('a gzipped trace cut short: the lines before the cut are analysed, with a warning at the cut', async () => {
    const full = Buffer.from(text.repeat(40));
    const gz = gzipSync(full);
    const p = join(dir, 'cut.strace.gz');
    writeFileSync(p, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const a = await analyzeFile(p, { kernel: 'freebsd-2019', mode: 'write-through' });
    assert.ok(a.lineCount > 100 && a.lineCount < 40 * lines.length, `${a.lineCount} lines`);
    assert.ok(a.findings.length > 0, 'the hazards before the cut are found');
    const cut = a.diagnostics.filter((d) => d.message.startsWith('the gzip file ends early'));
    assert.equal(cut.length, 1);
    assert.ok(cut[0].span.line >= a.lineCount - 1);
    // Not gzip at all behind the magic bytes: a clear error.
    const bad = join(dir, 'bad.gz');
    writeFileSync(bad, Buffer.from([0x1f, 0x8b, 0x41, 0x42, 0x43]));
    await assert.rejects(analyzeFile(bad), /bad\.gz: cannot read \(a gzip file\): /);
  });

  it('UTF-16 without a BOM is named as such, with how to convert it', async () => {
    const p = join(dir, 'nobom.strace');
    writeFileSync(p, Buffer.from(text, 'utf16le'));
    await assert.rejects(analyzeFile(p), /looks like UTF-16 text without a byte order mark.*iconv -f UTF-16LE -t UTF-8/);
  });

  // A file's chunks are scanned as bytes where each byte is one character (scan-bytes.ts); a text has no bytes.
  it('a file read as bytes gives the events of its text: every strace sample, and a generated trace in small reads', async () => {
    const gen = join(dir, 'gen.strace');
    await generateTrace(gen, 3000, 5);
    const files = [
      ...readdirSync(sample('bug237588')).filter((f) => f.endsWith('.strace')).map((f) => sample('bug237588', f)),
      ...readdirSync(sample('bug237588', 'ff')).filter((f) => /\.\d+$/.test(f)).map((f) => sample('bug237588', 'ff', f)),
      gen,
    ];
    for (const p of files) {
      const fromText = analyzeText(read(p), { kernel: 'freebsd-2019', mode: 'write-through', keepEvents: true, fileName: p });
      for (const chunkSize of [64 * 1024, 1000]) {
        const fromFile = await analyzeFile(p, { kernel: 'freebsd-2019', mode: 'write-through', keepEvents: true, chunkSize, blockingReads: true });
        assert.deepEqual(fromFile.events, fromText.events, `${p} in reads of ${chunkSize}`);
        assert.deepEqual(summary(fromFile), summary(fromText), `${p} in reads of ${chunkSize}`);
      }
    }
  });
});
