// Helpers for line-oriented trace text: chunking, line starts, escapes. Shared by every format.

/** Offsets where the lines of `text` start (a newline at the very end does not start another line). */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0 && i + 1 < text.length; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The line (index into `starts`, the ascending offsets where lines start) that holds `offset`. */
export function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** The line breaks (`\n`) in `text`. */
export function countLineBreaks(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** strace --color=always and terminal captures embed SGR sequences; they carry no trace data. */
export function stripAnsi(text: string): string {
  return text.indexOf('\x1b') < 0 ? text : text.replace(ANSI, '');
}

/**
 * Decodes a C-style quoted string body (strace, dtruss %S): \n \t \r \v \f \a \b \\ \" \' , octal (up to 3 digits)
 * and \xNN. Returns the decoded text with bytes as UTF-16 code units (0-255), which is what paths need.
 */
export function decodeCString(body: string): string {
  if (body.indexOf('\\') < 0) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const n = body[++i];
    switch (n) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'v': out += '\v'; break;
      case 'f': out += '\f'; break;
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'x': {
        const m = /^[0-9a-fA-F]{1,2}/.exec(body.slice(i + 1, i + 3));
        if (m) {
          out += String.fromCharCode(parseInt(m[0], 16));
          i += m[0].length;
        } else out += 'x';
        break;
      }
      default:
        if (n >= '0' && n <= '7') {
          let j = i;
          let v = 0;
          while (j < body.length && j < i + 3 && body[j] >= '0' && body[j] <= '7') v = v * 8 + (body.charCodeAt(j++) - 48);
          out += String.fromCharCode(v & 0xff);
          i = j - 1;
        } else out += n;
    }
  }
  return out;
}

/** True when the text looks binary (NUL bytes or many control characters in its first KiB). */
export function looksBinary(sample: string): boolean {
  const n = Math.min(sample.length, 1024);
  if (n === 0) return false;
  let ctl = 0;
  for (let i = 0; i < n; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0) return true;
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 27 && c !== 12) || c === 0xfffd) ctl++;
  }
  return ctl / n > 0.1;
}

const ENCODER = new TextEncoder();

/**
 * `text` as UTF-8 bytes when each character is one byte (ASCII, as traces are), for a parser that scans bytes
 * (TraceReader.push); undefined for any other text. Encoding is native and far cheaper than the scan it speeds up.
 */
export function asciiBytes(text: string): Uint8Array | undefined {
  const bytes = ENCODER.encode(text);
  return bytes.length === text.length ? bytes : undefined;
}
