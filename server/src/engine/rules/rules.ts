// The catalogue: every rule, one file each. The CLI's SARIF output, the editor's diagnostics and the README
// describe the rules from here. docs/architecture.md says how to add one.
import { daemonSizeInvalidatesDirty } from './daemon-size-invalidates-dirty.js';
import { directIoDropsMmap } from './direct-io-drops-mmap.js';
import { faultsNotPlaced } from './faults-not-placed.js';
import { inexactValue } from './inexact-value.js';
import { mmapDirtyInvalidated } from './mmap-dirty-invalidated.js';
import { parseError } from './parse-error.js';
import { readBadData } from './read-bad-data.js';
import type { RuleInfo } from './rule.js';
import { writeErrorCached } from './write-error-cached.js';

export type { RuleInfo, Severity } from './rule.js';

export const RULES = {
  'mmap-dirty-invalidated': mmapDirtyInvalidated,
  'direct-io-drops-mmap': directIoDropsMmap,
  'daemon-size-invalidates-dirty': daemonSizeInvalidatesDirty,
  'write-error-cached': writeErrorCached,
  'read-bad-data': readBadData,
  'inexact-value': inexactValue,
  'faults-not-placed': faultsNotPlaced,
  'parse-error': parseError,
} as const satisfies { [Id in string]: RuleInfo<Id> };

export type RuleId = keyof typeof RULES;
