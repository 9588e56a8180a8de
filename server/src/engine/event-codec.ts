// Events as numbers, for a batch crossing from the thread that parses to the thread that replays. A structured
// clone of the event objects costs more than parsing them did; here each kind has a fixed layout of Float64 slots
// (strings by index into the batch's own table, nested objects such as open flags cloned beside it), and the
// encoder and decoder of each kind are generated from the field table (event-fields.ts), so every property access
// in them is a plain monomorphic load or store.
import type { EventBase, EventDraft } from './events.js';
import { eventOfLineCall, newLineCall, type LineCall } from './syntax/strace/line-call.js';
import { BASE_FIELDS, KIND_FIELDS, type FieldType } from './event-fields.js';
import { withRoom } from './typed-arrays.js';

/** What the generated coders are given: the batch's slots, its strings and its cloned values. */
export interface BatchWriter {
  f: Float64Array;
  str(s: string): number;
  obj(v: unknown): number;
}

type Encoder = (ev: EventDraft, w: BatchWriter, at: number) => void;
type Decoder = (f: Float64Array, at: number, strs: readonly string[], objs: readonly unknown[]) => EventDraft;

interface KindCoder {
  id: number;
  /** Slots per event of this kind: the kind, the bitmask of defined fields, then the fields'. */
  size: number;
  encode: Encoder;
  decode: Decoder;
}

const SLOTS: Record<FieldType, number> = { num: 1, str: 1, bool: 1, span: 3, any: 1 };

/** Generates the coders of one kind (fields undefined or absent on the way in are undefined on the way out). */
function coderOf(kind: string, id: number, fields: Array<[string, FieldType]>, baseCount: number): KindCoder {
  if (fields.length > 31) throw new Error(`event kind ${kind} has more fields than a bitmask holds`);
  const enc: string[] = ['let m = 0, v;', 'const f = w.f;'];
  // Built as the strace parser builds an event: a literal of kind, seq and the base's fields in baseOf's order, then
  // the kind's own fields added one by one. An event then has one shape (hidden class) whichever thread built it.
  const dec: string[] = ['const m = f[at + 1];', 'let x;', `const e = { kind: ${JSON.stringify(kind)}, seq: 0`];
  let slot = 2;
  fields.forEach(([name, type], bit) => {
    const key = JSON.stringify(name);
    const s = `at + ${slot}`;
    const has = `(m & ${1 << bit}) !== 0`;
    if (bit === baseCount) dec.push('};');
    const to = bit < baseCount ? `, ${key}: ` : `e[${key}] = `;
    const end = bit < baseCount ? '' : ';';
    enc.push(`v = ev[${key}];`, `if (v !== undefined) { m |= ${1 << bit};`);
    switch (type) {
      case 'num':
        enc.push(`f[${s}] = v; }`);
        // A Float64Array gives doubles: an integer goes back to a small integer, as the parser made it.
        dec.push(`${to}${has} ? ((x = f[${s}]) === (x | 0) ? x | 0 : x) : undefined${end}`);
        break;
      case 'str':
        enc.push(`f[${s}] = w.str(v); }`);
        dec.push(`${to}${has} ? strs[f[${s}] | 0] : undefined${end}`);
        break;
      case 'bool':
        enc.push(`f[${s}] = v ? 1 : 0; }`);
        dec.push(`${to}${has} ? f[${s}] === 1 : undefined${end}`);
        break;
      case 'span':
        enc.push(`f[${s}] = v.line; f[${s} + 1] = v.start; f[${s} + 2] = v.end; }`);
        dec.push(`${to}${has} ? { line: f[${s}] | 0, start: f[${s} + 1] | 0, end: f[${s} + 2] | 0 } : undefined${end}`);
        break;
      case 'any':
        enc.push(`f[${s}] = w.obj(v); }`);
        dec.push(`${to}${has} ? objs[f[${s}] | 0] : undefined${end}`);
        break;
    }
    slot += SLOTS[type];
  });
  enc.push(`f[at] = ${id};`, 'f[at + 1] = m;');
  if (fields.length === baseCount) dec.push('};');
  dec.push('return e;');
  return {
    id, size: slot,
    encode: new Function('ev', 'w', 'at', enc.join('\n')) as Encoder,
    decode: new Function('f', 'at', 'strs', 'objs', dec.join('\n')) as Decoder,
  };
}

/** The coders of every kind, and the most slots an event takes. */
interface Coders {
  byKind: Map<string, KindCoder>;
  byId: KindCoder[];
  maxSlots: number;
}

let coders: Coders | undefined;

/** Generated when the first batch is made: an analysis in one thread never needs them (about 10 ms at start). */
function allCoders(): Coders {
  if (coders !== undefined) return coders;
  const byKind = new Map<string, KindCoder>();
  const byId: KindCoder[] = [];
  const base = Object.entries(BASE_FIELDS);
  for (const [kind, own] of Object.entries(KIND_FIELDS)) {
    const coder = coderOf(kind, byId.length, [...base, ...Object.entries(own)] as Array<[string, FieldType]>, base.length);
    byKind.set(kind, coder);
    byId.push(coder);
  }
  return (coders = { byKind, byId, maxSlots: Math.max(DEFERRED_SLOTS, ...byId.map((c) => c.size)) });
}

/** A kind without a layout (none today) crosses whole, cloned. */
const CLONED = Object.keys(KIND_FIELDS).length;
/** A one-line call whose event the receiving thread builds (EventSink.defer, syntax/strace/line-call.ts). */
const DEFERRED = CLONED + 1;
/** Slots of a deferred call before its commas. */
const DEFERRED_SLOTS = 17;

/** One batch as it crosses: `slots` is transferable. */
export interface EventBatch {
  count: number;
  slots: Float64Array;
  strs: string[];
  objs: unknown[];
  /** The texts deferred calls were read from. */
  texts: string[];
  /** Syscall names seen for the first time: they extend the receiver's name table. */
  names: string[];
}

type Base = Omit<EventBase, 'seq'>;

/** The text a batch may carry before it is sent: sixteen 64 KiB chunks. */
const MAX_TEXT_CHARS = 1 << 20;

/** Names are few and repeat on every line: they cross once per thread, not once per batch. */
const MAX_NAMES = 1 << 16;

/** Collects events into a batch. */
export class BatchEncoder implements BatchWriter {
  f: Float64Array;
  count = 0;
  private at = 0;
  private strs: string[] = [];
  private readonly strIds = new Map<string, number>();
  private lastStr: string | undefined = undefined;
  private lastId = 0;
  private objs: unknown[] = [];
  private texts: string[] = [];
  private lastText: string | undefined = undefined;
  private textChars = 0;
  private names: string[] = [];
  private readonly nameIds = new Map<string, number>();

  /** Events the current batch may hold: the first batches are small, so that the receiver starts early. */
  private capacity: number;

  private readonly coders = allCoders();

  constructor(private readonly maxCapacity: number, private readonly buildHere?: () => boolean) {
    this.capacity = Math.min(maxCapacity, 512);
    this.f = new Float64Array(maxCapacity * this.coders.maxSlots);
  }

  /** Whether to send the batch: it has `capacity` events, or texts enough that waiting costs memory (long lines). */
  get full(): boolean {
    return this.count >= this.capacity || this.textChars >= MAX_TEXT_CHARS;
  }

  str(s: string): number {
    // The same string as last time (an errno, a run of calls on one fd) costs a compare.
    if (s === this.lastStr) return this.lastId;
    this.lastStr = s;
    // Names and paths repeat all through a batch: each crosses (and is allocated on the other side) once.
    let id = this.strIds.get(s);
    if (id === undefined) {
      id = this.strs.push(s) - 1;
      this.strIds.set(s, id);
    }
    return (this.lastId = id);
  }

  obj(v: unknown): number {
    return this.objs.push(v) - 1;
  }

  add(ev: EventDraft): void {
    const c = this.coders.byKind.get(ev.kind);
    this.room(this.coders.maxSlots);
    if (c === undefined) {
      this.f[this.at] = CLONED;
      this.f[this.at + 1] = this.obj(ev);
      this.at += 2;
    } else {
      c.encode(ev, this, this.at);
      this.at += c.size;
    }
    this.count++;
  }

  /**
   * Adds a one-line call for the receiver to build (EventSink.defer; its commas are copied now). When the name
   * table is full, or `buildHere` says so (the tests build events on each side and by turns), the event is built
   * here and added as one.
   */
  defer(call: LineCall): void {
    if (this.buildHere?.() === true || !this.deferred(call)) this.add(eventOfLineCall(call));
  }

  private deferred(call: LineCall): boolean {
    const { text, name, open, close, commas, commaAt, commaCount, retAt, retLength, base: b } = call;
    let nameId = this.nameIds.get(name);
    if (nameId === undefined) {
      if (this.nameIds.size >= MAX_NAMES) return false;
      nameId = this.nameIds.size;
      this.nameIds.set(name, nameId);
      this.names.push(name);
    }
    if (text !== this.lastText) {
      this.lastText = text;
      this.texts.push(text);
      this.textChars += text.length;
    }
    this.room(DEFERRED_SLOTS + commaCount);
    const f = this.f;
    const at = this.at;
    f[at] = DEFERRED;
    f[at + 1] = this.texts.length - 1;
    f[at + 2] = nameId;
    f[at + 3] = open;
    f[at + 4] = close;
    f[at + 5] = retAt;
    f[at + 6] = retLength;
    f[at + 7] = b.span.line;
    f[at + 8] = b.span.start;
    f[at + 9] = b.span.end;
    let m = 0;
    if (b.pid !== undefined) (m |= 1), (f[at + 10] = b.pid);
    if (b.time !== undefined) (m |= 2), (f[at + 11] = b.time);
    if (b.durationSec !== undefined) (m |= 4), (f[at + 12] = b.durationSec);
    if (b.errno !== undefined) (m |= 8), (f[at + 13] = this.str(b.errno));
    if (b.ok) m |= 16;
    f[at + 14] = m;
    f[at + 15] = commaCount;
    f[at + 16] = 0;
    for (let k = 0; k < commaCount; k++) f[at + DEFERRED_SLOTS + k] = commas[commaAt + k];
    this.at = at + DEFERRED_SLOTS + commaCount;
    this.count++;
    return true;
  }

  private room(slots: number): void {
    if (this.at + slots > this.f.length) this.f = withRoom(this.f, this.at + slots);
  }

  /** The batch so far; the encoder starts a new one. */
  take(): EventBatch {
    const batch = { count: this.count, slots: this.f.slice(0, this.at), strs: this.strs, objs: this.objs, texts: this.texts, names: this.names };
    this.capacity = Math.min(this.maxCapacity, this.capacity * 2);
    this.count = 0;
    this.at = 0;
    this.strs = [];
    this.strIds.clear();
    this.lastStr = undefined;
    this.objs = [];
    this.texts = [];
    this.lastText = undefined;
    this.textChars = 0;
    this.names = [];
    return batch;
  }
}

/** Reads the batches of one BatchEncoder, in order. */
export class BatchDecoder {
  private readonly coders = allCoders();
  private readonly names: string[] = [];
  private readonly call = newLineCall();

  /**
   * Calls `event` with every event of the batch, in order, building those of deferred calls. A bug of ours that
   * throws while one is built costs only that line: `failed` gets the error and the line.
   */
  decode(b: EventBatch, event: (ev: EventDraft) => void, failed: (e: unknown, line: number) => void): void {
    for (const n of b.names) this.names.push(n);
    const f = b.slots;
    const c = this.call;
    c.commas = f;
    let at = 0;
    for (let k = 0; k < b.count; k++) {
      const id = f[at] | 0;
      if (id === DEFERRED) {
        const m = f[at + 14] | 0;
        c.text = b.texts[f[at + 1] | 0];
        c.name = this.names[f[at + 2] | 0];
        // Offsets and pids as small integers (`| 0`), as the parser made them: not the doubles a Float64Array gives.
        c.open = f[at + 3] | 0;
        c.close = f[at + 4] | 0;
        c.retAt = f[at + 5] | 0;
        c.retLength = f[at + 6] | 0;
        c.commaCount = f[at + 15] | 0;
        c.commaAt = at + DEFERRED_SLOTS;
        // The fields and their order of the parser's own base (baseOf), so that events keep one shape.
        c.base = {
          kind: 'generic', seq: 0, span: { line: f[at + 7] | 0, start: f[at + 8] | 0, end: f[at + 9] | 0 }, endSpan: undefined,
          pid: (m & 1) !== 0 ? f[at + 10] | 0 : undefined, tid: undefined, time: (m & 2) !== 0 ? f[at + 11] : undefined,
          name: c.name, ok: (m & 16) !== 0, errno: (m & 8) !== 0 ? b.strs[f[at + 13] | 0] : undefined,
          durationSec: (m & 4) !== 0 ? f[at + 12] : undefined, fdPath: undefined,
        } as Base;
        let ev: EventDraft | undefined;
        try {
          ev = eventOfLineCall(c);
        } catch (e) {
          failed(e, c.base.span.line);
        }
        if (ev !== undefined) event(ev);
        at += DEFERRED_SLOTS + c.commaCount;
      } else if (id === CLONED) {
        event(b.objs[f[at + 1] | 0] as EventDraft);
        at += 2;
      } else {
        const coder = this.coders.byId[id];
        event(coder.decode(f, at, b.strs, b.objs));
        at += coder.size;
      }
    }
  }
}
