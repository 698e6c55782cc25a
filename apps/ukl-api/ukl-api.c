// SPDX-License-Identifier: GPL-2.0
/*
 * ukl-api: tests of ukl-lib's public interface (ukl.h) in the guest, as
 * TAP.  The kit runs it at every level and tells it what the level has:
 *
 *   ukl-api shortcut=yes|no tcp=yes|no
 *
 * With shortcut=no (stock, base, ret) the shortcut calls must refuse with
 * EINVAL and change nothing; with shortcut=yes they must work per thread.
 * The signal cases run either way: a signal that arrives while a call
 * sleeps must be handled before the call returns, and the call restarted
 * or failed with EINTR as SA_RESTART says.  At shortcut levels those calls
 * take the shortcut and leave through its exit-work path.  The TCP cases
 * (ukl_tcp_send/recv) run everywhere with the same expectations; with
 * tcp=yes the calls go through the kernel's TCP shortcut.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include "kselftest.h"
#include "ukl.h"

#define CHECK(cond, why) do { if (!(cond)) return why; } while (0)

static int have_shortcut;

static const char *test_period_refused(void)
{
	errno = 0;
	CHECK(ukl_shortcut_period(0) == -1 && errno == EINVAL,
	      "a kernel without the shortcut accepted a period");
	return NULL;
}

static const char *test_period_default(void)
{
	CHECK(ukl_shortcut_period(0) == 64, "the first thread's period is not the default 64");
	CHECK(ukl_shortcut_period(UKL_SHORTCUT_DEFAULT) == 0, "turning the shortcut off did not stick");
	CHECK(ukl_shortcut_period(UKL_SHORTCUT_DEFAULT) == 64, "UKL_SHORTCUT_DEFAULT did not restore 64");
	return NULL;
}

static const char *test_period_bounds(void)
{
	errno = 0;
	CHECK(ukl_shortcut_period(1UL << 40) == -1 && errno == EINVAL, "a huge period was accepted");
	CHECK(ukl_shortcut_period(1) == 64, "period 1 was refused");
	CHECK(ukl_shortcut_period(UKL_SHORTCUT_DEFAULT) == 1, "period 1 did not stick");
	return NULL;
}

static void *report_period(void *arg)
{
	(void)arg;
	return (void *)ukl_shortcut_period(UKL_SHORTCUT_DEFAULT);
}

static const char *test_period_per_thread(void)
{
	pthread_t t;
	void *child;

	CHECK(ukl_shortcut_period(5) == 64, "could not set period 5");
	CHECK(pthread_create(&t, NULL, report_period, NULL) == 0, "pthread_create failed");
	CHECK(pthread_join(t, &child) == 0, "pthread_join failed");
	CHECK((long)child == 5, "a new thread did not inherit its creator's period");
	/* The child reset its own period, not ours. */
	CHECK(ukl_shortcut_period(UKL_SHORTCUT_DEFAULT) == 5, "a thread's period changed another's");
	return NULL;
}

/* Shortcut calls still do their work: results and errors come through. */
static const char *test_shortcut_results(void)
{
	char buf[4];
	int fds[2];
	long i, parent = getpid() == 1 ? 0 : getppid();

	CHECK(pipe(fds) == 0, "pipe failed");
	for (i = 0; i < 1000; i++) {
		CHECK(syscall(SYS_getppid) == parent, "getppid gave the wrong parent");
		CHECK(write(fds[1], "abc", 3) == 3 && read(fds[0], buf, 3) == 3, "pipe I/O failed");
		errno = 0;
		CHECK(read(-1, buf, 1) == -1 && errno == EBADF, "read(-1) did not fail with EBADF");
	}
	close(fds[0]);
	close(fds[1]);
	return NULL;
}

static volatile sig_atomic_t handled;

static void on_signal(int sig)
{
	(void)sig;
	handled = 1;
}

static const char *test_raise_handled_before_return(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	long i;

	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction failed");
	for (i = 0; i < 200; i++) {
		handled = 0;
		CHECK(raise(SIGUSR1) == 0, "raise failed");
		CHECK(handled, "the handler had not run when raise returned");
	}
	return NULL;
}

static void *write_later(void *arg)
{
	int fd = *(int *)arg;

	usleep(60000);
	return (void *)(long)write(fd, "x", 1);
}

static ssize_t read_pipe(int fd, char *c)
{
	return read(fd, c, 1);
}

static ssize_t recv_tcp(int fd, char *c)
{
	return ukl_tcp_recv(fd, c, 1, 0);
}

static int tcp_pair(int fds[2]);

/*
 * A read from an empty pipe (or with @tcp, ukl_tcp_recv() from an empty
 * TCP connection), interrupted by SIGALRM after 20 ms.  With @restart
 * (SA_RESTART) a thread writes a byte after 60 ms, which the restarted
 * read must return.
 */
static const char *blocked_read(int tcp, int restart, ssize_t *got, int *err)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = restart ? SA_RESTART : 0 };
	struct itimerval it = { .it_value.tv_usec = 20000 };
	ssize_t (*reader)(int fd, char *c) = tcp ? recv_tcp : read_pipe;
	pthread_t writer;
	int fds[2];
	char c = 0;

	if (tcp)
		CHECK(tcp_pair(fds) == 0, "no TCP connection over loopback");
	else
		CHECK(pipe(fds) == 0, "pipe failed");
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0, "sigaction failed");
	handled = 0;
	if (restart)
		CHECK(pthread_create(&writer, NULL, write_later, &fds[1]) == 0, "pthread_create failed");
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer failed");
	errno = 0;
	*got = reader(fds[0], &c);
	*err = errno;
	if (restart) {
		pthread_join(writer, NULL);
		CHECK(*got != 1 || c == 'x', "the restarted read returned the wrong byte");
	}
	close(fds[0]);
	close(fds[1]);
	return NULL;
}

/* The read interrupted by SIGALRM fails with EINTR, or with @restart completes. */
static const char *check_interrupted(int tcp, int restart)
{
	const char *why;
	ssize_t got;
	int err;

	why = blocked_read(tcp, restart, &got, &err);
	if (why)
		return why;
	CHECK(handled, "SIGALRM was not handled");
	if (restart)
		CHECK(got == 1, "the interrupted read was not restarted with SA_RESTART");
	else
		CHECK(got == -1 && err == EINTR, "the interrupted read did not fail with EINTR");
	return NULL;
}

static const char *test_eintr(void)
{
	return check_interrupted(0, 0);
}

static const char *test_restart(void)
{
	return check_interrupted(0, 1);
}

/* --- TCP shortcut ----------------------------------------------------------- */

static int have_tcp;

/* A connected pair over loopback TCP: fds[0] one end, fds[1] the other. */
static int tcp_pair(int fds[2])
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);
	int listener = socket(AF_INET, SOCK_STREAM, 0);

	if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(listener, 1) || getsockname(listener, (struct sockaddr *)&addr, &len))
		return -1;
	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (fds[0] < 0 || connect(fds[0], (struct sockaddr *)&addr, sizeof(addr)))
		return -1;
	fds[1] = accept(listener, NULL, NULL);
	close(listener);
	return fds[1] < 0 ? -1 : 0;
}

static const char *test_tcp_private_calls(void)
{
	errno = 0;
	CHECK(syscall(UKL_NR_TCP_SEND, -1, NULL, 0, 0) == -1, "the private call on fd -1 succeeded");
	if (have_tcp)
		CHECK(errno == EBADF, "the kernel does not answer UKL_NR_tcp_send with EBADF for fd -1");
	else
		CHECK(errno == ENOSYS, "a kernel without the TCP shortcut did not answer ENOSYS");
	return NULL;
}

static const char *test_tcp_round_trip(void)
{
	static char out[16384], in[16384];
	size_t sent = 0, got = 0, i;
	int fds[2];

	for (i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 7 + 3);
	CHECK(tcp_pair(fds) == 0, "no TCP connection over loopback");
	while (sent < sizeof(out)) {
		ssize_t n = ukl_tcp_send(fds[0], out + sent, sizeof(out) - sent, 0);

		CHECK(n > 0, "ukl_tcp_send failed");
		sent += n;
	}
	while (got < sizeof(in)) {
		ssize_t n = ukl_tcp_recv(fds[1], in + got, sizeof(in) - got, 0);

		CHECK(n > 0, "ukl_tcp_recv failed");
		got += n;
	}
	CHECK(memcmp(in, out, sizeof(in)) == 0, "the bytes received are not the bytes sent");
	close(fds[0]);
	close(fds[1]);
	return NULL;
}

static const char *test_tcp_bad_fds(void)
{
	int fds[2], closed;
	char c = 'x';

	CHECK(pipe(fds) == 0, "pipe failed");
	errno = 0;
	CHECK(ukl_tcp_send(fds[1], &c, 1, 0) == -1 && errno == ENOTSOCK, "a pipe is not ENOTSOCK");
	closed = fds[0];
	close(fds[0]);
	close(fds[1]);
	errno = 0;
	CHECK(ukl_tcp_recv(closed, &c, 1, 0) == -1 && errno == EBADF, "a closed fd is not EBADF");
	return NULL;
}

/* A socket that is not TCP takes the normal path, and works. */
static const char *test_tcp_udp_fallback(void)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);
	int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[8];

	CHECK(rx >= 0 && tx >= 0, "socket failed");
	CHECK(bind(rx, (struct sockaddr *)&addr, sizeof(addr)) == 0, "bind failed");
	CHECK(getsockname(rx, (struct sockaddr *)&addr, &len) == 0, "getsockname failed");
	CHECK(connect(tx, (struct sockaddr *)&addr, sizeof(addr)) == 0, "connect failed");
	CHECK(ukl_tcp_send(tx, "udp!", 4, 0) == 4, "send on a UDP socket failed");
	CHECK(ukl_tcp_recv(rx, buf, sizeof(buf), 0) == 4 && memcmp(buf, "udp!", 4) == 0,
	      "recv on a UDP socket failed");
	close(rx);
	close(tx);
	return NULL;
}

static const char *test_tcp_eagain(void)
{
	int fds[2];
	char c;

	CHECK(tcp_pair(fds) == 0, "no TCP connection over loopback");
	errno = 0;
	CHECK(ukl_tcp_recv(fds[0], &c, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN,
	      "MSG_DONTWAIT on an empty socket is not EAGAIN");
	CHECK(fcntl(fds[0], F_SETFL, O_NONBLOCK) == 0, "fcntl O_NONBLOCK failed");
	errno = 0;
	CHECK(ukl_tcp_recv(fds[0], &c, 1, 0) == -1 && errno == EAGAIN,
	      "an empty O_NONBLOCK socket is not EAGAIN");
	close(fds[0]);
	close(fds[1]);
	return NULL;
}

static const char *test_tcp_reset(void)
{
	struct linger hard = { .l_onoff = 1, .l_linger = 0 };
	int fds[2];
	char c;

	CHECK(tcp_pair(fds) == 0, "no TCP connection over loopback");
	/* Closing with a zero linger time resets the connection. */
	CHECK(setsockopt(fds[1], SOL_SOCKET, SO_LINGER, &hard, sizeof(hard)) == 0, "SO_LINGER failed");
	close(fds[1]);
	errno = 0;
	CHECK(ukl_tcp_recv(fds[0], &c, 1, 0) == -1 && errno == ECONNRESET,
	      "a reset connection is not ECONNRESET");
	close(fds[0]);
	return NULL;
}

static const char *test_tcp_eintr(void)
{
	return check_interrupted(1, 0);
}

static const char *test_tcp_restart(void)
{
	return check_interrupted(1, 1);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		const char *(*fn)(void);
		int shortcut;	/* 1: shortcut levels only, 0: others only, -1: all */
	} cases[] = {
		{ "shortcut period refused without the shortcut", test_period_refused, 0 },
		{ "shortcut period defaults to 64 and turns off", test_period_default, 1 },
		{ "shortcut period bounds", test_period_bounds, 1 },
		{ "shortcut period is per thread and inherited", test_period_per_thread, 1 },
		{ "calls return results and errors", test_shortcut_results, -1 },
		{ "raise() runs the handler before it returns", test_raise_handled_before_return, -1 },
		{ "a sleeping read interrupted by a signal fails with EINTR", test_eintr, -1 },
		{ "with SA_RESTART it is restarted and completes", test_restart, -1 },
		{ "tcp: the UKL-only calls answer where the kernel has them", test_tcp_private_calls, -1 },
		{ "tcp: bytes sent arrive intact", test_tcp_round_trip, -1 },
		{ "tcp: a pipe is ENOTSOCK, a closed fd EBADF", test_tcp_bad_fds, -1 },
		{ "tcp: a UDP socket takes the normal path", test_tcp_udp_fallback, -1 },
		{ "tcp: EAGAIN with MSG_DONTWAIT and O_NONBLOCK", test_tcp_eagain, -1 },
		{ "tcp: a reset connection is ECONNRESET", test_tcp_reset, -1 },
		{ "tcp: a blocking receive interrupted by a signal fails with EINTR", test_tcp_eintr, -1 },
		{ "tcp: with SA_RESTART the receive is restarted", test_tcp_restart, -1 },
	};
	unsigned int i;

	if (argc != 3 || (strcmp(argv[1], "shortcut=yes") && strcmp(argv[1], "shortcut=no")) ||
	    (strcmp(argv[2], "tcp=yes") && strcmp(argv[2], "tcp=no"))) {
		fprintf(stderr, "usage: ukl-api shortcut=yes|no tcp=yes|no\n");
		return 2;
	}
	have_shortcut = strcmp(argv[1], "shortcut=yes") == 0;
	have_tcp = strcmp(argv[2], "tcp=yes") == 0;
	if (ukl_loopback_up()) {
		perror("ukl-api: bring up lo");
		return 1;
	}
	ksft_print_header();
	ksft_set_plan(sizeof(cases) / sizeof(cases[0]));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why;

		if (cases[i].shortcut >= 0 && cases[i].shortcut != have_shortcut) {
			ksft_test_result_skip("%s (level %s the shortcut)\n", cases[i].name,
					      have_shortcut ? "has" : "lacks");
			continue;
		}
		why = cases[i].fn();
		if (why)
			ksft_test_result_fail("%s -- %s\n", cases[i].name, why);
		else
			ksft_test_result_pass("%s\n", cases[i].name);
	}
	ksft_finished();
}
