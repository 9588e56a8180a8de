// The TextMate grammar (syntaxes/) tokenised with VS Code's own engine (vscode-textmate + oniguruma wasm).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import oniguruma from 'vscode-oniguruma';
import vsctmDefault from 'vscode-textmate';
import type * as vsctmTypes from 'vscode-textmate';

// Both packages are CommonJS: take their exports from the default import.
const vsctm = vsctmDefault as unknown as typeof vsctmTypes;
import { resolveRoot } from '../helpers.js';

const require = createRequire(import.meta.url);

async function loadGrammar(scope: string): Promise<vsctmTypes.IGrammar> {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
    loadGrammar: async (name: string) => {
      const file = name === 'source.trace' ? 'trace' : name.replace('source.', '');
      return vsctm.parseRawGrammar(readFileSync(resolveRoot('syntaxes', `${file}.tmLanguage.json`), 'utf8'), `${file}.tmLanguage.json`);
    },
  });
  const g = await registry.loadGrammar(scope);
  assert.ok(g);
  return g;
}

/** Scopes of the token that covers `needle` in `line`. */
function scopesAt(g: vsctmTypes.IGrammar, line: string, needle: string): string[] {
  const at = line.indexOf(needle);
  assert.ok(at >= 0, needle);
  const { tokens } = g.tokenizeLine(line, vsctm.INITIAL);
  const t = tokens.find((x) => x.startIndex <= at && at < x.endIndex);
  assert.ok(t);
  return t.scopes;
}

function has(g: vsctmTypes.IGrammar, line: string, needle: string, scope: string): void {
  const scopes = scopesAt(g, line, needle);
  assert.ok(scopes.some((s) => s.startsWith(scope)), `${needle} in "${line.slice(0, 60)}": ${scopes.join(' ')}; wanted ${scope}`);
}

describe('TextMate grammar', async () => {
  const g = await loadGrammar('source.strace');

  it('strace: pids, timestamps, syscall names, fds with paths, flags, strings, addresses, durations', () => {
    const l = '8791  10:31:02.830264 pwrite64(3</tmp/cachereplay-mnt/file.bin>, "WWWW"..., 100, 1000) = 100 <0.000201>';
    has(g, l, '8791', 'constant.numeric.pid');
    has(g, l, '10:31:02', 'constant.numeric.timestamp');
    has(g, l, 'pwrite64', 'entity.name.function.syscall');
    has(g, l, '3<', 'variable.parameter.fd');
    has(g, l, '/tmp/cachereplay-mnt', 'string.unquoted.path');
    has(g, l, 'WWWW', 'string.quoted.double');
    has(g, l, '<0.000201>', 'comment.line.duration');
    const m = '[pid 28772] mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0) = 0x7f8c3d532000';
    has(g, m, '[pid', 'constant.numeric.pid');
    has(g, m, 'MAP_SHARED', 'constant.language.flag');
    has(g, m, '0x7f8c3d532000', 'constant.numeric.address');
  });

  it('strace: errors, resumed calls, signals and exits', () => {
    const e = 'open("/foo/bar", O_RDONLY) = -1 ENOENT (No such file or directory)';
    has(g, e, 'ENOENT', 'invalid.illegal.errno');
    has(g, '[pid 20126] <... brk resumed>) = 0x55ddbec2c000', 'brk', 'entity.name.function.syscall');
    has(g, 'sigsuspend([] <unfinished ...>', '<unfinished', 'comment.block.unfinished');
    has(g, '--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED} ---', 'SIGCHLD', 'keyword.other.signal');
    has(g, '311   +++ exited with 0 +++', '+++ exited', 'keyword.control.exit');
  });

  it('kdump, libfuse, fsx and dtruss lines', () => {
    const k = '  1234 fsx      PFLT  0x800a00000 0x2<VM_PROT_WRITE>';
    has(g, k, 'PFLT', 'keyword.other.record.kdump');
    has(g, k, 'VM_PROT_WRITE', 'keyword.control.store');
    const kc = ' 88208 ktrace   CALL  open(0x7fffffffe4e0,0x1<O_WRONLY>)';
    has(g, kc, 'open', 'entity.name.function.syscall');
    const req = 'unique: 8, opcode: WRITE (16), nodeid: 2, insize: 144, pid: 0';
    has(g, req, 'WRITE', 'entity.name.function.fuse-opcode');
    has(g, '   unique: 10, error: -38 (Function not implemented), outsize: 16', 'error: -38', 'invalid.illegal.errno');
    has(g, '7(  7 mod 256): MAPWRITE 0x1000 thru 0x1fff\t(0x1000 bytes)', 'MAPWRITE', 'entity.name.function.fsx-op');
    has(g, 'READ BAD DATA: offset = 0x0, size = 0x1000', 'READ BAD', 'invalid.illegal.fsx-failure');
    has(g, 'open("/x\\0", 0x0, 0x0)\t\t = -1 Err#2', 'Err#2', 'invalid.illegal.errno');
  });
});
