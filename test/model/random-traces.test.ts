// Properties of the replay on random traces: one process, or a parent and the child it forked after mapping the
// file; writable shared mappings made and unmapped, pwrites anywhere, with or without msync. For every kernel and
// mode the trace reads without a diagnostic, and:
//   - a mode whose write policy keeps or flushes the cache (FreeBSD's fixed write-through, writeback, every Linux
//     mode) loses nothing; only the invalidating policies (FreeBSD's direct writes, and the pre-fix FreeBSD
//     write-through of bug 237588, which wrote around the cache) can;
//   - with msync(MS_SYNC) before every write and every munmap, a loss can only be of bytes stored again after an
//     msync (the second tier of possible evidence, information), never of unsynced ones;
//   - a loss is found at a pwrite; its bytes lie in the unit the write invalidated, outside the bytes the write
//     itself wrote, and in some mapping made before it (dirty pages outlive munmap: they stay in the cache).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText } from '../../server/src/engine/analyze.js';
import { CACHE_MODES, KERNEL_PROFILES, PROFILES } from '../../server/src/engine/model/profiles.js';
import { seededRandom } from '../helpers.js';

const PAGE = 4096;
const BLOCK = 65536;

interface Write {
  line: number;
  off: number;
  len: number;
}

function randomTrace(rnd: (n: number) => number, msyncEach: boolean): { text: string; writes: Write[]; maps: Array<[number, number, number]> } {
  const lines = ['openat(AT_FDCWD, "/m/f", O_RDWR|O_CREAT, 0644) = 3', 'ftruncate(3, 65536) = 0'];
  const writes: Write[] = [];
  const maps: Array<[number, number, number]> = [];
  let map: [number, number, string] | undefined;
  for (let i = 0; i < 12; i++) {
    const r = rnd(10);
    if (!map && r < 4) {
      map = [PAGE * rnd(8), PAGE * (1 + rnd(6)), `0x${(0x7f0000000000 + i * 0x10000).toString(16)}`];
      maps.push([map[0], map[1], lines.length]);
      lines.push(`mmap(NULL, ${map[1]}, PROT_READ|PROT_WRITE, MAP_SHARED, 3, ${map[0]}) = ${map[2]}`);
    } else if (map && r < 5) {
      if (msyncEach) lines.push(`msync(${map[2]}, ${map[1]}, MS_SYNC) = 0`);
      lines.push(`munmap(${map[2]}, ${map[1]}) = 0`);
      map = undefined;
    } else {
      const off = rnd(16 * PAGE);
      const len = 1 + rnd(3 * PAGE);
      if (msyncEach && map) lines.push(`msync(${map[2]}, ${map[1]}, MS_SYNC) = 0`);
      writes.push({ line: lines.length, off, len });
      lines.push(`pwrite64(3, "x"..., ${len}, ${off}) = ${len}`);
    }
  }
  return { text: `${lines.join('\n')}\n`, writes, maps };
}

/** A parent maps the file, forks, and both processes pwrite, msync, munmap; the child may exit first. */
function randomForkTrace(rnd: (n: number) => number, msyncEach: boolean): { text: string; writes: Write[]; maps: Array<[number, number, number]> } {
  const P = 100;
  const C = 101;
  const lines = [`${P}  openat(AT_FDCWD, "/m/f", O_RDWR|O_CREAT, 0644) = 3`, `${P}  ftruncate(3, 65536) = 0`];
  const mo = PAGE * rnd(8);
  const ml = PAGE * (1 + rnd(6));
  const maps: Array<[number, number, number]> = [[mo, ml, lines.length]];
  lines.push(`${P}  mmap(NULL, ${ml}, PROT_READ|PROT_WRITE, MAP_SHARED, 3, ${mo}) = 0x7f0000000000`);
  lines.push(`${P}  clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f0000001a10) = ${C}`);
  const writes: Write[] = [];
  const mapped = new Map([[P, true], [C, true]]);
  let childAlive = true;
  const msync = (pid: number) => {
    if (msyncEach && mapped.get(pid)) lines.push(`${pid}  msync(0x7f0000000000, ${ml}, MS_SYNC) = 0`);
  };
  for (let i = 0; i < 10; i++) {
    const who = childAlive && rnd(2) === 1 ? C : P;
    const r = rnd(10);
    if (r < 2 && mapped.get(who)) {
      msync(who);
      lines.push(`${who}  munmap(0x7f0000000000, ${ml}) = 0`);
      mapped.set(who, false);
    } else if (r < 3 && who === C) {
      msync(C);
      lines.push(`${C}  exit_group(0) = ?`, `${C}  +++ exited with 0 +++`);
      childAlive = false;
    } else {
      const off = rnd(16 * PAGE);
      const len = 1 + rnd(3 * PAGE);
      msync(P);
      if (childAlive) msync(C);
      writes.push({ line: lines.length, off, len });
      lines.push(`${who}  pwrite64(3, "x"..., ${len}, ${off}) = ${len}`);
    }
  }
  return { text: `${lines.join('\n')}\n`, writes, maps };
}

describe('random traces', () => {
  for (const [name, generate] of [['one process', randomTrace], ['a parent and its forked child sharing the mapping', randomForkTrace]] as const) {
    it(`${name}: 300 traces under every kernel and mode keep the replay’s promises`, () => {
      const rnd = seededRandom(12345);
      let losses = 0;
      for (let k = 0; k < 300; k++) {
        const msyncEach = k % 3 === 0;
        const { text, writes, maps } = generate(rnd, msyncEach);
        for (const kernel of KERNEL_PROFILES) {
          for (const mode of CACHE_MODES) {
            const what = `trace ${k} (${kernel}, ${mode}):\n${text}`;
            const a = analyzeText(text, { mode, kernel });
            assert.deepEqual(a.diagnostics, [], what);
            const policy = PROFILES[kernel].write[mode];
            const lossless = policy !== 'around-invalidate' && policy !== 'direct-invalidate';
            if (kernel === 'freebsd-2019' && mode === 'write-through') assert.equal(policy, 'around-invalidate', 'bug 237588');
            if (kernel === 'linux') assert.ok(lossless, `linux ${mode}`);
            if (lossless) assert.equal(a.findings.length, 0, what);
            for (const f of a.findings) {
              if (msyncEach) assert.equal(f.tier, 'stored-again', `an unsynced loss though every write and munmap came after an msync: ${what}`);
              else losses++;
              const w = writes.find((x) => x.line === f.span.line);
              assert.ok(w, `a finding off a pwrite line: ${what}`);
              const unit = f.message.includes('block') ? BLOCK : PAGE;
              const lo = Math.floor(w.off / unit) * unit;
              const hi = Math.ceil((w.off + w.len) / unit) * unit;
              for (const [a0, b0] of f.lostRanges) {
                assert.ok(a0 >= lo && b0 <= hi, `[${a0}, ${b0}) outside the invalidated [${lo}, ${hi}): ${what}`);
                assert.ok(b0 <= w.off || a0 >= w.off + w.len, `[${a0}, ${b0}) overlaps the write: ${what}`);
                const earlier = maps.filter((m) => m[2] < w.line);
                for (let x = a0; x < b0; x += 64) assert.ok(earlier.some((m) => x >= m[0] && x < m[0] + m[1]), `byte ${x} in no earlier mapping: ${what}`);
              }
            }
          }
        }
      }
      assert.ok(losses > 100, `only ${losses} losses: the property would hold vacuously`);
    });
  }
});
