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
 * The host read its clock after the connection was made (QEMU starts `date`
 * when the guest's SYN arrives) and before the reply arrived, so the
 * reading is taken as the host's time in the middle of that: the error is
 * at most half of it.  Taking the reply's arrival instead left the guest
 * about 1.5 ms behind under TCG (the reply's way from the host), which
 * fails Redis's "GETEX PXAT option": a TTL longer than the one asked for.
 * Of three readings the one with the shortest round trip is used.  Nothing waits long: a place that does not
 * answer within 2 s leaves the clock as the RTC set it, with a message.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "ukl.h"

static long long ns_of(const struct timespec *t)
{
	return t->tv_sec * 1000000000LL + t->tv_nsec;
}

static long long monotonic_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return ns_of(&t);
}

/* "SECONDS.NANOSECONDS" (digits only, 1 to 9 after the point) in ns, or -1. */
static long long parse_time(const char *s)
{
	long long ns = 0;
	int digits = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (ns > 10000000000LL)	/* beyond year 2286 */
			return -1;
		ns = ns * 10 + (*s - '0');
	}
	if (*s++ != '.')
		return -1;
	for (; *s >= '0' && *s <= '9' && digits < 9; s++, digits++)
		ns = ns * 10 + (*s - '0');
	if (digits == 0 || (*s != '\n' && *s != '\0'))
		return -1;
	for (; digits < 9; digits++)
		ns *= 10;
	return ns;
}

/*
 * One reading: the host's time in ns, or -1; *rtt: ns from before the
 * connection to the reply's arrival; *read_at: the monotonic time taken
 * for the host's reading (-1: no answer).
 */
static long long host_time(const struct sockaddr_in *host, long long *rtt, long long *read_at)
{
	struct timeval limit = { .tv_sec = 2 };
	char reply[64];
	size_t have = 0;
	ssize_t n;
	long long sent, connected, arrived = -1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	*read_at = -1;
	if (fd < 0)
		return -1;
	/* Bounds connect() and each read(). */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
	sent = monotonic_ns();
	if (connect(fd, (const struct sockaddr *)host, sizeof(*host)) != 0) {
		close(fd);
		return -1;
	}
	connected = monotonic_ns();
	while (have < sizeof(reply) - 1 && (n = read(fd, reply + have, sizeof(reply) - 1 - have)) > 0) {
		if (arrived < 0)
			arrived = monotonic_ns();
		have += n;
	}
	close(fd);
	reply[have] = '\0';
	if (arrived < 0)
		return -1;
	*rtt = arrived - sent;
	*read_at = connected + (arrived - connected) / 2;
	return parse_time(reply);
}

void ukl_clock_from_host(void)
{
	const char *where = getenv(UKL_CLOCK_ENV);
	struct sockaddr_in host = { .sin_family = AF_INET };
	long long best_rtt = -1, best_host = 0, best_read_at = 0, now, rtt, read_at;
	char address[32], line[160];
	unsigned int port;
	struct timespec t;
	int i;

	if (!where)
		return;
	if (sscanf(where, "%31[0-9.]:%u", address, &port) != 2 || port == 0 || port > 65535 ||
	    inet_pton(AF_INET, address, &host.sin_addr) != 1) {
		snprintf(line, sizeof(line), "ukl: %s=%s is not ADDRESS:PORT; the clock is the RTC's\n",
			 UKL_CLOCK_ENV, where);
		ukl_put_line(line);
		return;
	}
	host.sin_port = htons(port);
	for (i = 0; i < 3; i++) {
		now = host_time(&host, &rtt, &read_at);
		if (read_at < 0)
			break;	/* no answer: do not wait again */
		if (now >= 0 && (best_rtt < 0 || rtt < best_rtt)) {
			best_rtt = rtt;
			best_host = now;
			best_read_at = read_at;
		}
	}
	if (best_rtt < 0) {
		snprintf(line, sizeof(line), "ukl: no time from the host at %s; the clock is the RTC's\n", where);
		ukl_put_line(line);
		return;
	}
	now = best_host + (monotonic_ns() - best_read_at);
	t.tv_sec = now / 1000000000LL;
	t.tv_nsec = now % 1000000000LL;
	if (clock_settime(CLOCK_REALTIME, &t) != 0) {
		ukl_put_line("ukl: clock_settime failed; the clock is the RTC's\n");
		return;
	}
	snprintf(line, sizeof(line), UKL_CLOCK_MARKER " %lld\n", best_rtt / 1000);
	ukl_put_line(line);
}
