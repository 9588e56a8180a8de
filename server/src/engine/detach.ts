// V8 keeps a whole string alive while any substring cut from it lives (a "sliced string"). Parsers cut names and
// paths out of 1 MiB chunks; anything kept past the chunk (the replay's paths, module-level caches) must be a copy,
// or a streamed trace stays in memory in full.

/** A copy of `s` that shares no storage with the text it was cut from. */
export function detach(s: string): string {
  // The concatenation is flattened into a new string by slice(), which then refers to that copy.
  return ` ${s}`.slice(1);
}
