// The language server on every format, on bad input, and with a FUSE log attached (correlation).
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { read, sample } from '../helpers.js';
import { startClient, type TestClient } from './lsp-client.js';

describe('language server: formats, bad input, correlation', () => {
  let c: TestClient;
  before(async () => {
    c = await startClient({ pull: false, settings: { cacheMode: 'write-through', kernel: 'freebsd-2019' } });
  });
  after(() => c.close());

  const samples: Array<[string, string, string, number]> = [
    ['kdump', 'mmap_pwrite.kdump', 'kdump', 1],
    ['dtrace', 'mmap_pwrite.dtruss', 'dtruss', 1],
    ['fsx', 'bug237588.fsxlog', 'fsxlog', 1],
  ];
  for (const [dir, name, languageId, severity] of samples) {
    it(`${name} (${languageId}): a definite data loss (error)`, async () => {
      const uri = `file:///work/${name}`;
      await c.open(uri, read(sample(dir, name)), languageId);
      const diags = await c.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'mmap-dirty-invalidated'));
      assert.equal(diags.find((x) => x.code === 'mmap-dirty-invalidated')?.severity, severity);
    });
  }

  it('the fsxMsync setting: an fsx -U log loses nothing once the user says fsx msynced, and loses again on auto', async () => {
    const uri = 'file:///work/freebsd-U-seed8.fsxlog';
    const lost = (d: Diagnostic[]) => d.some((x) => x.code === 'mmap-dirty-invalidated');
    await c.open(uri, read(sample('fsx', 'freebsd-U-seed8.fsxlog')), 'fsxlog');
    await c.waitForDiagnostics(uri, lost);
    c.settings.fsxMsync = 'yes';
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await c.waitForDiagnostics(uri, (d) => !lost(d));
    c.settings.fsxMsync = 'auto';
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await c.waitForDiagnostics(uri, lost);
  });

  const bad: Array<[string, string, RegExp]> = [
    ['binary.trace', '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x03\x00>\x00', /binary/],
    ['empty.trace', '', /empty/],
    ['long.trace', 'x'.repeat(10 << 20), /not a trace in a known format/],
  ];
  for (const [name, text, message] of bad) {
    it(`${name}: one clear diagnostic, no crash`, async () => {
      const uri = `file:///work/${name}`;
      await c.open(uri, text, 'trace');
      const diags = await c.waitForDiagnostics(uri, (d) => d.length > 0, 20_000);
      assert.equal(diags.length, 1);
      assert.match(String(diags[0].message), message);
    });
  }

  it('the server is still serving after all that', async () => {
    const uri = 'file:///work/again.strace';
    await c.open(uri, read(sample('bug237588', 'mmap_pwrite.strace')));
    const diags = await c.waitForDiagnostics(uri, (d) => d.length === 1);
    assert.equal(diags[0].code, 'mmap-dirty-invalidated');
    assert.ok(!c.proc.killed && c.proc.exitCode === null);
  });

  it('Attach FUSE Log: the daemon log turns the possible loss into a definite one, with a related location in the log', async () => {
    const uri = pathToFileURL(sample('bug237588', 'mmap_odirect_pwrite.strace')).href;
    const logUri = pathToFileURL(sample('bug237588', 'mmap_odirect_pwrite.fuselog')).href;
    await c.open(uri, read(sample('bug237588', 'mmap_odirect_pwrite.strace')));
    let diags: Diagnostic[] = await c.waitForDiagnostics(uri, (d) => d.length === 1);
    assert.equal(diags[0].severity, 2);
    const res = await c.conn.sendRequest<{ requests: number; files: string[]; error?: string }>('cachereplay/attachFuseLog', { uri, logUri });
    assert.equal(res.error, undefined);
    assert.ok(res.requests > 0);
    assert.deepEqual(res.files, ['/file.bin']);
    diags = await c.waitForDiagnostics(uri, (d) => d.length === 1 && d[0].severity === 1);
    assert.ok(diags[0].relatedInformation?.some((r) => r.location.uri === logUri));
    await c.conn.sendRequest('cachereplay/attachFuseLog', { uri });
    await c.waitForDiagnostics(uri, (d) => d.length === 1 && d[0].severity === 2);
    const wrong = await c.conn.sendRequest<{ error?: string }>('cachereplay/attachFuseLog', { uri, logUri: pathToFileURL(sample('bug237588', 'mmap_odirect_pwrite.c')).href });
    assert.match(wrong.error ?? '', /FUSE/);
  });
});
