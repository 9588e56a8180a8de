// npm run sync:package: writes into package.json what protocol/tables.ts decides (languages, grammars, activation
// events, settings' defaults and choices). Run after changing a table; the tests fail until package.json agrees.
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url);
const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
const { withGeneratedParts } = await import(new URL('out/protocol/package-contributes.js', root).href);
const path = new URL('package.json', root);
const before = readFileSync(path, 'utf8');
const after = `${JSON.stringify(withGeneratedParts(JSON.parse(before)), null, 2)}\n`;
if (after === before) console.log('package.json already agrees with protocol/tables.ts');
else {
  writeFileSync(path, after);
  console.log('package.json updated from protocol/tables.ts: review the diff');
}
