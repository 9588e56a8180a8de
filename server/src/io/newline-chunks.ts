// The bytes of a file as newline-aligned text chunks, each decoded from one run of bytes.
// Why not `carry + piece` on decoded strings: that makes each chunk a rope (a V8 ConsString), and every charCodeAt
// of the scanners then goes through an indirection. Chunks decoded whole are flat strings: parsing the benchmark's
// trace took 0.79 of the time with flat chunks (interleaved runs; the README's Performance section).
import { TextDecoder } from 'node:util';

/** Where a chunk without any line break is handed on anyway: a line this long is no trace line (MAX_LINE). */
const MAX_CARRY = 64 << 20;

export interface NewlineChunker {
  /** The text up to the last line break of what was written so far, or undefined when there is none yet. */
  write(buf: Buffer): string | undefined;
  /** The rest (a last line without its line break, or nothing). */
  end(): string;
  /** What the text write() returned last was decoded from, for a UTF-8 chunker (TraceReader.push); else undefined. */
  readonly bytes?: Uint8Array;
}

/** UTF-8 (and ASCII): cut at the last 0x0A byte, which is never inside a multi-byte character. */
export class Utf8Chunker implements NewlineChunker {
  /** Bytes after the last line break, in the pieces they came in (joined once, at the next line break). */
  private carry: Buffer[] = [];
  private carryLength = 0;
  bytes: Uint8Array | undefined = undefined;

  constructor(private readonly maxCarry = MAX_CARRY) {}

  write(buf: Buffer): string | undefined {
    const nl = buf.lastIndexOf(10);
    if (nl < 0) {
      this.keep(buf);
      return this.carryLength > this.maxCarry ? this.cutLongLine() : undefined;
    }
    const head = buf.subarray(0, nl + 1);
    const bytes = this.carryLength === 0 ? head : this.joined(head);
    this.bytes = bytes;
    const text = bytes.toString('utf8');
    if (nl + 1 < buf.length) this.keep(buf.subarray(nl + 1));
    return text;
  }

  end(): string {
    const rest = this.carryLength === 0 ? undefined : this.joined(undefined);
    this.bytes = rest;
    return rest === undefined ? '' : rest.toString('utf8');
  }

  private keep(bytes: Buffer): void {
    this.carry.push(bytes);
    this.carryLength += bytes.length;
  }

  /** The carry and then `head`, as one buffer; the carry is emptied. */
  private joined(head: Buffer | undefined): Buffer {
    if (head !== undefined) this.carry.push(head);
    const all = this.carry.length === 1 ? this.carry[0] : Buffer.concat(this.carry);
    this.carry = [];
    this.carryLength = 0;
    return all;
  }

  /** The carry of a very long line, up to its last whole character; what follows that stays. */
  private cutLongLine(): string {
    const all = this.joined(undefined);
    let cut = all.length;
    let k = cut - 1;
    while (k > 0 && (all[k] & 0xc0) === 0x80) k--;
    if (all[k] >= 0xc0) cut = k; // a character whose last bytes may be still to come
    if (cut < all.length) this.keep(all.subarray(cut));
    const head = all.subarray(0, cut);
    this.bytes = head;
    return head.toString('utf8');
  }
}

/** UTF-16 (with a byte order mark, which is dropped): through a streaming decoder, since it is rare. */
export function utf16Chunker(encoding: 'utf-16le' | 'utf-16be', maxCarry = MAX_CARRY): NewlineChunker {
  return new DecodingChunker(new TextDecoder(encoding), maxCarry);
}

class DecodingChunker implements NewlineChunker {
  private carry = '';

  /** A code unit split across reads waits in `decoder` for its other half. */
  constructor(private readonly decoder: TextDecoder, private readonly maxCarry: number) {}

  write(buf: Buffer): string | undefined {
    const piece = this.decoder.decode(buf, { stream: true });
    // Look for the last newline in the new piece only: a long line's carry is not rescanned per read.
    const nl = piece.lastIndexOf('\n');
    if (nl < 0) {
      this.carry += piece;
      if (this.carry.length <= this.maxCarry) return undefined;
      const all = this.carry;
      this.carry = '';
      return all;
    }
    const text = this.carry + piece.slice(0, nl + 1);
    this.carry = piece.slice(nl + 1);
    return text;
  }

  end(): string {
    const rest = this.carry + this.decoder.decode();
    this.carry = '';
    return rest;
  }
}
