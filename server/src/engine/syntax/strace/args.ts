// Decoding of individual strace arguments. Only the arguments the model needs are decoded, and the decodings
// that repeat (flag sets, fd decorations) are cached.
import { detach } from '../../detach.js';
import { decodeCString } from '../text.js';
import { decimalIn, decorationIn, skipString } from './scan.js';

export const AT_FDCWD = -100;

/** Strips `name=` of -N/--arg-names and `/* comment *\/` tails of -X verbose. */
function bare(arg: string): string {
  let s = arg;
  const c0 = s.charCodeAt(0);
  // Only a lowercase identifier can be an argument name; numbers, strings and flags skip the check.
  if ((c0 >= 97 && c0 <= 122) || c0 === 95) {
    const eq = s.indexOf('=');
    if (eq > 0 && /^[a-z_][a-z0-9_]*=(?!>)/.test(s)) s = s.slice(eq + 1);
  }
  const c = s.indexOf('/*');
  if (c >= 0) s = s.slice(0, c).trim();
  return s;
}

/** Plain decimal digits, optionally followed by an fd decoration: the common case, read without regexes. */
function fastDecimal(s: string): number | undefined {
  return decimalIn(s, 0, s.length);
}

/** An integer argument: decimal, hex, octal (leading 0), `-1`, `AT_FDCWD`, `NULL`, a decorated fd `3</x>`, `[5]`. */
export function argInt(arg: string | undefined): number | undefined {
  if (arg === undefined) return undefined;
  const fast = fastDecimal(arg);
  if (fast !== undefined) return fast;
  let s = bare(arg);
  if (s.length === 0) return undefined;
  const c0 = s.charCodeAt(0);
  if (c0 === 91 /* [ */) {
    const inner = s.slice(1, s.indexOf(']') < 0 ? undefined : s.indexOf(']'));
    const arrow = inner.indexOf('=>');
    s = (arrow >= 0 ? inner.slice(0, arrow) : inner).trim();
  }
  if (s === 'AT_FDCWD' || s.startsWith('AT_FDCWD<')) return AT_FDCWD;
  if (s === 'NULL') return 0;
  const lt = s.indexOf('<');
  if (lt > 0) s = s.slice(0, lt);
  return parseNumber(s);
}

export function parseNumber(s: string): number | undefined {
  if (s.length === 0) return undefined;
  const fast = fastDecimal(s);
  if (fast !== undefined) return fast;
  let neg = false;
  let t = s;
  if (t.charCodeAt(0) === 45) {
    neg = true;
    t = t.slice(1);
  }
  let v: number;
  if (t.length > 2 && t.charCodeAt(0) === 48 && (t.charCodeAt(1) | 32) === 120) {
    if (!/^0[xX][0-9a-fA-F]+$/.test(t)) return undefined;
    v = parseInt(t.slice(2), 16);
  } else if (t.length > 1 && t.charCodeAt(0) === 48) {
    if (!/^0[0-7]+$/.test(t)) return undefined;
    v = parseInt(t, 8);
  } else {
    if (!/^\d+$/.test(t)) return undefined;
    v = Number(t);
  }
  return neg ? -v : v;
}

/** The path of an fd decoration (`3</tmp/x>` → `/tmp/x`), undefined when the arg has none. */
export function argDecoration(arg: string | undefined): string | undefined {
  return arg === undefined ? undefined : decorationIn(arg, 0, arg.length);
}

/** A quoted string argument, decoded; `truncated` when strace cut it (`"..."...`). */
export function argString(arg: string | undefined): { value: string; truncated: boolean } | undefined {
  if (arg === undefined) return undefined;
  const s = bare(arg);
  if (s.charCodeAt(0) !== 34) return undefined;
  const end = skipString(s, 0);
  return { value: decodeCString(s.slice(1, end - 1)), truncated: s.startsWith('...', end) };
}

const flagCache = new Map<string, ReadonlySet<string>>();

/** A flag set like `O_RDWR|O_CREAT|O_CLOEXEC` (or `0x3 /* PROT_READ|PROT_WRITE *\/` with -X verbose). */
export function argFlags(arg: string | undefined): ReadonlySet<string> {
  if (arg === undefined) return EMPTY;
  let set = flagCache.get(arg);
  if (set === undefined) {
    let s = arg;
    const eq = s.indexOf('=');
    if (eq > 0 && /^[a-z_][a-z0-9_]*=/.test(s)) s = s.slice(eq + 1);
    const comment = /\/\*\s*([^*]*)\*\//.exec(s);
    const names = comment ? comment[1].trim() : s;
    set = new Set(names.split('|').map((p) => p.trim()).filter((p) => p.length > 0));
    if (flagCache.size > 10_000) flagCache.clear();
    flagCache.set(detach(arg), set);
  }
  return set;
}

const EMPTY: ReadonlySet<string> = new Set();

/** Numeric fallbacks for `-X raw` traces (Linux x86_64 values). */
export const LINUX_FLAG_BITS: Record<string, Record<string, number>> = {
  open: { O_WRONLY: 0o1, O_RDWR: 0o2, O_CREAT: 0o100, O_TRUNC: 0o1000, O_APPEND: 0o2000, O_DIRECT: 0o40000, O_DIRECTORY: 0o200000, O_CLOEXEC: 0o2000000 },
  prot: { PROT_READ: 1, PROT_WRITE: 2, PROT_EXEC: 4 },
  map: { MAP_SHARED: 1, MAP_PRIVATE: 2, MAP_FIXED: 0x10, MAP_ANONYMOUS: 0x20 },
  msync: { MS_ASYNC: 1, MS_INVALIDATE: 2, MS_SYNC: 4 },
  clone: { CLONE_VM: 0x100, CLONE_FS: 0x200, CLONE_FILES: 0x400, CLONE_VFORK: 0x4000, CLONE_THREAD: 0x10000 },
};

/** Flag names from either symbolic text or a raw number (decoded with `table`). */
export function flagsOf(arg: string | undefined, table: Record<string, number>): ReadonlySet<string> {
  const set = argFlags(arg);
  if (set.size !== 1) return set;
  const only = [...set][0];
  const n = parseNumber(only);
  if (n === undefined) return set;
  const names = new Set<string>();
  for (const [name, bit] of Object.entries(table)) if ((n & bit) === bit && bit !== 0) names.add(name);
  return names;
}

/** Finds `key=value` inside a struct or named-argument list (`{flags=CLONE_VM|..., ...}`, `flags=...`). */
const fieldPatterns = new Map<string, RegExp>();

export function fieldOf(text: string | undefined, key: string): string | undefined {
  if (text === undefined) return undefined;
  let re = fieldPatterns.get(key);
  if (re === undefined) {
    re = new RegExp(`(?:^|[{,\\s])${key}=`);
    fieldPatterns.set(key, re);
  }
  const m = re.exec(text);
  if (!m) return undefined;
  let i = m.index + m[0].length;
  const start = i;
  let depth = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = skipString(text, i);
      continue;
    }
    if (c === 123 || c === 91 || c === 40) depth++;
    else if (c === 125 || c === 93 || c === 41) {
      if (depth === 0) break;
      depth--;
    } else if (c === 44 && depth === 0) break;
    i++;
  }
  return text.slice(start, i).trim();
}
