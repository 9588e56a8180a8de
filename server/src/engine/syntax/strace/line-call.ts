// A finished one-line strace call as the fast lane read it (most lines of a trace), before its event is built. A
// sink in another thread than the replay takes these instead of events (EventSink.defer): the event codec carries
// them across and builds the event on the replaying side, so the two threads share the parse's work. strace's
// comma table (scan.ts COMMAS) stays inside this folder: the codec hands over the offsets, this module puts them
// back.
import type { EventDraft } from '../../events.js';
import { withRoom } from '../../typed-arrays.js';
import { COMMAS } from './scan.js';
import { buildLineCall } from './strace-parser.js';
import type { Base } from './syscalls.js';

export interface LineCall {
  text: string;
  name: string;
  /** text[open + 1, close) are the arguments. */
  open: number;
  close: number;
  /**
   * The arguments' top-level commas: `commaCount` offsets at commas[commaAt...]. 0 for a call whose event is
   * generic (its arguments are never read, so they need not cross).
   */
  commas: ArrayLike<number>;
  commaAt: number;
  commaCount: number;
  /** text[retAt, retAt + retLength) is the return value. */
  retAt: number;
  retLength: number;
  base: Base;
}

/** A record to refill for each call (a sink must read it before the next call). */
export function newLineCall(): LineCall {
  return { text: '', name: '', open: 0, close: 0, commas: COMMAS.at, commaAt: 0, commaCount: 0, retAt: 0, retLength: 0, base: undefined as unknown as Base };
}

/** The event of `c`, wherever it was read. */
export function eventOfLineCall(c: LineCall): EventDraft {
  let from = c.commaAt;
  if (c.commas !== COMMAS.at) {
    // Read elsewhere: its commas go where buildLineCall reads them, past those a parse in progress holds.
    from = COMMAS.n;
    if (from + c.commaCount > COMMAS.at.length) COMMAS.at = withRoom(COMMAS.at, from + c.commaCount);
    for (let k = 0; k < c.commaCount; k++) COMMAS.at[from + k] = c.commas[c.commaAt + k];
  }
  return buildLineCall(c.text, c.name, c.open, c.close, from, c.commaCount, c.retAt, c.retLength, c.base);
}
