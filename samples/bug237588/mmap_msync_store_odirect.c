/*
 * mmap_msync_store_odirect.c - stores after an msync are as exposed as stores before the first one.
 *
 * A process stores into page 0 of a 64 KiB MAP_SHARED mapping, msync(2)s it (MS_SYNC), stores 100 bytes at 1000
 * again, then turns on O_DIRECT (fcntl F_SETFL) and pwrite(2)s the first 512 bytes of the file. The second store
 * is dirty when FreeBSD's direct write path (fuse_inval_buf_range) drops the 64 KiB block: bytes [1000, 1100) are
 * lost. Linux writes the range's dirty pages back before a direct write (kiocb_invalidate_pages): nothing is lost,
 * and the daemon's log shows page 0 written back a second time, after the msync and before the WRITE.
 *
 * Usage: mmap_msync_store_odirect PATH   (prints nothing unless an error occurs)
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
	/* Stored again after the msync: the page is dirty again. */
	memset(addr + 1000, 'S', 100);

	if (posix_memalign((void **)&buf, PAGE, PAGE) != 0) die("posix_memalign");
	memset(buf, 'D', 512);
	if (fcntl(fd, F_SETFL, O_DIRECT) < 0) die("fcntl");
	if (pwrite(fd, buf, 512, 0) != 512) die("pwrite");

	/* Expected file content: 'D' x 512, 'M' x 488, 'S' x 100, 'M' x 2996, 0 x 61440. */
	if (munmap(addr, FILE_SIZE) < 0) die("munmap");
	if (close(fd) < 0) die("close");
	free(buf);
	return 0;
}
