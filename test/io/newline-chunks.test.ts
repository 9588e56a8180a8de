// The file's bytes become newline-aligned chunks, each decoded whole: nothing is lost, doubled or mangled
// wherever the reads happen to cut, even inside a multi-byte character or a line longer than the carry allows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { utf16Chunker, Utf8Chunker, type NewlineChunker } from '../../server/src/io/newline-chunks.js';
import { read, sample } from '../helpers.js';

/** A small deterministic generator (xorshift), so that a failure can be replayed. */
function random(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/** `bytes` cut into reads of random sizes up to `max`, through `chunker`: the chunks, then the rest. */
function chunksOf(chunker: NewlineChunker, bytes: Buffer, max: number, seed: number): { chunks: string[]; rest: string } {
  const next = random(seed);
  const chunks: string[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = 1 + next(max);
    const t = chunker.write(bytes.subarray(at, at + n));
    if (t !== undefined) chunks.push(t);
    at += n;
  }
  return { chunks, rest: chunker.end() };
}

const trace = read(sample('bug237588', 'mmap_pwrite.strace'));
// Paths and data in other scripts: characters of two, three and four bytes.
const text = `${trace}4101  open("/mnt/fuse/données/日本語/😀.bin", O_RDONLY) = 3\nlast line without a break é`;

describe('newline-aligned chunks from bytes', () => {
  for (const max of [1, 3, 7, 64, 4096]) {
    it(`UTF-8 read in pieces of up to ${max} bytes: whole lines, in order, every character intact`, () => {
      for (let seed = 1; seed <= 20; seed++) {
        const { chunks, rest } = chunksOf(new Utf8Chunker(), Buffer.from(text), max, seed);
        for (const c of chunks) assert.ok(c.endsWith('\n'), JSON.stringify(c.slice(-20)));
        assert.equal(chunks.join('') + rest, text);
        assert.equal(rest, 'last line without a break é');
      }
    });
  }

  it('a chunk is handed on as soon as a read brings a line break, and not before', () => {
    const c = new Utf8Chunker();
    assert.equal(c.write(Buffer.from('4101  read(3, ')), undefined);
    assert.equal(c.write(Buffer.from('"ab", 2) = 2\n4101  clo')), '4101  read(3, "ab", 2) = 2\n');
    assert.equal(c.write(Buffer.from('se(3) = 0\n')), '4101  close(3) = 0\n');
    assert.equal(c.end(), '');
  });

  it('a line longer than the carry allows is handed on in parts cut between characters', () => {
    const long = `${'é日😀x'.repeat(400)}\nnext\n`;
    for (let seed = 1; seed <= 20; seed++) {
      const { chunks, rest } = chunksOf(new Utf8Chunker(100), Buffer.from(long), 9, seed);
      assert.ok(chunks.length > 10, `${chunks.length} chunks`);
      for (const c of chunks) assert.ok(!c.includes('\uFFFD'), 'no character was cut in two');
      assert.equal(chunks.join('') + rest, long);
    }
  });

  it('UTF-16 goes through its decoder, with the same chunks', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const { chunks, rest } = chunksOf(utf16Chunker('utf-16le'), Buffer.from(text, 'utf16le'), 5, seed);
      for (const c of chunks) assert.ok(c.endsWith('\n'));
      assert.equal(chunks.join('') + rest, text);
    }
  });
});
