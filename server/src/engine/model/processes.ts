// Processes, fd tables, open file descriptions and address spaces. Identity of a file comes from the open that
// created an fd, never from the fd number: numbers are reused.
import type { FileCache, StorableMapping } from './file-cache.js';
import { MappingSet } from './mapping-set.js';

export class OpenFile {
  pos = 0;
  refs = 0;
  constructor(
    readonly file: FileCache | undefined,
    /** The path as resolved at open time (for hovers and messages), even for files the model does not track. */
    readonly path: string,
    readonly openSeq: number,
    public direct: boolean,
    public append: boolean,
    readonly writable: boolean,
    readonly readable: boolean,
  ) {}
}

export interface FdEntry {
  ofd: OpenFile;
  cloexec: boolean;
}

export class FdTable {
  readonly fds = new Map<number, FdEntry>();
  users = 0;

  copy(): FdTable {
    const t = new FdTable();
    for (const [fd, e] of this.fds) {
      e.ofd.refs++;
      t.fds.set(fd, { ofd: e.ofd, cloexec: e.cloexec });
    }
    return t;
  }
}

export interface Mapping extends StorableMapping {
  start: number;
  end: number;
  file: FileCache | undefined;
  path: string | undefined;
  /** File offset of `start`. */
  offset: number;
  shared: boolean;
  writable: boolean;
  /** seq of the mmap (or mremap/mprotect) that made it a writable shared mapping of a file. */
  seq: number;
  /** The trace shows its stores (fsx MAPWRITE): none is assumed. */
  storesKnown: boolean;
}

/** Whether the program may store into `m` without the trace showing it: its pages are possibly dirty. */
function storable(m: Mapping): boolean {
  return m.file !== undefined && m.shared && m.writable && !m.storesKnown;
}

/** A mapping (or a piece of one) is live: its file counts it, and keeps it among its storable ones. */
function attach(m: Mapping): void {
  if (!m.file) return;
  m.file.mapCount++;
  if (storable(m)) m.file.storable.add(m);
}

export class AddressSpace {
  private readonly set = new MappingSet<Mapping>();
  /** Live pieces of each mapping (by the seq of the call that made it): whether any part of it is still mapped. */
  private readonly pieces = new Map<number, number>();
  users = 0;

  /** Every mapping, in address order. */
  get maps(): Mapping[] {
    return this.set.toArray();
  }

  get size(): number {
    return this.set.size;
  }

  copy(): AddressSpace {
    const a = new AddressSpace();
    for (const m of this.set) a.add({ ...m });
    return a;
  }

  /** Mappings overlapping [start, end). */
  overlapping(start: number, end: number): Mapping[] {
    return this.set.overlapping(start, end);
  }

  find(addr: number): Mapping | undefined {
    return this.set.find(addr);
  }

  /** Whether any piece of the mapping made by `seq` is still mapped. */
  holds(seq: number): boolean {
    return (this.pieces.get(seq) ?? 0) > 0;
  }

  add(m: Mapping): void {
    this.set.add(m);
    this.pieces.set(m.seq, (this.pieces.get(m.seq) ?? 0) + 1);
    attach(m);
  }

  /** `m` (live in this space) became writable (mprotect) by the event `seq`. */
  makeWritable(m: Mapping, seq: number): void {
    m.writable = true;
    m.storableSeq = seq;
    if (storable(m)) m.file!.storable.add(m);
  }

  private detach(m: Mapping): void {
    this.set.delete(m);
    const n = (this.pieces.get(m.seq) ?? 1) - 1;
    if (n > 0) this.pieces.set(m.seq, n);
    else this.pieces.delete(m.seq);
    if (m.file) {
      m.file.mapCount--;
      m.file.storable.delete(m);
    }
  }

  /** Removes [start, end) from every mapping (splitting as needed); returns the removed pieces. */
  remove(start: number, end: number): Mapping[] {
    const removed: Mapping[] = [];
    for (const m of this.set.overlapping(start, end)) {
      const cutStart = Math.max(m.start, start);
      const cutEnd = Math.min(m.end, end);
      removed.push({ ...m, start: cutStart, end: cutEnd, offset: m.offset + (cutStart - m.start) });
      this.detach(m);
      if (m.start < cutStart) this.add({ ...m, end: cutStart });
      if (cutEnd < m.end) this.add({ ...m, start: cutEnd, offset: m.offset + (cutEnd - m.start) });
    }
    return removed;
  }
}

export class Process {
  alive = true;
  firstLine = -1;
  lastLine = -1;
  constructor(
    public pid: number | undefined,
    public fds: FdTable,
    public vm: AddressSpace,
    public cwd: string | undefined,
    readonly parent: number | undefined,
  ) {
    fds.users++;
    vm.users++;
  }
}
