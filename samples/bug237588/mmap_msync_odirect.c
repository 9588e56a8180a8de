/*
 * mmap_msync_odirect.c - the twin of mmap_msync_store_odirect without the store after the msync.
 *
 * A process stores into page 0 of a 64 KiB MAP_SHARED mapping, msync(2)s it (MS_SYNC), then turns on O_DIRECT
 * (fcntl F_SETFL) and pwrite(2)s the first 512 bytes of the file. Nothing is dirty when FreeBSD drops the block,
 * so nothing is lost anywhere. From strace alone the tool cannot tell this program from its twin; the daemon's
 * log can: page 0 is not written back again after the msync.
 *
 * Usage: mmap_msync_odirect PATH   (prints nothing unless an error occurs)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define FILE_SIZE 65536
#define PAGE 4096

static void die(const char *what) { perror(what); exit(1); }

int main(int argc, char **argv)
{
	char *addr, *buf;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH\n", argv[0]);
		return 1;
	}
	fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) die("open");
	if (ftruncate(fd, FILE_SIZE) < 0) die("ftruncate");
	addr = mmap(NULL, FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (addr == MAP_FAILED) die("mmap");

	memset(addr, 'M', PAGE);
	if (msync(addr, FILE_SIZE, MS_SYNC) < 0) die("msync");

	if (posix_memalign((void **)&buf, PAGE, PAGE) != 0) die("posix_memalign");
	memset(buf, 'D', 512);
	if (fcntl(fd, F_SETFL, O_DIRECT) < 0) die("fcntl");
	if (pwrite(fd, buf, 512, 0) != 512) die("pwrite");

	/* Expected file content: 'D' x 512, 'M' x 3584, 0 x 61440. */
	if (munmap(addr, FILE_SIZE) < 0) die("munmap");
	if (close(fd) < 0) die("close");
	free(buf);
	return 0;
}
