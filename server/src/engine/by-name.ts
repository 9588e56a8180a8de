// Tables looked up with names read from a trace (syscall names, FUSE opcodes, errno texts). A plain object
// literal inherits `constructor`, `toString`, `__proto__`...: a trace line naming one of those would find a
// function where a handler or a string was expected. These tables have no prototype.
export function byName<T>(entries: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}
