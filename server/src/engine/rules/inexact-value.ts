// A number beyond 2^53 in a trace: the call is not replayed (analyze.ts reports it as a diagnostic).
import type { RuleInfo } from './rule.js';

export const inexactValue: RuleInfo<'inexact-value'> = {
  id: 'inexact-value',
  title: 'A value beyond 2^53',
  severity: 'warning',
  description: 'An offset, length or address larger than 2^53, which a double holds only approximately: the call is not replayed rather than replayed at the wrong bytes.',
};

export function inexactMessage(call: string, field: string, value: number): string {
  return `${call}: its ${field} (about ${value.toExponential(3)}) is beyond 2^53, where a number cannot hold it exactly: this call is not replayed`;
}
