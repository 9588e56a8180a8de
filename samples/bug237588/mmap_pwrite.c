/*
 * mmap_pwrite.c - reproduction of FreeBSD bug 237588.
 *
 * A process stores into a page of a MAP_SHARED mapping and, before any
 * msync(2), pwrite(2)s a few bytes into the same page through the fd.
 * In fusefs's old "write-around" mode the write invalidated the cached
 * page, discarding the not-yet-flushed mmap stores: every byte of page 0
 * not covered by the pwrite (here all but [1000, 1100)) was lost.
 *
 * Usage: mmap_pwrite PATH   (prints nothing unless an error occurs)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define FILE_SIZE 8192
#define PAGE 4096

static void die(const char *what) { perror(what); exit(1); }

int main(int argc, char **argv)
{
	char buf[100];
	char *addr;
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

	/* Write 100 bytes inside that dirty page through the fd. */
	memset(buf, 'W', sizeof(buf));
	if (pwrite(fd, buf, sizeof(buf), 1000) != (ssize_t)sizeof(buf))
		die("pwrite");

	/* Expected file content: 'M' x 1000, 'W' x 100, 'M' x 2996, 0 x 4096. */
	if (munmap(addr, FILE_SIZE) < 0) die("munmap");
	if (close(fd) < 0) die("close");
	return 0;
}
