// The program's own content check failed (fsx READ BAD DATA): linked to the loss that explains it.
import type { CacheMode, KernelProfile } from '../model/profiles.js';
import type { RuleInfo } from './rule.js';

export const readBadData: RuleInfo<'read-bad-data'> = {
  id: 'read-bad-data',
  title: 'The program read bad data',
  severity: 'information',
  description: 'The trace’s program checked content and found it wrong (fsx READ BAD DATA); linked to the loss that explains it, or reported as unexplained under the chosen mode.',
};

export function explainedMessage(what: string, loss: { definite: boolean; line: number; rule: string }, mode: CacheMode, kernel: KernelProfile): string {
  return `${what}: explained by the ${loss.definite ? 'data loss' : 'possible data loss'} at line ${loss.line} (${loss.rule}, ${mode}, ${kernel})`;
}

export function unexplainedMessage(what: string, mode: CacheMode, kernel: KernelProfile): string {
  return `${what}: no loss the model finds under ${mode} (${kernel}) explains it; try another cache mode or kernel`;
}
