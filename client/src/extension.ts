// The VS Code client: starts the language server, and adds the commands, the status bar item and the views.
// Everything about traces lives in the server; this file only talks to VS Code.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { StatusNotification } from '../../protocol/messages.js';
import { LANGUAGE_IDS } from '../../protocol/tables.js';
import { onNotification } from './requests.js';
import { registerCommands } from './commands.js';
import { ModeStatus } from './status.js';

let client: LanguageClient | undefined;

export interface Api {
  client: LanguageClient;
  status: ModeStatus;
}

export async function activate(context: vscode.ExtensionContext): Promise<Api> {
  const serverModule = context.asAbsolutePath(path.join('server', 'out', 'server.cjs'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGE_IDS.flatMap((language) => [{ scheme: 'file', language }, { scheme: 'untitled', language }]),
    synchronize: { configurationSection: 'cachereplay' },
    diagnosticPullOptions: { onChange: true, onSave: true, onTabs: false },
    progressOnInitialization: true,
  };
  client = new LanguageClient('cachereplay', 'Cache Replay', serverOptions, clientOptions);
  const status = new ModeStatus();
  context.subscriptions.push(status);
  context.subscriptions.push(onNotification(client, StatusNotification, (p) => status.update(p)));
  registerCommands(context, () => client!, status);
  await client.start();
  return { client, status };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
