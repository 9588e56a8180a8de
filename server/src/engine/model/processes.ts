// Processes, fd tables, open file descriptions and address spaces. Identity of a file comes from the open that
// created an fd, never from the fd number: numbers are reused.
import type { FileCache, StorableMapping } from './file-cache.js';

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
  maps: Mapping[] = [];
  users = 0;

  copy(): AddressSpace {
    const a = new AddressSpace();
    a.maps = this.maps.map((m) => ({ ...m }));
    for (const m of a.maps) attach(m);
    return a;
  }

  /** Mappings overlapping [start, end). */
  overlapping(start: number, end: number): Mapping[] {
    return this.maps.filter((m) => m.start < end && m.end > start);
  }

  find(addr: number): Mapping | undefined {
    return this.maps.find((m) => m.start <= addr && addr < m.end);
  }

  add(m: Mapping): void {
    this.maps.push(m);
    this.maps.sort((x, y) => x.start - y.start);
    attach(m);
  }

  /** `m` (live in this space) became writable (mprotect) by the event `seq`. */
  makeWritable(m: Mapping, seq: number): void {
    m.writable = true;
    m.storableSeq = seq;
    if (storable(m)) m.file!.storable.add(m);
  }

  /** Removes [start, end) from every mapping (splitting as needed); returns the removed pieces. */
  remove(start: number, end: number): Mapping[] {
    const removed: Mapping[] = [];
    const kept: Mapping[] = [];
    for (const m of this.maps) {
      if (m.end <= start || m.start >= end) {
        kept.push(m);
        continue;
      }
      const cutStart = Math.max(m.start, start);
      const cutEnd = Math.min(m.end, end);
      removed.push({ ...m, start: cutStart, end: cutEnd, offset: m.offset + (cutStart - m.start) });
      if (m.file) {
        m.file.mapCount--;
        m.file.storable.delete(m);
      }
      if (m.start < cutStart) {
        const left = { ...m, end: cutStart };
        kept.push(left);
        attach(left);
      }
      if (cutEnd < m.end) {
        const right = { ...m, start: cutEnd, offset: m.offset + (cutEnd - m.start) };
        kept.push(right);
        attach(right);
      }
    }
    this.maps = kept.sort((x, y) => x.start - y.start);
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
