#!/bin/sh
# Records the programs of this folder and of samples/bug237588 with `cachereplay record` on a bindfs FUSE mount
# (as root, with strace, perf, bindfs and a C compiler: scripts/system-tools.mjs installs them): NAME.strace and
# NAME.faults for each, the fixtures of test/model/record.test.ts. Also `perf trace` of the bug 237588 program, a
# fixture of the perf parser. Run from anywhere; rewrites the files here.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/cachereplay-record.XXXXXX)
trap 'fusermount -u "$work/mnt" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/backing" "$work/mnt" "$work/bin"
bindfs -f "$work/backing" "$work/mnt" &
until mountpoint -q "$work/mnt"; do sleep 0.1; done
for c in "$root"/samples/bug237588/mmap_pwrite.c "$root"/samples/bug237588/mmap_nostore_pwrite.c \
         "$root"/samples/bug237588/mmap_msync_store_odirect.c "$root"/samples/bug237588/mmap_fork_pwrite.c \
         "$here"/mmap_thread_pwrite.c "$here"/store_call_loop.c; do
  name=$(basename "$c" .c)
  cc -Wall -Werror -O1 -pthread -o "$work/bin/$name" "$c"
done
cd "$work"
for name in mmap_pwrite mmap_nostore_pwrite mmap_msync_store_odirect mmap_fork_pwrite mmap_thread_pwrite; do
  node "$root/server/out/cli.cjs" record --fail-on never -o "$name" -- "bin/$name" mnt/file.bin > /dev/null
done
node "$root/server/out/cli.cjs" record --fail-on never -o store_call_loop -- bin/store_call_loop mnt/file.bin mnt/marker.bin > /dev/null
perf trace -o mmap_pwrite.perftrace -e openat,mmap,pwrite64,msync,munmap,close,ftruncate -e exceptions:page_fault_user --filter 'error_code & 2' -- bin/mmap_pwrite mnt/file.bin
# The paths of the run, the same on every machine.
for f in *.strace *.faults *.perftrace; do sed -i "s#$work#/tmp/cachereplay-record#g" "$f"; cp "$f" "$here/"; done
