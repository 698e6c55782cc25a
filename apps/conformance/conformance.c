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
#include <setjmp.h>
#include <signal.h>
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
	{ "8 pthreads: mutex, condvar, TLS, join", test_threads },
	{ "futex wait and wake", test_futex },
	{ "sigaction and raise", test_sigaction_raise },
	{ "SIGALRM interrupts a compute loop, registers intact", test_sigalrm_compute },
	{ "a spinning thread does not starve another", test_preemption },
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

		if (why)
			ksft_test_result_fail("%s -- %s\n", cases[i].name, why);
		else
			ksft_test_result_pass("%s\n", cases[i].name);
	}
	ksft_finished();
}
