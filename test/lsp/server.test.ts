// The bundled language server over stdio with a real JSON-RPC client, on the bug 237588 samples.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { CodeLens, Diagnostic, DocumentSymbol, FoldingRange, Hover, Location } from 'vscode-languageserver-protocol';
import { analyzeFile } from '../../server/src/io/read-trace.js';
import { generateTrace, read, sample } from '../helpers.js';
import { startClient, type TestClient } from './lsp-client.js';

const reproPath = sample('bug237588', 'mmap_pwrite.strace');
const repro = read(reproPath);
const lines = repro.split('\n');
const PWRITE = lines.findIndex((l) => l.includes('pwrite64('));
const MMAP = lines.findIndex((l) => l.includes('MAP_SHARED'));
const OPEN = lines.findIndex((l) => l.includes('file.bin", O_RDWR'));
const MUNMAP = lines.findIndex((l) => l.includes('munmap(0x7f8c3d532000'));
const uri = 'file:///work/samples/mmap_pwrite.strace';

function col(line: number, needle: string, offset = 0): number {
  const c = lines[line].indexOf(needle);
  assert.ok(c >= 0, needle);
  return c + offset;
}

function hoverText(h: Hover | null): string {
  assert.ok(h);
  const c = h.contents as { kind: string; value: string };
  assert.equal(c.kind, 'markdown');
  return c.value;
}

describe('language server, push diagnostics (a client like Neovim 0.7)', () => {
  let c: TestClient;
  before(async () => {
    c = await startClient({ pull: false, settings: { cacheMode: 'write-through', kernel: 'freebsd-2019' } });
    await c.open(uri, repro);
  });
  after(() => c.close());

  it('publishes the warning on the pwrite line with lost ranges, rule code and related locations', async () => {
    const diags = await c.waitForDiagnostics(uri, (d) => d.length > 0);
    assert.equal(diags.length, 1);
    const d: Diagnostic = diags[0];
    assert.equal(d.range.start.line, PWRITE);
    assert.equal(d.range.start.character, col(PWRITE, 'pwrite64'));
    assert.equal(d.severity, 2);
    assert.equal(d.code, 'mmap-dirty-invalidated');
    assert.equal(d.source, 'cachereplay');
    assert.match(String(d.message), /possible data loss.*\[0x0, 0x3e8\) \[0x44c, 0x1000\)/);
    assert.equal(d.relatedInformation?.[0].location.range.start.line, MMAP);
    assert.equal(d.relatedInformation?.[0].location.uri, uri);
    assert.ok(c.requests.includes('workspace/configuration'), 'settings are pulled from the client');
  });

  it('hover on the pwrite line shows the page table before and after', async () => {
    const h = await c.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: PWRITE, character: col(PWRITE, 'pwrite64', 2) } });
    const text = hoverText(h);
    assert.match(text, /\*\*pwrite64\*\* · pid 8791/);
    assert.match(text, /possible data loss.*3996 bytes/);
    assert.match(text, /\| page \| bytes \| before \| after \| daemon holds \(after\) \|/);
    assert.match(text, /\| 0 \| `0x0–0x1000` \| \*\*possibly dirty\*\* `\[0x0, 0x1000\)` ← mmap L32 \(possible\) \| \*\*invalidated\*\* \(dirty bytes dropped\); may be stored into again: `\[0x0, 0x1000\)` ← mmap L32 \(possible, since pwrite64 L33\)<br>⚠ lost \[0x0, 0x3e8\) \[0x44c, 0x1000\) \| `\[0x3e8, 0x44c\)` ← pwrite64 L33 \|/);
  });

  it('hover and definition on an fd lead to the open', async () => {
    const pos = { line: PWRITE, character: col(PWRITE, '(3<', 1) };
    const text = hoverText(await c.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: pos }));
    assert.equal(text, `**fd 3** → \`/tmp/cachereplay-mnt/file.bin\`, opened at line ${OPEN + 1} (openat)`);
    const def = await c.conn.sendRequest<Location | null>('textDocument/definition', { textDocument: { uri }, position: pos });
    assert.equal(def?.range.start.line, OPEN);
  });

  it('hover and definition on an address lead to the mmap', async () => {
    const pos = { line: MUNMAP, character: col(MUNMAP, '0x7f8c3d532000', 3) };
    const text = hoverText(await c.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: pos }));
    assert.match(text, /\*\*0x7f8c3d532000\*\* → MAP_SHARED writable mapping `0x7f8c3d532000–0x7f8c3d534000` made at line 32 of `\/tmp\/cachereplay-mnt\/file\.bin` at file offset 0x0/);
    const def = await c.conn.sendRequest<Location | null>('textDocument/definition', { textDocument: { uri }, position: pos });
    assert.equal(def?.range.start.line, MMAP);
  });

  it('references and highlights of an fd: the open and every call that used it', async () => {
    const CLOSE = lines.findIndex((l) => l.includes('close(3</tmp/cachereplay-mnt'));
    const FTRUNCATE = lines.findIndex((l) => l.includes('ftruncate(3'));
    const fd = { line: PWRITE, character: col(PWRITE, 'pwrite64(3', 9) };
    const refs = await c.conn.sendRequest<Location[]>('textDocument/references', { textDocument: { uri }, position: fd, context: { includeDeclaration: true } });
    assert.deepEqual(refs.map((r) => r.range.start.line), [OPEN, FTRUNCATE, MMAP, PWRITE, CLOSE]);
    // Each range is the fd itself: the open's result, and the argument of each use.
    assert.deepEqual(refs.map((r) => lines[r.range.start.line].slice(r.range.start.character, r.range.end.character)), ['3', '3', '3', '3', '3']);
    assert.equal(refs[0].range.start.character, col(OPEN, '= 3<', 2));
    assert.equal(refs[2].range.start.character, col(MMAP, 'MAP_SHARED, 3', 12));
    const uses = await c.conn.sendRequest<Location[]>('textDocument/references', { textDocument: { uri }, position: fd, context: { includeDeclaration: false } });
    assert.deepEqual(uses.map((r) => r.range.start.line), [FTRUNCATE, MMAP, PWRITE, CLOSE]);
    // From the open's own result: the same set.
    const fromOpen = await c.conn.sendRequest<Location[]>('textDocument/references', { textDocument: { uri }, position: { line: OPEN, character: col(OPEN, '= 3<', 2) }, context: { includeDeclaration: true } });
    assert.deepEqual(fromOpen, refs);
    // Not a reference: the pwrite's length.
    assert.equal(await c.conn.sendRequest('textDocument/references', { textDocument: { uri }, position: { line: PWRITE, character: col(PWRITE, ', 100,', 3) }, context: { includeDeclaration: true } }), null);
  });

  it('highlights of an address: the mmap that made the mapping (write) and the munmap (read)', async () => {
    const pos = { line: MUNMAP, character: col(MUNMAP, '0x7f8c3d532000', 3) };
    const hl = await c.conn.sendRequest<Array<{ range: Location['range']; kind: number }>>('textDocument/documentHighlight', { textDocument: { uri }, position: pos });
    assert.deepEqual(hl.map((h) => [h.range.start.line, h.kind, lines[h.range.start.line].slice(h.range.start.character, h.range.end.character)]), [
      [MMAP, 3, '0x7f8c3d532000'],
      [MUNMAP, 2, '0x7f8c3d532000'],
    ]);
  });

  it('references follow the open file description, not the fd number: a reused fd is another file', async () => {
    const reuse = 'file:///work/reuse.strace';
    const text = [
      'openat(AT_FDCWD, "/m/a", O_RDWR) = 3',
      'write(3, "a", 1) = 1',
      'close(3) = 0',
      'openat(AT_FDCWD, "/m/b", O_RDWR) = 3',
      'write(3, "b", 1) = 1',
      'dup2(3, 7) = 7',
      'write(7, "c", 1) = 1',
      '',
    ].join('\n');
    await c.open(reuse, text);
    await c.waitForDiagnostics(reuse);
    const at = async (line: number, character: number) => (await c.conn.sendRequest<Location[]>('textDocument/references', { textDocument: { uri: reuse }, position: { line, character }, context: { includeDeclaration: true } })).map((r) => r.range.start.line);
    assert.deepEqual(await at(1, 6), [0, 1, 2]);
    assert.deepEqual(await at(4, 6), [3, 4, 5, 6], 'the dup shares the open file description');
    assert.deepEqual(await at(6, 6), [3, 4, 5, 6]);
  });

  it('document symbols: the process with its files and mappings', async () => {
    const syms = await c.conn.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.equal(syms.length, 1);
    assert.equal(syms[0].name, 'process 8791');
    const names = (syms[0].children ?? []).map((s) => s.name);
    assert.ok(names.includes('/tmp/cachereplay-mnt/file.bin'));
    assert.ok(names.includes('0x7f8c3d532000 MAP_SHARED RW'));
  });

  it('Minimize to a Reproducer: a code action on the loss, and the reduction it asks for (an fsx log: with fsx operations)', async () => {
    const fsxUri = 'file:///work/samples/freebsd-U-seed8.fsxlog';
    await c.open(fsxUri, read(sample('fsx', 'freebsd-U-seed8.fsxlog')), 'fsxlog');
    const diags = await c.waitForDiagnostics(fsxUri, (d) => d.some((x) => x.code === 'mmap-dirty-invalidated'));
    const loss = diags.find((x) => x.code === 'mmap-dirty-invalidated')!;
    const actions = await c.conn.sendRequest<Array<{ title: string; command?: { command: string; arguments: unknown[] } }>>('textDocument/codeAction', {
      textDocument: { uri: fsxUri }, range: loss.range, context: { diagnostics: [loss] },
    });
    const action = actions.find((a) => a.title === 'Minimize to a Reproducer');
    assert.deepEqual(action?.command?.arguments, [fsxUri, loss.range.start.line]);
    // Also offered at the line's first column with no diagnostics sent (Neovim), and not on a line without a loss.
    const at = (line: number) => c.conn.sendRequest<Array<{ command?: { arguments: unknown[] } }>>('textDocument/codeAction', {
      textDocument: { uri: fsxUri }, range: { start: { line, character: 0 }, end: { line, character: 0 } }, context: { diagnostics: [] },
    });
    assert.deepEqual((await at(loss.range.start.line)).map((a) => a.command?.arguments), [[fsxUri, loss.range.start.line]]);
    assert.deepEqual(await at(0), []);
    const res = await c.conn.sendRequest<{ trace: string; c: string; fsxOps?: string; summary: string }>('cachereplay/reduce', { uri: fsxUri, line: loss.range.start.line });
    assert.match(res.summary, /mmap-dirty-invalidated, .*: 6 events reduced to 3/);
    assert.match(res.c, /int main\(int argc, char \*\*argv\)/);
    assert.deepEqual(res.fsxOps?.split('\n').filter((l) => l && !l.startsWith('#')), ['mapwrite 0x3c5f9 0x894 0x0', 'write 0x3c98a 0x3676 0x3ce8d']);
    const none = await c.conn.sendRequest<{ error?: string }>('cachereplay/reduce', { uri: fsxUri, line: 0 });
    assert.match(String(none.error), /no data loss at line 1 under freebsd-2019 write-through/);
  });

  it('a code lens on the first line summarises findings per cache mode', async () => {
    const lenses = await c.conn.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    const titles = lenses.map((l) => l.command?.title);
    assert.deepEqual(titles, ['uncached: 1 possible loss (3996 B)', '● write-through: 1 possible loss (3996 B)', 'writeback: no loss', 'Compare…']);
    assert.ok(lenses.every((l) => l.range.start.line === 0));
    assert.deepEqual(lenses[1].command?.arguments, ['write-through']);
  });

  it('folding per process', async () => {
    const ranges = await c.conn.sendRequest<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
    assert.deepEqual(ranges.map((r) => [r.startLine, r.endLine]), [[0, lines.filter((l) => l.length > 0).length - 1]]);
  });

  it('a configuration change re-publishes under the new kernel and mode', async () => {
    c.settings.kernel = 'freebsd';
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const diags = await c.waitForDiagnostics(uri, (d) => d.length === 0);
    assert.deepEqual(diags, []);
    assert.ok(c.requests.includes('workspace/codeLens/refresh'));
    c.settings.kernel = 'freebsd-2019';
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await c.waitForDiagnostics(uri, (d) => d.length === 1);
  });

  it('a retired mode name is said once, and the default mode is used', async () => {
    const before = c.messages.length;
    c.settings.cacheMode = 'write-around';
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await c.waitForDiagnostics(uri, (d) => d.length === 1);
    for (let i = 0; i < 100 && c.messages.length === before; i++) await new Promise((r) => setTimeout(r, 20));
    const said = c.messages.slice(before).filter((m) => /write-around/.test(m.message));
    assert.equal(said.length, 1);
    assert.match(said[0].message, /no kernel has a "write-around" cache mode.*choose kernel freebsd-2019 and mode write-through/);
    c.settings.cacheMode = 'write-through';
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await c.waitForDiagnostics(uri, (d) => d.length === 1);
  });

  it('edits are re-analysed; a broken line gets a parse diagnostic and the rest still works', async () => {
    const broken = lines.slice();
    broken.splice(3, 0, 'this line is not strace');
    await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: broken.join('\n') }] });
    const diags = await c.waitForDiagnostics(uri, (d) => d.length === 2);
    const parse = diags.find((d) => d.code === 'parse-error');
    assert.equal(parse?.range.start.line, 3);
    assert.equal(diags.find((d) => d.code === 'mmap-dirty-invalidated')?.range.start.line, PWRITE + 1);
  });

  it('binary or unknown content: one clear diagnostic, and the server keeps serving', async () => {
    const other = 'file:///work/notes.trace';
    await c.open(other, 'Dear diary,\nmy files went missing.\n', 'trace');
    const diags = await c.waitForDiagnostics(other, (d) => d.length > 0);
    assert.equal(diags.length, 1);
    assert.match(String(diags[0].message), /not a trace in a known format/);
    const h = await c.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: other }, position: { line: 0, character: 1 } });
    assert.equal(h, null);
  });
});

describe('language server, pull diagnostics (VS Code)', () => {
  let c: TestClient;
  before(async () => {
    c = await startClient({ pull: true, settings: { cacheMode: 'write-through', kernel: 'freebsd-2019' } });
    await c.open(uri, repro);
  });
  after(() => c.close());

  it('answers textDocument/diagnostic and pushes nothing', async () => {
    const report = await c.conn.sendRequest<{ kind: string; items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
    assert.equal(report.kind, 'full');
    assert.equal(report.items.length, 1);
    assert.equal(report.items[0].range.start.line, PWRITE);
    assert.equal(c.diagnostics.size, 0);
  });

  it('asks the client to pull again when settings change; hiding possible losses hides the warning', async () => {
    c.settings.showPossibleLosses = false;
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(c.requests.includes('workspace/diagnostic/refresh'));
    const report = await c.conn.sendRequest<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
    assert.deepEqual(report.items, []);
  });

  it('status notifications tell the client the mode in force', async () => {
    const status = c.notifications.filter((n) => n.method === 'cachereplay/status').at(-1);
    assert.deepEqual({ ...(status?.params as Record<string, unknown>), ms: 0 }, { uri, kernel: 'freebsd-2019', mode: 'write-through', format: 'strace', errors: 0, warnings: 1, information: 0, ms: 0 });
  });

  it('Compare Cache Modes and Show Page Timeline requests', async () => {
    const cmp = await c.conn.sendRequest<{ modes: Array<{ mode: string; findings: unknown[] }> }>('cachereplay/compareModes', { uri });
    assert.deepEqual(cmp.modes.map((m) => [m.mode, m.findings.length]), [['uncached', 0], ['write-through', 0], ['writeback', 0]], 'possible losses are hidden now');
    c.settings.showPossibleLosses = true;
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const cmp2 = await c.conn.sendRequest<{ modes: Array<{ mode: string; findings: unknown[] }> }>('cachereplay/compareModes', { uri });
    assert.deepEqual(cmp2.modes.map((m) => [m.mode, m.findings.length]), [['uncached', 1], ['write-through', 1], ['writeback', 0]]);
    const tl = await c.conn.sendRequest<{ files: Array<{ name: string }>; pages: number; steps: Array<{ line: number; name: string; states: string; lost?: unknown }> }>('cachereplay/pageTimeline', { uri });
    assert.equal(tl.files[0].name, '/tmp/cachereplay-mnt/file.bin');
    assert.equal(tl.pages, 2);
    const mmapStep = tl.steps.find((s) => s.line === MMAP);
    assert.equal(mmapStep?.states, 'pp', 'both mapped pages may be dirty after the mmap');
    const pwriteStep = tl.steps.find((s) => s.line === PWRITE);
    assert.equal(pwriteStep?.states, 'xp', 'page 0 lost, page 1 still possibly dirty');
    assert.deepEqual(pwriteStep?.lost, [[0, 1000], [1100, 4096]]);
  });

  it('Analyze Trace File reads a file from disk by URI and publishes its findings', async () => {
    const fileUri = pathToFileURL(reproPath).href;
    const res = await c.conn.sendRequest<{ events: number; counts: { warning: number }; published: number; format: string; threads: number }>('cachereplay/analyzeFile', { uri: fileUri });
    assert.equal(res.format, 'strace');
    assert.equal(res.threads, 1, 'a short trace is read in one thread');
    assert.equal(res.counts.warning, 1);
    assert.equal(res.published, 1);
    const pushed = await c.waitForDiagnostics(fileUri, (d) => d.length === 1);
    assert.equal(pushed[0].range.start.line, PWRITE);
    assert.ok(c.requests.includes('window/workDoneProgress/create'));
    const missing = await c.conn.sendRequest<{ error?: string }>('cachereplay/analyzeFile', { uri: 'file:///nonexistent/trace.strace' });
    assert.match(missing.error ?? '', /no such file/);
  });

  it('Analyze Trace File on a file of several MB parses it in a second thread (the threads setting) and finds what one thread finds', async () => {
    const big = join(tmpdir(), `cachereplay-lsp-big-${process.pid}.strace`);
    const mode = c.settings.cacheMode;
    await generateTrace(big, 45_000, 11);
    try {
      c.settings.threads = '2';
      c.settings.cacheMode = 'write-through';
      await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
      const alone = await analyzeFile(big, { threads: 1, kernel: 'freebsd-2019', mode: 'write-through' });
      const res = await c.conn.sendRequest<{ events: number; lines: number; counts: { error: number; warning: number; information: number }; threads: number; error?: string }>('cachereplay/analyzeFile', { uri: pathToFileURL(big).href });
      assert.equal(res.error, undefined);
      assert.equal(res.threads, 2);
      assert.deepEqual([res.lines, res.events, res.counts.warning + res.counts.error + res.counts.information], [alone.lineCount, alone.eventCount, alone.findings.length]);
      assert.ok(alone.findings.length > 0);
    } finally {
      c.settings.cacheMode = mode;
      delete c.settings.threads;
      await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
      rmSync(big, { force: true });
    }
  });

  it('Analyze strace -ff Run replays the per-process files as one: the child’s file gets the loss, related to the parent’s mmap', async () => {
    const parent = pathToFileURL(sample('bug237588', 'ff', 'mmap_fork_pwrite.20114')).href;
    const child = pathToFileURL(sample('bug237588', 'ff', 'mmap_fork_pwrite.20115')).href;
    type Run = { files: Array<{ uri: string; counts: { information: number }; published: number }>; error?: string };
    const res = await c.conn.sendRequest<Run>('cachereplay/analyzeRun', { uris: [parent, child] });
    assert.equal(res.error, undefined);
    // The child's own open wrote the parent's stores back (a FUSE_OPEN of its pid): only later stores may be lost.
    assert.deepEqual(res.files.map((f) => [f.uri, f.counts.information, f.published]), [[parent, 0, 0], [child, 1, 1]]);
    const [d] = await c.waitForDiagnostics(child, (x) => x.length === 1);
    assert.equal(d.range.start.line, 2);
    assert.equal(d.code, 'mmap-dirty-invalidated');
    assert.match(String(d.message), /made at line 32 of mmap_fork_pwrite\.20114 /);
    assert.ok(d.relatedInformation?.some((r) => r.location.uri === parent && r.location.range.start.line === 31));
    const log = pathToFileURL(sample('bug237588', 'ff', 'mmap_fork_pwrite.fuselog')).href;
    const refused = await c.conn.sendRequest<Run>('cachereplay/analyzeRun', { uris: [parent, log] });
    assert.match(refused.error ?? '', /mmap_fork_pwrite\.fuselog is a FUSE daemon's log/);
    // One file of the run stands for the whole run; the code lens on it offers that.
    const fromOne = await c.conn.sendRequest<Run>('cachereplay/analyzeRun', { uris: [child] });
    assert.deepEqual(fromOne.files.map((f) => [f.uri, f.counts.information]), [[parent, 0], [child, 1]]);
    await c.open(child, read(sample('bug237588', 'ff', 'mmap_fork_pwrite.20115')));
    const lenses = await c.conn.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: child } });
    const run = lenses.find((l) => l.command?.command === 'cachereplay.analyzeRun');
    assert.equal(run?.command?.title, 'Replay with the 1 other process of this -ff run…');
    assert.deepEqual(run?.command?.arguments, [child]);
  });
});
