// The settings VS Code offers (package.json) are the ones the server reads: same names, same defaults, and every
// value offered is kept while a value no setting offers falls back to the default.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DEFAULT_SETTINGS } from '../../protocol/messages.js';
import { normalize } from '../../server/src/lsp/settings.js';
import { ROOT } from '../helpers.js';
import { join } from 'node:path';

type Property = { default: unknown; enum?: unknown[] };
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, Property> } } };
// trace.server is the language client's own.
const offered = Object.entries(manifest.contributes.configuration.properties).filter(([k]) => k !== 'cachereplay.trace.server').map(([k, p]) => [k.slice('cachereplay.'.length), p] as const);

describe('settings', () => {
  it('package.json offers the settings the server reads, with the server’s defaults', () => {
    assert.deepStrictEqual(offered.map(([k]) => k).sort(), Object.keys(DEFAULT_SETTINGS).sort());
    for (const [k, p] of offered) assert.deepStrictEqual(p.default, DEFAULT_SETTINGS[k as keyof typeof DEFAULT_SETTINGS], k);
  });

  it('every value offered is kept; anything else falls back to the default', () => {
    for (const [k, p] of offered) {
      for (const v of p.enum ?? []) assert.deepStrictEqual(normalize({ [k]: v })[k as keyof typeof DEFAULT_SETTINGS], v, `${k}: ${String(v)}`);
      assert.deepStrictEqual(normalize({ [k]: 'no such value' })[k as keyof typeof DEFAULT_SETTINGS], DEFAULT_SETTINGS[k as keyof typeof DEFAULT_SETTINGS], k);
    }
  });
});
