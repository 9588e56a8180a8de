// "Analyze Trace File..." on what is no plain file: a FIFO with no writer is an answer with an error, not a request
// that never ends; a FIFO with one is read as it comes.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { sample, tempDir } from '../helpers.js';
import { startClient } from './lsp-client.js';

describe('Analyze Trace File on a FIFO', () => {
  const dir = tempDir('lsp-fifo');
  it('without a writer: an error within the wait; with one: its findings', async () => {
    const fifo = join(dir, 'trace.fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const c = await startClient({ pull: false, settings: { kernel: 'freebsd-2019' }, env: { CACHEREPLAY_FIFO_WAIT_MS: '300' } });
    try {
      const t0 = Date.now();
      const res = await c.conn.sendRequest<{ error?: string }>('cachereplay/analyzeFile', { uri: pathToFileURL(fifo).href });
      assert.match(res.error ?? '', /no process wrote to it within 0\.3 s/);
      assert.ok(Date.now() - t0 < 5000);
      const writer = spawn('sh', ['-c', `sleep 0.1; cat "${sample('bug237588', 'mmap_pwrite.strace')}" > "${fifo}"`]);
      const written = new Promise((r) => writer.on('close', r));
      const ok = await c.conn.sendRequest<{ error?: string; counts: { warning: number } }>('cachereplay/analyzeFile', { uri: pathToFileURL(fifo).href });
      await written;
      assert.equal(ok.error, undefined);
      assert.equal(ok.counts.warning, 1);
    } finally {
      await c.close();
    }
  });
});
