// The parsing thread of analyzeInTwoThreads: parseInBatches over the thread's port, never more than
// BATCHES_AHEAD batches ahead of the replay. The replaying thread counts the batches it has taken in shared memory
// (no message): this thread reads how far ahead it is at any moment, even in the middle of a blocking read.
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from './input-errors.js';
import { BATCHES_AHEAD, parseInBatches, type FromParser, type WorkerJob } from './parse-batches.js';

if (parentPort) {
  const port = parentPort;
  const job = workerData as WorkerJob;
  const taken = new Int32Array(job.taken);
  let sent = 0;
  const send = (m: FromParser): void => {
    if (m.type !== 'batch') {
      port.postMessage(m);
      return;
    }
    sent++;
    port.postMessage(m, [m.batch.slots.buffer as ArrayBuffer]);
  };
  const between = (): void => {
    for (;;) {
      const t = Atomics.load(taken, 0);
      if (sent - t < BATCHES_AHEAD) return;
      // Woken when the replay takes a batch; the timeout only bounds a wait that a lost wake-up would prolong.
      Atomics.wait(taken, 0, t, 1000);
    }
  };
  // Every one-line call's event is left to the replaying thread. Building them here while it was behind (two
  // batches waiting) took 1.12 and 1.18 of the time once the replay ran in runs (10 and 8 interleaved pairs).
  parseInBatches(job, send, between).catch((e: unknown) => {
    port.postMessage({ type: 'error', input: e instanceof InputError, message: e instanceof Error ? e.message : String(e) } satisfies FromParser);
  });
}
