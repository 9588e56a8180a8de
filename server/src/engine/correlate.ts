// Correlating a client trace with the FUSE daemon's log of the same run: the log is parsed and summarised into
// what it proves about the files' pages (written back by the kernel, or released without write-back), and the
// client trace is replayed with that evidence (see Replay.correlatedStores).
import { analyzeText } from './analyze.js';
import { evidenceOf, FuseSession, type DaemonEvidence } from './model/daemon.js';

export interface DaemonLog {
  evidence: DaemonEvidence;
  format: string | undefined;
  events: number;
  requests: number;
  error?: string;
}

export function readDaemonLog(text: string, path: string): DaemonLog {
  const a = analyzeText(text, { format: 'fuse', keepEvents: true, fileName: path });
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
