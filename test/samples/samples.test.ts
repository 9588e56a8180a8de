// Every sample's verdicts, in every kernel x mode cell, held to an expected-output file beside the others in
// test/samples/expected/ (CACHEREPLAY_UPDATE=1 rewrites them): a change in any verdict shows as a diff in review.
// A trace with its daemon's log beside it (NAME.fuselog) is also replayed with that log's evidence, one with its
// write faults beside it (NAME.faults) with those; the per-process
// files of strace -ff (samples/bug237588/ff) are also replayed as one run.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import type { Analysis } from '../../server/src/engine/analyze.js';
import { CACHE_MODES, KERNEL_PROFILES, type CacheMode, type KernelProfile } from '../../server/src/engine/model/profiles.js';
import { formatRanges, type Finding } from '../../server/src/engine/rules/findings.js';
import { readDaemonLogFile } from '../../server/src/io/daemon-log.js';
import { faultsBeside, readFaultsFile } from '../../server/src/io/faults-file.js';
import { mergeFiles } from '../../server/src/io/merge-files.js';
import { analyzeFile } from '../../server/src/io/read-trace.js';
import { expectFile, ROOT } from '../helpers.js';

const SAMPLES = join(ROOT, 'samples');
const EXPECTED = join(ROOT, 'test', 'samples', 'expected');
/** What in samples/ is not a trace: programs, scripts, notes, and fsx's stdout capture (read with its log). */
const NOT_TRACES = /\.(c|md|sh|d|stdout|fsxops)$/;

function files(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : NOT_TRACES.test(n) ? [] : [p];
  });
}

/** A finding in one line: enough to see any change of verdict (rule, severity, evidence, where, which bytes). */
function line(f: Finding): string {
  return `  ${f.rule} ${f.severity} ${f.tier ?? f.evidence} L${f.span.line + 1} ${basename(f.file)} lost ${formatRanges(f.lostRanges)}`;
}

function cell(kernel: KernelProfile, mode: CacheMode, a: Analysis, extra = ''): string {
  const head = `${kernel} ${mode}${extra}: ${a.findings.length === 0 ? 'nothing found' : `${a.findings.length} finding${a.findings.length === 1 ? '' : 's'}`}`;
  const diags = a.diagnostics.length === 0 ? [] : [`  ${a.diagnostics.length} diagnostics, the first: L${a.diagnostics[0].span.line + 1} ${a.diagnostics[0].message}`];
  return [head, ...diags, ...a.findings.map(line)].join('\n');
}

const traces = files(SAMPLES);

describe('every sample, in every cell, against its expected output', () => {
  assert.ok(traces.length >= 30, `the samples are there (${traces.length})`);
  for (const path of traces) {
    const name = relative(SAMPLES, path);
    it(name, async () => {
      const out: string[] = [];
      const logPath = path.replace(/\.(strace|fsxlog|kdump)$/, '.fuselog');
      const log = logPath !== path && traces.includes(logPath) ? await readDaemonLogFile(logPath, relative(SAMPLES, logPath)) : undefined;
      const faultsPath = await faultsBeside(path);
      const faults = faultsPath !== undefined ? (await readFaultsFile(faultsPath, relative(SAMPLES, faultsPath))).faults : undefined;
      for (const kernel of KERNEL_PROFILES) {
        for (const mode of CACHE_MODES) {
          const a = await analyzeFile(path, { kernel, mode, fileName: name });
          out.push(cell(kernel, mode, a));
          if (log) out.push(cell(kernel, mode, await analyzeFile(path, { kernel, mode, fileName: name, daemon: log.evidence }), ` with ${basename(logPath)}`));
          if (faults) out.push(cell(kernel, mode, await analyzeFile(path, { kernel, mode, fileName: name, faults }), ` with ${basename(faultsPath!)}`));
        }
      }
      expectFile(join(EXPECTED, `${name}.expected`), `${out.join('\n')}\n`);
    });
  }

  it('the per-process files of strace -ff, replayed as one run', async () => {
    const dir = join(SAMPLES, 'bug237588', 'ff');
    const parts = readdirSync(dir).filter((n) => /\.\d+$/.test(n)).sort().map((n) => join(dir, n));
    const out: string[] = [];
    for (const kernel of KERNEL_PROFILES) {
      const merged = await mergeFiles(parts, CACHE_MODES, () => ({ kernel }), (p) => ({ name: basename(p), location: basename(p) }));
      assert.deepEqual(merged.unreadable, []);
      for (const mode of CACHE_MODES) {
        for (const part of merged.parts) out.push(cell(kernel, mode, part.byMode.get(mode)!, ` (${basename(part.path)} of the run)`));
      }
    }
    expectFile(join(EXPECTED, 'bug237588', 'ff', 'merged.expected'), `${out.join('\n')}\n`);
  });
});
