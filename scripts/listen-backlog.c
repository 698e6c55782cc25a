// SPDX-License-Identifier: GPL-2.0
/*
 * listen-backlog.so: preloaded into QEMU by scripts/boot when it forwards a
 * host port to the guest (--forward).
 *
 * libslirp, QEMU's user network, listens on a forwarded port with a backlog
 * of 1 (libslirp 4.7.0, src/socket.c, tcpx_listen).  The host kernel then
 * keeps at most two connections waiting for slirp's accept() and drops the
 * SYNs of the rest: a client that opens 16 connections at once sees about
 * half of them wait 1 s or more for a SYN retransmission, and a connection
 * whose handshake completed on the client's side but not in the full queue
 * is later reset.  redis-benchmark -c 16 then stalls for minutes and fails
 * with "Connection reset by peer", at stock as at every UKL level.
 *
 * So every listen() QEMU makes asks for the largest backlog, which the host
 * kernel caps at its limit, net.core.somaxconn.  Nothing else changes.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <sys/socket.h>

int listen(int fd, int backlog)
{
	static int (*next_listen)(int, int);

	if (!next_listen) {
		next_listen = (int (*)(int, int))dlsym(RTLD_NEXT, "listen");
		if (!next_listen) {
			errno = ENOSYS;
			return -1;
		}
	}
	(void)backlog;
	return next_listen(fd, INT_MAX);
}
