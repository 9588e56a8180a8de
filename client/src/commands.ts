// Command palette commands. Mode changes go through settings, so the server, the code lens and the status bar
// all follow; the views ask the server for data and draw it.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  AnalyzeFileRequest, AnalyzeRunRequest, AttachFuseLogRequest, CompareModesRequest, PageTimelineRequest,
  type AnalyzeFileResult, type AnalyzeRunResult, type AttachFuseLogResult, type CompareModesResult, type PageTimelineResult,
} from '../../server/src/lsp/protocol.js';
import type { ModeStatus } from './status.js';
import { showAnalyzeSummary, showCompare, showTimeline } from './views.js';

const MODES: Array<{ label: string; detail: string }> = [
  { label: 'uncached', detail: 'Direct I/O: writes go straight to the daemon and invalidate cached blocks; FreeBSD drops mmap-dirty pages in them.' },
  { label: 'write-through', detail: 'write(2) goes to the daemon synchronously: around the cache on FreeBSD before r349038 (bug 237588), through it since and on Linux.' },
  { label: 'writeback', detail: 'write(2) dirties the cache; data reaches the daemon at fsync, msync, close or page-out.' },
];

const KERNELS: Array<{ label: string; detail: string }> = [
  { label: 'freebsd-2019', detail: 'FreeBSD fusefs before r349038: its write-through was write-around (bug 237588).' },
  { label: 'freebsd', detail: 'Current FreeBSD fusefs: write-through read-modify-writes the 64 KiB cache block.' },
  { label: 'linux', detail: 'Linux FUSE: dirty pages are written back before every invalidation, and at munmap and close.' },
];

function traceEditor(): vscode.TextEditor | undefined {
  const e = vscode.window.activeTextEditor;
  return e && ['trace', 'strace', 'kdump', 'dtruss', 'fuselog', 'fsxlog'].includes(e.document.languageId) ? e : undefined;
}

async function setSetting(key: string, value: unknown, uri: vscode.Uri | undefined): Promise<void> {
  const cfg = vscode.workspace.getConfiguration('cachereplay', uri);
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await cfg.update(key, value, target);
}

export function registerCommands(context: vscode.ExtensionContext, client: () => LanguageClient, status: ModeStatus): void {
  const reg = (id: string, fn: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  reg('cachereplay.setCacheMode', async (mode: string) => {
    await setSetting('cacheMode', mode, traceEditor()?.document.uri);
    status.render();
  });

  reg('cachereplay.replayUnderMode', async () => {
    const uri = traceEditor()?.document.uri;
    const current = vscode.workspace.getConfiguration('cachereplay', uri).get<string>('cacheMode');
    const pick = await vscode.window.showQuickPick(
      MODES.map((m) => ({ ...m, description: m.label === current ? 'current' : undefined })),
      { placeHolder: 'Replay the trace under which FUSE cache mode?', matchOnDetail: true },
    );
    if (pick) await vscode.commands.executeCommand('cachereplay.setCacheMode', pick.label);
  });

  reg('cachereplay.selectKernel', async () => {
    const uri = traceEditor()?.document.uri;
    const current = vscode.workspace.getConfiguration('cachereplay', uri).get<string>('kernel');
    const pick = await vscode.window.showQuickPick(KERNELS.map((k) => ({ ...k, description: k.label === current ? 'current' : undefined })), { placeHolder: 'Which kernel implements the cache mode?' });
    if (pick) await setSetting('kernel', pick.label, uri);
  });

  reg('cachereplay.compareModes', async (uriArg?: string) => {
    const uri = uriArg ?? traceEditor()?.document.uri.toString();
    if (!uri) return vscode.window.showWarningMessage('Open a trace file to compare cache modes.');
    const res = await client().sendRequest<CompareModesResult | null>(CompareModesRequest, { uri });
    if (res) showCompare(context, res);
    return res;
  });

  reg('cachereplay.showPageTimeline', async (uriArg?: string, fileId?: number) => {
    const uri = uriArg ?? traceEditor()?.document.uri.toString();
    if (!uri) return vscode.window.showWarningMessage('Open a trace file to see its page timeline.');
    const res = await client().sendRequest<PageTimelineResult | null>(PageTimelineRequest, { uri, fileId });
    if (res) showTimeline(context, res, (id) => vscode.commands.executeCommand('cachereplay.showPageTimeline', uri, id));
    return res;
  });

  reg('cachereplay.analyzeTraceFile', async (target?: vscode.Uri) => {
    let uri = target;
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false, openLabel: 'Analyze',
        filters: { 'Traces': ['trace', 'strace', 'kdump', 'dtruss', 'fuselog', 'fsxlog', 'txt', 'log', 'out', 'gz'], 'All files': ['*'] },
      });
      uri = picked?.[0];
    }
    if (!uri) return undefined;
    const res = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Cache Replay: analysing ${vscode.workspace.asRelativePath(uri)}`, cancellable: true },
      (_progress, token) => client().sendRequest<AnalyzeFileResult>(AnalyzeFileRequest, { uri: uri!.toString() }, token),
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
      (_progress, token) => client().sendRequest<AnalyzeRunResult>(AnalyzeRunRequest, { uris: list.map((u) => u.toString()) }, token),
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
        return client().sendRequest<AttachFuseLogResult>(AttachFuseLogRequest, { uri });
      }
    }
    if (!log) {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false, openLabel: 'Attach', title: 'The FUSE daemon\'s debug log (-d) of the same run',
        filters: { 'FUSE logs': ['fuselog', 'log', 'txt'], 'All files': ['*'] },
      });
      log = picked?.[0];
    }
    if (!log) return undefined;
    const res = await client().sendRequest<AttachFuseLogResult>(AttachFuseLogRequest, { uri, logUri: log.toString() });
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

