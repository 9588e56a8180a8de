// The names of open(2) flags and mmap(2) protections, as both emitters spell them (strace joins them with `|`,
// C with ` | `).
import type { OpenFlags, Prot } from '../events.js';

export function openFlagNames(f: OpenFlags): string[] {
  const out = [f.write ? (f.read ? 'O_RDWR' : 'O_WRONLY') : 'O_RDONLY'];
  if (f.creat) out.push('O_CREAT');
  if (f.trunc) out.push('O_TRUNC');
  if (f.append) out.push('O_APPEND');
  if (f.direct) out.push('O_DIRECT');
  if (f.directory) out.push('O_DIRECTORY');
  if (f.cloexec) out.push('O_CLOEXEC');
  return out;
}

export function protNames(p: Prot): string[] {
  const out = [p.read && 'PROT_READ', p.write && 'PROT_WRITE', p.exec && 'PROT_EXEC'].filter((x): x is string => typeof x === 'string');
  return out.length > 0 ? out : ['PROT_NONE'];
}
