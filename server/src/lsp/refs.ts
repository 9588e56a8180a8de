// What is under the cursor: an fd or an address that an event used, resolved to the open or mmap behind it.
import type { Position } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { TraceEvent } from '../engine/events.js';
import type { Ref, ReplayResult } from '../engine/model/replay.js';
import type { DocAnalysis } from './analyses.js';
import { lineText } from './doc-lines.js';

export interface Word {
  text: string;
  start: number;
  end: number;
  value: number | undefined;
}

/** The numbers (decimal or 0x hex) of a line, in order; digits that end an identifier (SIG2, pwrite64) have no value. */
export function* numbersIn(line: string): Generator<Word> {
  const re = /0x[0-9a-fA-F]+|\d+/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const start = m.index;
    const before = start > 0 ? line.charCodeAt(start - 1) : 32;
    const inWord = (before >= 65 && before <= 90) || (before >= 97 && before <= 122) || before === 95;
    const value = inWord ? undefined : m[0].startsWith('0x') ? parseInt(m[0], 16) : Number(m[0]);
    yield { text: m[0], start, end: start + m[0].length, value };
  }
}

/** The number (decimal or 0x hex) under `character` in the line, if any. */
export function numberAt(line: string, character: number): Word | undefined {
  for (const w of numbersIn(line)) {
    if (character >= w.start && character <= w.end) return w.value === undefined ? undefined : w;
  }
  return undefined;
}

export { lineText };

export interface RefHit {
  event: TraceEvent;
  ref: Ref;
  word: Word;
}

/** Where the event's call starts on `line`: the pid and timestamp columns before it are not the call's. */
export function callStart(ev: TraceEvent, line: number): number {
  return ev.span.line === line ? ev.span.start : ev.endSpan?.line === line ? ev.endSpan.start : 0;
}

/** The event anchored on (or completed at) this line whose fd or address the cursor is on. */
export function refAt(doc: TextDocument, pos: Position, a: DocAnalysis, r: ReplayResult): RefHit | undefined {
  const events = a.eventsAt(pos.line);
  if (events.length === 0) return undefined;
  const word = numberAt(lineText(doc, pos.line), pos.character);
  if (!word || word.value === undefined) return undefined;
  for (const event of events) {
    if (word.start < callStart(event, pos.line)) continue;
    for (const ref of r.refsAt(event.seq)) {
      if (ref.value === word.value && (ref.what === 'addr' || !word.text.startsWith('0x'))) return { event, ref, word };
    }
  }
  return undefined;
}
