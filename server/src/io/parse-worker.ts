// The parsing thread of analyzeInTwoThreads: parseInBatches over the thread's port, never more than
// BATCHES_AHEAD batches ahead of the replay (each batch replayed is acknowledged).
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from './input-errors.js';
import { parseInBatches, type ParseJob } from './parse-batches.js';
import { BATCHES_AHEAD, type FromParser } from './two-threads.js';

if (parentPort) {
  const port = parentPort;
  let ahead = 0;
  let acked: (() => void) | undefined;
  port.on('message', () => {
    ahead--;
    acked?.();
    acked = undefined;
  });
  const send = (m: FromParser): void => {
    if (m.type !== 'batch') {
      port.postMessage(m);
      return;
    }
    ahead++;
    port.postMessage(m, [m.batch.slots.buffer as ArrayBuffer]);
  };
  const between = async (): Promise<void> => {
    while (ahead >= BATCHES_AHEAD) await new Promise<void>((resolve) => (acked = resolve));
  };
  parseInBatches(workerData as ParseJob, send, between).catch((e: unknown) => {
    port.postMessage({ type: 'error', input: e instanceof InputError, message: e instanceof Error ? e.message : String(e) } satisfies FromParser);
  });
}
