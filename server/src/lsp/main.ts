#!/usr/bin/env node
// cachereplay-language-server: speaks LSP over stdio (--stdio), node IPC (--node-ipc, what VS Code uses),
// a socket (--socket=N) or pipes, as vscode-languageserver picks from the command line.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createConnection, ProposedFeatures, StreamMessageWriter } from 'vscode-languageserver/node';
import { ResyncingMessageReader } from './framing.js';
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
// Over stdio, a frame with a bad header costs that message, not the stream (framing.ts).
const connection = process.argv.includes('--stdio')
  ? createConnection(ProposedFeatures.all, new ResyncingMessageReader(process.stdin, (why) => process.stderr.write(`cachereplay-language-server: skipped ${why}\n`)), new StreamMessageWriter(process.stdout))
  : createConnection(ProposedFeatures.all);
// A full collection when a document is closed gives its memory back at once, rather than whenever V8 next needs
// room (the flag is set at run time, so editors need not pass --expose-gc).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (() => void) | undefined;
startServer(connection, { collectGarbage: typeof gc === 'function' ? gc : undefined });
