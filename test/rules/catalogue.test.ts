// The rule catalogue's shape: one file per rule holding its id, with a test file of the same name here, and every
// divergence cause the model reports mapped to a rule of the catalogue (the Record type makes the map exhaustive;
// this checks it points into RULES).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { RULE_OF_CAUSE } from '../../server/src/engine/rules/rule-of-cause.js';
import { RULES } from '../../server/src/engine/rules/rules.js';
import { resolveRoot } from '../helpers.js';

describe('the rule catalogue', () => {
  for (const [id, rule] of Object.entries(RULES)) {
    it(`${id}: its own file and test`, () => {
      assert.equal(rule.id, id);
      const file = resolveRoot('server', 'src', 'engine', 'rules', `${id}.ts`);
      assert.ok(existsSync(file), `server/src/engine/rules/${id}.ts`);
      assert.ok(readFileSync(file, 'utf8').includes(`id: '${id}'`), `${id}.ts declares the rule`);
      assert.ok(existsSync(resolveRoot('test', 'rules', `${id}.test.ts`)), `test/rules/${id}.test.ts`);
    });
  }

  it('every divergence cause becomes a rule of the catalogue', () => {
    for (const [cause, rule] of Object.entries(RULE_OF_CAUSE)) assert.equal(RULES[rule.id as keyof typeof RULES]?.id, rule.id, cause);
  });
});
