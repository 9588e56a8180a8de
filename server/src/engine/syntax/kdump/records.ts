// Field readers for kdump record lines: the header (pid, thread id, time stamps) and the RET result.
import { errnoName } from './bsd.js';

export interface HeaderFields {
  pid: number;
  tid: number | undefined;
  /** The first time stamp (-T absolute, -E elapsed or -R relative, whichever comes first). */
  time: number | undefined;
  /** OpenBSD `pid/tid` form. */
  slashTid: boolean;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Reads `%6d [%6d] %-8.*s [stamp ]...` (FreeBSD -H and NetBSD print the thread/LWP id as a second right-aligned
 * 6-wide column; OpenBSD -H prints `pid/tid`). `h` runs from the line start to the record type.
 */
export function parseHeader(h: string, out: HeaderFields): void {
  let i = 0;
  const n = h.length;
  while (h.charCodeAt(i) === 32) i++;
  let pid = 0;
  while (i < n && isDigit(h.charCodeAt(i))) pid = pid * 10 + (h.charCodeAt(i++) - 48);
  out.pid = pid;
  out.tid = undefined;
  out.slashTid = false;
  out.time = undefined;
  if (h.charCodeAt(i) === 47) {
    i++;
    let tid = 0;
    while (i < n && isDigit(h.charCodeAt(i))) tid = tid * 10 + (h.charCodeAt(i++) - 48);
    out.tid = tid;
    out.slashTid = true;
  } else {
    // A second number column right-aligned in 6 (or wider without padding), followed by a command name.
    const j = i + 1;
    let k = j;
    while (h.charCodeAt(k) === 32) k++;
    const s = k - j;
    const d0 = k;
    let tid = 0;
    while (k < n && isDigit(h.charCodeAt(k))) tid = tid * 10 + (h.charCodeAt(k++) - 48);
    const d = k - d0;
    if (d > 0 && h.charCodeAt(k) === 32 && (s + d === 6 || (s === 0 && d > 6))) {
      let m = k + 1;
      while (m < n && h.charCodeAt(m) === 32) m++;
      if (m < n) out.tid = tid;
    }
  }
  // Stamps, right to left: " -?\d+\.\d+" tokens just before the type.
  let e = n;
  while (e > 0 && h.charCodeAt(e - 1) === 32) e--;
  let first: number | undefined;
  for (let count = 0; count < 3; count++) {
    let b = e;
    while (b > 0) {
      const c = h.charCodeAt(b - 1);
      if (isDigit(c) || c === 46 || c === 45) b--;
      else break;
    }
    if (b === e || h.charCodeAt(b - 1) !== 32) break;
    const tok = h.slice(b, e);
    const dot = tok.indexOf('.');
    if (dot <= 0 || dot === tok.length - 1 || tok.indexOf('.', dot + 1) >= 0 || tok.lastIndexOf('-') > 0) break;
    first = Number(tok);
    e = b;
    while (e > 0 && h.charCodeAt(e - 1) === 32) e--;
  }
  out.time = first;
}

export interface RetFields {
  ret: number | undefined;
  ok: boolean;
  errno: string | undefined;
}

/**
 * The result of a RET line after the syscall name: `3`, `100/0x64`, `34365181952/0x800531000`, `0x400` (-n),
 * `-1 errno 2 No such file or directory`, `-1 errno 2` (-n), NetBSD `-1 unknown errno 2`, `RESTART`,
 * `JUSTRETURN`, NetBSD's second value `0, 1`. Returns false when it is none of these.
 */
export function parseRet(s: string, out: RetFields): boolean {
  out.ret = undefined;
  out.errno = undefined;
  out.ok = true;
  if (s.startsWith('-1 errno ') || s.startsWith('-1 unknown errno ')) {
    const at = s.indexOf('errno ') + 6;
    let i = at;
    let n = 0;
    const neg = s.charCodeAt(i) === 45;
    if (neg) i++;
    const d0 = i;
    while (i < s.length && isDigit(s.charCodeAt(i))) n = n * 10 + (s.charCodeAt(i++) - 48);
    if (i === d0) return false;
    out.ok = false;
    out.ret = -1;
    const text = s.startsWith('-1 unknown') ? undefined : s.slice(i).trim();
    out.errno = errnoName(neg ? -n : n, text);
    return true;
  }
  if (s === 'JUSTRETURN') return true;
  if (s === 'RESTART') {
    out.ok = false;
    out.errno = 'ERESTART';
    return true;
  }
  let i = 0;
  const n = s.length;
  if (s.charCodeAt(0) === 48 && (s.charCodeAt(1) | 32) === 120) {
    i = 2;
    while (i < n && /[0-9a-fA-F]/.test(s[i])) i++;
    if (i === 2) return false;
    const digits = s.slice(2, i);
    out.ret = digits.length === 16 && parseInt(digits[0], 16) >= 8 ? Number(BigInt.asIntN(64, BigInt(`0x${digits}`))) : parseInt(digits, 16);
  } else {
    const neg = s.charCodeAt(0) === 45;
    if (neg) i = 1;
    const d0 = i;
    let v = 0;
    while (i < n && isDigit(s.charCodeAt(i))) v = v * 10 + (s.charCodeAt(i++) - 48);
    if (i === d0) return false;
    out.ret = neg ? -v : v;
    if (s.charCodeAt(i) === 47) {
      // "/0x..." repeats the value in hex; it is not checked.
      i++;
      while (i < n && s.charCodeAt(i) !== 32 && s.charCodeAt(i) !== 44) i++;
    }
  }
  // NetBSD prints a second return value after ", ".
  return i === n || s.charCodeAt(i) === 44 || s.slice(i).trim().length === 0;
}
