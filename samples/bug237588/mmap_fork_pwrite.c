/*
 * mmap_fork_pwrite.c - multi-process variant of the bug 237588 reproduction.
 *
 * The parent dirties page 0 through a MAP_SHARED mapping (no msync), then
 * fork()s; the CHILD opens the file again (its own open file description)
 * and pwrite(2)s 100 bytes inside that page. The parent's unflushed mmap
 * stores are at risk in the same way as in mmap_pwrite.c.
 *
 * Usage: mmap_fork_pwrite PATH   (prints nothing unless an error occurs)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define FILE_SIZE 8192
#define PAGE 4096

static void die(const char *what) { perror(what); exit(1); }

/* Child: independent open, write inside the parent's dirty page, exit. */
static void child(const char *path)
{
	char buf[100];
	int fd = open(path, O_RDWR);

	if (fd < 0) die("child open");
	memset(buf, 'W', sizeof(buf));
	if (pwrite(fd, buf, sizeof(buf), 1000) != (ssize_t)sizeof(buf))
		die("child pwrite");
	if (close(fd) < 0) die("child close");
	_exit(0);
}

int main(int argc, char **argv)
{
	char *addr;
	int fd, status;
	pid_t pid;

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

	pid = fork();
	if (pid < 0) die("fork");
	if (pid == 0)
		child(argv[1]);
	if (waitpid(pid, &status, 0) < 0) die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "child failed\n");
		return 1;
	}

	if (munmap(addr, FILE_SIZE) < 0) die("munmap");
	if (close(fd) < 0) die("close");
	return 0;
}
