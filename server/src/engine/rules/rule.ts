// What every rule declares: a stable id (SARIF's ruleId, the diagnostic's code), a title, the severity of its
// definite findings, and a description for SARIF and the README. One file per rule holds this and the sentence
// its findings say (as rust-analyzer keeps one file per diagnostic); rules.ts lists them.
import type { CacheMode, KernelProfile } from '../model/profiles.js';

export type Severity = 'error' | 'warning' | 'information';

export interface RuleInfo<Id extends string = string> {
  id: Id;
  title: string;
  /** Severity for definite evidence; a possible loss is a warning (unsynced) or information (stored again). */
  severity: Severity;
  description: string;
}

/** What a loss finding's sentence is made of. */
export interface LossFacts {
  /** The invalidating call's name ("pwrite64", "fallocate"...). */
  call: string;
  file: string;
  /** "page 3", "blocks 0-1". */
  units: string;
  mode: CacheMode;
  kernel: KernelProfile;
  /** What the model adds (the size the daemon reported). */
  detail?: string;
}

/** A rule whose findings are lost bytes: the clause that says what the kernel did. */
export interface LossRule<Id extends string = string> extends RuleInfo<Id> {
  /** "this pwrite64 went around the cache and invalidated page 0 of /mnt/f". */
  what(f: LossFacts): string;
}
