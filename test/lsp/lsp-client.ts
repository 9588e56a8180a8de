// A real JSON-RPC client for the bundled language server (server/out/server.cjs --stdio), as an editor would be.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import type { ClientCapabilities, Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { resolveRoot } from '../helpers.js';

export interface TestClient {
  conn: ProtocolConnection;
  proc: ChildProcess;
  settings: Record<string, unknown>;
  diagnostics: Map<string, PublishDiagnosticsParams[]>;
  notifications: Array<{ method: string; params: unknown }>;
  /** window/showMessage notifications, as the user would see them. */
  messages: Array<{ type: number; message: string }>;
  requests: string[];
  stderr: string[];
  waitForDiagnostics(uri: string, predicate?: (d: Diagnostic[]) => boolean, timeoutMs?: number): Promise<Diagnostic[]>;
  open(uri: string, text: string, languageId?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startClient(options: { pull: boolean; settings?: Record<string, unknown>; progress?: boolean; env?: Record<string, string> }): Promise<TestClient> {
  const proc = spawn(process.execPath, [resolveRoot('server', 'out', 'server.cjs'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const stderr: string[] = [];
  proc.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  const settings: Record<string, unknown> = { cacheMode: 'write-through', kernel: 'freebsd', ...options.settings };
  const diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  const notifications: Array<{ method: string; params: unknown }> = [];
  const messages: Array<{ type: number; message: string }> = [];
  conn.onNotification('window/showMessage', (p: { type: number; message: string }) => { messages.push(p); });
  const requests: string[] = [];
  const waiters: Array<() => void> = [];
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    const list = diagnostics.get(p.uri) ?? [];
    list.push(p);
    diagnostics.set(p.uri, list);
    for (const w of waiters.splice(0)) w();
  });
  for (const method of ['cachereplay/status', '$/progress', 'window/logMessage']) conn.onNotification(method, (params: unknown) => { notifications.push({ method, params }); });
  conn.onRequest('workspace/configuration', (p: { items: Array<{ section?: string }> }) => {
    requests.push('workspace/configuration');
    return p.items.map(() => ({ ...settings }));
  });
  conn.onRequest('window/workDoneProgress/create', () => {
    requests.push('window/workDoneProgress/create');
    return null;
  });
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('workspace/codeLens/refresh', () => {
    requests.push('workspace/codeLens/refresh');
    return null;
  });
  conn.onRequest('workspace/diagnostic/refresh', () => {
    requests.push('workspace/diagnostic/refresh');
    return null;
  });
  conn.listen();
  const capabilities: ClientCapabilities = {
    workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, codeLens: { refreshSupport: true }, diagnostics: { refreshSupport: true } },
    window: { workDoneProgress: options.progress ?? true },
    textDocument: {
      hover: { contentFormat: ['markdown', 'plaintext'] },
      publishDiagnostics: { relatedInformation: true, versionSupport: true },
      ...(options.pull ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } : {}),
    },
  };
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities, workspaceFolders: null });
  await conn.sendNotification('initialized', {});
  return {
    conn, proc, settings, diagnostics, notifications, messages, requests, stderr,
    waitForDiagnostics(uri, predicate = () => true, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; got ${JSON.stringify(diagnostics.get(uri)?.map((d) => d.diagnostics.length))}`)), timeoutMs);
        const check = () => {
          const last = diagnostics.get(uri)?.at(-1);
          if (last && predicate(last.diagnostics)) {
            clearTimeout(timer);
            resolve(last.diagnostics);
          } else waiters.push(check);
        };
        check();
      });
    },
    async open(uri, text, languageId = 'strace') {
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    },
    async close() {
      try {
        await conn.sendRequest('shutdown');
        await conn.sendNotification('exit');
      } catch {
        // the server may already be gone
      }
      conn.dispose();
      proc.kill();
    },
  };
}
