// The bundled CLI (server/out/cli.cjs, what `npx cachereplay` runs), driven as a user or a CI job would.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { generateTrace, resolveRoot, sample } from '../helpers.js';

const CLI = resolveRoot('server', 'out', 'cli.cjs');
const REPRO = sample('bug237588', 'mmap_pwrite.strace');
const SAFE = sample('bug237588', 'mmap_msync_pwrite.strace');

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'cachereplay-cli-'));

describe('cachereplay check', () => {
  it('text: the warning on the pwrite line with the lost ranges, a note at the mmap, exit 0 below --fail-on', () => {
    const r = run('check', REPRO, '--kernel', 'freebsd-2019', '--mode', 'write-through');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /mmap_pwrite\.strace:33:\d+: warning: possible data loss: this pwrite64 went around the cache and invalidated page 0 of \/tmp\/cachereplay-mnt\/file\.bin.*\[0x0, 0x3e8\) \[0x44c, 0x1000\) \[mmap-dirty-invalidated\]/);
    assert.match(r.stdout, /mmap_pwrite\.strace:32: note: writable MAP_SHARED mapping/);
    assert.match(r.stdout, /0 errors, 1 warning/);
  });

  it('--fail-on warning turns the warning into exit 1; write-through is clean', () => {
    assert.equal(run('check', REPRO, '--kernel', 'freebsd-2019', '--mode', 'write-through', '--fail-on', 'warning').code, 1);
    const clean = run('check', REPRO, '--mode', 'write-through', '--fail-on', 'warning');
    assert.equal(clean.code, 0);
    assert.match(clean.stdout, /no data loss found/);
  });

  it('--evidence definite hides possible losses; unsynced hides only stores possibly made again after an msync', () => {
    const shown = (level: string) => (JSON.parse(run('check', REPRO, SAFE, '--kernel', 'freebsd-2019', '--mode', 'write-through', '--evidence', level, '--output', 'json').stdout).files as Array<{ findings: Array<{ tier: string }> }>).map((f) => f.findings.map((x) => x.tier));
    assert.deepEqual(shown('definite'), [[], []]);
    assert.deepEqual(shown('unsynced'), [['unsynced'], []]);
    assert.deepEqual(shown('possible'), [['unsynced'], ['stored-again']]);
  });

  it('json keeps the contract field names', () => {
    const r = run('check', REPRO, SAFE, '--kernel', 'freebsd-2019', '--mode', 'write-through', '--output', 'json');
    assert.equal(r.code, 0);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.files.length, 2);
    const [f0, f1] = doc.files;
    assert.deepEqual(Object.keys(f0).filter((k) => ['path', 'format', 'events', 'findings'].includes(k)).sort(), ['events', 'findings', 'format', 'path']);
    assert.equal(f0.format, 'strace');
    assert.equal(f0.events, 37, 'one event per line of this trace');
    const finding = f0.findings[0];
    for (const k of ['rule', 'severity', 'line', 'message', 'file', 'lostRanges', 'related']) assert.ok(k in finding, k);
    assert.equal(finding.rule, 'mmap-dirty-invalidated');
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.line, 33);
    assert.equal(finding.file, '/tmp/cachereplay-mnt/file.bin');
    assert.deepEqual(finding.lostRanges, [[0, 1000], [1100, 4096]]);
    assert.deepEqual(finding.related[0], { line: 32, message: finding.related[0].message });
    assert.equal(finding.tier, 'unsynced');
    // The msync'ed twin: only a store made after its msync could be lost, which strace cannot rule out.
    assert.deepEqual(f1.findings.map((x: { severity: string; tier: string; line: number }) => [x.severity, x.tier, x.line]), [['information', 'stored-again', 34]]);
  });

  it('sarif 2.1.0 with rules, levels, locations and related locations', () => {
    const r = run('check', REPRO, '--kernel', 'freebsd-2019', '--mode', 'write-through', '--output', 'sarif');
    const log = JSON.parse(r.stdout);
    assert.equal(log.version, '2.1.0');
    const run0 = log.runs[0];
    assert.equal(run0.tool.driver.name, 'cachereplay');
    const ids = run0.tool.driver.rules.map((x: { id: string }) => x.id);
    assert.ok(ids.includes('mmap-dirty-invalidated') && ids.includes('direct-io-drops-mmap') && ids.includes('parse-error'));
    const res = run0.results[0];
    assert.equal(res.ruleId, 'mmap-dirty-invalidated');
    assert.equal(run0.tool.driver.rules[res.ruleIndex].id, res.ruleId);
    assert.equal(res.level, 'warning');
    assert.equal(res.locations[0].physicalLocation.region.startLine, 33);
    assert.equal(res.relatedLocations[0].physicalLocation.region.startLine, 32);
    assert.deepEqual(res.properties.lostRanges, [[0, 1000], [1100, 4096]]);
  });

  it('sarif passes Microsoft\'s validator (@microsoft/sarif-multitool) for absolute and relative paths, other traces and logs', () => {
    const bin = resolveRoot('node_modules', '@microsoft', `sarif-multitool-${process.platform}`, process.platform === 'win32' ? 'Sarif.Multitool.exe' : 'Sarif.Multitool');
    const rel = (p: string) => relative(process.cwd(), p);
    const ff = [sample('bug237588', 'ff', 'mmap_fork_pwrite.20114'), sample('bug237588', 'ff', 'mmap_fork_pwrite.20115')];
    const runs: string[][] = [
      ['check', REPRO, '--kernel', 'freebsd-2019'],
      ['check', rel(REPRO), '--kernel', 'freebsd-2019'],
      ['check', '--merge', ...ff, '--kernel', 'freebsd-2019', '--fuse-log', sample('bug237588', 'ff', 'mmap_fork_pwrite.fuselog')],
      ['check', sample('bug237588', 'mmap_odirect_pwrite.strace'), '--fuse-log', rel(sample('bug237588', 'mmap_odirect_pwrite.fuselog'))],
      ['check', join(tmp, 'a path with spaces & #.strace'), '--kernel', 'freebsd-2019'],
    ];
    writeFileSync(join(tmp, 'a path with spaces & #.strace'), readFileSync(REPRO));
    for (const [i, args] of runs.entries()) {
      const out = join(tmp, `run${i}.sarif`);
      const r = run(...args, '--output', 'sarif');
      assert.ok(r.stdout.includes('"results"'), r.stderr);
      writeFileSync(out, r.stdout);
      const v = spawnSync(bin, ['validate', out], { encoding: 'utf8' });
      assert.equal(v.error, undefined, `the validator runs: ${v.error}`);
      const problems = v.stdout.split('\n').filter((l) => /: (error|warning) SARIF\d+/.test(l));
      assert.deepEqual(problems, [], `${args.join(' ')}:\n${v.stdout}`);
      assert.match(v.stdout, /Analysis completed successfully/);
    }
  });

  it('compare lists findings per cache mode', () => {
    const r = run('compare', REPRO, '--kernel', 'freebsd-2019');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /write-through +warning line 33 mmap-dirty-invalidated \(3996 bytes\)/);
    assert.match(r.stdout, /writeback +no data loss/);
    assert.match(run('compare', REPRO).stdout, /write-through +no data loss/);
  });

  it('compare sums up a mode with many findings per rule, with the first lines; json still lists them all', async () => {
    const path = join(tmp, 'many.strace');
    await generateTrace(path, 30_000, 5);
    const json = JSON.parse(run('compare', path, '--kernel', 'freebsd-2019', '--output', 'json').stdout) as { modes: Array<{ mode: string; findings: Array<{ rule: string; line: number; severity: string }> }> };
    const around = json.modes.find((m) => m.mode === 'write-through')!.findings;
    assert.ok(around.length > 5, `${around.length} findings`);
    const line = run('compare', path, '--kernel', 'freebsd-2019').stdout.split('\n').find((l) => l.trim().startsWith('write-through'))!;
    const warnings = around.filter((f) => f.severity === 'warning').length;
    assert.match(line, new RegExp(`write-through +${around.length} findings \\(${warnings} warnings?[,)]`));
    for (const rule of new Set(around.map((f) => f.rule))) assert.match(line, new RegExp(`${rule} ×${around.filter((f) => f.rule === rule).length} \\([\\d,]+ bytes\\)`));
    assert.ok(line.includes(`first at lines ${around.slice(0, 5).map((f) => f.line).join(', ')} (--output json lists them all)`), line);
  });
});

describe('cachereplay check on other formats and with --fuse-log', () => {
  it('kdump with page faults: a definite loss, exit 1 by default', () => {
    const r = run('check', sample('kdump', 'mmap_pwrite.kdump'), '--kernel', 'freebsd-2019', '--mode', 'write-through', '--output', 'json');
    assert.equal(r.code, 1);
    const f = JSON.parse(r.stdout).files[0];
    assert.equal(f.format, 'kdump');
    assert.equal(f.findings[0].severity, 'error');
  });

  it('--fsx-msync: a FreeBSD fsx -U log loses the MAPWRITE bytes under write-around unless fsx msynced', () => {
    const log = sample('fsx', 'freebsd-U-seed8.fsxlog');
    const lost = (...extra: string[]) => {
      const r = run('check', log, '--kernel', 'freebsd-2019', '--mode', 'write-through', '--output', 'json', ...extra);
      assert.equal(r.code, r.stdout.includes('"severity": "error"') ? 1 : 0, r.stderr);
      return (JSON.parse(r.stdout).files[0].findings as Array<{ line: number; lostRanges: unknown }>).map((f) => [f.line, f.lostRanges]);
    };
    const auto = lost();
    assert.equal(auto.length, 1, 'a .fsxlog never shows its options: read as fsx -U, as in the bug 237588 reproduction');
    assert.deepEqual(lost('--fsx-msync', 'no'), auto);
    assert.deepEqual(lost('--fsx-msync', 'yes'), [], 'msync(MS_SYNC) after the MAPWRITE writes the bytes back before the write');
    const bad = run('check', log, '--fsx-msync', 'maybe');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--fsx-msync must be auto, yes or no; got "maybe"/);
  });

  it('--fuse-log correlates the daemon log: a write-back before the call makes the loss definite, with its line in the log', () => {
    const trace = sample('bug237588', 'mmap_odirect_pwrite.strace');
    const log = sample('bug237588', 'mmap_odirect_pwrite.fuselog');
    const r = run('check', trace, '--fuse-log', log, '--output', 'json');
    assert.equal(r.code, 1);
    const finding = JSON.parse(r.stdout).files[0].findings[0];
    assert.equal(finding.severity, 'error');
    assert.ok(finding.related.some((x: { file?: string; line: number }) => x.file === log && x.line > 0));
    const text = run('check', trace, '--fuse-log', log);
    assert.match(text.stdout, /mmap_odirect_pwrite\.fuselog:43: note: the kernel wrote bytes \[0x200, 0x1000\) back to the daemon here, before line 37/);
  });

  it('--fuse-log: a write-back after the losing call proves nothing about what it dropped', () => {
    const r = run('check', REPRO, '--kernel', 'freebsd-2019', '--mode', 'write-through', '--fuse-log', sample('bug237588', 'mmap_pwrite.fuselog'), '--output', 'json');
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout).files[0].findings.map((x: { severity: string; evidence: string }) => [x.severity, x.evidence]), [['warning', 'possible']]);
  });

  it('--fuse-log reads a gzipped log as the traces are read', () => {
    const gz = join(tmp, 'mmap_odirect_pwrite.fuselog.gz');
    writeFileSync(gz, gzipSync(readFileSync(sample('bug237588', 'mmap_odirect_pwrite.fuselog'))));
    const r = run('check', sample('bug237588', 'mmap_odirect_pwrite.strace'), '--fuse-log', gz, '--output', 'json');
    assert.equal(r.code, 1, r.stderr);
    assert.equal(JSON.parse(r.stdout).files[0].findings[0].evidence, 'definite');
  });

  it('--fuse-log with something else is a clear error', () => {
    const r = run('check', REPRO, '--fuse-log', sample('bug237588', 'mmap_pwrite.c'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /FUSE daemon log|known format/);
  });

  it('--format forces a format: a kdump read as strace is unreadable line by line', () => {
    const r = run('check', sample('kdump', 'mmap_pwrite.kdump'), '--format', 'strace', '--output', 'json');
    const f = JSON.parse(r.stdout).files[0];
    assert.equal(f.format, 'strace');
    assert.ok(f.findings.every((x: { rule: string }) => x.rule === 'parse-error'));
  });
});

describe('cachereplay check --merge: strace -ff files as one run', () => {
  const PARENT = sample('bug237588', 'ff', 'mmap_fork_pwrite.20114');
  const CHILD = sample('bug237588', 'ff', 'mmap_fork_pwrite.20115');
  const LOG = sample('bug237588', 'ff', 'mmap_fork_pwrite.fuselog');

  it('without it each process’s file is clean; with it the child’s pwrite may lose what the parent stored after the child’s open', () => {
    const apart = run('check', PARENT, CHILD, '--kernel', 'freebsd-2019', '--mode', 'write-through', '--output', 'json');
    assert.equal(apart.code, 0);
    assert.deepEqual(JSON.parse(apart.stdout).files.map((f: { findings: unknown[] }) => f.findings.length), [0, 0]);
    assert.match(apart.stderr, /2 files look like one strace -ff run \(\S+mmap_fork_pwrite\.PID\); .* --merge replays them as one run/);
    const r = run('check', '--merge', PARENT, CHILD, '--kernel', 'freebsd-2019', '--mode', 'write-through');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    // The child's own open sends a FUSE_OPEN (no handle of its pid), which writes the parent's stores back.
    assert.match(r.stdout, /ff\/mmap_fork_pwrite\.20115:3:\d+: information: possible data loss: this pwrite64 .* made at line 32 of \S+ff\/mmap_fork_pwrite\.20114 after the openat at line 2 made them clean .*\[0x0, 0x3e8\) \[0x44c, 0x1000\)/);
    assert.match(r.stdout, /ff\/mmap_fork_pwrite\.20114:32: note: writable MAP_SHARED mapping/);
    assert.match(r.stdout, /ff\/mmap_fork_pwrite\.20115:2: note: bytes .* were clean after this openat/);
    assert.equal(run('check', '--merge', PARENT, CHILD, '--mode', 'write-through', '--fail-on', 'information').code, 0);
    // One file of the run stands for all of them.
    const one = run('check', '--merge', CHILD, '--kernel', 'freebsd-2019', '--mode', 'write-through', '--output', 'json');
    assert.deepEqual(JSON.parse(one.stdout).files.map((f: { path: string; findings: unknown[] }) => [f.path, f.findings.length]), [[PARENT, 0], [CHILD, 1]]);
  });

  it('json: the finding is in the child’s file, its related mmap names the parent’s; the daemon log’s write-back at the child’s open proves nothing of later stores', () => {
    const r = run('check', '--merge', CHILD, PARENT, '--kernel', 'freebsd-2019', '--mode', 'write-through', '--fuse-log', LOG, '--output', 'json');
    assert.equal(r.code, 0, r.stderr);
    const files = JSON.parse(r.stdout).files as Array<{ path: string; findings: Array<{ line: number; severity: string; related: Array<{ file?: string; line: number }> }> }>;
    assert.deepEqual(files.map((f) => f.path), [CHILD, PARENT], 'the files in the order given');
    const [f] = files[0].findings;
    assert.equal(f.line, 3);
    assert.equal(f.severity, 'information');
    assert.ok(f.related.some((x) => x.file === PARENT && x.line === 32));
  });

  it('a daemon log among the files or a file without timestamps: a clear error, exit 2', () => {
    const withLog = run('check', '--merge', PARENT, CHILD, LOG);
    assert.equal(withLog.code, 2);
    assert.match(withLog.stderr, /mmap_fork_pwrite\.fuselog is a FUSE daemon's log, not a process's trace: give it as the run's daemon log \(--fuse-log/);
    const bare = join(tmp, 'untimed.20115');
    writeFileSync(bare, readFileSync(CHILD, 'utf8').replace(/^\d\d:\d\d:\d\d\.\d+ /gm, ''));
    const untimed = run('check', '--merge', PARENT, bare);
    assert.equal(untimed.code, 2);
    assert.match(untimed.stderr, /untimed\.20115: its lines have no timestamps/);
  });

  it('compare --merge: which modes lose the parent’s stores at the child’s pwrite', () => {
    const r = run('compare', '--merge', PARENT, CHILD, '--output', 'json');
    assert.equal(r.code, 0, r.stderr);
    const docs = r.stdout.split(/\n(?=\{)/).map((d) => JSON.parse(d) as { path: string; modes: Array<{ mode: string; findings: Array<{ line: number }> }> });
    assert.deepEqual(docs.map((d) => d.path), [PARENT, CHILD]);
    const lines = (d: (typeof docs)[number]) => Object.fromEntries(d.modes.map((m) => [m.mode, m.findings.map((f) => f.line)]));
    assert.deepEqual(lines(docs[0]), { uncached: [], 'write-through': [], writeback: [] });
    assert.deepEqual(lines(docs[1]), { uncached: [3], 'write-through': [], writeback: [] });
  });
});

describe('cachereplay on streams: -, /dev/stdin, pipes and FIFOs', () => {
  const repro = readFileSync(REPRO, 'utf8');
  const args = ['--kernel', 'freebsd-2019', '--no-color'];

  it('- and /dev/stdin read standard input, piped or redirected, plain or gzipped', () => {
    for (const [file, input] of [['-', repro], ['/dev/stdin', repro], ['-', gzipSync(repro)]] as const) {
      const r = spawnSync(process.execPath, [CLI, 'check', file, ...args], { input, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^${file.replace('/', '\\/')}:33:23: warning: possible data loss`, 'm'));
    }
    const redirected = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" check /dev/stdin ${args.join(' ')} < "${REPRO}"`], { encoding: 'utf8' });
    assert.match(redirected.stdout, /1 warning/);
  });

  it('a stream\'s findings are printed while its writer is still writing', async () => {
    const child = spawn(process.execPath, [CLI, 'check', '-', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const seen: Array<[number, string]> = [];
    child.stdout.setEncoding('utf8').on('data', (d: string) => seen.push([Date.now(), d]));
    child.stdin.write(repro);
    await new Promise((r) => setTimeout(r, 1500));
    const endedAt = Date.now();
    child.stdin.end('8791  10:31:03.000000 getpid() = 8791 <0.000010>\n');
    const code = await new Promise((r) => child.on('close', r));
    assert.equal(code, 0);
    const warned = seen.find(([, d]) => d.includes('warning: possible data loss'));
    assert.ok(warned && warned[0] < endedAt, `the warning came before the writer closed: ${JSON.stringify(seen)}`);
    assert.equal(seen.map(([, d]) => d).join('').match(/warning: possible data loss/g)?.length, 1, 'printed once');
  });

  it('a FIFO is read once a process writes to it; one without a writer is one line and exit 2', async () => {
    const fifo = join(tmp, 'trace.fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const writer = spawn('sh', ['-c', `sleep 0.3; cat "${REPRO}" > "${fifo}"`]);
    const written = new Promise((res) => writer.on('close', res));
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const c = spawn(process.execPath, [CLI, 'check', fifo, ...args]);
      let out = '';
      c.stdout.on('data', (d) => { out += d; });
      c.on('close', (code) => resolve({ code, out }));
    });
    await written;
    assert.equal(r.code, 0);
    assert.match(r.out, /trace\.fifo:33:23: warning/);
    const alone = spawnSync(process.execPath, [CLI, 'check', fifo], { encoding: 'utf8', env: { ...process.env, CACHEREPLAY_FIFO_WAIT_MS: '300' }, timeout: 10_000 });
    assert.equal(alone.status, 2);
    assert.equal(alone.stderr, `cachereplay: ${fifo}: cannot read: no process wrote to it within 0.3 s\n`);
  });
});

describe('cachereplay on bad input: one clear message, exit 2, no stack trace', () => {
  const cases: Array<[string, string | Buffer, RegExp]> = [
    ['binary.bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3, 0, 0, 0, 255, 254]), /binary/],
    ['empty.trace', '', /empty/],
    ['prose.txt', 'Dear diary,\nToday I wrote a file system.\nIt lost my data.\n', /not a trace in a known format/],
    ['one-line.trace', 'x'.repeat(10 << 20), /not a trace in a known format/],
  ];
  for (const [name, content, message] of cases) {
    it(name, () => {
      const path = join(tmp, name);
      writeFileSync(path, content);
      const r = run('check', path);
      assert.equal(r.code, 2);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });
  }

  it('a 10 MB line inside a real trace is reported and skipped; the rest is analysed', () => {
    const path = join(tmp, 'long-line.strace');
    const repro = spawnSync('cat', [REPRO], { encoding: 'utf8' }).stdout;
    const lines = repro.split('\n');
    lines.splice(5, 0, `8791  10:31:02.825 write(1, "${'A'.repeat(10 << 20)}", 10485760) = 10485760`);
    writeFileSync(path, lines.join('\n'));
    const r = run('check', path, '--kernel', 'freebsd-2019', '--mode', 'write-through', '--output', 'json');
    assert.equal(r.code, 1, 'the skipped line is an error-level parse finding');
    const f = JSON.parse(r.stdout).files[0].findings;
    assert.ok(f.some((x: { rule: string; line: number }) => x.rule === 'parse-error' && x.line === 6));
    assert.ok(f.some((x: { rule: string }) => x.rule === 'mmap-dirty-invalidated'));
  });

  it('write-around is no cache mode of any kernel: refused, pointing at the cell that was bug 237588', () => {
    const r = run('check', REPRO, '--mode', 'write-around');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--mode write-around: no kernel has a "write-around" cache mode; .* use --kernel freebsd-2019 --mode write-through/);
  });

  it('a file the user may not read: one line, exit 2', () => {
    const secret = join(tmp, 'secret.strace');
    writeFileSync(secret, readFileSync(REPRO));
    chmodSync(secret, 0o000);
    chmodSync(tmp, 0o755);
    // root reads anything: run as nobody then.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = spawnSync(process.execPath, [CLI, 'check', secret], { encoding: 'utf8', ...asNobody });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr, `cachereplay: ${secret}: cannot read: permission denied\n`);
  });

  it('missing file, directory, bad options', () => {
    let r = run('check', join(tmp, 'nope.strace'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no such file/);
    r = run('check', tmp);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is a directory/);
    r = run('check', REPRO, '--mode', 'sometimes');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--mode must be one of/);
    r = run('frobnicate', REPRO);
    assert.equal(r.code, 2);
    r = run('check', REPRO, '--page-size', '1000');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /power of two/);
    r = run('check', REPRO, '--threads', '4');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--threads must be 1, 2 or auto/);
  });

  it('--threads 2 reports what --threads 1 reports, merged runs and daemon logs included', () => {
    const ff = sample('bug237588', 'ff', 'mmap_fork_pwrite.20114');
    const log = sample('bug237588', 'ff', 'mmap_fork_pwrite.fuselog');
    for (const args of [['check', REPRO, '--kernel', 'freebsd-2019', '--mode', 'write-through'], ['check', '--merge', ff, '--fuse-log', log, '--kernel', 'freebsd-2019', '--mode', 'write-through'], ['compare', REPRO, '--kernel', 'freebsd-2019']]) {
      const one = run(...args, '--threads', '1', '--output', 'json');
      const two = run(...args, '--threads', '2', '--output', 'json');
      assert.equal(two.code, one.code);
      assert.deepEqual(JSON.parse(two.stdout), JSON.parse(one.stdout));
      assert.ok(one.stdout.includes('mmap-dirty-invalidated'), args.join(' '));
    }
  });

  it('--progress says on stderr how far each file has been read; stdout stays the report; --no-progress is silent', async () => {
    const path = join(tmp, 'progress.strace');
    await generateTrace(path, 20_000, 6);
    const r = run('check', path, '--kernel', 'freebsd-2019', '--mode', 'write-through', '--output', 'json', '--progress');
    const pcts = [...r.stderr.matchAll(/^cachereplay: reading .*progress\.strace: (\d+)% \([\d.]+ of [\d.]+ MB\)$/gm)].map((m) => Number(m[1]));
    assert.ok(pcts.length >= 3, r.stderr);
    assert.deepEqual(pcts, [...pcts].sort((a, b) => a - b), 'it only goes forward');
    assert.equal(pcts.at(-1), 100);
    assert.ok(JSON.parse(r.stdout).files[0].findings.length > 0);
    assert.equal(run('check', path, '--no-progress').stderr, '');
  });

  it('a reader that stops early (| head) ends the output quietly', () => {
    // Enough output (300 reports) to outgrow the pipe's buffer, so that the CLI is still writing when head exits.
    const files = Array(300).fill(`"${REPRO}"`).join(' ');
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" check ${files} --kernel freebsd-2019 --mode write-through --output json | head -c 10`], { encoding: 'utf8' });
    assert.equal(r.stdout.length, 10);
    assert.doesNotMatch(r.stderr, /EPIPE|\n\s+at /);
  });
});
