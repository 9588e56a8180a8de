#!/usr/bin/env node
// Entry point of the `cachereplay` bin. Waits for stdout to drain so piped JSON is never cut short.
import { main } from './main.js';

// A reader that stops early (`| head`) closes the pipe: that ends the output, not in an error with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode ?? 0);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`cachereplay: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 2;
  },
);
