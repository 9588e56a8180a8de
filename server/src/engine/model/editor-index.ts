// What the editor asks of a replay and the kernel's rules do not need: which fd or address each event used and
// the open or mmap behind it (hover, go to definition, references), and the page states each event left (hover,
// the page timeline). Kept beside the replay, which tells it what each event touched, so that replay.ts reads as
// the kernel's rules only. With neither `record` nor `history` (the CLI) every call returns at once.
import type { FileCache, PageView } from './file-cache.js';
import { RefLog, type Ref } from './ref-log.js';

export type { Ref };

export interface Touch {
  fileId: number;
  firstPage: number;
  lastPage: number;
  before: PageView[];
  after: PageView[];
}

/** The most pages one event's touch records (a hover shows a few; a 1 GiB write would otherwise copy them all). */
const MAX_TOUCH_PAGES = 16;

export class EditorIndex {
  /** Per-event page states (only with `record`: the page timeline). */
  readonly touches = new Map<number, Touch[]>();
  private readonly refs = new RefLog();
  private pending: Array<{ file: FileCache; first: number; last: number; before: PageView[] }> = [];
  private readonly keepRefs: boolean;

  constructor(private readonly options: { record?: boolean; history?: boolean; pageSize: number }, private readonly files: readonly FileCache[]) {
    this.keepRefs = options.record === true || options.history === true;
  }

  /** The event `seq` used fd or address `value`, which the open or mmap `defSeq` made. */
  ref(seq: number, what: 'fd' | 'addr', value: number, defSeq: number, path: string): void {
    if (this.keepRefs) this.refs.add(seq, what, value, defSeq, path);
  }

  /** The event being applied changes (or may change) bytes [start, end) of `file`: note its pages before. */
  touch(file: FileCache | undefined, start: number, end: number): void {
    if (file === undefined || end <= start || (!this.options.record && file.history === undefined)) return;
    const ps = this.options.pageSize;
    const first = Math.floor(start / ps);
    const last = Math.min(Math.ceil(end / ps) - 1, first + MAX_TOUCH_PAGES - 1);
    if (!this.options.record) {
      file.history!.touch(first, last);
      return;
    }
    if (this.pending.some((t) => t.file === file && t.first === first && t.last === last)) return;
    this.pending.push({ file, first, last, before: file.view(first, last) });
  }

  /** The event being applied writes back (or drops) every dirty page of `file`. */
  touchDirty(file: FileCache | undefined): void {
    if (file === undefined || !file.hasDirty()) return;
    const segs = file.dirty.segments();
    this.touch(file, segs[0].start, segs[segs.length - 1].end);
  }

  /** The event `seq` is applied: its touches get their pages after. */
  close(seq: number): void {
    if (this.pending.length === 0) return;
    this.touches.set(seq, this.pending.map((t) => ({ fileId: t.file.id, firstPage: t.first, lastPage: t.last, before: t.before, after: t.file.view(t.first, t.last) })));
    this.pending = [];
  }

  touchesAt(seq: number): Touch[] {
    if (this.options.record) return this.touches.get(seq) ?? [];
    const out: Touch[] = [];
    for (const f of this.files) {
      if (f.history === undefined) continue;
      for (const [first, last] of f.history.touchesAt(seq)) {
        const { before, after } = f.history.around(seq, first, last, this.options.pageSize);
        out.push({ fileId: f.id, firstPage: first, lastPage: last, before, after });
      }
    }
    return out;
  }

  refsAt(seq: number): Ref[] {
    return this.refs.at(seq);
  }

  usesOf(defSeq: number, what: 'fd' | 'addr'): Array<{ seq: number; value: number }> {
    return this.refs.usesOf(defSeq, what);
  }
}
