// The BSD-family formats for the format registry (formats.ts): how kdump, dtruss and plain dtrace output is
// recognised from its first lines, and their parsers.

export { KdumpParser } from './kdump-parser.js';
export { DtrussParser } from '../dtrace/dtruss-parser.js';
export { PlainDtraceParser } from '../dtrace/plain.js';

/** A kdump record line: pid [tid] comm [stamps] TYPE + two spaces, or an "Events dropped." line. */
export const KDUMP_DETECT_LINE =
  /^ *\d+(?:\/\d+)? +(?:\d+ +)?\S.*? (?:-?\d+\.\d+ +){0,3}(?:CALL|RET|NAMI|GIO|PSIG|CSW|USER|STRU|SCTL|CAP|PFLT|PRET|EMUL|ARGS|ENV|PLDG|STRT|PINS|MISC|MMSG|MOOL|ARG|SAU|MIB|UNKNOWN\(\d+\)) {2}|^ *\d+(?: +\d+)? +\S.* Events dropped\.\s*$/;
/** GIO data and STRU array continuation lines, comments. */
export const KDUMP_DETECT_NEUTRAL = /^(?:\t| {6,}|#|\s*$)/;

/** The dtruss header, or a call line ending in `= RET 0` / `= RET Err#N` (after `\t\t` or spaces). */
export const DTRUSS_DETECT_LINE = /SYSCALL\(args\)|\)[ \t]*= (?:-?\d+|0x[0-9A-Fa-f]+) (?:0|Err#-?\d+)\s*$/;
/** dtruss output is interleaved with program output and dtrace messages: any line without a `) = ` result. */
export const DTRUSS_DETECT_NEUTRAL = /^(?!.*\)\s*=\s)/;

/** `CPU     ID                    FUNCTION:NAME`, `  0     14        openat:entry ...`, -F `  0  -> read`. */
export const DTRACE_DETECT_LINE = /^\s*CPU\s+(?:ID\s+)?FUNCTION(?::NAME)?\s*$|^ *\d{1,3} +\d+ +\S*:\S*(?: |$)|^ *\d{1,3} +(?:->|<-) +\S/;
/** dtrace messages, aggregation rows, ^C, comments. */
export const DTRACE_DETECT_NEUTRAL = /^(?:dtrace: |#|\^C|\[\.\.\.|\s*$)|^ +\S+(?: \S+)* +-?\d+\s*$/;
