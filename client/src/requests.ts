// Sends the server's custom requests, and listens to its notifications, with the types protocol/messages.ts gives
// them: a result is what the server's handler returns, not a type declared again here.
import type { CancellationToken, Disposable } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Notification, Request } from '../../protocol/messages.js';

export function request<P, R>(client: LanguageClient, req: Request<P, R>, params: P, token?: CancellationToken): Promise<R> {
  return client.sendRequest<R>(req.method, params, token);
}

export function onNotification<P>(client: LanguageClient, n: Notification<P>, handler: (params: P) => void): Disposable {
  return client.onNotification(n.method, handler);
}
