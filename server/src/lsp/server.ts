// The language server: a thin adapter that maps LSP requests onto the engine. One file per feature; this one
// only wires them. `startServer` takes a connection so tests can run it in-process or over stdio.
import {
  CodeLensRefreshRequest, DidChangeConfigurationNotification, DocumentDiagnosticReportKind, ErrorCodes, LSPErrorCodes, MessageType, ShowMessageNotification,
  ResponseError, TextDocuments, TextDocumentSyncKind, type CancellationToken, type Connection, type InitializeResult,
} from 'vscode-languageserver/node';
import { CHUNKED_DOCUMENTS } from './chunked-document.js';
import { Analyses, Cancelled, DocAnalysis, type Answering } from './analyses.js';
import { analyzeTraceFile } from './analyze-file.js';
import { analyzeRun } from './analyze-run.js';
import { codeLenses } from './code-lens.js';
import { compareModes } from './compare-modes.js';
import { definition } from './definition.js';
import { diagnosticsOf } from './diagnostics.js';
import { foldingRanges } from './folding.js';
import { hover } from './hover.js';
import { pageTimeline } from './page-timeline.js';
import { reduceActions, reduceResult } from './reduce.js';
import { documentHighlights, references } from './references.js';
import {
  AnalyzeFileRequest, AnalyzeRunRequest, AttachFuseLogRequest, CompareModesRequest, PageTimelineRequest, StatusNotification,
  ReanalyzeRequest, ReduceRequest, type Request, type StatusParams,
} from '../../../protocol/messages.js';
import { SettingsStore, type AnalysisSettings, type AttachedFaults, type AttachedLog } from './settings.js';
import { stat } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Analysis } from '../engine/analyze.js';
import type { DaemonLog } from '../engine/correlate.js';
import { readDaemonLogFile } from '../io/daemon-log.js';
import { faultsBeside, readFaultsFile } from '../io/faults-file.js';
import { InputError } from '../io/input-errors.js';
import { symbols } from './symbols.js';

const PUSH_DELAY_MS = 200;
/** How long a request waits for the analysis of the document as it is before it is answered from an earlier one. */
const ANSWER_WAIT_MS = 150;

export interface ServerOptions {
  /** A full garbage collection, run when a document is closed (main.ts exposes V8's). */
  collectGarbage?: () => void;
}

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(CHUNKED_DOCUMENTS);
  const settings = new SettingsStore(connection);
  const analyses = new Analyses();
  const timers = new Map<string, NodeJS.Timeout>();
  const fuseLogs = new Map<string, AttachedLog>();
  let pullDiagnostics = false;
  let workDoneProgress = false;
  let codeLensRefresh = false;
  let dynamicConfig = false;

  const log = (msg: string) => connection.console.log(msg);

  /** Waits for `p` unless the request is cancelled first. */
  function race<T>(p: Promise<T>, token: CancellationToken | undefined): Promise<T> {
    if (!token) return p;
    return new Promise<T>((resolve, reject) => {
      const sub = token.onCancellationRequested(() => reject(new Cancelled()));
      p.then((v) => { sub.dispose(); resolve(v); }, (e) => { sub.dispose(); reject(e); });
    });
  }

  async function settingsOf(uri: string): Promise<AnalysisSettings> {
    const s: AnalysisSettings = { ...(await settings.get(uri)) };
    const log = fuseLogs.get(uri);
    if (log) s.fuseLog = log;
    const faults = await faultsBesideDoc(uri);
    if (faults) s.faults = faults;
    return s;
  }

  /** Fault recordings read, by the trace's URI: read again only when the file changed. */
  const faultFiles = new Map<string, AttachedFaults | undefined>();

  /** The write faults `cachereplay record` wrote beside a strace trace on disk (NAME.faults), if any. */
  async function faultsBesideDoc(uri: string): Promise<AttachedFaults | undefined> {
    if (!uri.startsWith('file:')) return undefined;
    const path = await faultsBeside(fileURLToPath(uri));
    if (path === undefined) return undefined;
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(path)).mtimeMs;
    } catch {
      return undefined;
    }
    const known = faultFiles.get(uri);
    if (known !== undefined && known.mtimeMs === mtimeMs) return known;
    try {
      const faultsUri = pathToFileURL(path).toString();
      const r = await readFaultsFile(path, faultsUri);
      const attached = { uri: faultsUri, mtimeMs, faults: r.faults };
      faultFiles.set(uri, attached);
      return attached;
    } catch (e) {
      log(`${path}: not used: ${(e as Error).message}`);
      return undefined;
    }
  }

  /**
   * The analysis of the document as it is now. An analysis a newer version superseded while this waited for it
   * is not an answer: the newer one is waited for instead.
   */
  async function analysisOf(uri: string, token?: CancellationToken): Promise<DocAnalysis | undefined> {
    for (;;) {
      const doc = documents.get(uri);
      if (!doc) return undefined;
      const s = await settingsOf(uri);
      // The document object is updated in place: its version now, not later.
      const version = doc.version;
      try {
        const a = await race(analyses.get(doc, s), token);
        // Display-only settings (showPossibleLosses, maxProblems) change without a re-analysis.
        a.display = s;
        return a;
      } catch (e) {
        if (e instanceof Cancelled && !token?.isCancellationRequested && documents.get(uri) !== undefined && documents.get(uri)!.version !== version) continue;
        throw e;
      }
    }
  }

  /**
   * What a request (hover, navigation, symbols) is answered from while the user types: the current analysis if it
   * is ready within ANSWER_WAIT_MS, else the newest finished one, marked stale; a request never fails because the
   * document changed under it. Before any analysis has finished, the first is waited for.
   */
  async function answerFrom(uri: string, token?: CancellationToken): Promise<Answering | undefined> {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const s = await settingsOf(uri);
    const r = await race(analyses.forRequest(doc, s, ANSWER_WAIT_MS), token);
    if (r !== undefined) {
      r.a.display = s;
      return r;
    }
    const a = await analysisOf(uri, token);
    return a === undefined ? undefined : { a, stale: false };
  }

  /** Runs a request handler; a cancelled request answers RequestCancelled and any other error is logged, never fatal. */
  function safe<P extends object, R>(name: string, fn: (params: P, token: CancellationToken) => Promise<R | null>) {
    return async (params: P, token: CancellationToken): Promise<R | null | ResponseError<void>> => {
      try {
        return await fn(params, token);
      } catch (e) {
        if (e instanceof Cancelled || token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'The request has been cancelled.');
        log(`${name} failed: ${(e as Error).stack ?? e}`);
        return new ResponseError(ErrorCodes.InternalError, `${name} failed: ${(e as Error).message}`);
      }
    };
  }

  /** Registers the handler of a custom request, with the types protocol/messages.ts gives it. */
  function handle<P extends object, R>(req: Request<P, R>, fn: (params: P, token: CancellationToken) => Promise<R>): void {
    connection.onRequest(req.method, safe<P, R>(req.method.replace('cachereplay/', ''), fn));
  }

  function sendStatus(a: DocAnalysis): void {
    statusOf(a.uri, a.analysis, a.settings, a.ms);
  }

  function statusOf(uri: string, analysis: Analysis, s: AnalysisSettings, ms: number): void {
    const status: StatusParams = {
      uri, mode: s.cacheMode, kernel: s.kernel, format: analysis.format,
      errors: analysis.findings.filter((f) => f.severity === 'error').length,
      warnings: analysis.findings.filter((f) => f.severity === 'warning').length,
      information: analysis.findings.filter((f) => f.severity === 'information').length,
      ms,
      ...(s.fuseLog ? { fuseLog: s.fuseLog.uri } : {}),
      ...(s.faults ? { faults: s.faults.uri } : {}),
      ...(analysis.partial ? { partial: true } : {}),
    };
    void connection.sendNotification(StatusNotification.method, status);
  }

  async function publish(uri: string): Promise<void> {
    const doc = documents.get(uri);
    if (!doc) return;
    try {
      const a = await analysisOf(uri);
      if (!a || documents.get(uri)?.version !== a.version) return; // a newer version is on its way
      await connection.sendDiagnostics({ uri, version: a.version, diagnostics: diagnosticsOf(a.analysis, uri, doc, a.display) });
      sendStatus(a);
    } catch (e) {
      if (!(e instanceof Cancelled)) log(`analysis of ${uri} failed: ${(e as Error).stack ?? e}`);
    }
  }

  function schedule(uri: string, delay = PUSH_DELAY_MS): void {
    clearTimeout(timers.get(uri));
    timers.set(uri, setTimeout(() => {
      timers.delete(uri);
      void publish(uri);
    }, delay));
  }

  let refreshTimer: NodeJS.Timeout | undefined;
  function refreshWhenAnalysed(uri: string): void {
    const pending = analyses.current(uri);
    void (pending ?? Promise.resolve()).catch(() => undefined).then(() => {
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(() => {
        if (documents.get(uri)) void connection.languages.diagnostics.refresh();
      }, 100);
    });
  }

  function refreshAll(): void {
    if (pullDiagnostics) void connection.languages.diagnostics.refresh();
    else for (const d of documents.all()) schedule(d.uri, 0);
    if (codeLensRefresh) void connection.sendRequest(CodeLensRefreshRequest.type);
  }

  connection.onInitialize((params): InitializeResult => {
    const caps = params.capabilities;
    settings.pull = caps.workspace?.configuration === true;
    // Clients that cannot answer workspace/configuration (Neovim 0.7 without lspconfig) pass settings here:
    // { settings: {...} }, { cachereplay: {...} } or the settings themselves.
    const init = params.initializationOptions as { settings?: unknown; cachereplay?: unknown } | undefined;
    if (init !== undefined && init !== null) settings.fallback = settings.checked(init.settings ?? init.cachereplay ?? init);
    pullDiagnostics = caps.textDocument?.diagnostic !== undefined;
    workDoneProgress = caps.window?.workDoneProgress === true;
    codeLensRefresh = caps.workspace?.codeLens?.refreshSupport === true;
    dynamicConfig = caps.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    if (workDoneProgress) {
      analyses.progress = async (title) => {
        const p = await connection.window.createWorkDoneProgress();
        p.begin(title, 0, undefined, false);
        return { report: (pct, msg) => p.report(pct, msg), done: () => p.done() };
      };
    }
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        documentSymbolProvider: { label: 'Cache Replay' },
        codeLensProvider: { resolveProvider: false },
        foldingRangeProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        ...(pullDiagnostics ? { diagnosticProvider: { identifier: 'cachereplay', interFileDependencies: false, workspaceDiagnostics: false } } : {}),
      },
      serverInfo: { name: 'cachereplay-language-server' },
    };
  });

  connection.onInitialized(() => {
    if (dynamicConfig) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'cachereplay' });
  });

  connection.onDidChangeConfiguration((change) => {
    settings.clear(change.settings);
    refreshAll();
  });

  // Typing is debounced; a freshly opened document is analysed at once.
  const opened = new Set<string>();
  documents.onDidOpen((e) => opened.add(e.document.uri));
  documents.onDidChangeContent((e) => {
    if (pullDiagnostics) return;
    schedule(e.document.uri, opened.delete(e.document.uri) ? 0 : PUSH_DELAY_MS);
  });

  let collectTimer: NodeJS.Timeout | undefined;
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    analyses.drop(e.document.uri);
    settings.forget(e.document.uri);
    // The document's analyses are unreachable now; once the requests still on them are answered, collect.
    if (options.collectGarbage) {
      clearTimeout(collectTimer);
      collectTimer = setTimeout(() => options.collectGarbage!(), 1000);
    }
    if (!pullDiagnostics) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  const saidLean = new Set<string>();
  analyses.onLean = (uri, length) => {
    if (saidLean.has(uri)) return;
    saidLean.add(uri);
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: `Cache Replay: ${uri.slice(uri.lastIndexOf('/') + 1)} is ${(length / 1e6).toFixed(0)} MB: its problems are complete, but hovers and navigation are off (too big to keep every event's history).` });
  };

  // A long analysis shows what it has found so far: push clients get each snapshot published; a pull is answered
  // with the first snapshot, and the client is asked to pull again once the analysis is done.
  analyses.onPartial = (uri, version, snapshot, s, ms) => {
    const doc = documents.get(uri);
    if (!doc || doc.version !== version) return;
    statusOf(uri, snapshot, s, ms);
    if (!pullDiagnostics) void connection.sendDiagnostics({ uri, version, diagnostics: diagnosticsOf(snapshot, uri, doc, s) });
  };

  connection.languages.diagnostics.on(async (params, token) => {
    try {
      const uri = params.textDocument.uri;
      const doc = documents.get(uri);
      if (!doc) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
      const s = await settingsOf(uri);
      const running = analyses.get(doc, s);
      const first = await race(analyses.earliest(uri, running), token);
      if (!(first instanceof DocAnalysis)) {
        void running.then(() => connection.languages.diagnostics.refresh(), () => undefined);
        return { kind: DocumentDiagnosticReportKind.Full, items: diagnosticsOf(first, uri, doc, s) };
      }
      const a = first;
      a.display = s;
      sendStatus(a);
      return { kind: DocumentDiagnosticReportKind.Full, items: diagnosticsOf(a.analysis, a.uri, documents.get(a.uri), a.display) };
    } catch (e) {
      if (token.isCancellationRequested) {
        // The client may drop a pull it cancelled while it was still tracking which editors are visible (an
        // editor opened before the extension activated). Ask it to pull again once the analysis is ready.
        refreshWhenAnalysed(params.textDocument.uri);
        return new ResponseError(LSPErrorCodes.RequestCancelled, 'The request has been cancelled.');
      }
      // Superseded by a newer version of the document: ask the client to pull again.
      if (e instanceof Cancelled) return new ResponseError(LSPErrorCodes.ServerCancelled, 'A newer version is being analysed.', { retriggerRequest: true });
      log(`diagnostics failed: ${(e as Error).stack ?? e}`);
      return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    }
  });

  connection.onHover(safe('hover', async (params, token) => {
    const r = await answerFrom(params.textDocument.uri, token);
    const doc = documents.get(params.textDocument.uri);
    return r && doc ? hover(doc, params.position, r.a, r.stale) : null;
  }));

  connection.onDefinition(safe('definition', async (params, token) => {
    const a = (await answerFrom(params.textDocument.uri, token))?.a;
    const doc = documents.get(params.textDocument.uri);
    return a && doc ? definition(doc, params.position, a) : null;
  }));

  connection.onReferences(safe('references', async (params, token) => {
    const a = (await answerFrom(params.textDocument.uri, token))?.a;
    const doc = documents.get(params.textDocument.uri);
    return a && doc ? references(doc, params.position, a, params.context.includeDeclaration) : null;
  }));

  connection.onDocumentHighlight(safe('documentHighlight', async (params, token) => {
    const a = (await answerFrom(params.textDocument.uri, token))?.a;
    const doc = documents.get(params.textDocument.uri);
    return a && doc ? documentHighlights(doc, params.position, a) : null;
  }));

  connection.onDocumentSymbol(safe('documentSymbol', async (params, token) => {
    const a = (await answerFrom(params.textDocument.uri, token))?.a;
    const doc = documents.get(params.textDocument.uri);
    return a && doc ? symbols(doc, a) : null;
  }));

  connection.onCodeLens(safe('codeLens', async (params, token) => {
    const a = await analysisOf(params.textDocument.uri, token);
    return a ? race(codeLenses(a), token) : null;
  }));

  connection.onFoldingRanges(safe('foldingRange', async (params, token) => {
    const a = (await answerFrom(params.textDocument.uri, token))?.a;
    return a ? foldingRanges(a) : null;
  }));

  handle(CompareModesRequest, async (params, token) => {
    const a = await analysisOf(params.uri, token);
    return a ? race(compareModes(a), token) : null;
  });

  handle(PageTimelineRequest, async (params, token) => {
    const a = await analysisOf(params.uri, token);
    return a ? race(pageTimeline(a, params.fileId), token) : null;
  });

  handle(AnalyzeFileRequest, async (params, token) => {
    const s = await settings.get(params.uri);
    let cancelled = false;
    let progress: { report(pct: number, msg: string): void; done(): void } | undefined;
    if (workDoneProgress) {
      const p = await connection.window.createWorkDoneProgress();
      p.begin('Cache Replay: analysing trace file', 0, params.uri, true);
      p.token.onCancellationRequested(() => { cancelled = true; });
      progress = { report: (pct, msg) => p.report(pct, msg), done: () => p.done() };
    }
    return analyzeTraceFile(connection, params.uri, s, token, progress, () => cancelled);
  });

  handle(AnalyzeRunRequest, async (params, token) => {
    if (!Array.isArray(params.uris) || params.uris.length === 0) return { files: [], error: 'no trace files given' };
    return analyzeRun(connection, params.uris, await settings.get(params.uris[0]), token);
  });

  connection.onCodeAction(safe('codeAction', async (params, token) => {
    const a = (await answerFrom(params.textDocument.uri, token))?.a;
    return a ? reduceActions(a, params) : null;
  }));

  handle(ReduceRequest, async (params, token) => {
    const a = await analysisOf(params.uri, token);
    return a ? reduceResult(a, params.line) : null;
  });

  handle(ReanalyzeRequest, async (params) => {
    const faults = await faultsBesideDoc(params.uri);
    refreshAll();
    return faults ? { faults: faults.uri } : {};
  });

  handle(AttachFuseLogRequest, async (params) => {
    if (params.logUri === undefined) {
      fuseLogs.delete(params.uri);
      refreshAll();
      return { uri: params.uri, requests: 0, files: [] };
    }
    let log: DaemonLog;
    try {
      log = await readDaemonLogFile(fileURLToPath(params.logUri), params.logUri);
    } catch (e) {
      return { uri: params.uri, logUri: params.logUri, requests: 0, files: [], error: e instanceof InputError ? e.message : `cannot read ${params.logUri}: ${(e as Error).message}` };
    }
    fuseLogs.set(params.uri, { uri: params.logUri, evidence: log.evidence, requests: log.requests });
    refreshAll();
    return { uri: params.uri, logUri: params.logUri, requests: log.requests, files: [...log.evidence.files.keys()] };
  });

  documents.listen(connection);
  connection.listen();
}
