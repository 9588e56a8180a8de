#!/usr/bin/env node
// cachereplay-language-server: speaks LSP over stdio (--stdio), node IPC (--node-ipc, what VS Code uses),
// a socket (--socket=N) or pipes, as vscode-languageserver picks from the command line.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server.js';

if (process.argv.includes('--version')) {
  process.stdout.write('cachereplay-language-server\n');
  process.exit(0);
}
if (!process.argv.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe') || a.startsWith('--clientProcessId'))) {
  process.stderr.write('usage: cachereplay-language-server --stdio | --node-ipc | --socket=PORT\n');
  process.exit(2);
}
// A bug in one request must not take the editor's features down with it.
process.on('uncaughtException', (e) => process.stderr.write(`cachereplay-language-server: ${e.stack ?? e}\n`));
process.on('unhandledRejection', (e) => process.stderr.write(`cachereplay-language-server: ${(e as Error)?.stack ?? e}\n`));
startServer(createConnection(ProposedFeatures.all));
