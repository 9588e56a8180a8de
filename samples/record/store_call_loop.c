/*
 * store_call_loop.c - stores and calls in a tight loop, to pin the order of a recording.
 *
 * Maps PAGES pages of the file MAP_SHARED, then for each page i: one store into page i (its first, so it takes a
 * write fault), then pwrite(2) of one byte at offset i of a second file (a marker call). In program order the
 * fault on page i comes after marker i - 1 and before marker i; a recording that interleaves faults and calls by
 * their clocks must keep that order. Marker writes go to MARKER, a file beside PATH.
 *
 * Usage: store_call_loop PATH MARKER
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGES 64
#define PAGE 4096

static void die(const char *what) { perror(what); exit(1); }

int main(int argc, char **argv)
{
	volatile char *addr;
	int fd, marker, i;
	char c = 'x';

	if (argc != 3) {
		fprintf(stderr, "usage: %s PATH MARKER\n", argv[0]);
		return 1;
	}
	fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) die("open");
	marker = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (marker < 0) die("open marker");
	if (ftruncate(fd, PAGES * PAGE) < 0) die("ftruncate");
	addr = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (addr == MAP_FAILED) die("mmap");
	for (i = 0; i < PAGES; i++) {
		addr[i * PAGE + 8] = 'S';
		if (pwrite(marker, &c, 1, i) != 1) die("pwrite");
	}
	if (munmap((void *)addr, PAGES * PAGE) < 0) die("munmap");
	close(marker);
	close(fd);
	return 0;
}
