// The Debian packages the tests run real programs with: strace and a C compiler (traces of real runs), bindfs
// and fuse3 (a real FUSE daemon and its debug log), mergerfs (a daemon with the writeback cache, for the oracle),
// perf (write faults, for `cachereplay record`). `npm test` calls this first: as root it installs what is
// missing with apt-get; otherwise it says what to install, and the tests that need a missing tool say so.
import { spawnSync } from 'node:child_process';

/** Command -> the Debian package that provides it. */
export const TOOLS = { strace: 'strace', cc: 'gcc', bindfs: 'bindfs', fusermount: 'fuse3', mountpoint: 'util-linux', perf: 'linux-perf', mergerfs: 'mergerfs' };

export function missingTools() {
  return Object.keys(TOOLS).filter((cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status !== 0);
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const missing = missingTools();
  if (missing.length === 0) {
    console.log(`system tools: ${Object.keys(TOOLS).join(', ')} present`);
    process.exit(0);
  }
  const packages = [...new Set(missing.map((c) => TOOLS[c]))];
  if (process.getuid?.() !== 0) {
    console.log(`system tools: missing ${missing.join(', ')}; as root: apt-get install -y ${packages.join(' ')} (the tests that need them are skipped)`);
    process.exit(0);
  }
  console.log(`system tools: apt-get install -y ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...packages]]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) {
      console.error(`system tools: apt-get ${args[0]} failed (exit ${r.status})`);
      process.exit(1);
    }
  }
  const still = missingTools();
  if (still.length > 0) {
    console.error(`system tools: still missing ${still.join(', ')}`);
    process.exit(1);
  }
}
