// Every format replayed end to end, and correlation of a client trace with the daemon's log of the same run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText } from '../../server/src/engine/analyze.js';
import { readDaemonLog } from '../../server/src/engine/correlate.js';
import { read, sample } from '../helpers.js';

const wa = { kernel: 'freebsd-2019', mode: 'write-through' } as const;
const wt = { kernel: 'freebsd', mode: 'write-through' } as const;

function losses(text: string, options: object) {
  return analyzeText(text, options).findings.filter((f) => f.rule !== 'read-bad-data');
}

describe('kdump: page faults make losses definite', () => {
  it('PFLT with VM_PROT_WRITE on the stored page: data loss (error) where the same run’s strace says possible (warning)', () => {
    const [k] = losses(read(sample('kdump', 'mmap_pwrite.kdump')), wa);
    assert.equal(k.severity, 'error');
    assert.equal(k.evidence, 'definite');
    assert.equal(k.rule, 'mmap-dirty-invalidated');
    assert.deepEqual(k.lostRanges, [[0, 1000], [1100, 4096]]);
    const [s] = losses(read(sample('bug237588', 'mmap_pwrite.strace')), wa);
    assert.equal(s.severity, 'warning');
    assert.deepEqual(s.lostRanges, k.lostRanges);
  });

  it('without PFLT records (ktrace -t cn) the loss is possible; with msync there is none', () => {
    const [k] = losses(read(sample('kdump', 'mmap_pwrite_nopflt.kdump')), wa);
    assert.equal(k.severity, 'warning');
    // With faults recorded, a store after the msync would show as a PFLT: none did, so nothing is lost.
    for (const kernel of ['freebsd-2019', 'freebsd'] as const) for (const mode of ['uncached', 'write-through', 'writeback'] as const) {
      assert.deepEqual(losses(read(sample('kdump', 'mmap_msync_pwrite.kdump')), { kernel, mode }), []);
    }
    assert.deepEqual(losses(read(sample('kdump', 'mmap_pwrite.kdump')), wt), []);
  });
});

describe('dtruss (samples/dtrace/cachereplay.d output)', () => {
  it('the D script’s vm_fault lines make the loss definite', () => {
    const [f] = losses(read(sample('dtrace', 'mmap_pwrite.dtruss')), wa);
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.lostRanges, [[0, 1000], [1100, 4096]]);
  });
});

describe('fsx: MAPWRITE is definite store evidence', () => {
  it('a READ BAD DATA whose first bad byte is at the end of what it read still names that byte, never an empty range', () => {
    const log = [
      'READ BAD DATA: offset = 0x2000, size = 0x1000',
      'OFFSET\tGOOD\tBAD\tRANGE',
      '0x 3000\t0x0101\t0x0000\t0x     1',
      'operation# (mod 256) for the bad data may be 1',
      'LOG DUMP (2 total operations):',
      '1(  1 mod 256): WRITE    0x0 thru 0x3fff\t(0x4000 bytes) HOLE',
      '2(  2 mod 256): READ     0x2000 thru 0x2fff\t(0x1000 bytes)',
      '',
    ].join('\n');
    const a = analyzeText(log, { format: 'fsx', kernel: 'freebsd-2019', mode: 'write-through' });
    const bad = a.findings.filter((f) => f.rule === 'read-bad-data');
    assert.equal(bad.length, 1, JSON.stringify(a.diagnostics));
    assert.deepEqual(bad[0].lostRanges, [[0x3000, 0x3001]]);
  });

  it('the 237588 pattern: exact lost bytes under write-around, none under write-through', () => {
    const text = read(sample('fsx', 'bug237588.fsxlog'));
    const [f] = losses(text, wa);
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.lostRanges, [[0x6000, 0x6590], [0x67c2, 0x7000]]);
    assert.deepEqual(losses(text, wt), []);
  });

  it('READ BAD DATA is linked to the loss that explains it', () => {
    const a = analyzeText(read(sample('fsx', 'bug237588.fsxlog')), wa);
    const bad = a.findings.find((f) => f.rule === 'read-bad-data')!;
    const loss = a.findings.find((f) => f.rule === 'mmap-dirty-invalidated')!;
    assert.match(bad.message, /explained by the data loss at line 14/);
    assert.equal(bad.related[0].span.line, loss.span.line);
    assert.ok(loss.related.some((r) => r.span.line === bad.span.line));
    const unexplained = analyzeText(read(sample('fsx', 'bug237588.fsxlog')), wt).findings.find((f) => f.rule === 'read-bad-data')!;
    assert.match(unexplained.message, /no loss the model finds under write-through/);
  });

  it('a real FreeBSD fsx -U run with the pattern, alone and correlated with its daemon log', () => {
    const text = read(sample('fsx', 'freebsd-U-seed8.fsxlog'));
    const log = readDaemonLog(read(sample('fsx', 'freebsd-U-seed8.fuselog')), 'freebsd-U-seed8.fuselog');
    for (const daemon of [undefined, log.evidence]) {
      const [f, ...rest] = losses(text, { ...wa, daemon });
      assert.deepEqual(rest, []);
      assert.deepEqual(f.lostRanges, [[0x3c5f9, 0x3c98a]]);
      assert.equal(f.severity, 'error');
      assert.deepEqual(losses(text, { ...wt, daemon }), []);
    }
  });
});

describe('correlating strace with the daemon’s log of the same run', () => {
  it('the kernel’s write-back of the mapped page before the losing call turns the possible loss into a definite one', () => {
    const log = readDaemonLog(read(sample('bug237588', 'mmap_odirect_pwrite.fuselog')), 'mmap_odirect_pwrite.fuselog');
    const text = read(sample('bug237588', 'mmap_odirect_pwrite.strace'));
    const [p] = losses(text, wt);
    assert.deepEqual([p.severity, p.tier], ['warning', 'unsynced']);
    const [f] = losses(text, { ...wt, daemon: log.evidence });
    assert.equal(f.severity, 'error');
    assert.equal(f.evidence, 'definite');
    // fuse_inval_buf_range drops block 0; the O_DIRECT write rewrote [0, 512) of the stored page.
    assert.deepEqual(f.lostRanges, [[512, 4096]]);
    const proof = f.related.find((r) => r.trace === 'mmap_odirect_pwrite.fuselog');
    assert.ok(proof, 'a related location in the daemon log');
    assert.match(read(sample('bug237588', 'mmap_odirect_pwrite.fuselog')).split('\n')[proof.span.line], /opcode: WRITE .* pid: 0/);
    assert.equal(f.message.match(/daemon's log/g)?.length, 1, 'each fact once');
  });

  it('a write-back after the losing call proves nothing about what it dropped: the loss stays possible', () => {
    const log = readDaemonLog(read(sample('bug237588', 'mmap_pwrite.fuselog')), 'mmap_pwrite.fuselog');
    const [f] = losses(read(sample('bug237588', 'mmap_pwrite.strace')), { ...wa, daemon: log.evidence });
    assert.deepEqual([f.severity, f.evidence, f.tier], ['warning', 'possible', 'unsynced']);
  });

  it('a store after an msync: the second write-back of the page, before the call, makes its loss definite', () => {
    const text = read(sample('bug237588', 'mmap_msync_store_odirect.strace'));
    const [p] = losses(text, wt);
    assert.deepEqual([p.severity, p.tier], ['information', 'stored-again']);
    const log = readDaemonLog(read(sample('bug237588', 'mmap_msync_store_odirect.fuselog')), 'x.fuselog');
    const [f] = losses(text, { ...wt, daemon: log.evidence });
    assert.deepEqual([f.severity, f.evidence], ['error', 'definite']);
  });

  it('its twin without the second store: only the msync’s own write-back, so the log clears the possible loss', () => {
    const text = read(sample('bug237588', 'mmap_msync_odirect.strace'));
    assert.equal(losses(text, wt).length, 1);
    const log = readDaemonLog(read(sample('bug237588', 'mmap_msync_odirect.fuselog')), 'x.fuselog');
    assert.deepEqual(losses(text, { ...wt, daemon: log.evidence }), []);
  });

  it('a mapping never written back, in a log that saw the file released, clears the possible loss', () => {
    const text = read(sample('bug237588', 'mmap_nostore_pwrite.strace'));
    assert.equal(losses(text, wa).length, 1);
    const log = readDaemonLog(read(sample('bug237588', 'mmap_nostore_pwrite.fuselog')), 'mmap_nostore_pwrite.fuselog');
    assert.deepEqual(losses(text, { ...wa, daemon: log.evidence }), []);
  });

  it('the safe variant stays clean with its log', () => {
    const log = readDaemonLog(read(sample('bug237588', 'mmap_msync_pwrite.fuselog')), 'x.fuselog');
    assert.deepEqual(losses(read(sample('bug237588', 'mmap_msync_pwrite.strace')), { ...wa, daemon: log.evidence }), []);
  });
});

describe('a FUSE daemon log on its own', () => {
  it('pairs requests and replies and shows the kernel’s write-back (pid 0)', () => {
    const log = readDaemonLog(read(sample('bug237588', 'mmap_pwrite.fuselog')), 'x');
    const f = log.evidence.files.get('/file.bin')!;
    assert.ok(f.complete);
    assert.ok(f.writes.some((w) => w.pid === 0 && w.offset === 0));
    assert.ok(f.writes.some((w) => w.pid !== 0 && w.offset === 1000 && w.size === 100));
  });

  it('a failed WRITE the cache keeps is write-error-cached (FreeBSD write-through), not under write-around', () => {
    const text = [
      'unique: 2, opcode: LOOKUP (1), nodeid: 1, insize: 49, pid: 700',
      'LOOKUP /data.bin',
      '   NODEID: 2',
      '   unique: 2, success, outsize: 144',
      'unique: 4, opcode: OPEN (14), nodeid: 2, insize: 48, pid: 700',
      '   unique: 4, success, outsize: 32',
      'unique: 6, opcode: WRITE (16), nodeid: 2, insize: 4176, pid: 700',
      'write[3] 4096 bytes to 8192 flags: 0x8002',
      '   unique: 6, error: -5 (Input/output error), outsize: 16',
    ].join('\n');
    const a = analyzeText(text, wt);
    assert.deepEqual(a.diagnostics, []);
    const [f] = a.findings;
    assert.equal(f.rule, 'write-error-cached');
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.lostRanges, [[8192, 12288]]);
    assert.equal(f.span.line, 8);
    assert.deepEqual(analyzeText(text, wa).findings, []);
  });
});
