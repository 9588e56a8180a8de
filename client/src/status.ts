// The status bar item: the cache mode in force for the active trace, and what the last replay found.
import * as vscode from 'vscode';
import { DEFAULT_SETTINGS, type StatusParams } from '../../protocol/messages.js';
import { LANGUAGE_IDS } from '../../protocol/tables.js';

const LANGUAGES = new Set(LANGUAGE_IDS);

export class ModeStatus implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('cachereplay.mode', vscode.StatusBarAlignment.Right, 100);
  private readonly last = new Map<string, StatusParams>();
  private readonly subs: vscode.Disposable[] = [];

  constructor() {
    this.item.name = 'Cache Replay mode';
    this.item.command = 'cachereplay.replayUnderMode';
    this.subs.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('cachereplay')) this.render();
      }),
    );
    this.render();
  }

  /** How many partial results (snapshots of a long analysis) each document has shown (for tests). */
  readonly partials = new Map<string, number>();

  update(p: StatusParams): void {
    this.last.set(p.uri, p);
    if (p.partial) this.partials.set(p.uri, (this.partials.get(p.uri) ?? 0) + 1);
    this.render();
  }

  /** What the item shows now (for tests). */
  get text(): string {
    return this.item.text;
  }

  render(): void {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || !LANGUAGES.has(doc.languageId)) {
      this.item.hide();
      return;
    }
    const cfg = vscode.workspace.getConfiguration('cachereplay', doc.uri);
    const mode = cfg.get<string>('cacheMode', DEFAULT_SETTINGS.cacheMode);
    const kernel = cfg.get<string>('kernel', DEFAULT_SETTINGS.kernel);
    const s = this.last.get(doc.uri.toString());
    const current = s && s.mode === mode && s.kernel === kernel ? s : undefined;
    const serious = current ? current.errors + current.warnings : 0;
    const found = !current ? '' : current.partial ? ` $(sync~spin) ${serious}` : serious > 0 ? ` $(warning) ${serious}` : (current.information ?? 0) > 0 ? ` $(info) ${current.information}` : ' $(check)';
    this.item.text = `$(database) ${mode} · ${kernel}${current?.fuseLog ? ' $(link)' : ''}${found}`;
    this.item.tooltip = new vscode.MarkdownString(
      `**Cache Replay**: replaying under **${mode}** (${kernel})` +
      (current ? `\n\n${current.errors} data loss, ${current.warnings} possible data loss (unsynced stores), ${current.information ?? 0} possible (stores after a sync)${current.partial ? ' so far (still analysing)' : ''} · ${current.format ?? 'unknown format'} · ${current.ms} ms` : '') +
      (current?.fuseLog ? `\n\ncorrelated with ${vscode.workspace.asRelativePath(vscode.Uri.parse(current.fuseLog))}` : '') +
      '\n\nClick to replay under another cache mode.',
    );
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subs) s.dispose();
  }
}
