// Command palette commands. Mode changes go through settings, so the server, the code lens and the status bar
// all follow; the views ask the server for data and draw it.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  AnalyzeFileRequest, AnalyzeRunRequest, AttachFuseLogRequest, CompareModesRequest, PageTimelineRequest, ReduceRequest,
} from '../../protocol/messages.js';
import { KERNELS, LANGUAGE_IDS, LANGUAGES, MODES } from '../../protocol/tables.js';
import { recordCommand, stopRecording, type RecordArgs } from './record.js';
import { request } from './requests.js';
import type { ModeStatus } from './status.js';
import { showAnalyzeSummary, showCompare, showTimeline } from './views.js';

const MODE_ITEMS = Object.entries(MODES).map(([label, detail]) => ({ label, detail }));
const KERNEL_ITEMS = Object.entries(KERNELS).map(([label, detail]) => ({ label, detail }));
/** File name extensions, without the dot, of the languages that read `format` (of every language: undefined). */
function extensionsOf(format?: string): string[] {
  return LANGUAGES.filter((l) => format === undefined || l.format === format).flatMap((l) => l.extensions.map((e) => e.slice(e.lastIndexOf('.') + 1)));
}
/** What the Analyze Trace File dialog offers: every language's extensions, then what traces are often saved as. */
const TRACE_EXTENSIONS = [...extensionsOf(), 'txt', 'log', 'out', 'gz'];

function traceEditor(): vscode.TextEditor | undefined {
  const e = vscode.window.activeTextEditor;
  return e && LANGUAGE_IDS.includes(e.document.languageId) ? e : undefined;
}

async function setSetting(key: string, value: unknown, uri: vscode.Uri | undefined): Promise<void> {
  const cfg = vscode.workspace.getConfiguration('cachereplay', uri);
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await cfg.update(key, value, target);
}

export function registerCommands(context: vscode.ExtensionContext, client: () => LanguageClient, status: ModeStatus): void {
  const reg = (id: string, fn: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  reg('cachereplay.reduce', async (uriArg?: string, line?: number) => {
    const editor = traceEditor();
    const uri = uriArg ?? editor?.document.uri.toString();
    const at = line ?? editor?.selection.active.line;
    if (!uri || at === undefined) return vscode.window.showWarningMessage('Put the cursor on a data loss in a trace to minimize it.');
    const res = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Cache Replay: minimizing to a reproducer' }, () => request(client(), ReduceRequest, { uri, line: at }));
    if (!res || res.error || res.trace === undefined || res.c === undefined) {
      void vscode.window.showWarningMessage(`Cache Replay: ${res?.error ?? 'the trace is not analysed yet'}`);
      return res;
    }
    const source = vscode.Uri.parse(uri);
    let traceDoc: vscode.TextDocument;
    let cDoc: vscode.TextDocument;
    if (source.scheme === 'file') {
      // Beside the trace: NAME-lineN.reduced/reduced.strace and repro.c, as `cachereplay reduce` writes them.
      const dir = vscode.Uri.joinPath(source, '..', res.folder ?? `line${at + 1}.reduced`);
      await vscode.workspace.fs.createDirectory(dir);
      const t = vscode.Uri.joinPath(dir, 'reduced.strace');
      const c = vscode.Uri.joinPath(dir, 'repro.c');
      await vscode.workspace.fs.writeFile(t, new TextEncoder().encode(res.trace));
      await vscode.workspace.fs.writeFile(c, new TextEncoder().encode(res.c));
      if (res.fsxOps !== undefined) await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, 'reduced.fsxops'), new TextEncoder().encode(res.fsxOps));
      traceDoc = await vscode.workspace.openTextDocument(t);
      cDoc = await vscode.workspace.openTextDocument(c);
    } else {
      traceDoc = await vscode.workspace.openTextDocument({ language: 'strace', content: res.trace });
      cDoc = await vscode.workspace.openTextDocument({ language: 'c', content: res.c });
    }
    await vscode.window.showTextDocument(traceDoc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    await vscode.window.showTextDocument(cDoc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    void vscode.window.showInformationMessage(`Cache Replay: ${res.summary}`);
    return { ...res, traceUri: traceDoc.uri.toString(), cUri: cDoc.uri.toString() };
  });

  reg('cachereplay.recordCommand', (args?: RecordArgs) => recordCommand(context, client, args));
  reg('cachereplay.stopRecording', () => stopRecording());

  reg('cachereplay.setCacheMode', async (mode: string) => {
    await setSetting('cacheMode', mode, traceEditor()?.document.uri);
    status.render();
  });

  reg('cachereplay.replayUnderMode', async () => {
    const uri = traceEditor()?.document.uri;
    const current = vscode.workspace.getConfiguration('cachereplay', uri).get<string>('cacheMode');
    const pick = await vscode.window.showQuickPick(
      MODE_ITEMS.map((m) => ({ ...m, description: m.label === current ? 'current' : undefined })),
      { placeHolder: 'Replay the trace under which FUSE cache mode?', matchOnDetail: true },
    );
    if (pick) await vscode.commands.executeCommand('cachereplay.setCacheMode', pick.label);
  });

  reg('cachereplay.selectKernel', async () => {
    const uri = traceEditor()?.document.uri;
    const current = vscode.workspace.getConfiguration('cachereplay', uri).get<string>('kernel');
    const pick = await vscode.window.showQuickPick(KERNEL_ITEMS.map((k) => ({ ...k, description: k.label === current ? 'current' : undefined })), { placeHolder: 'Which kernel implements the cache mode?' });
    if (pick) await setSetting('kernel', pick.label, uri);
  });

  reg('cachereplay.compareModes', async (uriArg?: string) => {
    const uri = uriArg ?? traceEditor()?.document.uri.toString();
    if (!uri) return vscode.window.showWarningMessage('Open a trace file to compare cache modes.');
    const res = await request(client(), CompareModesRequest, { uri });
    if (res) showCompare(context, res);
    return res;
  });

  reg('cachereplay.showPageTimeline', async (uriArg?: string, fileId?: number) => {
    const uri = uriArg ?? traceEditor()?.document.uri.toString();
    if (!uri) return vscode.window.showWarningMessage('Open a trace file to see its page timeline.');
    const res = await request(client(), PageTimelineRequest, { uri, fileId });
    if (res) showTimeline(context, res, (id) => vscode.commands.executeCommand('cachereplay.showPageTimeline', uri, id));
    return res;
  });

  reg('cachereplay.analyzeTraceFile', async (target?: vscode.Uri) => {
    let uri = target;
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false, openLabel: 'Analyze',
        filters: { 'Traces': [...new Set(TRACE_EXTENSIONS)], 'All files': ['*'] },
      });
      uri = picked?.[0];
    }
    if (!uri) return undefined;
    const res = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Cache Replay: analysing ${vscode.workspace.asRelativePath(uri)}`, cancellable: true },
      (_progress, token) => request(client(), AnalyzeFileRequest, { uri: uri!.toString() }, token),
    );
    if (res.error) void vscode.window.showErrorMessage(`Cache Replay: ${res.error}`);
    else showAnalyzeSummary(context, res);
    return res;
  });

  // strace -ff's per-process files of one run, replayed as one: the files selected in the explorer, else the
  // clicked or open NAME.PID (the server adds the rest of its run), else the files picked in a dialog.
  reg('cachereplay.analyzeRun', async (target?: vscode.Uri | string, selected?: vscode.Uri[]) => {
    let uris = selected && selected.length > 1 ? selected : undefined;
    const one = typeof target === 'string' ? vscode.Uri.parse(target) : target ?? traceEditor()?.document.uri;
    if (!uris && one?.scheme === 'file') uris = [one];
    if (!uris) {
      uris = await vscode.window.showOpenDialog({ canSelectMany: true, openLabel: 'Replay as one run', title: 'The files of one strace -ff run (NAME.PID)' });
    }
    if (!uris || uris.length === 0) return undefined;
    const list = uris;
    const res = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Cache Replay: replaying ${list.length === 1 ? `the strace -ff run of ${vscode.workspace.asRelativePath(list[0])}` : `${list.length} files as one run`}`, cancellable: true },
      (_progress, token) => request(client(), AnalyzeRunRequest, { uris: list.map((u) => u.toString()) }, token),
    );
    if (res.error) {
      void vscode.window.showErrorMessage(`Cache Replay: ${res.error}`);
      return res;
    }
    const lossy = res.files.filter((f) => f.counts.error + f.counts.warning > 0);
    const total = (k: 'error' | 'warning') => res.files.reduce((n, f) => n + f.counts[k], 0);
    void vscode.window.showInformationMessage(`Cache Replay: ${res.files.length} files replayed as one run: ${total('error')} data loss, ${total('warning')} possible loss${lossy.length > 0 ? ` (in ${lossy.map((f) => vscode.workspace.asRelativePath(vscode.Uri.parse(f.uri))).join(', ')})` : ''}.`);
    if (lossy.length > 0) showAnalyzeSummary(context, lossy[0]);
    return res;
  });

  const attached = new Map<string, string>();
  reg('cachereplay.attachFuseLog', async (logArg?: vscode.Uri) => {
    const doc = traceEditor()?.document;
    if (!doc) return vscode.window.showWarningMessage('Open a client trace (strace, kdump, dtruss, fsx) to attach the daemon log of the same run.');
    const uri = doc.uri.toString();
    let log = logArg;
    if (!log && attached.has(uri)) {
      const pick = await vscode.window.showQuickPick(['Attach another FUSE log...', 'Detach the FUSE log'], { placeHolder: `Attached: ${attached.get(uri)}` });
      if (!pick) return undefined;
      if (pick.startsWith('Detach')) {
        attached.delete(uri);
        return request(client(), AttachFuseLogRequest, { uri });
      }
    }
    if (!log) {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false, openLabel: 'Attach', title: 'The FUSE daemon\'s debug log (-d) of the same run',
        filters: { 'FUSE logs': [...extensionsOf('fuse'), 'log', 'txt'], 'All files': ['*'] },
      });
      log = picked?.[0];
    }
    if (!log) return undefined;
    const res = await request(client(), AttachFuseLogRequest, { uri, logUri: log.toString() });
    if (res.error) void vscode.window.showErrorMessage(`Cache Replay: ${res.error}`);
    else {
      attached.set(uri, vscode.workspace.asRelativePath(log));
      void vscode.window.showInformationMessage(`Cache Replay: correlating with ${vscode.workspace.asRelativePath(log)} (${res.requests} requests; files ${res.files.join(', ')})`);
    }
    return res;
  });

  reg('cachereplay.restartServer', async () => {
    await client().restart();
  });
}

