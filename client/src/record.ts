// Cache Replay: Record Command...: runs a command line through `cachereplay record` in a terminal of its own,
// opens the trace as it grows (VS Code reloads it from disk, and the server analyses each version), shows a status
// bar item while it records (click: stop), and when the command ends asks the server to analyse the trace again
// with the write faults recorded beside it.
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DEFAULT_SETTINGS, ReanalyzeRequest } from '../../protocol/messages.js';
import { request } from './requests.js';

export interface RecordArgs {
  /** The command line, run by /bin/sh in `folder`. */
  command?: string;
  /** Where the command runs and the recording is written. */
  folder?: string;
}

export interface RecordResult {
  trace: string;
  /** Resolves with the recorder's exit status when the command has ended and the trace was analysed again. */
  done: Promise<number>;
}

/** One recording at a time: its process, and the status bar item that stops it. */
let current: { child: ChildProcess; item: vscode.StatusBarItem } | undefined;

export async function recordCommand(context: vscode.ExtensionContext, client: () => LanguageClient, args: RecordArgs = {}): Promise<RecordResult | undefined> {
  if (current) {
    void vscode.window.showWarningMessage('Cache Replay is already recording a command: stop it first (status bar).');
    return undefined;
  }
  const command = args.command ?? await vscode.window.showInputBox({
    title: 'Cache Replay: Record Command', prompt: 'The command line to run and record (strace, and its write faults where the kernel allows)',
    placeHolder: './prog /mnt/fuse/file', ignoreFocusOut: true,
  });
  if (!command) return undefined;
  let folder = args.folder;
  if (!folder) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true, canSelectFiles: false, openLabel: 'Record here', title: 'Where the command runs and the recording is written',
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    folder = picked?.[0]?.fsPath;
  }
  if (!folder) return undefined;
  const cfg = vscode.workspace.getConfiguration('cachereplay', vscode.Uri.file(folder));
  const stem = (command.trim().split(/\s+/)[0] ?? 'command').replace(/.*\//, '').replace(/[^\w.-]/g, '_') || 'command';
  const name = path.join(folder, `${stem}-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')}`);
  const trace = `${name}.strace`;
  const cli = context.asAbsolutePath(path.join('server', 'out', 'cli.cjs'));
  // The extension host's own Node (VS Code's Electron runs as Node with this variable).
  const child = spawn(process.execPath, [cli, 'record', '--kernel', cfg.get<string>('kernel', DEFAULT_SETTINGS.kernel), '--mode', cfg.get<string>('cacheMode', DEFAULT_SETTINGS.cacheMode), '--no-color', '-o', name, '--', '/bin/sh', '-c', command], {
    cwd: folder, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, detached: true, stdio: ['pipe', 'pipe', 'pipe'],
  });
  const write = new vscode.EventEmitter<string>();
  const close = new vscode.EventEmitter<number | void>();
  const pty: vscode.Pseudoterminal = {
    onDidWrite: write.event,
    onDidClose: close.event,
    open: () => write.fire(`$ ${command}\r\n`),
    close: () => stop(),
    handleInput: (data) => child.stdin?.write(data === '\r' ? '\n' : data),
  };
  const terminal = vscode.window.createTerminal({ name: `Cache Replay: record ${stem}`, pty });
  terminal.show(true);
  const out = (b: Buffer) => write.fire(b.toString('utf8').replace(/\r?\n/g, '\r\n'));
  child.stdout?.on('data', out);
  child.stderr?.on('data', out);
  const item = vscode.window.createStatusBarItem('cachereplay.recording', vscode.StatusBarAlignment.Left, 100);
  item.name = 'Cache Replay recording';
  item.text = `$(record) Recording ${stem}`;
  item.tooltip = `Cache Replay is recording: ${command}\nClick to stop it.`;
  item.command = 'cachereplay.stopRecording';
  item.show();
  current = { child, item };
  const stop = (): void => {
    // The command's whole process group: the recorder goes on to analyse what was recorded.
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGINT');
      } catch {
        child.kill('SIGINT');
      }
    }
  };
  // The trace appears once strace starts; open it then, and let it grow in the editor.
  const opened = (async () => {
    for (let i = 0; i < 200 && !existsSync(trace); i++) await new Promise((r) => setTimeout(r, 50));
    if (existsSync(trace)) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(trace), { preview: false, preserveFocus: true });
  })();
  const done = new Promise<number>((resolve) => {
    child.once('exit', async (code, signal) => {
      current = undefined;
      item.dispose();
      write.fire(`\r\n[the recording ended: ${signal ?? `exit status ${code}`}]\r\n`);
      await opened;
      try {
        await request(client(), ReanalyzeRequest, { uri: vscode.Uri.file(trace).toString() });
      } catch {
        // The server may have been restarted meanwhile: the trace is analysed when it is next opened.
      }
      resolve(code ?? 1);
    });
  });
  return { trace, done };
}

export function stopRecording(): void {
  const c = current;
  if (c?.child.pid !== undefined && c.child.exitCode === null) {
    try {
      process.kill(-c.child.pid, 'SIGINT');
    } catch {
      c.child.kill('SIGINT');
    }
  }
}
