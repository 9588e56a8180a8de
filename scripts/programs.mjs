// npm run programs [-- --cli PATH] [NAME...]: cachereplay's verdicts on the real-program traces of
// test/fixtures/programs against their ground truth (NAME.truth.json, derived from the same run's recorded write
// faults by annotate-faults.py, independently of this code). For each program and kernel (mode write-through),
// without and with its daemon log: findings by severity and tier, and the flagged lines against the truth.
//   freebsd      -> truth: verdict (b), current FreeBSD
//   freebsd-2019 -> truth: verdict (a), FreeBSD before r349038, page granularity
//   linux        -> truth: nothing is lost (every run's content check agrees)
// TP: flagged lines whose call certainly drops stored bytes; FP: flagged lines that drop none (neither certain nor
// possible in the truth); FN: certain lines not flagged; "possible" truth lines count neither way. Definite
// findings must all be TP: a definite verdict that is wrong is a bug. --cli runs another build's CLI, for comparisons.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, 'test', 'fixtures', 'programs');
const args = process.argv.slice(2);
let cli = join(root, 'server', 'out', 'cli.cjs');
const at = args.indexOf('--cli');
if (at >= 0) {
  cli = args[at + 1];
  args.splice(at, 2);
}
const names = args.length > 0 ? args : readdirSync(dir).filter((d) => existsSync(join(dir, d, `${d}.truth.json`))).sort();
const TRUTH = { freebsd: 'b', 'freebsd-2019': 'a_page', linux: undefined };

function truthLines(truth, key) {
  const certain = new Set();
  const possible = new Set();
  if (key === undefined) return { certain, possible };
  for (const w of truth.writes) {
    const v = w[key];
    if (!v) continue;
    if (v.certain.length > 0) certain.add(w.line);
    else if (v.possible.length > 0 || v.near.length > 0) possible.add(w.line);
  }
  return { certain, possible };
}

const rows = [];
let wrongDefinite = 0;
for (const name of names) {
  const truth = JSON.parse(readFileSync(join(dir, name, `${name}.truth.json`), 'utf8'));
  for (const kernel of Object.keys(TRUTH)) {
    for (const withLog of [false, true]) {
      const trace = join(dir, name, `${name}.strace.gz`);
      const extra = withLog ? ['--fuse-log', join(dir, name, `${name}.fuselog.gz`)] : [];
      const r = spawnSync(process.execPath, [cli, 'check', trace, '--kernel', kernel, '--mode', 'write-through', '--output', 'json', '--fail-on', 'never', ...extra], { encoding: 'utf8', maxBuffer: 1 << 28 });
      if (r.status !== 0) {
        rows.push([name, kernel, withLog, `CLI failed (exit ${r.status}): ${r.stderr.trim().slice(0, 200)}`, '', '']);
        continue;
      }
      const findings = JSON.parse(r.stdout).files.flatMap((f) => f.findings).filter((f) => f.rule !== 'parse-error');
      const counts = new Map();
      for (const f of findings) {
        const k = `${f.severity}${f.tier ? ` ${f.tier}` : f.evidence === 'definite' ? ' definite' : ''}`;
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      const { certain, possible } = truthLines(truth, TRUTH[kernel]);
      const flagged = new Set(findings.map((f) => f.line));
      const tp = [...flagged].filter((l) => certain.has(l)).length;
      const fp = [...flagged].filter((l) => !certain.has(l) && !possible.has(l)).length;
      const fn = [...certain].filter((l) => !flagged.has(l)).length;
      const badDefinite = findings.filter((f) => f.evidence === 'definite' && !certain.has(f.line) && !possible.has(f.line)).length;
      wrongDefinite += badDefinite;
      const summary = [...counts].sort().map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
      rows.push([name, kernel, withLog, summary, `${certain.size} certain, ${possible.size} possible`, `TP ${tp}, FP ${fp}, FN ${fn}${badDefinite ? `, ${badDefinite} WRONG DEFINITE` : ''}`]);
    }
  }
}

console.log(`cachereplay on the real-program traces (${cli})\n`);
console.log('| program | kernel | --fuse-log | findings | truth (lines) | flagged vs truth |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r[0]} | ${r[1]} | ${r[2] ? 'yes' : 'no'} | ${r[3]} | ${r[4]} | ${r[5]} |`);
if (wrongDefinite > 0) {
  console.log(`\n${wrongDefinite} definite findings where the truth says nothing is lost`);
  process.exit(1);
}
