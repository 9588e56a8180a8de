/*
 * mmap_nostore_pwrite.c - the shape of bug 237588 without the store.
 *
 * Like mmap_pwrite.c, but nothing is stored through the writable shared
 * mapping. strace cannot tell the two apart (stores are not syscalls), so
 * both traces give a *possible* loss; the daemon's log of this run shows no
 * write-back of the mapped pages, which clears it when the two are
 * correlated (cachereplay check --fuse-log).
 *
 * Usage: mmap_nostore_pwrite PATH   (prints nothing unless an error occurs)
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

	/* The mapping is made writable and shared, but nothing is stored through it. */
	(void)addr;

	/* Write 100 bytes inside that dirty page through the fd. */
	memset(buf, 'W', sizeof(buf));
	if (pwrite(fd, buf, sizeof(buf), 1000) != (ssize_t)sizeof(buf))
		die("pwrite");

	/* Expected file content: 0 x 1000, 'W' x 100, 0 x 7092. */
	if (munmap(addr, FILE_SIZE) < 0) die("munmap");
	if (close(fd) < 0) die("close");
	return 0;
}
