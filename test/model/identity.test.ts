// File identity, fd tables, processes and mappings: the bookkeeping findings rely on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText } from '../../server/src/engine/analyze.js';
import { fixture, read } from '../helpers.js';

const wa = { kernel: 'freebsd-2019', mode: 'write-through' } as const;

function trace(lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

describe('file identity', () => {
  it('fd reuse cannot fool it: a write to a different file that got the same fd number is clean', () => {
    const text = trace([
      '100 openat(AT_FDCWD, "/mnt/a", O_RDWR|O_CREAT|O_TRUNC, 0644) = 3',
      '100 ftruncate(3, 8192) = 0',
      '100 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0) = 0x7f0000000000',
      '100 close(3) = 0',
      '100 openat(AT_FDCWD, "/mnt/b", O_RDWR|O_CREAT|O_TRUNC, 0644) = 3',
      '100 pwrite64(3, "x"..., 100, 1000) = 100',
    ]);
    assert.deepEqual(analyzeText(text, wa).findings, []);
    // ...while the same write to the mapped file is not.
    const same = text.replace('"/mnt/b"', '"/mnt/a"').replace('O_RDWR|O_CREAT|O_TRUNC, 0644) = 3\n100 pwrite', 'O_RDWR) = 3\n100 pwrite');
    assert.equal(analyzeText(same, wa).findings.length, 1);
  });

  it('relative paths resolve against the cwd (chdir) and dup shares the file position', () => {
    const text = trace([
      '100 chdir("/mnt") = 0',
      '100 openat(AT_FDCWD, "f", O_RDWR|O_CREAT|O_TRUNC, 0644) = 3',
      '100 ftruncate(3, 4096) = 0',
      '100 mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0) = 0x7f0000000000',
      '100 dup(3) = 4',
      '100 lseek(3, 10, SEEK_SET) = 10',
      '100 write(4, "abcd", 4) = 4',
    ]);
    const a = analyzeText(text, wa);
    assert.equal(a.findings.length, 1);
    assert.equal(a.findings[0].file, '/mnt/f');
    assert.deepEqual(a.findings[0].lostRanges, [[0, 10], [14, 4096]]);
  });

  it('O_APPEND writes land at end of file', () => {
    const text = trace([
      '100 openat(AT_FDCWD, "/mnt/f", O_RDWR|O_CREAT|O_TRUNC, 0644) = 3',
      '100 ftruncate(3, 6000) = 0',
      '100 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0) = 0x7f0000000000',
      '100 openat(AT_FDCWD, "/mnt/f", O_WRONLY|O_APPEND) = 4',
      '100 write(4, "abcd", 4) = 4',
    ]);
    const a = analyzeText(text, wa);
    // The append went to 6000..6004 in page 1: the stored bytes of page 1 up to EOF are lost, page 0 is not.
    assert.deepEqual(a.findings[0].lostRanges, [[4096, 6000]]);
  });

  it('exec closes O_CLOEXEC descriptors; fork copies the fd table', () => {
    const text = trace([
      '100 openat(AT_FDCWD, "/mnt/f", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0644) = 3',
      '100 ftruncate(3, 4096) = 0',
      '100 mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0) = 0x7f0000000000',
      '100 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 101',
      '101 write(3, "x", 1) = 1',
      '101 execve("/bin/true", ["true"], 0x7ffe /* 1 var */) = 0',
      '101 write(3, "y", 1) = 1',
    ]);
    const a = analyzeText(text, wa);
    assert.equal(a.findings.length, 1, 'only the write before exec reaches the file');
    assert.equal(a.findings[0].span.line, 4);
  });

  it('a partial munmap keeps the rest of the mapping; FreeBSD keeps dirty pages after munmap, Linux writes them back', () => {
    const text = trace([
      '100 openat(AT_FDCWD, "/mnt/f", O_RDWR|O_CREAT|O_TRUNC, 0644) = 3',
      '100 ftruncate(3, 8192) = 0',
      '100 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0) = 0x7f0000000000',
      '100 munmap(0x7f0000001000, 4096) = 0',
      '100 pwrite64(3, "x", 1, 5000) = 1',
    ]);
    assert.deepEqual(analyzeText(text, wa).findings[0].lostRanges, [[4096, 5000], [5001, 8192]]);
    assert.deepEqual(analyzeText(text, { kernel: 'linux', mode: 'write-through' }).findings, []);
  });

  it('MAP_PRIVATE mappings never dirty the file', () => {
    const text = trace([
      '100 openat(AT_FDCWD, "/mnt/f", O_RDWR|O_CREAT|O_TRUNC, 0644) = 3',
      '100 ftruncate(3, 8192) = 0',
      '100 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE, 3, 0) = 0x7f0000000000',
      '100 pwrite64(3, "x", 1, 5000) = 1',
    ]);
    assert.deepEqual(analyzeText(text, wa).findings, []);
  });

  it('fcntl(F_SETFL, O_DIRECT) makes later writes direct: the current FreeBSD latent hazard', () => {
    const text = trace([
      '100 openat(AT_FDCWD, "/mnt/f", O_RDWR|O_CREAT|O_TRUNC, 0644) = 3',
      '100 ftruncate(3, 8192) = 0',
      '100 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0) = 0x7f0000000000',
      '100 fcntl(3, F_SETFL, O_RDWR|O_DIRECT) = 0',
      '100 pwrite64(3, "x"..., 512, 4096) = 512',
    ]);
    const a = analyzeText(text, { kernel: 'freebsd', mode: 'write-through' });
    assert.equal(a.findings.length, 1);
    assert.equal(a.findings[0].rule, 'direct-io-drops-mmap');
    assert.deepEqual(a.findings[0].lostRanges, [[0, 4096], [4608, 8192]]);
    assert.equal(a.findings[0].related.at(-1)?.span.line, 0);
    assert.deepEqual(analyzeText(text, { kernel: 'linux', mode: 'write-through' }).findings, []);
  });

  it('every strace flag combination of the same program gives the same events', () => {
    const names = ['f-o', 'f-tt-T-y', 'f-ttt', 'f-r', 'f-t', 'f-yy', 's0-x', 'X-raw', 'X-verbose', 'k', 'Y', 'stderr-f'];
    const shapes = names.map((n) => {
      const a = analyzeText(read(fixture('strace', `${n}.strace`)), { keepEvents: true });
      assert.deepEqual(a.diagnostics, [], n);
      return a.events.filter((e) => e.kind !== 'generic' && e.kind !== 'signal').map((e) => e.kind).join(' ');
    });
    for (let i = 1; i < names.length; i++) assert.equal(shapes[i], shapes[0], `${names[i]} differs from ${names[0]}`);
  });
});
