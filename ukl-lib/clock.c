// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's wall clock from the host's, before main().
 *
 * The kernel sets the clock from the RTC, which has whole seconds only, and
 * QEMU starts the RTC at the host's time cut to the second: the guest was up
 * to about 1.3 s behind the host, enough to fail Redis's EXAT and PXAT
 * tests.  Where the guest has a NIC, scripts/boot serves the host's time as
 * "SECONDS.NANOSECONDS" to each connection at UKL_CLOCK_ADDRESS:PORT (QEMU's
 * user network runs `date` for it) and passes that place in UKL_CLOCK_ENV.
 *
 * The host read its clock after the connection was made and just before
 * its reply left; most of the round trip is QEMU starting `date`.  So the
 * reading is taken as the host's time when the reply arrived: the guest is
 * then behind by the reply's way from the host to the guest, and never off
 * by more than the round trip.  Of three readings the one with the
 * shortest round trip is used.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ukl.h"

static long long ns_of(const struct timespec *t)
{
	return t->tv_sec * 1000000000LL + t->tv_nsec;
}

/*
 * One reading: the host's time in ns, or -1; *sent: monotonic ns before
 * the connection, *got: when the reply's first bytes arrived.
 */
static long long host_time(const struct sockaddr_in *host, long long *sent, long long *got)
{
	char reply[64];
	size_t have = 0;
	ssize_t n;
	long long sec, nsec;
	struct timespec t;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t);
	*sent = ns_of(&t);
	if (connect(fd, (const struct sockaddr *)host, sizeof(*host)) != 0) {
		close(fd);
		return -1;
	}
	*got = -1;
	while (have < sizeof(reply) - 1 && (n = read(fd, reply + have, sizeof(reply) - 1 - have)) > 0) {
		if (*got < 0) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			*got = ns_of(&t);
		}
		have += n;
	}
	close(fd);
	reply[have] = '\0';
	if (sscanf(reply, "%lld.%9lld", &sec, &nsec) != 2)
		return -1;
	return sec * 1000000000LL + nsec;
}

void ukl_clock_from_host(void)
{
	const char *where = getenv(UKL_CLOCK_ENV);
	struct sockaddr_in host = { .sin_family = AF_INET };
	long long best_rtt = -1, best_host = 0, best_got = 0, sent, got, now, rtt;
	char address[32], line[96];
	unsigned int port;
	struct timespec t;
	int i;

	if (!where)
		return;
	if (sscanf(where, "%31[0-9.]:%u", address, &port) != 2 || port > 65535 ||
	    inet_pton(AF_INET, address, &host.sin_addr) != 1) {
		fprintf(stderr, "ukl: %s=%s is not ADDRESS:PORT; the clock is the RTC's\n", UKL_CLOCK_ENV, where);
		return;
	}
	host.sin_port = htons(port);
	for (i = 0; i < 3; i++) {
		now = host_time(&host, &sent, &got);
		rtt = got - sent;
		if (now >= 0 && (best_rtt < 0 || rtt < best_rtt)) {
			best_rtt = rtt;
			best_host = now;
			best_got = got;
		}
	}
	if (best_rtt < 0) {
		fprintf(stderr, "ukl: no time from the host at %s; the clock is the RTC's\n", where);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t);
	now = best_host + (ns_of(&t) - best_got);
	t.tv_sec = now / 1000000000LL;
	t.tv_nsec = now % 1000000000LL;
	if (clock_settime(CLOCK_REALTIME, &t) != 0) {
		perror("ukl: clock_settime");
		return;
	}
	snprintf(line, sizeof(line), UKL_CLOCK_MARKER " %lld\n", best_rtt / 1000);
	fputs(line, stdout);
	fflush(stdout);
}
