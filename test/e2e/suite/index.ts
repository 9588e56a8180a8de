// Runs inside a real VS Code extension host (test/e2e/run.mjs starts VS Code with this file as
// extensionTestsPath; @vscode/test-electron can run it too). Same contract as test-electron: export run().
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Api } from '../../../client/src/extension.js';

type Test = [string, () => Promise<void>];
const tests: Test[] = [];
const test = (name: string, fn: () => Promise<void>) => tests.push([name, fn]);

async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const t0 = Date.now();
  let last: unknown;
  while (Date.now() - t0 < timeoutMs) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

async function setKernel(kernel: string): Promise<void> {
  await vscode.workspace.getConfiguration('cachereplay').update('kernel', kernel, vscode.ConfigurationTarget.Workspace);
}

function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'a workspace folder is open');
  return f.uri;
}

let api: Api;
let doc: vscode.TextDocument;
let uri: vscode.Uri;
const line = (needle: string) => doc.getText().split('\n').findIndex((l) => l.includes(needle));

test('the extension activates and starts its language server', async () => {
  const ext = vscode.extensions.getExtension<Api>('cachereplay.cachereplay');
  assert.ok(ext, 'extension is installed');
  api = await ext.activate();
  assert.ok(api.client.isRunning());
});

test('a .strace file opens in the strace language mode', async () => {
  uri = vscode.Uri.joinPath(folder(), 'mmap_pwrite.strace');
  doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  assert.equal(doc.languageId, 'strace');
});

test('under freebsd-2019 write-through (bug 237588) the pwrite line carries the possible-data-loss warning with related locations', async () => {
  await setKernel('freebsd-2019');
  await vscode.commands.executeCommand('cachereplay.setCacheMode', 'write-through');
  const diags = await waitFor('the warning', () => {
    const d = vscode.languages.getDiagnostics(uri);
    return d.length === 1 ? d : undefined;
  });
  const d = diags[0];
  assert.equal(d.range.start.line, line('pwrite64('));
  assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
  assert.equal(typeof d.code === 'object' ? d.code.value : d.code, 'mmap-dirty-invalidated');
  assert.match(d.message, /possible data loss.*\[0x0, 0x3e8\) \[0x44c, 0x1000\)/);
  assert.equal(d.relatedInformation?.[0].location.range.start.line, line('MAP_SHARED'));
});

test('the status bar shows the mode in force', async () => {
  await waitFor('status text', () => (api.status.text.includes('write-through · freebsd-2019') && api.status.text.includes('$(warning) 1') ? true : undefined));
});

test('hover on the pwrite line shows the page table', async () => {
  const l = line('pwrite64(');
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(l, doc.lineAt(l).text.indexOf('pwrite64') + 2));
  const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
  assert.match(text, /\| page \| bytes \| before \| after \| daemon holds \(after\) \|/);
  assert.match(text, /\*\*invalidated\*\*/);
  assert.match(text, /lost \[0x0, 0x3e8\) \[0x44c, 0x1000\)/);
});

test('go to definition on an fd jumps to its open', async () => {
  const l = line('pwrite64(');
  const locs = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>('vscode.executeDefinitionProvider', uri, new vscode.Position(l, doc.lineAt(l).text.indexOf('(3<') + 1));
  const target = 'targetRange' in locs[0] ? locs[0].targetRange : locs[0].range;
  assert.equal(target.start.line, line('file.bin", O_RDWR'));
});

test('find all references and the highlight on an fd: the open and every call that used it', async () => {
  const l = line('pwrite64(');
  const pos = new vscode.Position(l, doc.lineAt(l).text.indexOf('(3<') + 1);
  const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', uri, pos);
  assert.deepEqual(refs.map((r) => r.range.start.line), [line('file.bin", O_RDWR'), line('ftruncate(3'), line('MAP_SHARED'), l, line('close(3</tmp/cachereplay-mnt')]);
  const highlights = await vscode.commands.executeCommand<vscode.DocumentHighlight[]>('vscode.executeDocumentHighlights', uri, pos);
  assert.equal(highlights.length, 5);
  assert.equal(highlights.filter((h) => h.kind === vscode.DocumentHighlightKind.Write).length, 1);
});

test('document symbols, folding and the code lens', async () => {
  const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri);
  assert.equal(symbols[0].name, 'process 8791');
  const folds = await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', uri);
  assert.ok(folds.length >= 1);
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
  const titles = lenses.map((c) => c.command?.title);
  assert.ok(titles.includes('● write-through: 1 possible loss (3996 B)'), titles.join(' | '));
});

test('Compare Cache Modes and Show Page Timeline open their views', async () => {
  const cmp = await vscode.commands.executeCommand<{ modes: Array<{ mode: string; findings: unknown[] }> }>('cachereplay.compareModes');
  assert.deepEqual(cmp.modes.map((m) => [m.mode, m.findings.length]), [['uncached', 1], ['write-through', 1], ['writeback', 0]]);
  const tl = await vscode.commands.executeCommand<{ pages: number; steps: unknown[] }>('cachereplay.showPageTimeline', uri.toString());
  assert.equal(tl.pages, 2);
  await waitFor('both views as editor tabs', () => {
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
    return tabs.includes('Compare Cache Modes') && tabs.includes('Page Timeline') ? true : undefined;
  }, 15_000);
});

test('switching to the current FreeBSD kernel (r349038 and later) clears the warning', async () => {
  await vscode.window.showTextDocument(doc);
  await setKernel('freebsd');
  await waitFor('no diagnostics', () => (vscode.languages.getDiagnostics(uri).length === 0 ? true : undefined));
  await setKernel('freebsd-2019');
});

test('Analyze Trace File reads a file from disk and publishes its problems', async () => {
  const other = vscode.Uri.joinPath(folder(), 'mmap_odirect_pwrite.strace');
  const res = await vscode.commands.executeCommand<{ format: string; counts: { warning: number } }>('cachereplay.analyzeTraceFile', other);
  assert.equal(res.format, 'strace');
  assert.equal(res.counts.warning, 1);
  await waitFor('problems of the analysed file', () => (vscode.languages.getDiagnostics(other).length === 1 ? true : undefined));
});

test('Analyze strace -ff Run: the clicked NAME.PID and its siblings are replayed as one run', async () => {
  const child = vscode.Uri.joinPath(folder(), 'ff', 'mmap_fork_pwrite.20115');
  type Run = { files: Array<{ uri: string; counts: { information: number } }>; error?: string };
  const res = await vscode.commands.executeCommand<Run>('cachereplay.analyzeRun', child);
  assert.equal(res.error, undefined);
  // The child's own open wrote the parent's stores back: only stores made after it may be lost (information).
  assert.deepEqual(res.files.map((f) => [f.uri.slice(f.uri.lastIndexOf('/') + 1), f.counts.information]), [['mmap_fork_pwrite.20114', 0], ['mmap_fork_pwrite.20115', 1]]);
  const d = await waitFor('the loss in the child’s file', () => vscode.languages.getDiagnostics(child)[0]);
  assert.equal(d.range.start.line, 2);
  assert.ok(d.relatedInformation?.some((r) => r.location.uri.path.endsWith('/ff/mmap_fork_pwrite.20114') && r.location.range.start.line === 31));
});

test('Attach FUSE Log: the daemon log of the same run makes the loss definite', async () => {
  const odirect = vscode.Uri.joinPath(folder(), 'mmap_odirect_pwrite.strace');
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(odirect));
  const res = await vscode.commands.executeCommand<{ requests: number; error?: string }>('cachereplay.attachFuseLog', vscode.Uri.joinPath(folder(), 'mmap_odirect_pwrite.fuselog'));
  assert.equal(res.error, undefined);
  const d = await waitFor('an error-level diagnostic', () => vscode.languages.getDiagnostics(odirect).find((x) => x.severity === vscode.DiagnosticSeverity.Error));
  assert.ok(d.relatedInformation?.some((r) => r.location.uri.path.endsWith('mmap_odirect_pwrite.fuselog')));
});

test('Record Command: runs a command under the recorder, opens its trace as it grows, and shows the loss', async () => {
  const dir = folder().fsPath;
  execFileSync('cc', ['-o', join(dir, 'mmap_pwrite'), join(dir, 'mmap_pwrite.c')]);
  await setKernel('freebsd-2019');
  type Rec = { trace: string; done: Promise<number> };
  const rec = await vscode.commands.executeCommand<Rec>('cachereplay.recordCommand', { command: './mmap_pwrite recorded.bin', folder: dir });
  assert.ok(rec, 'the recording started');
  const status = await rec.done;
  const traceUri = vscode.Uri.file(rec.trace);
  await waitFor('the recorded trace open in an editor', () => vscode.workspace.textDocuments.find((d) => d.uri.fsPath === rec.trace));
  // With the write faults (root, perf, tracefs: as in CI) the loss is definite; with strace alone, possible.
  const faults = existsSync(rec.trace.replace(/\.strace$/, '.faults'));
  const severity = faults ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
  const d = await waitFor('the loss at the pwrite of the recording', () => vscode.languages.getDiagnostics(traceUri).find((x) => x.severity === severity && /pwrite64/.test(x.message)), 60_000);
  console.log(`record: exit ${status}, faults ${faults}, ${d.message.slice(0, 120)}`);
  assert.match(d.message, /\[0x0, 0x3e8\) \[0x44c, 0x1000\)/);
  if (faults) assert.ok(d.relatedInformation?.some((r) => r.location.uri.path.endsWith('.faults')), 'the store is located in the fault recording');
});

test('Minimize to a Reproducer: the code action on the loss opens a four-call trace and a C program beside it', async () => {
  await setKernel('freebsd-2019');
  await vscode.window.showTextDocument(doc);
  const l = line('pwrite64(');
  await waitFor('the loss on the pwrite line', () => vscode.languages.getDiagnostics(uri).find((d) => d.range.start.line === l));
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(l, 0, l, 1));
  const action = actions.find((a) => a.title === 'Minimize to a Reproducer');
  assert.ok(action?.command, actions.map((a) => a.title).join(', '));
  type Res = { trace: string; c: string; summary: string; traceUri: string; cUri: string };
  const res = await vscode.commands.executeCommand<Res>(action.command.command, ...(action.command.arguments ?? []));
  assert.match(res.summary, /33 events reduced to 4/);
  assert.equal(res.trace.trimEnd().split('\n').length, 4);
  assert.match(res.c, /int main\(int argc, char \*\*argv\)/);
  assert.ok(vscode.workspace.textDocuments.some((d) => d.uri.toString() === res.cUri), 'the C program is open');
  await waitFor('the loss in the reduced trace', () => vscode.languages.getDiagnostics(vscode.Uri.parse(res.traceUri)).find((d) => /pwrite64/.test(d.message)));
});

test('bad input gets one clear message and the extension keeps working', async () => {
  const enc = new TextEncoder();
  const files: Array<[string, Uint8Array, RegExp]> = [
    ['empty.trace', new Uint8Array(), /empty/],
    ['notes.trace', enc.encode('Dear diary,\nmy files went missing.\n'), /not a trace in a known format/],
    ['one-line.trace', enc.encode('x'.repeat(10 << 20)), /not a trace in a known format/],
  ];
  for (const [name, bytes, message] of files) {
    const u = vscode.Uri.joinPath(folder(), name);
    await vscode.workspace.fs.writeFile(u, bytes);
    const d = await vscode.workspace.openTextDocument(u);
    await vscode.window.showTextDocument(d);
    const diags = await waitFor(`the message for ${name}`, () => {
      const x = vscode.languages.getDiagnostics(u);
      return x.length > 0 ? x : undefined;
    });
    assert.equal(diags.length, 1, name);
    assert.match(diags[0].message, message);
  }
  // A kdump trace in its own language mode still works afterwards.
  const k = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder(), 'mmap_pwrite.strace'));
  assert.equal(k.languageId, 'strace');
  assert.ok(api.client.isRunning());
});

test('a long trace: partial problems first, then all of them once the analysis is done', async () => {
  // 40 mappings, each stored into without msync and then pwritten over: 40 possible losses, spread over 260 KB so
  // that the server (CACHEREPLAY_PARTIAL_MS=0) answers VS Code's first pull with a part of them and asks it to pull
  // again when done. Only a working re-pull ends with all 40.
  const lines: string[] = [];
  for (let i = 0; i < 40; i++) {
    const addr = `0x7f${(0x100000 + i).toString(16)}000`;
    lines.push(`openat(AT_FDCWD, "/mnt/fuse/long${i}.bin", O_RDWR|O_CREAT, 0644) = 3`, `mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0) = ${addr}`);
    for (let k = 0; k < 400; k++) lines.push('getpid() = 4242');
    lines.push('pwrite64(3, "x", 1, 100) = 1', `munmap(${addr}, 4096) = 0`, 'close(3) = 0');
  }
  const u = vscode.Uri.joinPath(folder(), 'long.strace');
  await vscode.workspace.fs.writeFile(u, new TextEncoder().encode(`${lines.join('\n')}\n`));
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(u));
  const counts: number[] = [];
  await waitFor('all 40 warnings', () => {
    const n = vscode.languages.getDiagnostics(u).length;
    if (counts.at(-1) !== n) counts.push(n);
    return n === 40 ? true : undefined;
  }, 60_000);
  const partials = api.status.partials.get(u.toString()) ?? 0;
  console.log(`long trace: ${partials} partial results, problem counts seen ${counts.join(' → ')}`);
  assert.ok(partials > 0, 'the server showed partial results first');
  assert.ok(counts.every((n, i) => i === 0 || n >= counts[i - 1]), `the count only grows: ${counts.join(' → ')}`);
});

export async function run(): Promise<void> {
  let passed = 0;
  let failed = 0;
  for (const [name, fn] of tests) {
    const t0 = Date.now();
    try {
      await fn();
      passed++;
      console.log(`ok - ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      console.log(`not ok - ${name}: ${(e as Error).stack ?? e}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  if (failed > 0) throw new Error(`${failed} extension test(s) failed`);
}
