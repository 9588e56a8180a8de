#!/usr/sbin/dtrace -s
/*
 * cachereplay.d - trace the file I/O and mmap calls of a process and its children, plus its write faults on
 * user memory, in the line format of `dtruss -f -d` that cachereplay reads (format "dtruss").
 *
 * USAGE
 *   FreeBSD:  kldload dtraceall            (once)
 *             dtrace -s cachereplay.d -c './prog args' -o prog.dtruss
 *             dtrace -s cachereplay.d -p PID -o prog.dtruss
 *   macOS:    sudo dtrace -s cachereplay.d -c './prog args' -o prog.dtruss macos
 *   The optional last operand names the system whose flag values the trace holds ("freebsd", the default,
 *   or "macos"); it is printed on the first line so that cachereplay decodes open/mmap/msync/fcntl flags
 *   with the right numbers.
 *
 * OUTPUT (to -o FILE, or stdout mixed with the program's own output; cachereplay skips non-trace lines)
 *   # cachereplay.d os=freebsd
 *   PID/LWP    RELATIVE SYSCALL(args) <TAB><TAB> = return
 *     8791/100612:     12292 mmap(0x0, 0x2000, 0x3, 0x1, 0x3, 0x0)<TAB><TAB> = 0x8231C4000 0
 *     8791/100612:     12469 vm_fault(0x8231C4000, 0x2)<TAB><TAB> = 0 0
 *   One line per call, printed when it returns: pid/thread id, RELATIVE (microseconds of wall-clock time since
 *   the script started; dtruss's own RELATIVE column is on-CPU time), the call with its arguments in hex
 *   (strings as "%S"), the return value, and 0 or Err#errno. exit(2) is printed when it is entered (it does
 *   not return). Calls traced: open, openat, close, dup, dup2, fcntl, mmap, munmap, msync, read, write, pread,
 *   pwrite, lseek, ftruncate, truncate, fsync, fdatasync, fork, vfork, rfork, pdfork, execve, exit (and the
 *   macOS *_nocancel variants).
 *
 * PAGE FAULTS
 *   vm_fault(ADDR, TYPE) lines come from fbt::vm_fault:entry/return, for faults on user addresses (below
 *   0x800000000000, the top of the user address space of amd64 and arm64; kernel_map faults are above) whose
 *   fault type includes VM_PROT_WRITE (2); the result is KERN_SUCCESS (0) or "-1 Err#<KERN_* code>".
 *   cachereplay turns a successful one into a definite store into the page at ADDR (like kdump's PFLT).
 *   The same function and argument order exist on FreeBSD (vm_fault(map, vaddr, fault_type, fault_flags,
 *   m_hold), called by vm_fault_trap for every user fault, with the address already page-aligned) and on XNU
 *   (vm_fault(map, vaddr, fault_type, ...)). Caveats:
 *   - Only the first store into a page that is not mapped writable faults. Later stores into the same page are
 *     invisible until the page is write-protected again (after msync/fsync write-back or page-out), exactly as
 *     with ktrace's PFLT records. A missing vm_fault line is no proof that a page was not written.
 *   - The kernel's own copyout into user pages (read(2) into an mmapped buffer) faults too and is reported:
 *     it is a store into the mapping. mlock/wiring of a writable mapping is reported as well (a false store).
 *   - The vminfo provider is no substitute: its probes count faults but do not give the address.
 *   - macOS: fbt needs System Integrity Protection's DTrace restriction lifted (csrutil enable --without
 *     dtrace, from recovery); otherwise the clause matches no probe and is skipped (zdefs), and the trace only
 *     supports "possible" losses. fbt function names are not a stable interface on either system.
 *
 * LIMITS
 *   - DTrace drains its buffers one CPU at a time, so lines of different threads or processes can be out of
 *     order. Sort on RELATIVE before analysing multi-process traces: keep the first two lines, then
 *     `sort -s -n -k2,2` the rest.
 *   - Arguments are recorded at entry and printed at return; strings are read at return (as dtruss does), and
 *     an unreadable one makes dtrace print an "invalid address" error line instead of the call.
 *   - Under load dtrace drops records ("dtrace: N dynamic variable drops", "N drops on CPU"): the trace then
 *     has holes. Raise bufsize/dynvarsize below.
 *   - Children are followed with progenyof(); threads share the pid and are told apart by the thread id.
 */

#pragma D option quiet
#pragma D option defaultargs
#pragma D option zdefs
#pragma D option switchrate=10hz
#pragma D option bufsize=16m
#pragma D option dynvarsize=16m

inline string OS_ARG = $$1;

dtrace:::BEGIN
{
	cr_start = timestamp;
	printf("# cachereplay.d os=%s\n", OS_ARG == "" ? "freebsd" : OS_ARG);
	printf("%-9s  %8s SYSCALL(args) \t\t = return\n", "PID/LWP", "RELATIVE");
}

/* ------------------------------------------------------------------ entry: remember the arguments */

syscall::open:entry, syscall::open_nocancel:entry, syscall::openat:entry, syscall::openat_nocancel:entry,
syscall::close:entry, syscall::close_nocancel:entry, syscall::dup:entry, syscall::dup2:entry,
syscall::fcntl:entry, syscall::fcntl_nocancel:entry,
syscall::mmap:entry, syscall::munmap:entry, syscall::msync:entry, syscall::msync_nocancel:entry,
syscall::read:entry, syscall::read_nocancel:entry, syscall::write:entry, syscall::write_nocancel:entry,
syscall::pread:entry, syscall::pread_nocancel:entry, syscall::pwrite:entry, syscall::pwrite_nocancel:entry,
syscall::lseek:entry, syscall::ftruncate:entry, syscall::truncate:entry,
syscall::fsync:entry, syscall::fsync_nocancel:entry, syscall::fdatasync:entry,
syscall::fork:entry, syscall::vfork:entry, syscall::rfork:entry, syscall::pdfork:entry
/pid == $target || progenyof($target)/
{
	self->in = 1;
	self->a0 = arg0;
	self->a1 = arg1;
	self->a2 = arg2;
	self->a3 = arg3;
	self->a4 = arg4;
	self->a5 = arg5;
}

/* The new image replaces the address space: read the path now. */
syscall::execve:entry
/pid == $target || progenyof($target)/
{
	self->in = 1;
	self->epid = pid;
	self->path = copyinstr(arg0);
	self->a1 = arg1;
	self->a2 = arg2;
}

/* exit(2) does not return. */
syscall::exit:entry
/pid == $target || progenyof($target)/
{
	printf("%6d/%d:  %8d %s(0x%X)\t\t = 0 0\n", pid, tid, (timestamp - cr_start) / 1000, probefunc, (int)arg0);
}

/* ------------------------------------------------------------------ return: print */

syscall::open:return, syscall::open_nocancel:return
/self->in/
{
	printf("%6d/%d:  %8d %s(\"%S\", 0x%X, 0x%X)\t\t = %d %s%d\n", pid, tid, (timestamp - cr_start) / 1000,
	    probefunc, copyinstr(self->a0), (int)self->a1, (int)self->a2, (int)arg0, errno ? "Err#" : "", errno);
	self->in = 0;
}

syscall::openat:return, syscall::openat_nocancel:return
/self->in/
{
	printf("%6d/%d:  %8d %s(0x%X, \"%S\", 0x%X, 0x%X)\t\t = %d %s%d\n", pid, tid, (timestamp - cr_start) / 1000,
	    probefunc, (int)self->a0, copyinstr(self->a1), (int)self->a2, (int)self->a3, (int)arg0,
	    errno ? "Err#" : "", errno);
	self->in = 0;
}

syscall::truncate:return
/self->in/
{
	printf("%6d/%d:  %8d %s(\"%S\", 0x%X)\t\t = %d %s%d\n", pid, tid, (timestamp - cr_start) / 1000,
	    probefunc, copyinstr(self->a0), self->a1, (int)arg0, errno ? "Err#" : "", errno);
	self->in = 0;
}

/* One argument */
syscall::close:return, syscall::close_nocancel:return, syscall::dup:return,
syscall::fsync:return, syscall::fsync_nocancel:return, syscall::fdatasync:return, syscall::rfork:return
/self->in/
{
	printf("%6d/%d:  %8d %s(0x%X)\t\t = %d %s%d\n", pid, tid, (timestamp - cr_start) / 1000,
	    probefunc, (int)self->a0, (int)arg0, errno ? "Err#" : "", errno);
	self->in = 0;
}

/* Two arguments */
syscall::dup2:return, syscall::munmap:return, syscall::ftruncate:return, syscall::pdfork:return
/self->in/
{
	printf("%6d/%d:  %8d %s(0x%X, 0x%X)\t\t = %d %s%d\n", pid, tid, (timestamp - cr_start) / 1000,
	    probefunc, self->a0, self->a1, (int)arg0, errno ? "Err#" : "", errno);
	self->in = 0;
}

/* Three arguments; lseek returns a 64-bit offset */
syscall::fcntl:return, syscall::fcntl_nocancel:return, syscall::msync:return, syscall::msync_nocancel:return,
syscall::read:return, syscall::read_nocancel:return, syscall::write:return, syscall::write_nocancel:return,
syscall::lseek:return
/self->in/
{
	printf("%6d/%d:  %8d %s(0x%X, 0x%X, 0x%X)\t\t = %d %s%d\n", pid, tid, (timestamp - cr_start) / 1000,
	    probefunc, self->a0, self->a1, self->a2, (int64_t)arg0, errno ? "Err#" : "", errno);
	self->in = 0;
}

/* Four arguments: the offset of pread/pwrite */
syscall::pread:return, syscall::pread_nocancel:return, syscall::pwrite:return, syscall::pwrite_nocancel:return
/self->in/
{
	printf("%6d/%d:  %8d %s(0x%X, 0x%X, 0x%X, 0x%X)\t\t = %d %s%d\n", pid, tid, (timestamp - cr_start) / 1000,
	    probefunc, (int)self->a0, self->a1, self->a2, self->a3, (int64_t)arg0, errno ? "Err#" : "", errno);
	self->in = 0;
}

/* mmap: six arguments, the address in hex */
syscall::mmap:return
/self->in/
{
	printf("%6d/%d:  %8d %s(0x%X, 0x%X, 0x%X, 0x%X, 0x%X, 0x%X)\t\t = 0x%X %s%d\n", pid, tid,
	    (timestamp - cr_start) / 1000, probefunc, self->a0, self->a1, (int)self->a2, (int)self->a3, (int)self->a4,
	    self->a5, arg0, errno ? "Err#" : "", errno);
	self->in = 0;
}

/* fork and vfork return the child's pid in the parent */
syscall::fork:return, syscall::vfork:return
/self->in/
{
	printf("%6d/%d:  %8d %s()\t\t = %d %s%d\n", pid, tid, (timestamp - cr_start) / 1000,
	    probefunc, (int)arg0, errno ? "Err#" : "", errno);
	self->in = 0;
}

/* A successful execve may report EJUSTRETURN (negative): only positive errno values are failures. */
syscall::execve:return
/self->in/
{
	printf("%6d/%d:  %8d %s(\"%S\", 0x%X, 0x%X)\t\t = %d %s%d\n", self->epid, tid, (timestamp - cr_start) / 1000,
	    probefunc, self->path, self->a1, self->a2, errno > 0 ? -1 : 0, errno > 0 ? "Err#" : "",
	    errno > 0 ? errno : 0);
	self->in = 0;
	self->path = 0;
}

/* ------------------------------------------------------------------ write faults on user memory */

fbt::vm_fault:entry
/(pid == $target || progenyof($target)) && (arg2 & 2) && arg1 < 0x800000000000/
{
	self->fault = 1;
	self->fa = arg1;
	self->ft = arg2;
}

fbt::vm_fault:return
/self->fault/
{
	printf("%6d/%d:  %8d vm_fault(0x%X, 0x%X)\t\t = %d %s%d\n", pid, tid, (timestamp - cr_start) / 1000,
	    self->fa, (int)self->ft, arg1 == 0 ? 0 : -1, arg1 == 0 ? "" : "Err#", (int)arg1);
	self->fault = 0;
}
