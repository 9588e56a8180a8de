// Layering invariants (rust-analyzer style): the engine knows nothing about editors or I/O; only the LSP layer
// imports vscode-languageserver; data flows text -> events -> replay -> findings -> front ends.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
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

/** The modules `file` loads when it runs: relative imports that are not `import type`, resolved to .ts paths. */
function runtimeImports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^\s*(import|export)(\s+type\b)?[^'"]*from\s+['"](\.[^'"]+)['"]/gm)]
    .filter((m) => m[2] === undefined)
    .map((m) => join(dirname(file), m[3].replace(/\.js$/, '.ts')));
}

/** Every import cycle among `files` (each as the list of its modules), by depth-first search. */
function cycles(files: string[]): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (f: string): void => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      found.push(path.slice(path.indexOf(f)).concat(f));
      return;
    }
    state.set(f, 'open');
    path.push(f);
    for (const g of runtimeImports(f)) visit(g);
    path.pop();
    state.set(f, 'done');
  };
  for (const f of files) visit(f);
  return found;
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

  it('no module of the server imports itself through others (import cycles make load order matter)', () => {
    const src = resolveRoot('server', 'src');
    assert.deepEqual(cycles(sources(src)).map((c) => c.map((f) => relative(src, f)).join(' -> ')), []);
  });

  it('io reads bytes and drives the analysis: it knows no trace format (deferred calls cross in the event codec)', () => {
    const io = resolveRoot('server', 'src', 'io');
    const bad = sources(io).flatMap((f) => imports(f).filter((m) => /\/syntax\/(?!parser-api)/.test(m)).map((m) => `${relative(io, f)} imports ${m}`));
    assert.deepEqual(bad, []);
  });

  it('the model branches on no kernel or mode name outside profiles.ts: each difference is a field of the matrix', () => {
    const bad: string[] = [];
    for (const f of sources(join(engine, 'model'))) {
      if (f.endsWith('profiles.ts')) continue;
      const code = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const m of code.matchAll(/(?:mode|kernel)\s*[!=]==?\s*'[\w-]+'|'[\w-]+'\s*[!=]==?\s*[\w.]*(?:mode|kernel)\b|case '(?:uncached|write-through|writeback|freebsd-2019|freebsd|linux)'/g)) bad.push(`${relative(engine, f)}: ${m[0]}`);
    }
    assert.deepEqual(bad, []);
  });

  it('every place a source file cites in docs/ exists (docs/NAME.md, Heading)', () => {
    const bad: string[] = [];
    for (const f of [...sources(resolveRoot('server', 'src')), ...sources(resolveRoot('protocol')), ...sources(resolveRoot('client', 'src'))]) {
      for (const m of readFileSync(f, 'utf8').matchAll(/docs\/([\w-]+\.md)(?:, ([A-Z][\w' -]+?))?[)\s:.]/g)) {
        const doc = resolveRoot('docs', m[1]);
        if (!existsSync(doc)) bad.push(`${relative(resolveRoot(), f)} cites docs/${m[1]}`);
        else if (m[2] !== undefined && !new RegExp(`^#+ ${m[2]}\\b`, 'm').test(readFileSync(doc, 'utf8'))) bad.push(`${relative(resolveRoot(), f)} cites "${m[2]}" in docs/${m[1]}`);
      }
    }
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
