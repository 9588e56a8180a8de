// Correlating a client trace with the FUSE daemon's log of the same run: the log is parsed and summarised into
// what it can prove about the files' pages (the kernel's write-backs, the requests the client's calls made, which
// files it saw released), and the client trace is replayed with that evidence (model/daemon-alignment.ts).
import { analyzeText, type Analysis } from './analyze.js';
import { evidenceOf, FuseSession, type DaemonEvidence } from './model/daemon.js';

export interface DaemonLog {
  evidence: DaemonEvidence;
  format: string | undefined;
  events: number;
  requests: number;
  error?: string;
}

/** What the analysed daemon log `a` (parsed as `fuse`, events kept) proves. */
export function daemonLogOf(a: Analysis, path: string): DaemonLog {
  const session = new FuseSession();
  let requests = 0;
  for (const ev of a.events) {
    if (ev.kind === 'fuse-request') {
      requests++;
      session.request(ev);
    } else if (ev.kind === 'fuse-reply') session.reply(ev);
  }
  return { evidence: evidenceOf(session, path), format: a.format, events: a.eventCount, requests, ...(a.error ? { error: a.error } : {}) };
}

export function readDaemonLog(text: string, path: string): DaemonLog {
  return daemonLogOf(analyzeText(text, { format: 'fuse', keepEvents: true, parseOnly: true, fileName: path }), path);
}
