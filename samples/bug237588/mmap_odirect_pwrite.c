/*
 * mmap_odirect_pwrite.c - the O_DIRECT member of the bug 237588 family, still open in current FreeBSD.
 *
 * A process stores into page 0 of a 64 KiB MAP_SHARED mapping and, before any msync(2), turns on O_DIRECT
 * (fcntl F_SETFL) and pwrite(2)s the first 512 bytes of the file. FreeBSD's direct write path
 * (fuse_inval_buf_range) drops the whole 64 KiB block before the WRITE, mmap-dirty page 0 included, unless the
 * block was wholly cached: bytes [512, 4096) are lost. Linux writes the dirty pages of the range back before a
 * direct write (kiocb_invalidate_pages): nothing is lost, and the daemon's log shows page 0 written back before
 * the WRITE, which makes the FreeBSD loss definite.
 *
 * Usage: mmap_odirect_pwrite PATH   (prints nothing unless an error occurs)
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

	/* Dirty page 0 through the mapping. Deliberately NO msync(2). */
	memset(addr, 'M', PAGE);

	/* A direct write of the first 512 bytes, in the same page. */
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
