// Layering invariants (rust-analyzer style): the engine knows nothing about editors or I/O; only the LSP layer
// imports vscode-languageserver; data flows text -> events -> replay -> findings -> front ends.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { resolveRoot } from './helpers.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function imports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]);
}

const engine = resolveRoot('server', 'src', 'engine');

describe('architecture', () => {
  it('the engine imports no editor, LSP or Node I/O module', () => {
    const bad: string[] = [];
    for (const f of sources(engine)) {
      for (const m of imports(f)) {
        if (/^vscode|^node:|^fs$|^path$|^child_process$/.test(m)) bad.push(`${relative(engine, f)} imports ${m}`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('the engine uses no Node global either (Buffer, process): it runs in any JavaScript host', () => {
    const bad: string[] = [];
    for (const f of sources(engine)) {
      // Code only: comments may name them.
      const code = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const m of code.matchAll(/\b(Buffer|process)\s*\./g)) bad.push(`${relative(engine, f)} uses ${m[1]}`);
    }
    assert.deepEqual(bad, []);
  });

  it('syntax does not import the model or rules; the model does not import rules', () => {
    const bad: string[] = [];
    for (const f of sources(join(engine, 'syntax'))) for (const m of imports(f)) if (/\/(model|rules)\//.test(m)) bad.push(`${relative(engine, f)} imports ${m}`);
    for (const f of sources(join(engine, 'model'))) for (const m of imports(f)) if (/\/rules\//.test(m)) bad.push(`${relative(engine, f)} imports ${m}`);
    assert.deepEqual(bad, []);
  });

  it('the CLI does not import the LSP layer', () => {
    const cli = resolveRoot('server', 'src', 'cli');
    const bad = sources(cli).flatMap((f) => imports(f).filter((m) => /vscode-languageserver|\/lsp\//.test(m)).map((m) => `${relative(cli, f)} imports ${m}`));
    assert.deepEqual(bad, []);
  });

  it('the packaged extension ships every bundle the language server starts (the parsing thread)', () => {
    const server = readFileSync(resolveRoot('server', 'out', 'server.cjs'), 'utf8');
    const started = [...new Set([...server.matchAll(/["']([a-z-]+\.cjs)["']/g)].map((m) => m[1]))];
    assert.ok(started.includes('parse-worker.cjs'), started.join(', '));
    const shipped = readFileSync(resolveRoot('.vscodeignore'), 'utf8').split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1));
    for (const b of started) assert.ok(shipped.includes(`server/out/${b}`), `.vscodeignore does not ship server/out/${b}`);
  });
});
