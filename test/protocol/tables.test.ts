// One source for each table (protocol/tables.ts), checked both ways: package.json says exactly what the tables
// and the settings' defaults decide, and everything package.json, the grammars, the engine and the CLI list is in
// the tables.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { TRACE_FORMATS } from '../../server/src/engine/events.js';
import { CACHE_MODES, KERNEL_PROFILES } from '../../server/src/engine/model/profiles.js';
import { FORMATS as REGISTRY } from '../../server/src/engine/syntax/formats.js';
import { DEFAULT_SETTINGS } from '../../protocol/messages.js';
import { withGeneratedParts } from '../../protocol/package-contributes.js';
import { FORMAT_NAMES, FORMATS, KERNELS, LANGUAGES, MODES } from '../../protocol/tables.js';
import { resolveRoot } from '../helpers.js';
import { spawnSync } from 'node:child_process';

const pkg = JSON.parse(readFileSync(resolveRoot('package.json'), 'utf8')) as Record<string, any>;

describe('the shared tables', () => {
  it('package.json is what the tables generate (npm run sync:package writes it)', () => {
    assert.deepStrictEqual(pkg, withGeneratedParts(pkg));
  });

  it('every setting has its package.json property, and every property but the LSP trace is a setting', () => {
    const props = Object.keys(pkg.contributes.configuration.properties).map((k) => k.replace(/^cachereplay\./, '')).filter((k) => k !== 'trace.server');
    assert.deepEqual(props.sort(), Object.keys(DEFAULT_SETTINGS).sort());
  });

  it('every language has its grammar, and every grammar its language', () => {
    const grammars = readdirSync(resolveRoot('syntaxes')).filter((f) => f.endsWith('.tmLanguage.json'));
    assert.deepEqual(grammars.map((f) => f.replace('.tmLanguage.json', '')).sort(), LANGUAGES.map((l) => l.id).sort());
    for (const l of LANGUAGES) assert.equal(JSON.parse(readFileSync(resolveRoot('syntaxes', `${l.id}.tmLanguage.json`), 'utf8')).scopeName, `source.${l.id}`);
  });

  it('the engine\'s formats, modes and kernels are the tables\' (each has a parser; each named format has a language)', () => {
    assert.deepEqual([...FORMAT_NAMES].sort(), [...TRACE_FORMATS].sort());
    assert.deepEqual(REGISTRY.map((f) => f.format).sort(), [...TRACE_FORMATS].sort());
    assert.deepEqual(Object.keys(MODES), [...CACHE_MODES]);
    assert.deepEqual(Object.keys(KERNELS), [...KERNEL_PROFILES]);
    // dtrace and dtruss share a language (dtruss reads both); every other format has its own.
    for (const f of TRACE_FORMATS) if (f !== 'dtrace') assert.ok(LANGUAGES.some((l) => l.format === f), `a language for ${f}`);
  });

  it('the CLI\'s help describes every format, mode and kernel from the tables', () => {
    const help = spawnSync(process.execPath, [resolveRoot('server', 'out', 'cli.cjs'), '--help'], { encoding: 'utf8' }).stdout;
    for (const [name, text] of [...Object.entries(MODES), ...Object.entries(KERNELS), ...Object.entries(FORMATS)]) assert.ok(help.includes(`  ${name.padEnd(14)} ${text}`), name);
  });

  it('the client writes no language list of its own', () => {
    for (const f of readdirSync(resolveRoot('client', 'src'))) {
      const code = readFileSync(resolveRoot('client', 'src', f), 'utf8');
      assert.doesNotMatch(code, /'fuselog'|'fsxlog'|'write-through'|'freebsd-2019'/, f);
    }
  });
});
