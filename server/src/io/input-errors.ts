// What reading a trace file can end in besides an analysis: the user stopped it, or the file is no trace.
import type { Analysis } from '../engine/analyze.js';

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/** A user-facing error: unreadable, binary, empty, or not a trace. */
export class InputError extends Error {}

/** Why the file at `path` cannot be analysed (it is binary, empty, not a trace...), as every front end says it. */
export function notATrace(path: string, why: string): InputError {
  return new InputError(`${path}: ${why}`);
}

/** The finished analysis, or the InputError that says why the file is no trace. */
export function finished(path: string, result: Analysis): Analysis {
  if (result.error) throw notATrace(path, result.error);
  return result;
}

