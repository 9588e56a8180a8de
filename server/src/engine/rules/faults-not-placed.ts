// Write faults recorded beside a trace whose timestamps are not the time of day (strace -t, -tt, -r): they cannot
// be put between its calls, so they are not used (analyze.ts reports it once, at the trace's first line).
import type { RuleInfo } from './rule.js';

export const faultsNotPlaced: RuleInfo<'faults-not-placed'> = {
  id: 'faults-not-placed',
  title: 'Recorded write faults that cannot be placed',
  severity: 'warning',
  description: 'The trace was given write faults recorded in the same run, but its timestamps are not the time of day in seconds (strace -ttt, as cachereplay record makes them): the faults cannot be put between its calls, and the losses stay as the trace alone shows them.',
};

export const FAULTS_NOT_PLACED_MESSAGE = 'the recorded write faults cannot be placed among these calls: their timestamps are not the time of day in seconds (strace -ttt, as cachereplay record makes them); the losses are those the trace alone shows';
