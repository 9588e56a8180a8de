// read(2), write(2), pread64 and pwrite64 are half the lines of a busy trace, and their events are built in place
// (lineIoEvent) instead of through the argument list and the handlers. These tests pin that it is only a shortcut:
// where it builds an event, the handler builds the same one, field for field and in the same order; the odd forms
// it leaves to the handler.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { argInt } from '../../server/src/engine/syntax/strace/args.js';
import { ArgList, COMMAS, decimalIn, newCallLineScan, scanCallLine } from '../../server/src/engine/syntax/strace/scan.js';
import { lineIoEvent, modelledCallEvent, type Base, type CallInfo } from '../../server/src/engine/syntax/strace/syscalls.js';
import { generateTrace, read, tempDir } from '../helpers.js';

const IO = new Set(['read', 'write', 'pread64', 'pwrite64']);

/** A call's base as the parser makes it (baseOf's fields and order). */
function base(name: string, line: number): Base {
  return { kind: 'generic', seq: 0, span: { line, start: 0, end: 1 }, endSpan: undefined, pid: 4101, tid: undefined, time: 1.5, name, ok: true, errno: undefined, durationSec: undefined, fdPath: undefined } as Base;
}

/**
 * The io call on the line at `offset`: both events, in place and by the handler (undefined in place when it left
 * the line to the handler); undefined when the line is no finished io call.
 */
function bothWays(text: string, offset: number, line: number, bytes = Buffer.from(text, 'utf8')): { inPlace: unknown; handler: unknown } | undefined {
  COMMAS.n = 0;
  const s = scanCallLine(text, offset, newCallLineScan());
  if (s === undefined) return undefined;
  const name = text.slice(s.nameStart, s.open);
  if (!IO.has(name)) return undefined;
  const { retAt, retEnd } = s.result;
  const inPlace = lineIoEvent(text, name, s.open, s.close, s.commaFrom, s.commaCount, retAt, retEnd, base(name, line));
  // Read from the bytes (the parser's way when it has them), the same event.
  if (bytes.length === text.length) {
    const fromBytes = lineIoEvent(text, name, s.open, s.close, s.commaFrom, s.commaCount, retAt, retEnd, base(name, line), bytes);
    assert.deepEqual(fromBytes && Object.entries(fromBytes), inPlace && Object.entries(inPlace), `from bytes: ${text.slice(offset, offset + 120)}`);
  }
  const retText = text.slice(retAt, retEnd);
  const call: CallInfo = {
    name, args: new ArgList().split(text, s.open + 1, s.close, s.commaFrom, s.commaCount), retText,
    ret: retText === '' || retText === '?' ? undefined : decimalIn(text, retAt, retEnd) ?? argInt(retText),
  };
  const handler = modelledCallEvent(call, base(name, line));
  // Field order too: it is the event's shape.
  const entries = (e: unknown) => (e === undefined ? undefined : Object.entries(e as object));
  return { inPlace: entries(inPlace), handler: entries(handler) };
}

const FORMS = [
  'pwrite64(3</m/f>, "ab", 2, 100) = 2', 'pwrite64(3, "ab", 2, 100) = 2', 'pwrite64( 3 , "ab", 2 ,  100 ) = 2',
  'pwrite64(0x3, "ab", 2, 100) = 2', 'pwrite64(3</m/f>, "ab", 2, 0x64) = 2', 'pwrite64(3</m/f>, "ab", 2, 010) = 2',
  'pwrite64(3</m/f>, "ab", 2, -1) = 2', 'pwrite64(3</m/f>, "ab", 2) = 2', 'pwrite64(3</m/f>, "ab", 2, 100) = ?',
  'pwrite64(3</m/f>, "ab", 2, 100) = 0x2', 'pwrite64(3</m/f\\303\\251>, "ab", 2, 100) = 2', 'pwrite64(3</m/a<b>>, "ab", 2, 100) = 2',
  'pwrite64(3<socket:[1]>, "ab", 2, 100) = 2', 'pwrite64(, "ab", 2, 100) = 2', 'pwrite64(3</m/f>, "ab", 2, 100 /* x */) = 2',
  'pwrite64(3</m/f>, "ab", 2, 9007199254740993) = 2', 'pwrite64(03, "ab", 2, 100) = 2', 'pwrite64(3</m/f>,"ab",2,100) = 2',
  'write(3</m/f>, "ab", 2) = 2', 'write(3, "a,b", 3) = 3', 'write(3</m/f>, "ab", 2) = 1', 'write(3) = 0', 'write() = 0',
  'read(3</m/f>, "ab", 4096) = 2', 'read(3</m/f>, "", 4096) = 0', 'read(3</ with space>, "ab", 2) = 2',
  'pread64(3</m/f>, "ab", 2, 0) = 2', 'pread64(3</m/f>, "ab", 2, 18446744073709551615) = 2', 'pread64(3</m/f>, "ab", 2,\t7) = 2',
  'pread64(3</m/f>, "ab", 2, 7, 8) = 2', 'pread64(3</m/f> , "ab", 2, 7) = 2', 'pread64(1234567890123456</m/f>, "ab", 2, 7) = 2',
  'pwrite64(3</m/f>, "ab"..., 8192, 100) = 2', 'pwrite64(3</m/f>, "ab", 0x2, 100) = 2', 'pwrite64(3</m/f>, "ab", 2 , 100) = 2', 'write(3</m/f>, "ab", 02) = 2',
];

describe('read and write calls built in place', () => {
  it('give the handler’s event in every form, and are built in place in the plain ones', () => {
    let inPlace = 0;
    for (const [i, form] of FORMS.entries()) {
      const r = bothWays(`${form}\n`, 0, i);
      assert.ok(r, form);
      if (r.inPlace === undefined) continue;
      inPlace++;
      assert.deepEqual(r.inPlace, r.handler, form);
    }
    assert.ok(inPlace >= 15, `${inPlace} built in place`);
  });

  it('give the handler’s event on every read and write of a generated trace, nearly all built in place', async () => {
    const path = join(tempDir('line-io'), 'gen.strace');
    await generateTrace(path, 20_000, 3);
    const text = read(path);
    const bytes = Buffer.from(text, 'utf8');
    let calls = 0;
    let inPlace = 0;
    for (let pos = 0, line = 0; pos < text.length; line++) {
      const r = bothWays(text, pos, line, bytes);
      if (r !== undefined) {
        calls++;
        if (r.inPlace !== undefined) {
          inPlace++;
          assert.deepEqual(r.inPlace, r.handler, `line ${line + 1}`);
        }
      }
      const nl = text.indexOf('\n', pos);
      if (nl < 0) break;
      pos = nl + 1;
    }
    assert.ok(calls > 5000, `${calls} calls`);
    assert.ok(inPlace > calls * 0.95, `${inPlace} of ${calls} built in place`);
  });
});
