// Bad input must give diagnostics, never an exception or a failed analysis. Every sample and fixture here is
// mutated at random (characters inserted, deleted and replaced, lines cut, duplicated and spliced, strace's own
// markers dropped in anywhere) with fixed seeds, and each result is analysed under two modes.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeText } from '../../server/src/engine/analyze.js';
import { ROOT } from '../helpers.js';

function traceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return traceFiles(p);
    return /\.(c|md|sh|d|json|stdout)$/.test(e.name) ? [] : [p];
  });
}

const PIECES = [
  ...' ()[]{}<>",=.-+:0123456789xabcdefAZ_\\/|\n\t?*\r\u0000é€\u001b[',
  '<unfinished ...>', ' resumed>', '<... ', '+++ ', '--- SIG', ' = -1 ENOENT (x)', '"...',
];

function mutate(text: string, rnd: (n: number) => number): string {
  const lines = text.split('\n');
  for (let m = 1 + rnd(6); m > 0; m--) {
    const li = rnd(lines.length);
    let l = lines[li];
    const at = rnd(l.length + 1);
    switch (rnd(6)) {
      case 0: l = l.slice(0, at) + PIECES[rnd(PIECES.length)] + l.slice(at); break;
      case 1: l = l.slice(0, at) + l.slice(at + 1 + rnd(5)); break;
      case 2: l = l.slice(0, at); break;
      case 3: lines.splice(rnd(lines.length), 0, l); break;
      case 4: l = l.slice(0, at) + l.slice(rnd(l.length)); break;
      default: l = l.replace(/[0-9]+/, String(rnd(5) === 0 ? -1 : rnd(1 << 30)));
    }
    lines[li] = l;
  }
  return lines.join('\n');
}

/** What an analysis may legitimately refuse: the input is not a trace at all. */
const REFUSALS = /empty|binary|not a trace in a known format/;

function check(text: string, what: string, fileName?: string): void {
  for (const mode of ['write-around', 'writeback'] as const) {
    let a;
    try {
      a = analyzeText(text, { mode, fileName });
    } catch (e) {
      assert.fail(`${what} (${mode}) threw: ${(e as Error).stack}\n--- input ---\n${text.slice(0, 2000)}`);
    }
    if (a.error !== undefined) assert.match(a.error, REFUSALS, `${what} (${mode}) failed: ${a.error}`);
  }
}

describe('mutated traces', () => {
  it('a line the lexer cannot read, reported while a bulk parse is running, does not derail that parse', () => {
    // Found by the mutations below: the cut-off line was re-parsed with the bulk parser's own instance.
    check('8876  10:31:03 write(4, "ch1:03 write(4, "child\\n", 6)   = 6\n88760:31:03 exit_group(0)            = ?\n8876  10:31:03 +++ exited with 0 +++', 'regression');
  });

  const files = traceFiles(join(ROOT, 'samples')).concat(traceFiles(join(ROOT, 'test', 'fixtures')));
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 250 mutated samples analyse without an exception or a failure`, () => {
      assert.ok(files.length > 50, `${files.length} trace files`);
      let s = seed >>> 0;
      const rnd = (n: number): number => {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        return s % n;
      };
      for (let k = 0; k < 250; k++) {
        const f = files[rnd(files.length)];
        check(mutate(readFileSync(f, 'utf8'), rnd), `${basename(f)} #${k}`, basename(f));
      }
    });
  }
});
