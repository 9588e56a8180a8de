// Processes, fd tables, open file descriptions and address spaces. Identity of a file comes from the open that
// created an fd, never from the fd number: numbers are reused.
import type { FileCache } from './file-cache.js';

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

export interface Mapping {
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
}

export class AddressSpace {
  maps: Mapping[] = [];
  users = 0;

  copy(): AddressSpace {
    const a = new AddressSpace();
    a.maps = this.maps.map((m) => ({ ...m }));
    for (const m of a.maps) if (m.file) m.file.mapCount++;
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
    if (m.file) m.file.mapCount++;
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
      if (m.start < cutStart) kept.push({ ...m, end: cutStart });
      if (cutEnd < m.end) kept.push({ ...m, start: cutEnd, offset: m.offset + (cutEnd - m.start) });
      if (m.file) {
        const pieces = (m.start < cutStart ? 1 : 0) + (cutEnd < m.end ? 1 : 0);
        m.file.mapCount += pieces - 1;
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
