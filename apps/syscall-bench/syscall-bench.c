// SPDX-License-Identifier: GPL-2.0
/*
 * System-call micro-benchmark in the style of LEBench, run by
 * bench/syscall as stock init and at every UKL level.
 *
 * Each case is timed with CLOCK_MONOTONIC around batches of operations.
 * Under QEMU's -icount shift=0,sleep=off the guest clock advances one
 * nanosecond per guest instruction, so the same numbers are instruction
 * counts there.  For every case the app prints one line:
 *
 *   bench: <case> <median ns per op> <min> <max> <batches>x<ops>
 *
 * median, min and max over the batches.  The first batch is a warm-up and
 * is not counted.  Usage: syscall-bench [quick]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ukl.h"

#define BATCHES 7
#define PAGE 4096

static int quick;

static void die(const char *what)
{
	fprintf(stderr, "syscall-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void check(long ret, const char *what)
{
	if (ret < 0)
		die(what);
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Run @op @n times per batch, BATCHES + 1 batches, and print the per-op
 * median, min and max.  @setup and @teardown, if any, run outside the
 * timed part of every batch.
 */
static void measure(const char *name, long n, void (*op)(long i),
		    void (*setup)(long n), void (*teardown)(long n))
{
	double per_op[BATCHES];
	int b;

	if (quick)
		n = n / 4 ? n / 4 : 1;
	for (b = -1; b < BATCHES; b++) {
		unsigned long long t0, t1;
		long i;

		if (setup)
			setup(n);
		t0 = now_ns();
		for (i = 0; i < n; i++)
			op(i);
		t1 = now_ns();
		if (teardown)
			teardown(n);
		if (b >= 0)
			per_op[b] = (double)(t1 - t0) / n;
	}
	qsort(per_op, BATCHES, sizeof(per_op[0]), cmp_double);
	printf("bench: %s %.1f %.1f %.1f %dx%ld\n", name, per_op[BATCHES / 2],
	       per_op[0], per_op[BATCHES - 1], BATCHES, n);
	fflush(stdout);
}

/* --- the cases ----------------------------------------------------------- */

static char buf[PAGE];
static int file_fd, pipe_fds[2], udp_fd, tcp_client, tcp_server;
static struct sockaddr_in udp_addr;

static void op_getppid(long i)
{
	(void)i;
	getppid();
}

/* A read or write of @len bytes at the start of the tmpfs file. */
static void file_read(size_t len)
{
	if (pread(file_fd, buf, len, 0) != (ssize_t)len)
		die("pread");
}

static void file_write(size_t len)
{
	if (pwrite(file_fd, buf, len, 0) != (ssize_t)len)
		die("pwrite");
}

static void op_file_read_1(long i)
{
	(void)i;
	file_read(1);
}

static void op_file_read_4k(long i)
{
	(void)i;
	file_read(PAGE);
}

static void op_file_write_1(long i)
{
	(void)i;
	file_write(1);
}

static void op_file_write_4k(long i)
{
	(void)i;
	file_write(PAGE);
}

/* A pipe write and the read that drains it: one op. */
static void pipe_pass(size_t len)
{
	if (write(pipe_fds[1], buf, len) != (ssize_t)len)
		die("pipe write");
	if (read(pipe_fds[0], buf, len) != (ssize_t)len)
		die("pipe read");
}

static void op_pipe_1(long i)
{
	(void)i;
	pipe_pass(1);
}

static void op_pipe_4k(long i)
{
	(void)i;
	pipe_pass(PAGE);
}

/* sendto to our own UDP socket and the recvfrom that takes it back. */
static void op_udp_1(long i)
{
	(void)i;
	if (sendto(udp_fd, buf, 1, 0, (struct sockaddr *)&udp_addr, sizeof(udp_addr)) != 1)
		die("sendto");
	if (recvfrom(udp_fd, buf, 1, 0, NULL, NULL) != 1)
		die("recvfrom");
}

/*
 * One byte there and back over a loopback TCP connection, with ukl-lib's
 * TCP calls: send/recv at stock, the TCP shortcut at level shortcut.
 */
static void op_tcp_rtt(long i)
{
	(void)i;
	if (ukl_tcp_send(tcp_client, buf, 1, 0) != 1 || ukl_tcp_recv(tcp_server, buf, 1, 0) != 1 ||
	    ukl_tcp_send(tcp_server, buf, 1, 0) != 1 || ukl_tcp_recv(tcp_client, buf, 1, 0) != 1)
		die("tcp round trip");
}

static void op_mmap_64k(long i)
{
	void *p = mmap(NULL, 64 * 1024, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)i;
	if (p == MAP_FAILED)
		die("mmap");
	if (munmap(p, 64 * 1024))
		die("munmap");
}

/* First touch of a fresh page: the region is mapped, not populated. */
static char *fresh;
static long fresh_len;

static void fresh_map(long n)
{
	fresh_len = n * PAGE;
	fresh = mmap(NULL, fresh_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fresh == MAP_FAILED)
		die("mmap fresh");
}

static void fresh_unmap(long n)
{
	(void)n;
	if (munmap(fresh, fresh_len))
		die("munmap fresh");
}

static void op_page_touch(long i)
{
	fresh[i * PAGE] = 1;
}

static void *thread_noop(void *arg)
{
	return arg;
}

static void op_thread(long i)
{
	pthread_t t;

	(void)i;
	errno = pthread_create(&t, NULL, thread_noop, NULL);
	if (errno)
		die("pthread_create");
	errno = pthread_join(t, NULL);
	if (errno)
		die("pthread_join");
}

/* Ping-pong: one byte to a partner thread and back, over two pipes. */
static int ping[2], pong[2];

static void *partner(void *arg)
{
	char c;

	(void)arg;
	while (read(ping[0], &c, 1) == 1) {
		if (c == 'q' || write(pong[1], &c, 1) != 1)
			break;
	}
	return NULL;
}

static void op_pingpong(long i)
{
	char c = 'p';

	(void)i;
	if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
		die("ping-pong");
}

/* --- set-up -------------------------------------------------------------- */

static void setup_sockets(void)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	int listener, one = 1;

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	udp_fd = socket(AF_INET, SOCK_DGRAM, 0);
	check(udp_fd, "udp socket");
	check(bind(udp_fd, (struct sockaddr *)&addr, sizeof(addr)), "udp bind");
	check(getsockname(udp_fd, (struct sockaddr *)&udp_addr, &len), "udp getsockname");

	listener = socket(AF_INET, SOCK_STREAM, 0);
	check(listener, "tcp socket");
	check(bind(listener, (struct sockaddr *)&addr, sizeof(addr)), "tcp bind");
	check(listen(listener, 1), "listen");
	len = sizeof(addr);
	check(getsockname(listener, (struct sockaddr *)&addr, &len), "tcp getsockname");
	tcp_client = socket(AF_INET, SOCK_STREAM, 0);
	check(tcp_client, "tcp client socket");
	check(connect(tcp_client, (struct sockaddr *)&addr, sizeof(addr)), "connect");
	tcp_server = accept(listener, NULL, NULL);
	check(tcp_server, "accept");
	close(listener);
	check(setsockopt(tcp_client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)), "nodelay");
	check(setsockopt(tcp_server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)), "nodelay");
}

int main(int argc, char **argv)
{
	pthread_t partner_thread;
	char path[] = "/bench/file";
	char c = 'q';

	quick = argc > 1 && strcmp(argv[1], "quick") == 0;
	memset(buf, 'x', sizeof(buf));
	/* A fresh tmpfs of its own, the same at every level. */
	check(mkdir("/bench", 0700) == 0 || errno == EEXIST ? 0 : -1, "mkdir /bench");
	check(mount("tmpfs", "/bench", "tmpfs", 0, NULL), "mount tmpfs on /bench");
	file_fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	check(file_fd, "open tmpfs file");
	check(pwrite(file_fd, buf, PAGE, 0), "fill tmpfs file");
	check(pipe(pipe_fds), "pipe");
	check(pipe(ping), "pipe");
	check(pipe(pong), "pipe");
	check(ukl_loopback_up(), "bring up lo");
	setup_sockets();
	errno = pthread_create(&partner_thread, NULL, partner, NULL);
	if (errno)
		die("pthread_create partner");

	measure("getppid", 10000, op_getppid, NULL, NULL);
	measure("read-1B-tmpfs", 5000, op_file_read_1, NULL, NULL);
	measure("read-4KB-tmpfs", 2500, op_file_read_4k, NULL, NULL);
	measure("write-1B-tmpfs", 5000, op_file_write_1, NULL, NULL);
	measure("write-4KB-tmpfs", 2500, op_file_write_4k, NULL, NULL);
	measure("pipe-1B-write+read", 5000, op_pipe_1, NULL, NULL);
	measure("pipe-4KB-write+read", 2500, op_pipe_4k, NULL, NULL);
	measure("udp-1B-sendto+recvfrom", 2000, op_udp_1, NULL, NULL);
	measure("tcp-1B-round-trip", 1000, op_tcp_rtt, NULL, NULL);
	measure("mmap+munmap-64KB", 2000, op_mmap_64k, NULL, NULL);
	measure("page-first-touch", 1000, op_page_touch, fresh_map, fresh_unmap);
	measure("pthread-create+join", 100, op_thread, NULL, NULL);
	measure("pipe-ping-pong-threads", 1000, op_pingpong, NULL, NULL);

	if (write(ping[1], &c, 1) != 1)
		die("stop partner");
	pthread_join(partner_thread, NULL);
	unlink(path);
	umount("/bench");
	return 0;
}
