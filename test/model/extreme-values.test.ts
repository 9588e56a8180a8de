// Offsets and lengths beyond 2^53 (strace prints 64-bit values as they are) lose precision as numbers: `off + len`
// can round back to `off`. Such calls must not invent findings (a zero-byte loss over reversed pages, as before)
// nor break the replay.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText } from '../../server/src/engine/analyze.js';
import { CACHE_MODES } from '../../server/src/engine/model/profiles.js';

const TRACE = [
  'openat(AT_FDCWD, "/m/f", O_RDWR|O_CREAT, 0644) = 3',
  'mmap(NULL, 18446744073709551615, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0) = 0x7f0000000000',
  'pwrite64(3, "ab", 2, 9223372036854775807) = 2',
  'ftruncate(3, 99999999999999999999999) = 0',
  'mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 18446744073709547520) = 0x7f1000000000',
  'pwrite64(3, "ab", 2, 18446744073709547521) = 2',
  'fallocate(3, FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE, 18446744073709547521, 1) = 0',
  'msync(0x7f0000000000, 18446744073709551615, MS_SYNC) = 0',
  'mremap(0x7f1000000000, 4096, 18446744073709551615, MREMAP_MAYMOVE) = 0x7f2000000000',
  'munmap(0x7f0000000000, 4096) = 0',
  '',
].join('\n');

describe('values beyond 2^53', () => {
  for (const mode of CACHE_MODES) {
    it(`${mode}: no empty or reversed findings, and the trace is read to its end`, () => {
      const a = analyzeText(TRACE, { mode, kernel: 'freebsd-2019' });
      assert.equal(a.error, undefined);
      assert.equal(a.eventCount, 10);
      for (const f of a.findings) {
        assert.ok(f.lostBytes > 0, `${f.rule} at line ${f.span.line + 1}: ${f.message}`);
        for (const [s, e] of f.lostRanges) assert.ok(e > s, `${f.rule} at line ${f.span.line + 1}: [${s}, ${e})`);
      }
      assert.equal(a.findings.filter((f) => f.span.line === 2).length, 0, 'the write at 2^63 cannot lose the mapping\'s bytes');
      // Every call with such a value says so on its line, and is not replayed at rounded bytes.
      assert.deepEqual(a.diagnostics.filter((d) => d.rule === 'inexact-value').map((d) => d.span.line), [1, 2, 3, 4, 5, 6, 7, 8]);
      for (const d of a.diagnostics) assert.match(d.message, /beyond 2\^53, where a number cannot hold it exactly: this call is not replayed/);
    });
  }
});
