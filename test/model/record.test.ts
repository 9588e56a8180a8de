// Recordings made by `cachereplay record` on a bindfs FUSE mount (samples/record, make-recordings.sh):
// strace's calls with the time of day to the nanosecond, and perf's write faults (exceptions:page_fault_user,
// error_code bit 1) on CLOCK_MONOTONIC tied to the time of day by perf script's header. Each program's source is
// beside its recording, or in samples/bug237588; what it does decides what must be found.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TraceEvent } from '../../server/src/engine/events.js';
import type { KernelProfile } from '../../server/src/engine/model/profiles.js';
import { faultsBeside, readFaultsFile } from '../../server/src/io/faults-file.js';
import { analyzeFile } from '../../server/src/io/read-trace.js';
import { sample } from '../helpers.js';

async function recorded(name: string, kernel: KernelProfile, keepEvents = false) {
  const strace = sample('record', `${name}.strace`);
  const beside = await faultsBeside(strace);
  assert.equal(beside, sample('record', `${name}.faults`));
  const { faults } = await readFaultsFile(beside!);
  const a = await analyzeFile(strace, { kernel, mode: 'write-through', faults, keepEvents });
  assert.deepEqual(a.diagnostics, [], `${name}: every line read, every fault placed`);
  return a;
}

describe('recordings with write faults', () => {
  it('mmap_pwrite: the memset of page 0 faulted once; the 2019 write-around loses its bytes outside the pwrite, definitely', async () => {
    const a = await recorded('mmap_pwrite', 'freebsd-2019');
    assert.equal(a.findings.length, 1);
    const [f] = a.findings;
    assert.equal(f.rule, 'mmap-dirty-invalidated');
    assert.equal(f.evidence, 'definite');
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.lostRanges, [[0, 1000], [1100, 4096]]);
    assert.match(f.message, /stored by the page_fault_user at line \d+ of .*mmap_pwrite\.faults and never synced/);
    const store = f.related.find((r) => r.trace?.endsWith('mmap_pwrite.faults'));
    assert.match(store!.message, /definite evidence: a write fault at 0x[0-9a-f]+, \d\d:\d\d:\d\d\.\d{6} UTC/);
    // Current FreeBSD and Linux keep the bytes.
    for (const kernel of ['freebsd', 'linux'] as const) assert.deepEqual((await recorded('mmap_pwrite', kernel)).findings, [], kernel);
  });

  it('mmap_nostore_pwrite: the mapping took no write fault, so nothing is lost (strace alone warns)', async () => {
    assert.deepEqual((await recorded('mmap_nostore_pwrite', 'freebsd-2019')).findings, []);
    const alone = await analyzeFile(sample('record', 'mmap_nostore_pwrite.strace'), { kernel: 'freebsd-2019', mode: 'write-through' });
    assert.equal(alone.findings[0]?.evidence, 'possible');
  });

  it('mmap_msync_store_odirect: a store after msync, then an O_DIRECT pwrite, is a definite loss on FreeBSD', async () => {
    for (const [kernel, rule] of [['freebsd-2019', 'mmap-dirty-invalidated'], ['freebsd', 'direct-io-drops-mmap']] as const) {
      const a = await recorded('mmap_msync_store_odirect', kernel);
      assert.equal(a.findings.length, 1, kernel);
      assert.equal(a.findings[0].rule, rule);
      assert.equal(a.findings[0].evidence, 'definite');
      assert.deepEqual(a.findings[0].lostRanges, [[512, 4096]]);
    }
    assert.deepEqual((await recorded('mmap_msync_store_odirect', 'linux')).findings, []);
  });

  it('mmap_thread_pwrite: the second thread\'s fault is a store into the process\'s mapping', async () => {
    const a = await recorded('mmap_thread_pwrite', 'freebsd-2019');
    assert.equal(a.findings.length, 1);
    assert.equal(a.findings[0].evidence, 'definite');
    assert.deepEqual(a.findings[0].lostRanges, [[0, 1000], [1100, 4096]]);
  });

  it('mmap_fork_pwrite: the parent stored before the child\'s open, whose FUSE_OPEN wrote the pages back: nothing lost', async () => {
    // strace alone cannot exclude stores after that open (information); the faults show there were none.
    assert.deepEqual((await recorded('mmap_fork_pwrite', 'freebsd-2019')).findings, []);
  });

  it('store_call_loop: each page\'s fault lands between the marker calls around it, in program order', async () => {
    const a = await recorded('store_call_loop', 'linux', true);
    const events = a.events as TraceEvent[];
    const map = events.find((e) => e.kind === 'mmap' && e.shared && e.length === 64 * 4096);
    assert.ok(map && map.kind === 'mmap');
    let markers = 0;
    let checked = 0;
    for (const e of events) {
      if (e.kind === 'write' && e.fdPath?.endsWith('marker.bin')) {
        assert.equal(e.offset, markers, 'markers in order');
        markers++;
      } else if (e.kind === 'store' && e.addr !== undefined && e.addr >= map.addr && e.addr < map.addr + map.length) {
        assert.equal(Math.floor((e.addr - map.addr) / 4096), markers, `the fault on page ${Math.floor((e.addr - map.addr) / 4096)} comes after ${markers} markers`);
        checked++;
      }
    }
    assert.equal(markers, 64);
    assert.equal(checked, 64);
  });
});
