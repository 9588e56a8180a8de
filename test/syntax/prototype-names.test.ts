// Names read from a trace index the parsers' tables. A name that a plain object inherits (`constructor`,
// `toString`, `__proto__`...) must read as an unknown call, not as a handler: before, `toString(3) = 0` in an
// strace made the whole analysis fail with "Cannot use 'in' operator".
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText } from '../../server/src/engine/analyze.js';
import type { TraceFormat } from '../../server/src/engine/events.js';

const NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];

const traces: Array<[TraceFormat, string]> = [
  ['strace', NAMES.map((n, i) => `4101  10:00:00.00000${i} ${n}(3, 0x10) = 0\n`).join('') + '4101  10:00:00.000009 pwrite64(3</m/f>, "ab", 2, 0) = 2\n'],
  ['kdump', NAMES.map((n) => ` 85045 echo     CALL  ${n}(0x1)\n 85045 echo     RET   ${n} 0\n`).join('') + ' 85045 echo     CALL  write(0x1,0x804b030,0x2)\n 85045 echo     RET   write 2\n'],
  ['dtruss', 'SYSCALL(args) \t\t = return\n' + NAMES.map((n) => `${n}(0x3, 0x0, 0x0)\t\t = 0 0\n`).join('') + 'write(0x1, "ab\\0", 0x2)\t\t = 2 0\n'],
  ['fuse', 'unique: 2, opcode: INIT (26), nodeid: 0, insize: 104, pid: 0\n   unique: 2, success, outsize: 80\n' + NAMES.map((n, i) => `unique: ${4 + 2 * i}, opcode: ${n} (${90 + i}), nodeid: 1, insize: 40, pid: 7\n   unique: ${4 + 2 * i}, error: -38 (Function not implemented), outsize: 16\n`).join('')],
];

describe('names that a plain object inherits', () => {
  for (const [format, text] of traces) {
    it(`${format}: read as unknown calls, and the rest of the trace is analysed`, () => {
      const a = analyzeText(text, { format, keepEvents: true });
      assert.equal(a.error, undefined);
      assert.equal(a.format, format);
      const named = a.events.filter((e) => NAMES.includes(e.name) || NAMES.some((n) => e.name.includes(n)));
      assert.ok(named.length >= NAMES.length, `${format}: ${named.length} events carry the names (${a.events.map((e) => `${e.kind}:${e.name}`).join(' ')})`);
      for (const e of named) assert.ok(e.kind === 'generic' || e.kind === 'fuse-request' || e.kind === 'fuse-reply', `${format}: ${e.name} became a ${e.kind} event`);
    });
  }
});
