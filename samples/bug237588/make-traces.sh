#!/usr/bin/env bash
# make-traces.sh - regenerate the bug 237588 sample traces on a real FUSE mount.
#
# For each program NAME in this directory it writes, next to this script:
#   NAME.strace   strace -f -tt -T -y output of "./NAME /tmp/cachereplay-mnt/file.bin"
#   NAME.fuselog  stderr of the bindfs daemon (bindfs -d -f) serving that run
# One bindfs instance is started per program, so each .fuselog holds one run.
# Needs: gcc, strace, bindfs, fusermount, mountpoint, flock, /dev/fuse.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=/tmp/cachereplay-src          # backing directory (bindfs source)
MNT=/tmp/cachereplay-mnt          # FUSE mount point (stable path: tidy traces)
PROGS=(mmap_pwrite mmap_msync_pwrite mmap_fork_pwrite mmap_nostore_pwrite mmap_odirect_pwrite mmap_msync_store_odirect mmap_msync_odirect)
# ./make-traces.sh [PROG...]: regenerate only these (tests quote lines and addresses of the existing traces)
if [ $# -gt 0 ]; then PROGS=("$@"); fi
BUILD=/tmp/cachereplay-build      # compiled programs (stable path: tidy traces)
FS_PID=

# One cachereplay trace script at a time (they share the paths above).
exec 9> /tmp/cachereplay-traces.lock
flock -n 9 || { echo "error: another cachereplay trace script is running" >&2; exit 1; }
if mountpoint -q "$MNT" 2>/dev/null; then
	echo "error: $MNT is already a mount point" >&2
	exit 1
fi
rm -rf "$BUILD"
mkdir -p "$BUILD"

unmount() {
	if mountpoint -q "$MNT" 2>/dev/null; then
		fusermount -u "$MNT" 2>/dev/null || fusermount -uz "$MNT" || true
	fi
	if [[ -n $FS_PID ]]; then
		# bindfs exits by itself once unmounted; give it a moment.
		for _ in $(seq 50); do kill -0 "$FS_PID" 2>/dev/null || break; sleep 0.1; done
		kill "$FS_PID" 2>/dev/null || true
		wait "$FS_PID" 2>/dev/null || true
		FS_PID=
	fi
}
cleanup() {
	unmount
	rm -rf "$BUILD"
	if ! mountpoint -q "$MNT" 2>/dev/null; then rm -rf "$SRC"; rmdir "$MNT" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mount_fs() { # $1 = debug log file
	mkdir -p "$SRC" "$MNT"
	find "$SRC" -mindepth 1 -delete     # fresh backing dir, touched directly
	bindfs -d -f "$SRC" "$MNT" 2> "$1" &
	FS_PID=$!
	for _ in $(seq 100); do
		mountpoint -q "$MNT" && return 0
		kill -0 "$FS_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "error: bindfs did not come up; see $1" >&2
	exit 1
}

# Expected final content: 'M' x 1000, 'W' x 100, 'M' x 2996, NUL x 4096 (without the store: NUL for the Ms);
# the O_DIRECT programs, 64 KiB: 'D' x 512, then page 0's stores ('S' at 1000 for the one that stores again).
expected() {
	case "$1" in
	mmap_odirect_pwrite|mmap_msync_store_odirect|mmap_msync_odirect)
		head -c 512 /dev/zero | tr '\0' D
		if [ "$1" = mmap_msync_store_odirect ]; then
			head -c 488 /dev/zero | tr '\0' M; head -c 100 /dev/zero | tr '\0' S; head -c 2996 /dev/zero | tr '\0' M
		else head -c 3584 /dev/zero | tr '\0' M; fi
		head -c 61440 /dev/zero
		return ;;
	esac
	local fill=M
	if [ "$1" = mmap_nostore_pwrite ]; then fill='\0'; fi
	head -c 1000 /dev/zero | tr '\0' "$fill"
	head -c 100 /dev/zero | tr '\0' W
	head -c 2996 /dev/zero | tr '\0' "$fill"
	head -c 4096 /dev/zero
}

for p in "${PROGS[@]}"; do
	gcc -Wall -Wextra -O2 -o "$BUILD/$p" "$HERE/$p.c"
done

cd "$BUILD"
for p in "${PROGS[@]}"; do
	rm -f "$HERE/$p.strace" "$HERE/$p.fuselog"
	mount_fs "$HERE/$p.fuselog"
	strace -f -tt -T -y -o "$HERE/$p.strace" "./$p" "$MNT/file.bin"
	unmount
	expected "$p" > "$BUILD/expected.bin"
	if cmp -s "$SRC/file.bin" "$BUILD/expected.bin"; then
		echo "$p: traced; file content intact"
	else
		echo "$p: traced; file content DIFFERS from expected (data loss?)"
	fi
done

# The multi-process program once more with strace -ff: one file per process (ff/NAME.PID), which
# `cachereplay check --merge` replays as one run. Each file alone shows no hazard: the mapping and its stores
# are in the parent's file, the pwrite in the child's.
for p in "${PROGS[@]}"; do
	[ "$p" = mmap_fork_pwrite ] || continue
	mkdir -p "$HERE/ff"
	rm -f "$HERE/ff/$p".*
	mount_fs "$HERE/ff/$p.fuselog"
	strace -ff -tt -T -y -o "$HERE/ff/$p" "./$p" "$MNT/file.bin"
	unmount
	echo "$p: traced with -ff: $(cd "$HERE/ff" && ls "$p".[0-9]* | tr '\n' ' ')"
done
