// A line the format's grammar does not accept; each parser words its own message (syntax/*), the rule is this.
import type { RuleInfo } from './rule.js';

export const parseError: RuleInfo<'parse-error'> = {
  id: 'parse-error',
  title: 'Unreadable trace line',
  severity: 'error',
  description: 'A line none of the format’s rules accept. The rest of the trace is still read.',
};
