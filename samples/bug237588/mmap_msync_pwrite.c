/*
 * mmap_msync_pwrite.c - safe variant of the bug 237588 reproduction.
 *
 * Same as mmap_pwrite.c, but the mmap stores are flushed with
 * msync(MS_SYNC) before the pwrite(2), so even a cache that invalidates
 * the page on write cannot lose them.
 *
 * Usage: mmap_msync_pwrite PATH   (prints nothing unless an error occurs)
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

	/* Dirty page 0 through the mapping... */
	memset(addr, 'M', PAGE);
	/* ...and flush it to the file before touching the page via the fd. */
	if (msync(addr, FILE_SIZE, MS_SYNC) < 0) die("msync");

	/* Write 100 bytes inside that (now clean) page through the fd. */
	memset(buf, 'W', sizeof(buf));
	if (pwrite(fd, buf, sizeof(buf), 1000) != (ssize_t)sizeof(buf))
		die("pwrite");

	if (munmap(addr, FILE_SIZE) < 0) die("munmap");
	if (close(fd) < 0) die("close");
	return 0;
}
