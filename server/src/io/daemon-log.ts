// Reads a FUSE daemon's debug log from disk for correlation (`--fuse-log`, "Attach FUSE Log..."): plain or
// gzipped, as the traces themselves are read.
import { daemonLogOf, type DaemonLog } from '../engine/correlate.js';
import { analyzeFile, InputError } from './read-trace.js';

/**
 * The daemon log at `path`, summarised; an InputError when it cannot be read or is no daemon log. `name` is how
 * findings point into it (the editor gives a URI).
 */
export async function readDaemonLogFile(path: string, name = path): Promise<DaemonLog> {
  const a = await analyzeFile(path, { format: 'fuse', keepEvents: true, parseOnly: true, threads: 1 });
  const log = daemonLogOf(a, name);
  if (log.requests === 0) throw new InputError(`${path}: not a FUSE daemon log (no requests found)`);
  return log;
}
