// Time-ordered correlation of a client trace with the FUSE daemon's log of the same run. The log has no clock, so
// the two are aligned at the requests the client's own calls made: a pwrite64 of 100 bytes at 1000 by pid P is the
// log's WRITE of 100 bytes at 1000 from pid P, an open(2) its OPEN or CREATE, a close its FLUSH, an fsync or
// msync(MS_SYNC) its FSYNC (fuse_fsync), an ftruncate its SETATTR. Pairs are made in order, each after the last, so
// they increase on both sides. A write-back the log shows between two pairs happened between those two calls.
//
// What that proves (docs/semantics.md, Evidence): the kernel writes a page back only when it is dirty, so a
// write-back of page p proves a store into p after p's previous write-back (or, for the file's first writable
// mapping, after that mapping was made) and before the write-back itself. It makes a possible loss definite only
// when that window lies after the page's last clean in the model and before the losing call; a write-back that came
// after the losing call proves nothing about what the call dropped. And a log that saw the file released, with no
// write-back of p after its last clean, shows p was not stored since (Linux writes every dirty page back by then).
import { anchorKey, daemonPathFor, type AnchorOp, type DaemonEvidence, type DaemonFileEvidence, type DaemonWrite } from './daemon.js';

export type PageVerdict =
  | { stored: true; writeBack: DaemonWrite }
  | { stored: false; notStored: boolean };

/** First index in the ascending `a` whose value is >= x. */
function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class DaemonAlignment {
  /** The pairs so far: client seq and log position, both ascending. */
  private readonly clientSeqs: number[] = [];
  private readonly logPos: number[] = [];
  /** Per anchor key, the index of the first request not yet paired. */
  private readonly next = new Map<string, number>();
  private readonly daemonPaths = new Map<string, string | undefined>();
  private lastSeq = -1;
  private lastKey = '';

  constructor(readonly evidence: DaemonEvidence, private readonly mounts: string[] | undefined) {}

  /** The daemon path of a client path (undefined: the log never names it). */
  daemonPath(clientPath: string): string | undefined {
    if (this.daemonPaths.has(clientPath)) return this.daemonPaths.get(clientPath);
    const p = daemonPathFor(this.evidence, clientPath, this.mounts);
    this.daemonPaths.set(clientPath, p);
    return p;
  }

  file(clientPath: string): DaemonFileEvidence | undefined {
    const p = this.daemonPath(clientPath);
    return p === undefined ? undefined : this.evidence.files.get(p);
  }

  /** The client's call `seq` by `pid` on `clientPath` made the request `op`: pairs it with the first such request after the last pair. */
  anchor(seq: number, op: AnchorOp, pid: number | undefined, clientPath: string, offset?: number): void {
    const path = this.daemonPath(clientPath);
    if (path === undefined) return;
    const key = anchorKey(op, pid, path, offset);
    // One call, one request (an msync over two mappings of a file is one FSYNC).
    if (seq === this.lastSeq && key === this.lastKey) return;
    this.lastSeq = seq;
    this.lastKey = key;
    const list = this.evidence.anchors.get(key);
    if (list === undefined) return;
    const last = this.logPos.length > 0 ? this.logPos[this.logPos.length - 1] : -1;
    let i = this.next.get(key) ?? 0;
    while (i < list.length && list[i] <= last) i++;
    this.next.set(key, i + 1);
    if (i === list.length) return;
    this.clientSeqs.push(seq);
    this.logPos.push(list[i]);
  }

  /**
   * What the log says of page [start, end) of the file, possibly stored since the client event `since` (its last
   * clean in the model, or its mapping's creation) and dropped now. `firstMapping`: `since` is the creation of the
   * file's first writable shared mapping, so no store into the file came before it.
   *
   * Positions: `hi` is the latest pair, whose client call is at or before the one now replayed; `lo` the first pair
   * at or after `since`; `before` the last pair before it. A write-back between `before` and `lo`, when `lo` is
   * `since`'s own request, is taken as `since`'s own (fuse_fsync writes the range back, then sends FSYNC).
   */
  page(file: DaemonFileEvidence, start: number, end: number, since: number, firstMapping: boolean): PageVerdict {
    const n = this.clientSeqs.length;
    const hi = n > 0 ? this.logPos[n - 1] : -1;
    const k = lowerBound(this.clientSeqs, since);
    const lo = k < n ? this.logPos[k] : undefined;
    const before = k > 0 ? this.logPos[k - 1] : -1;
    const sinceAnchored = lo !== undefined && this.clientSeqs[k] === since;
    // After this position a write-back shows a store made after `since` began.
    const after = sinceAnchored ? lo : before;
    let prev: DaemonWrite | undefined;
    let storedAfter = false;
    for (const w of file.writeBacks) {
      if (w.offset >= end || w.offset + w.size <= start) continue;
      if (w.seq > after) storedAfter = true;
      // w shows a store after the page's previous write-back (or after the file's first mapping was made) and before w.
      const windowOpensAfterSince = prev !== undefined ? prev.seq > before && (sinceAnchored || (lo !== undefined && prev.seq > lo)) : firstMapping && w.seq > before;
      if (w.seq < hi && windowOpensAfterSince) return { stored: true, writeBack: w };
      prev = w;
    }
    return { stored: false, notStored: file.complete && !storedAfter };
  }
}
