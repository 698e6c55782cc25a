// SPDX-License-Identifier: GPL-2.0
/*
 * conformance: what an ordinary Linux program expects of its kernel, as
 * TAP (the kernel tree's kselftest.h).  It runs as a stock /init and as a
 * UKL app; the kit checks that both pass the same cases.
 *
 * Every case is a function that returns NULL on success or a short reason.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <ucontext.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/futex.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/utsname.h>

#include "kselftest.h"
#include "ukl.h"

static char **saved_argv;

#define CHECK(cond, why) do { if (!(cond)) return why; } while (0)

/* A case returns SKIP("why") when this machine cannot run it. */
#define SKIP_PREFIX "SKIP: "
#define SKIP(why) (SKIP_PREFIX why)

static long elapsed_ns(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000L + (b->tv_nsec - a->tv_nsec);
}

static const char *test_argv_envp(void)
{
	CHECK(saved_argv[0] && saved_argv[0][0], "argv[0] is empty");
	CHECK(getenv("HOME") || getenv("TERM"), "no HOME or TERM in the environment");
	return NULL;
}

static const char *test_errno(void)
{
	errno = 0;
	CHECK(open("/no/such/file", O_RDONLY) == -1, "open of a missing file succeeded");
	CHECK(errno == ENOENT, "errno is not ENOENT");
	return NULL;
}

static const char *test_printf(void)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%d %s %.2f %#x", -42, "str", 3.14159, 255);
	CHECK(strcmp(buf, "-42 str 3.14 0xff") == 0, "snprintf formatted wrongly");
	return NULL;
}

static const char *test_malloc_small(void)
{
	enum { N = 2000 };
	static char *blocks[N];

	for (int i = 0; i < N; i++) {
		blocks[i] = malloc(16 + i % 200);
		CHECK(blocks[i], "malloc failed");
		memset(blocks[i], i & 0xff, 16);
	}
	for (int i = 0; i < N; i++) {
		CHECK(blocks[i][15] == (char)(i & 0xff), "a small block lost its contents");
		free(blocks[i]);
	}
	return NULL;
}

static const char *test_malloc_large(void)
{
	size_t size = 16 << 20;	/* above the mmap threshold */
	unsigned char *p = malloc(size);

	CHECK(p, "malloc of 16 MiB failed");
	for (size_t i = 0; i < size; i += 4096)
		p[i] = (unsigned char)(i >> 12);
	for (size_t i = 0; i < size; i += 4096)
		CHECK(p[i] == (unsigned char)(i >> 12), "a large block lost its contents");
	free(p);
	return NULL;
}

static const char *test_tmpfs_files(void)
{
	const char msg[] = "hello, tmpfs";
	char buf[32] = { 0 };
	struct stat st;
	struct dirent *de;
	int fd, found = 0;
	DIR *dir;

	CHECK(mkdir("/tmp", 01777) == 0 || errno == EEXIST, "mkdir /tmp failed");
	CHECK(mount("tmpfs", "/tmp", "tmpfs", 0, NULL) == 0, "mount tmpfs on /tmp failed");
	fd = open("/tmp/a", O_CREAT | O_RDWR | O_TRUNC, 0600);
	CHECK(fd >= 0, "open O_CREAT failed");
	CHECK(write(fd, msg, sizeof(msg)) == sizeof(msg), "write failed");
	CHECK(lseek(fd, 7, SEEK_SET) == 7, "lseek failed");
	CHECK(read(fd, buf, 5) == 5 && memcmp(buf, "tmpfs", 5) == 0, "read after lseek failed");
	CHECK(fstat(fd, &st) == 0 && st.st_size == sizeof(msg), "fstat size is wrong");
	close(fd);
	CHECK(rename("/tmp/a", "/tmp/b") == 0, "rename failed");
	dir = opendir("/tmp");
	CHECK(dir, "opendir failed");
	while ((de = readdir(dir)))
		found += strcmp(de->d_name, "b") == 0;
	closedir(dir);
	CHECK(found == 1, "readdir did not list the renamed file");
	CHECK(unlink("/tmp/b") == 0, "unlink failed");
	CHECK(access("/tmp/b", F_OK) == -1 && errno == ENOENT, "the file survived unlink");
	return NULL;
}

static const char *test_pipe(void)
{
	char buf[8] = { 0 };
	int fds[2];

	CHECK(pipe(fds) == 0, "pipe failed");
	CHECK(write(fds[1], "ping", 4) == 4, "write to pipe failed");
	CHECK(read(fds[0], buf, sizeof(buf)) == 4 && memcmp(buf, "ping", 4) == 0, "read from pipe failed");
	close(fds[0]);
	close(fds[1]);
	return NULL;
}

static const char *test_clock_nanosleep(void)
{
	struct timespec a, b, nap = { .tv_nsec = 20 * 1000 * 1000 };

	CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0, "clock_gettime failed");
	CHECK(nanosleep(&nap, NULL) == 0, "nanosleep failed");
	CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0, "clock_gettime failed");
	CHECK(elapsed_ns(&a, &b) >= nap.tv_nsec, "nanosleep returned early");
	return NULL;
}

/* Eight threads: a mutex-protected counter, a condvar start line, TLS. */
enum { THREADS = 8, ROUNDS = 2000 };
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t start_line = PTHREAD_COND_INITIALIZER;
static int started, go;
static long counter;
static __thread long tls_value;

static void *thread_body(void *arg)
{
	long id = (long)arg;

	tls_value = id * 1000;
	pthread_mutex_lock(&lock);
	started++;
	pthread_cond_broadcast(&start_line);
	while (!go)
		pthread_cond_wait(&start_line, &lock);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
		if (i % 256 == 0)
			sched_yield();
	}
	return (void *)(tls_value == id * 1000 ? id : -1);
}

static const char *test_threads(void)
{
	pthread_t t[THREADS];

	tls_value = -7;
	for (long i = 0; i < THREADS; i++)
		CHECK(pthread_create(&t[i], NULL, thread_body, (void *)i) == 0, "pthread_create failed");
	pthread_mutex_lock(&lock);
	while (started < THREADS)
		pthread_cond_wait(&start_line, &lock);
	go = 1;
	pthread_cond_broadcast(&start_line);
	pthread_mutex_unlock(&lock);
	for (long i = 0; i < THREADS; i++) {
		void *ret;

		CHECK(pthread_join(t[i], &ret) == 0, "pthread_join failed");
		CHECK((long)ret == i, "a thread saw another thread's TLS value");
	}
	CHECK(counter == THREADS * ROUNDS, "the mutex lost increments");
	CHECK(tls_value == -7, "the main thread's TLS value changed");
	return NULL;
}

/* Raw futex wait and wake between two threads. */
static atomic_int futex_word;

static void *futex_waker(void *arg)
{
	struct timespec nap = { .tv_nsec = 10 * 1000 * 1000 };

	(void)arg;
	nanosleep(&nap, NULL);
	atomic_store(&futex_word, 1);
	syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	return NULL;
}

static const char *test_futex(void)
{
	pthread_t t;

	CHECK(pthread_create(&t, NULL, futex_waker, NULL) == 0, "pthread_create failed");
	while (atomic_load(&futex_word) == 0) {
		long r = syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);

		CHECK(r == 0 || errno == EAGAIN || errno == EINTR, "FUTEX_WAIT failed");
	}
	pthread_join(t, NULL);
	return NULL;
}

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static const char *test_sigaction_raise(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	got_signal = 0;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction failed");
	CHECK(raise(SIGUSR1) == 0, "raise failed");
	CHECK(got_signal == SIGUSR1, "the handler did not run");
	return NULL;
}

/* SIGALRM must interrupt a loop that makes no system call. */
static const char *test_sigalrm_compute(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct itimerval it = { .it_value = { .tv_usec = 20000 } };
	unsigned long a = 1, b = 2, c = 3, d = 4, n = 0;

	got_signal = 0;
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0, "sigaction failed");
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer failed");
	while (!got_signal) {
		a += b; b ^= c; c += d; d ^= a;	/* keep registers busy */
		n++;
	}
	/* Replay the same number of steps: the handler must not have
	 * disturbed the registers the loop lived in. */
	unsigned long a2 = 1, b2 = 2, c2 = 3, d2 = 4;

	for (unsigned long i = 0; i < n; i++) {
		a2 += b2; b2 ^= c2; c2 += d2; d2 ^= a2;
	}
	CHECK(a == a2 && b == b2 && c == c2 && d == d2, "registers changed across the handler");
	return NULL;
}

/* On one CPU a spinning thread must be preempted so another can run. */
static atomic_int spin_release;

static void *spinner(void *arg)
{
	(void)arg;
	while (!atomic_load(&spin_release))
		;
	return NULL;
}

static const char *test_preemption(void)
{
	struct timespec nap = { .tv_nsec = 30 * 1000 * 1000 };
	pthread_t t;

	CHECK(pthread_create(&t, NULL, spinner, NULL) == 0, "pthread_create failed");
	nanosleep(&nap, NULL);	/* returns only if the spinner is preempted */
	atomic_store(&spin_release, 1);
	pthread_join(t, NULL);
	return NULL;
}

/*
 * Several CPUs.  cpu_now() reads the CPU number without a system call, as
 * the vDSO's getcpu does: the limit of the per-CPU GDT entry
 * (__CPUNODE_SEG, entry 15 with RPL 3), which LSL reads in ring 0 too.
 */
static unsigned int cpu_now(void)
{
	unsigned int limit;

	asm volatile("lsl %1, %0" : "=r" (limit) : "r" (15 * 8 + 3));
	return limit & 0xfff;
}

static int online_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	return CPU_COUNT(&set);
}

static int pin_thread(pthread_t t, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(t, sizeof(set), &set);
}

static void unpin_self(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static long ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return elapsed_ns(start, &now) / 1000000;
}

static void nap_ms(long ms)
{
	struct timespec nap = { .tv_nsec = ms * 1000 * 1000 };

	nanosleep(&nap, NULL);
}

/*
 * Ping-pong on CPUs 0 and 1: first with plain stores and spins (no system
 * call: each side sees the other's store while it spins, so both run at
 * once; on one CPU each round would wait for a timer tick), then through
 * a mutex and condvar (futex wait and wake across CPUs).
 */
enum { SPIN_ROUNDS = 5000, CONDVAR_ROUNDS = 500 };
static atomic_int pp_turn;
static atomic_int pp_wrong_cpu;
static pthread_mutex_t pp_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pp_cond = PTHREAD_COND_INITIALIZER;
static int pp_value;

static void *pong(void *arg)
{
	(void)arg;
	for (int i = 0; i < SPIN_ROUNDS; i++) {
		while (atomic_load(&pp_turn) != 2 * i + 1)
			;
		if (cpu_now() != 1)
			atomic_store(&pp_wrong_cpu, 1);
		atomic_store(&pp_turn, 2 * i + 2);
	}
	pthread_mutex_lock(&pp_lock);
	for (int i = 0; i < CONDVAR_ROUNDS; i++) {
		while (pp_value != 2 * i + 1)
			pthread_cond_wait(&pp_cond, &pp_lock);
		pp_value++;
		pthread_cond_signal(&pp_cond);
	}
	pthread_mutex_unlock(&pp_lock);
	if (sched_getcpu() != 1)
		atomic_store(&pp_wrong_cpu, 1);
	return NULL;
}

static const char *ping_pong(pthread_t t)
{
	struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (int i = 0; i < SPIN_ROUNDS; i++) {
		atomic_store(&pp_turn, 2 * i + 1);
		for (long spins = 0; atomic_load(&pp_turn) != 2 * i + 2; spins++)
			if (spins % 100000 == 0 && ms_since(&start) > 5000)
				return "the spin ping-pong took over 5 s: the threads do not run at once";
		if (cpu_now() != 0)
			return "the thread pinned to CPU 0 ran elsewhere";
	}
	pthread_mutex_lock(&pp_lock);
	for (int i = 0; i < CONDVAR_ROUNDS; i++) {
		pp_value++;
		pthread_cond_signal(&pp_cond);
		while (pp_value != 2 * i + 2)
			pthread_cond_wait(&pp_cond, &pp_lock);
	}
	pthread_mutex_unlock(&pp_lock);
	pthread_join(t, NULL);
	CHECK(!atomic_load(&pp_wrong_cpu), "the thread pinned to CPU 1 ran elsewhere");
	return NULL;
}

static const char *test_smp_ping_pong(void)
{
	const char *why;
	pthread_t t;

	if (online_cpus() < 2)
		return SKIP("one CPU");
	CHECK(pin_thread(pthread_self(), 0) == 0, "pinning to CPU 0 failed");
	CHECK(pthread_create(&t, NULL, pong, NULL) == 0, "pthread_create failed");
	if (pin_thread(t, 1) != 0) {
		unpin_self();
		return "pinning to CPU 1 failed";
	}
	why = ping_pong(t);
	unpin_self();
	return why;
}

/*
 * munmap or mprotect(PROT_NONE) by one thread while another reads the page
 * in a loop on another CPU: once the call has returned, the reader's next
 * read must fault (the TLB shootdown reached its CPU), never see the page.
 */
static volatile int *shared_page;
static atomic_int page_gone, reader_running;
static __thread sigjmp_buf reader_jump;

static void on_reader_segv(int sig)
{
	(void)sig;
	siglongjmp(reader_jump, 1);
}

static void *page_reader(void *arg)
{
	(void)arg;
	if (sigsetjmp(reader_jump, 1))
		return "faulted";
	for (;;) {
		int gone = atomic_load(&page_gone);	/* before the read */

		if (*shared_page != 42)
			return "read a wrong value";
		if (gone)
			return "read the page after the call returned (stale TLB entry)";
		atomic_store(&reader_running, 1);
	}
}

static const char *take_page_away(int unmap)
{
	struct sigaction sa = { .sa_handler = on_reader_segv }, old;
	const char *result;
	pthread_t t;

	shared_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(shared_page != MAP_FAILED, "mmap failed");
	*shared_page = 42;
	atomic_store(&page_gone, 0);
	atomic_store(&reader_running, 0);
	CHECK(sigaction(SIGSEGV, &sa, &old) == 0, "sigaction failed");
	CHECK(pthread_create(&t, NULL, page_reader, NULL) == 0, "pthread_create failed");
	if (online_cpus() >= 2) {
		pin_thread(pthread_self(), 0);
		pin_thread(t, 1);
	}
	while (!atomic_load(&reader_running))
		nap_ms(1);
	nap_ms(10);	/* the reader is deep in its loop */
	if (unmap)
		CHECK(munmap((void *)shared_page, 4096) == 0, "munmap failed");
	else
		CHECK(mprotect((void *)shared_page, 4096, PROT_NONE) == 0, "mprotect failed");
	atomic_store(&page_gone, 1);
	pthread_join(t, (void **)&result);
	sigaction(SIGSEGV, &old, NULL);
	unpin_self();
	if (!unmap)
		munmap((void *)shared_page, 4096);
	CHECK(strcmp(result, "faulted") == 0, result);
	return NULL;
}

static const char *test_smp_munmap(void)
{
	return take_page_away(1);
}

static const char *test_smp_mprotect(void)
{
	return take_page_away(0);
}

/*
 * pthread_kill of a thread that spins in app code (no system call) on
 * another CPU: its handler runs on that thread, within a second.
 */
static atomic_int spin_until_signal_stop;
static atomic_long spinner_tid, handler_tid;

static void on_usr2(int sig)
{
	(void)sig;
	atomic_store(&handler_tid, gettid());
	atomic_store(&spin_until_signal_stop, 1);
}

static void *spin_until_signal(void *arg)
{
	(void)arg;
	atomic_store(&spinner_tid, gettid());
	while (!atomic_load(&spin_until_signal_stop))
		;
	return NULL;
}

static const char *test_smp_signal_spinner(void)
{
	struct sigaction sa = { .sa_handler = on_usr2 }, old;
	struct timespec start;
	pthread_t t;

	atomic_store(&spin_until_signal_stop, 0);
	atomic_store(&spinner_tid, 0);
	atomic_store(&handler_tid, 0);
	CHECK(sigaction(SIGUSR2, &sa, &old) == 0, "sigaction failed");
	CHECK(pthread_create(&t, NULL, spin_until_signal, NULL) == 0, "pthread_create failed");
	if (online_cpus() >= 2) {
		pin_thread(pthread_self(), 0);
		pin_thread(t, 1);
	}
	while (!atomic_load(&spinner_tid))
		nap_ms(1);
	nap_ms(20);
	clock_gettime(CLOCK_MONOTONIC, &start);
	CHECK(pthread_kill(t, SIGUSR2) == 0, "pthread_kill failed");
	while (!atomic_load(&spin_until_signal_stop) && ms_since(&start) < 1000)
		nap_ms(1);
	if (!atomic_load(&spin_until_signal_stop)) {
		atomic_store(&spin_until_signal_stop, 1);
		pthread_join(t, NULL);
		unpin_self();
		return "the handler did not run within a second";
	}
	pthread_join(t, NULL);
	sigaction(SIGUSR2, &old, NULL);
	unpin_self();
	CHECK(atomic_load(&handler_tid) == atomic_load(&spinner_tid), "the handler ran on another thread");
	return NULL;
}

/*
 * A thread that never makes a system call is moved between CPUs when its
 * affinity changes: the scheduler preempts it in app code and migrates it.
 */
static atomic_int migrant_stop, migrant_cpu = -1;

static void *migrant(void *arg)
{
	(void)arg;
	while (!atomic_load(&migrant_stop))
		atomic_store(&migrant_cpu, cpu_now());
	return NULL;
}

static const char *wait_for_cpu(int cpu)
{
	struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (atomic_load(&migrant_cpu) != cpu)
		if (ms_since(&start) > 2000)
			return "the spinning thread was not moved within 2 s";
		else
			nap_ms(1);
	return NULL;
}

static const char *test_smp_migration(void)
{
	const char *why = NULL;
	pthread_t t;

	if (online_cpus() < 2)
		return SKIP("one CPU");
	atomic_store(&migrant_stop, 0);
	atomic_store(&migrant_cpu, -1);
	CHECK(pthread_create(&t, NULL, migrant, NULL) == 0, "pthread_create failed");
	for (int round = 0; round < 4 && !why; round++) {
		if (pin_thread(t, round % 2 ? 0 : 1) != 0)
			why = "pthread_setaffinity_np failed";
		else
			why = wait_for_cpu(round % 2 ? 0 : 1);
	}
	atomic_store(&migrant_stop, 1);
	pthread_join(t, NULL);
	return why;
}

static int recurse(int depth)
{
	volatile char frame[4096];

	frame[depth % sizeof(frame)] = 1;
	if (depth == 0)
		return 0;
	return recurse(depth - 1) + frame[depth % sizeof(frame)];
}

static const char *test_deep_stack(void)
{
	/* 1500 frames of 4 KiB: about 6 MiB of stack. */
	CHECK(recurse(1500) == 1500, "the recursion came back wrong");
	return NULL;
}

static sigjmp_buf segv_jump;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(segv_jump, 1);
}

static const char *test_mmap_mprotect(void)
{
	struct sigaction sa = { .sa_handler = on_segv }, old;
	size_t len = 4 * 4096;
	volatile char *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, "mmap failed");
	p[0] = 1;
	p[len - 1] = 2;
	CHECK(mprotect((void *)p, 4096, PROT_NONE) == 0, "mprotect failed");
	CHECK(sigaction(SIGSEGV, &sa, &old) == 0, "sigaction failed");
	if (sigsetjmp(segv_jump, 1) == 0) {
		p[0] = 3;
		sigaction(SIGSEGV, &old, NULL);
		return "writing a PROT_NONE page did not raise SIGSEGV";
	}
	sigaction(SIGSEGV, &old, NULL);
	CHECK(p[len - 1] == 2, "the rest of the mapping changed");
	CHECK(munmap((void *)p, len) == 0, "munmap failed");
	return NULL;
}

/*
 * Debug traps in app code: int3 and the trap flag give SIGTRAP, as from
 * user mode (in a UKL app, #DB arrives on an IST stack in ring 0).
 */
static volatile sig_atomic_t traps;

static void on_trap(int sig, siginfo_t *info, void *context)
{
	ucontext_t *uc = context;

	(void)sig;
	(void)info;
	traps++;
	uc->uc_mcontext.gregs[REG_EFL] &= ~0x100L;	/* TF off */
}

static const char *test_debug_traps(void)
{
	struct sigaction sa = { .sa_sigaction = on_trap, .sa_flags = SA_SIGINFO }, old;

	traps = 0;
	CHECK(sigaction(SIGTRAP, &sa, &old) == 0, "sigaction failed");
	asm volatile("int3" ::: "memory");
	if (traps != 1) {
		sigaction(SIGTRAP, &old, NULL);
		return "int3 did not give one SIGTRAP";
	}
	asm volatile("pushfq; orq $0x100, (%%rsp); popfq; nop; nop; nop" ::: "memory", "cc");
	sigaction(SIGTRAP, &old, NULL);
	CHECK(traps == 2, "a single-step trap did not give one SIGTRAP");
	return NULL;
}

/*
 * The trap flag set across a system call: the call works and the app gets
 * SIGTRAP (on stock after the SYSCALL; a UKL app's entry clears TF, as
 * SYSCALL's flag mask does, and its IRET gives it back), never a kernel
 * warning about single-stepping the kernel.
 */
static const char *test_trap_flag_syscall(void)
{
	struct sigaction sa = { .sa_sigaction = on_trap, .sa_flags = SA_SIGINFO }, old;
	pid_t want = getppid(), got;

	traps = 0;
	CHECK(sigaction(SIGTRAP, &sa, &old) == 0, "sigaction failed");
	asm volatile("pushfq; orq $0x100, (%%rsp); popfq" ::: "memory", "cc");
	got = getppid();
	asm volatile("nop; nop" ::: "memory");
	sigaction(SIGTRAP, &old, NULL);
	CHECK(got == want, "getppid gave another answer while single-stepping");
	CHECK(traps >= 1, "no SIGTRAP");
	return NULL;
}

/*
 * NT (nested task) is an ordinary flag to the app, but IRET with NT set
 * faults: SYSCALL's flag mask clears it for the kernel and SYSRET or IRET
 * gives it back.  It must come back from a system call, without a crash.
 */
static const char *test_nt_flag_syscall(void)
{
	unsigned long flags;
	pid_t want = getppid(), got;

	asm volatile("pushfq; orq $0x4000, (%%rsp); popfq" ::: "memory", "cc");
	got = getppid();
	asm volatile("pushfq; popq %0; pushq %0; andq $~0x4000, (%%rsp); popfq"
		     : "=r"(flags) : : "memory", "cc");
	CHECK(got == want, "getppid gave another answer with NT set");
	CHECK(flags & 0x4000, "NT did not come back from the system call");
	return NULL;
}

/*
 * Returns the app cannot make: a handler at an unmapped address, and
 * rt_sigreturn to a non-canonical one, give SIGSEGV (not a kernel crash).
 */
static void on_usr1_bad_return(int sig, siginfo_t *info, void *context)
{
	ucontext_t *uc = context;

	(void)sig;
	(void)info;
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)0x8000000000000000UL;
}

/* Raise SIGUSR1; 1 if a fault handler (on_segv) ended it by a jump. */
static int usr1_ends_in_fault(void)
{
	if (sigsetjmp(segv_jump, 1) == 0) {
		raise(SIGUSR1);
		return 0;
	}
	return 1;
}

static const char *raise_expecting_segv(void (*action)(int, siginfo_t *, void *), void (*handler)(int))
{
	struct sigaction usr1 = { .sa_flags = SA_SIGINFO }, segv = { .sa_handler = on_segv };
	struct sigaction old_usr1, old_segv;
	int faulted;

	if (action)
		usr1.sa_sigaction = action;
	else
		usr1.sa_handler = handler;
	CHECK(sigaction(SIGUSR1, &usr1, &old_usr1) == 0, "sigaction failed");
	CHECK(sigaction(SIGSEGV, &segv, &old_segv) == 0, "sigaction failed");
	faulted = usr1_ends_in_fault();
	sigaction(SIGUSR1, &old_usr1, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	CHECK(faulted, "no SIGSEGV");
	return NULL;
}

static const char *test_bad_handler(void)
{
	return raise_expecting_segv(NULL, (void (*)(int))0x10);
}

static const char *test_bad_sigreturn(void)
{
	return raise_expecting_segv(on_usr1_bad_return, NULL);
}

/*
 * rt_sigreturn to a non-canonical stack pointer: stock faults on the first
 * push (SIGBUS), a UKL app is refused at the sigreturn (SIGSEGV); either is
 * caught on an alternate stack, as the app's own stack is unusable.  In
 * ring 0 without the check the push faults on that very stack: a double
 * fault.  The alternate stack is static, so a UKL app's is in its .bss.
 */
static void on_usr1_bad_stack(int sig, siginfo_t *info, void *context)
{
	ucontext_t *uc = context;

	(void)sig;
	(void)info;
	uc->uc_mcontext.gregs[REG_RSP] = (greg_t)0x8000000000000000UL;
}

static const char *test_bad_sigreturn_stack(void)
{
	static char altstack[64 * 1024] __attribute__((aligned(16)));
	stack_t alt = { .ss_sp = altstack, .ss_size = sizeof(altstack) }, old_alt;
	struct sigaction usr1 = { .sa_sigaction = on_usr1_bad_stack, .sa_flags = SA_SIGINFO };
	struct sigaction fault = { .sa_handler = on_segv, .sa_flags = SA_ONSTACK };
	struct sigaction old_usr1, old_segv, old_bus;
	int faulted;

	CHECK(sigaltstack(&alt, &old_alt) == 0, "sigaltstack failed");
	CHECK(sigaction(SIGUSR1, &usr1, &old_usr1) == 0 && sigaction(SIGSEGV, &fault, &old_segv) == 0 &&
	      sigaction(SIGBUS, &fault, &old_bus) == 0, "sigaction failed");
	faulted = usr1_ends_in_fault();
	sigaction(SIGUSR1, &old_usr1, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	sigaltstack(&old_alt, NULL);
	CHECK(faulted, "neither SIGSEGV nor SIGBUS");
	return NULL;
}

/*
 * /proc/self/syscall read by the app shows that very read: its number and
 * arguments, and a stack pointer on the caller's stack (what perf and
 * debuggers rely on).  Three reads, each must be right.
 */
static const char *test_proc_syscall(void)
{
	char buf[256];
	long nr;
	unsigned long arg[6], sp, pc;

	CHECK(mkdir("/proc", 0555) == 0 || errno == EEXIST, "mkdir /proc failed");
	CHECK(mount("proc", "/proc", "proc", 0, NULL) == 0 || errno == EBUSY, "mount proc failed");
	for (int i = 0; i < 3; i++) {
		int fd = open("/proc/self/syscall", O_RDONLY);
		ssize_t n;

		CHECK(fd >= 0, "open /proc/self/syscall failed");
		memset(buf, 0, sizeof(buf));
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		CHECK(n > 0, "read /proc/self/syscall failed");
		CHECK(sscanf(buf, "%ld %lx %lx %lx %lx %lx %lx %lx %lx", &nr, &arg[0], &arg[1], &arg[2],
			     &arg[3], &arg[4], &arg[5], &sp, &pc) == 9, "cannot parse /proc/self/syscall");
		CHECK(nr == SYS_read, "the call number is not read's");
		CHECK(arg[0] == (unsigned long)fd && arg[1] == (unsigned long)buf &&
		      arg[2] == sizeof(buf) - 1, "the arguments are not read's");
		CHECK(sp - (unsigned long)buf + 65536 < 131072, "the stack pointer is not on the caller's stack");
		CHECK(pc != 0, "no instruction pointer");
	}
	return NULL;
}

static const char *test_tcp_poll(void)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);
	char buf[16] = { 0 };
	int srv, cli, conn;
	struct pollfd pfd;

	CHECK(ukl_loopback_up() == 0, "cannot bring up lo");
	srv = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(srv >= 0, "socket failed");
	CHECK(bind(srv, (struct sockaddr *)&addr, sizeof(addr)) == 0, "bind failed");
	CHECK(listen(srv, 1) == 0, "listen failed");
	CHECK(getsockname(srv, (struct sockaddr *)&addr, &len) == 0, "getsockname failed");
	cli = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(cli, (struct sockaddr *)&addr, sizeof(addr)) == 0, "connect failed");
	conn = accept(srv, NULL, NULL);
	CHECK(conn >= 0, "accept failed");
	CHECK(write(cli, "tcp!", 4) == 4, "send failed");
	pfd = (struct pollfd){ .fd = conn, .events = POLLIN };
	CHECK(poll(&pfd, 1, 5000) == 1 && (pfd.revents & POLLIN), "poll saw no data");
	CHECK(read(conn, buf, sizeof(buf)) == 4 && memcmp(buf, "tcp!", 4) == 0, "recv got the wrong data");
	close(conn);
	close(cli);
	close(srv);
	return NULL;
}

static const char *test_udp_epoll(void)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);
	struct epoll_event ev = { .events = EPOLLIN }, out;
	char buf[16] = { 0 };
	int rx, tx, ep;

	CHECK(ukl_loopback_up() == 0, "cannot bring up lo");
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(rx >= 0 && tx >= 0, "socket failed");
	CHECK(bind(rx, (struct sockaddr *)&addr, sizeof(addr)) == 0, "bind failed");
	CHECK(getsockname(rx, (struct sockaddr *)&addr, &len) == 0, "getsockname failed");
	ep = epoll_create1(0);
	CHECK(ep >= 0, "epoll_create1 failed");
	ev.data.fd = rx;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, rx, &ev) == 0, "epoll_ctl failed");
	CHECK(sendto(tx, "udp!", 4, 0, (struct sockaddr *)&addr, sizeof(addr)) == 4, "sendto failed");
	CHECK(epoll_wait(ep, &out, 1, 5000) == 1 && out.data.fd == rx, "epoll_wait saw nothing");
	CHECK(recvfrom(rx, buf, sizeof(buf), 0, NULL, NULL) == 4 && memcmp(buf, "udp!", 4) == 0,
	      "recvfrom got the wrong data");
	close(ep);
	close(rx);
	close(tx);
	return NULL;
}

static const char *test_eventfd_timerfd(void)
{
	struct itimerspec its = { .it_value = { .tv_nsec = 10 * 1000 * 1000 } };
	uint64_t value;
	int efd, tfd;

	efd = eventfd(0, 0);
	CHECK(efd >= 0, "eventfd failed");
	value = 5;
	CHECK(write(efd, &value, sizeof(value)) == sizeof(value), "eventfd write failed");
	CHECK(read(efd, &value, sizeof(value)) == sizeof(value) && value == 5, "eventfd read failed");
	close(efd);
	tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	CHECK(tfd >= 0, "timerfd_create failed");
	CHECK(timerfd_settime(tfd, 0, &its, NULL) == 0, "timerfd_settime failed");
	CHECK(read(tfd, &value, sizeof(value)) == sizeof(value) && value >= 1, "timerfd did not expire");
	close(tfd);
	return NULL;
}

static const char *test_getrandom(void)
{
	unsigned char a[32] = { 0 }, b[32] = { 0 };

	CHECK(getrandom(a, sizeof(a), 0) == sizeof(a), "getrandom failed");
	CHECK(getrandom(b, sizeof(b), 0) == sizeof(b), "getrandom failed");
	CHECK(memcmp(a, b, sizeof(a)) != 0, "two getrandom calls gave the same bytes");
	return NULL;
}

static const char *test_uname(void)
{
	struct utsname u;

	CHECK(uname(&u) == 0, "uname failed");
	CHECK(strcmp(u.sysname, "Linux") == 0, "sysname is not Linux");
	CHECK(strcmp(u.machine, "x86_64") == 0, "machine is not x86_64");
	return NULL;
}

/*
 * The first SO_TIMESTAMP socket turns a static key on from a workqueue,
 * and the kernel patches its text through a temporary mm.  A sleeping
 * thread's timer that fires afterwards, while the CPU is idle, must still
 * reach the sleeper's state (at nss it lives on the app's stack, which
 * only the app's mm maps).
 */
static const char *test_sleep_after_text_patch(void)
{
	int on = 1;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	CHECK(fd >= 0, "socket failed");
	CHECK(setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &on, sizeof(on)) == 0,
	      "setsockopt SO_TIMESTAMP failed");
	nap_ms(50);
	close(fd);
	nap_ms(50);
	return NULL;
}

static const struct {
	const char *name;
	const char *(*run)(void);
} cases[] = {
	{ "argv and envp", test_argv_envp },
	{ "errno", test_errno },
	{ "printf", test_printf },
	{ "malloc small blocks (brk)", test_malloc_small },
	{ "malloc 16 MiB (mmap)", test_malloc_large },
	{ "file I/O on tmpfs", test_tmpfs_files },
	{ "pipe", test_pipe },
	{ "clock_gettime and nanosleep", test_clock_nanosleep },
	{ "a timer wakes a sleeper after the kernel patched its text", test_sleep_after_text_patch },
	{ "8 pthreads: mutex, condvar, TLS, join", test_threads },
	{ "futex wait and wake", test_futex },
	{ "sigaction and raise", test_sigaction_raise },
	{ "SIGALRM interrupts a compute loop, registers intact", test_sigalrm_compute },
	{ "a spinning thread does not starve another", test_preemption },
	{ "threads on CPUs 0 and 1 at once: spin and condvar ping-pong", test_smp_ping_pong },
	{ "munmap while another CPU reads the page: SIGSEGV, no stale read", test_smp_munmap },
	{ "mprotect PROT_NONE while another CPU reads: SIGSEGV, no stale read", test_smp_mprotect },
	{ "pthread_kill of a thread spinning on another CPU runs its handler there", test_smp_signal_spinner },
	{ "a thread that makes no system call is migrated between CPUs", test_smp_migration },
	{ "int3 and the trap flag give SIGTRAP", test_debug_traps },
	{ "the trap flag across a system call gives SIGTRAP", test_trap_flag_syscall },
	{ "the NT flag comes back from a system call", test_nt_flag_syscall },
	{ "a signal handler at an unmapped address gives SIGSEGV", test_bad_handler },
	{ "rt_sigreturn to a non-canonical address gives SIGSEGV", test_bad_sigreturn },
	{ "rt_sigreturn to a non-canonical stack pointer gives a signal", test_bad_sigreturn_stack },
	{ "/proc/self/syscall shows the read in progress", test_proc_syscall },
	{ "6 MiB of stack by recursion", test_deep_stack },
	{ "mmap, mprotect PROT_NONE caught as SIGSEGV, munmap", test_mmap_mprotect },
	{ "TCP over loopback with poll", test_tcp_poll },
	{ "UDP over loopback with epoll", test_udp_epoll },
	{ "eventfd and timerfd", test_eventfd_timerfd },
	{ "getrandom", test_getrandom },
	{ "uname", test_uname },
};

int main(int argc, char **argv)
{
	(void)argc;
	saved_argv = argv;
	ksft_print_header();
	ksft_set_plan(sizeof(cases) / sizeof(cases[0]));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = cases[i].run();

		if (why && strncmp(why, SKIP_PREFIX, strlen(SKIP_PREFIX)) == 0) {
			/* "ok N name # SKIP why": the name first, as for the others. */
			ksft_cnt.ksft_xskip++;
			printf("ok %u %s # SKIP %s\n", ksft_test_num(), cases[i].name,
			       why + strlen(SKIP_PREFIX));
		} else if (why)
			ksft_test_result_fail("%s -- %s\n", cases[i].name, why);
		else
			ksft_test_result_pass("%s\n", cases[i].name);
	}
	ksft_finished();
}
