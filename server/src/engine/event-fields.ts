// Each event kind's fields, in the order an event holds them. The strace parser adds a kind's fields in this
// order (addFields) and the event codec lays them out and decodes them in it: an event then has one shape (hidden
// class) per kind, whichever thread built it, so the replay's code for a kind meets one shape. The table is
// checked against the event types: a field added to an event without a line here does not compile.
import type { EventBase, EventKind, TraceEvent } from './events.js';

/** num: a number; str: a string (by index); bool: 0/1; span: three slots; any: a structured-cloned value. */
export type FieldType = 'num' | 'str' | 'bool' | 'span' | 'any';

type Fields<T> = { [F in Exclude<keyof T, keyof EventBase | 'kind'>]-?: FieldType };

export const BASE_FIELDS: { [F in Exclude<keyof EventBase, 'seq'>]-?: FieldType } = {
  span: 'span', endSpan: 'span', pid: 'num', tid: 'num', time: 'num', name: 'str', ok: 'bool', errno: 'str', durationSec: 'num', fdPath: 'str',
};

export const KIND_FIELDS: { [K in EventKind]: Fields<Extract<TraceEvent, { kind: K }>> } = {
  open: { fd: 'num', target: 'any', resolvedPath: 'str', flags: 'any' },
  close: { fd: 'num' },
  dup: { fd: 'num', newfd: 'num', cloexec: 'bool' },
  setfl: { fd: 'num', direct: 'bool', append: 'bool' },
  setfd: { fd: 'num', cloexec: 'bool' },
  fork: { child: 'num', shareFiles: 'bool', shareVm: 'bool', thread: 'bool' },
  exec: { path: 'str' },
  exit: { code: 'num', signal: 'str', threadOnly: 'bool' },
  mmap: { addr: 'num', length: 'num', prot: 'any', shared: 'bool', anonymous: 'bool', fd: 'num', offset: 'num', storesKnown: 'bool' },
  munmap: { addr: 'num', length: 'num' },
  mremap: { oldAddr: 'num', oldLength: 'num', newAddr: 'num', newLength: 'num' },
  mprotect: { addr: 'num', length: 'num', prot: 'any' },
  msync: { addr: 'num', length: 'num', sync: 'bool', async: 'bool', invalidate: 'bool' },
  store: { evidence: 'str', addr: 'num', fd: 'num', path: 'str', offset: 'num', length: 'num', source: 'str', wholePage: 'bool', trace: 'str' },
  verify: { path: 'str', offset: 'num', length: 'num', badOffset: 'num', suspectOp: 'num', detail: 'str' },
  write: { fd: 'num', offset: 'num', length: 'num', direct: 'bool', requested: 'num' },
  read: { fd: 'num', offset: 'num', length: 'num' },
  lseek: { fd: 'num', result: 'num', offset: 'num', whence: 'str' },
  truncate: { fd: 'num', path: 'str', size: 'num' },
  sync: { fd: 'num', range: 'any', how: 'str' },
  space: { fd: 'num', offset: 'num', length: 'num', op: 'str', keepSize: 'bool', srcFd: 'num', srcOffset: 'num' },
  advise: { fd: 'num', addr: 'num', offset: 'num', length: 'num', advice: 'str' },
  chdir: { path: 'str', fd: 'num' },
  rename: { from: 'str', to: 'str' },
  unlink: { path: 'str' },
  stat: { fd: 'num', path: 'str', size: 'num' },
  signal: { signal: 'str' },
  'fuse-request': {
    unique: 'num', opcode: 'str', nodeid: 'num', requester: 'num', offset: 'num', size: 'num', path: 'str', fh: 'num', writepage: 'bool', flags: 'num',
  },
  'fuse-reply': { unique: 'num', opcode: 'str', error: 'num', size: 'num', nodeid: 'num', attrSize: 'num', requestSeq: 'num' },
  generic: {},
  unparsed: {},
};

type Adder = (event: Record<string, unknown>, fields: Record<string, unknown>) => void;

const adders = new Map<string, Adder>();

/**
 * Copies a kind's fields from `fields` onto an event, every one of them (undefined where `fields` has none) and in
 * the table's order; generated per kind, so that each copy is one plain store.
 */
export function addFields(kind: EventKind): Adder {
  let add = adders.get(kind);
  if (add === undefined) {
    const body = Object.keys(KIND_FIELDS[kind]).map((k) => `e[${JSON.stringify(k)}] = f[${JSON.stringify(k)}];`).join('\n');
    add = new Function('e', 'f', body) as Adder;
    adders.set(kind, add);
  }
  return add;
}

const numberFields = new Map<string, string[]>();

/**
 * The first number of `event`'s own fields that a double cannot hold exactly (beyond 2^53: strace prints 64-bit
 * offsets and lengths as they are), as [field, value]; undefined when every one is exact.
 */
export function inexactField(event: Record<string, unknown>, kind: EventKind): [string, number] | undefined {
  let fields = numberFields.get(kind);
  if (fields === undefined) {
    fields = Object.entries(KIND_FIELDS[kind]).filter(([, t]) => t === 'num').map(([k]) => k);
    numberFields.set(kind, fields);
  }
  for (const f of fields) {
    const v = event[f];
    if (typeof v === 'number' && (v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER)) return [f, v];
  }
  return undefined;
}
