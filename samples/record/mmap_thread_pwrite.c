/*
 * mmap_thread_pwrite.c - bug 237588 with the store made by another thread.
 *
 * The main thread maps the file MAP_SHARED; a second thread fills page 0 through the mapping (no msync) and
 * exits; the main thread then pwrite(2)s 100 bytes at offset 1000. The store is the second thread's write
 * fault, so a recording must tie a fault of one thread to the mapping of the process.
 *
 * Usage: mmap_thread_pwrite PATH
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define FILE_SIZE 8192
#define PAGE 4096

static char *addr;

static void die(const char *what) { perror(what); exit(1); }

static void *store(void *arg)
{
	(void)arg;
	memset(addr, 'M', PAGE);
	return NULL;
}

int main(int argc, char **argv)
{
	char buf[100];
	pthread_t t;
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
	if (pthread_create(&t, NULL, store, NULL) != 0) die("pthread_create");
	if (pthread_join(t, NULL) != 0) die("pthread_join");
	memset(buf, 'W', sizeof(buf));
	if (pwrite(fd, buf, sizeof(buf), 1000) != (ssize_t)sizeof(buf)) die("pwrite");
	if (munmap(addr, FILE_SIZE) < 0) die("munmap");
	if (close(fd) < 0) die("close");
	return 0;
}
