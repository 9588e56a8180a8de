// Which rule each kind of divergence becomes, and the sentence it says. A Record over DivergenceCause: a new cause
// does not compile until it is given a rule here, so nothing reports under another rule's name by default.
import type { DivergenceCause } from '../model/file-cache.js';
import { daemonSizeInvalidatesDirty } from './daemon-size-invalidates-dirty.js';
import { directIoDropsMmap, spaceOpDropsMmap } from './direct-io-drops-mmap.js';
import { mmapDirtyInvalidated } from './mmap-dirty-invalidated.js';
import type { LossRule } from './rule.js';
import type { RuleId } from './rules.js';

/** Causes whose findings are lost bytes; a failed WRITE has a finding of its own kind (findings.ts writeError). */
export type LossCause = Exclude<DivergenceCause, 'daemon-write-failed'>;

export const RULE_OF_CAUSE: Record<LossCause, LossRule<RuleId>> = {
  'write-invalidated-pages': mmapDirtyInvalidated,
  'direct-write-invalidated-blocks': directIoDropsMmap,
  'space-op-invalidated-blocks': spaceOpDropsMmap,
  'daemon-size-grew': daemonSizeInvalidatesDirty,
};
