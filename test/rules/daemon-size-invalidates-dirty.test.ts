// daemon-size-invalidates-dirty: current FreeBSD drops the whole cache, dirty pages included, when the daemon
// reports a larger size (fuse_vnode_setsize, from_server). No input the tool reads today carries both the
// client's dirty pages and the daemon's size replies in one replay (a daemon log alone has no client stores;
// --fuse-log aligns write-backs only), so this replays the event model directly: the client's calls from a
// strace trace, then a GETATTR answered with a larger size, as FreeBSD-style daemon logs print it (SZ=).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText, replayEvents } from '../../server/src/engine/analyze.js';
import type { TraceEvent } from '../../server/src/engine/events.js';
import { daemonSizeInvalidatesDirty } from '../../server/src/engine/rules/daemon-size-invalidates-dirty.js';

const CLIENT = [
  '100  openat(AT_FDCWD, "/mnt/f", O_RDWR) = 3',
  '100  ftruncate(3, 8192) = 0',
  '100  pwrite64(3, "x"..., 4096, 0) = 4096',
].join('\n');

function withSizeReply(size: number): TraceEvent[] {
  const events = analyzeText(CLIENT, { keepEvents: true, parseOnly: true }).events!;
  let seq = events[events.length - 1].seq;
  const span = (line: number) => ({ line, start: 0, end: 1 });
  const daemon = [
    { kind: 'fuse-request', seq: ++seq, span: span(3), name: 'LOOKUP', ok: true, unique: 2, opcode: 'LOOKUP', nodeid: 1, path: '/mnt/f' },
    { kind: 'fuse-reply', seq: ++seq, span: span(4), name: 'LOOKUP', ok: true, unique: 2, opcode: 'LOOKUP', error: 0, nodeid: 2 },
    { kind: 'fuse-request', seq: ++seq, span: span(5), name: 'GETATTR', ok: true, unique: 4, opcode: 'GETATTR', nodeid: 2 },
    { kind: 'fuse-reply', seq: ++seq, span: span(6), name: 'GETATTR', ok: true, unique: 4, opcode: 'GETATTR', error: 0, attrSize: size },
  ] as unknown as TraceEvent[];
  return [...events, ...daemon];
}

describe('rule daemon-size-invalidates-dirty', () => {
  it('a size of 16384 for a file the writeback cache holds dirty at 8192', () => {
    const { findings } = replayEvents(withSizeReply(16384), { kernel: 'freebsd', mode: 'writeback' });
    // GETATTR's size is replaced by the cached one in writeback mode while the file changed locally
    // (FN_SIZECHANGE): nothing is dropped. In write-through nothing is dirty.
    assert.deepEqual(findings, []);
    const lookup = replayEvents(withSizeReply(16384).map((e) => (e.kind === 'fuse-request' && e.unique === 4 ? { ...e, opcode: 'LOOKUP', name: 'LOOKUP', path: '/mnt/f' } : e.kind === 'fuse-reply' && e.unique === 4 ? { ...e, opcode: 'LOOKUP', name: 'LOOKUP' } : e)) as TraceEvent[], { kernel: 'freebsd', mode: 'writeback' });
    assert.equal(lookup.findings.length, 1, 'a LOOKUP reply carries the size into fuse_vnode_setsize');
    const [f] = lookup.findings;
    assert.equal(f.rule, daemonSizeInvalidatesDirty.id);
    assert.equal(f.evidence, 'definite');
    assert.deepEqual(f.lostRanges, [[0, 4096]]);
    assert.match(f.message, /^data loss: the daemon reported size 16384 while the cache had 8192, so the kernel discarded the whole cache of \/mnt\/f, dirty pages included \(writeback, freebsd\)/);
  });

  it('not on Linux (it launders first) nor on the 2019 kernel (no from_server case)', () => {
    for (const kernel of ['linux', 'freebsd-2019'] as const) assert.deepEqual(replayEvents(withSizeReply(16384), { kernel, mode: 'writeback' }).findings, [], kernel);
  });
});
