// SPDX-License-Identifier: GPL-2.0
/* TCP send/receive shortcut for apps of the kit (see ukl.h). */
#include <errno.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "ukl.h"

#ifdef UKL_STOCK
ssize_t ukl_tcp_send(int fd, const void *buf, size_t len, int flags)
{
	return send(fd, buf, len, flags);
}

ssize_t ukl_tcp_recv(int fd, void *buf, size_t len, int flags)
{
	return recv(fd, buf, len, flags);
}
#else
/*
 * Whether the kernel has the UKL-only calls: unknown (-1) until the first
 * call answers.  Threads may race to set it; they set the same value.
 */
static int kernel_has_tcp_shortcut = -1;

static ssize_t tcp_call(long nr, int fd, const void *buf, size_t len, int flags)
{
	ssize_t ret;

	if (kernel_has_tcp_shortcut == 0)
		return -1;
	ret = syscall(nr, fd, buf, len, flags);
	if (kernel_has_tcp_shortcut < 0)
		kernel_has_tcp_shortcut = !(ret == -1 && errno == ENOSYS);
	return ret;
}

ssize_t ukl_tcp_send(int fd, const void *buf, size_t len, int flags)
{
	ssize_t ret = tcp_call(UKL_NR_TCP_SEND, fd, buf, len, flags);

	return kernel_has_tcp_shortcut ? ret : send(fd, buf, len, flags);
}

ssize_t ukl_tcp_recv(int fd, void *buf, size_t len, int flags)
{
	ssize_t ret = tcp_call(UKL_NR_TCP_RECV, fd, buf, len, flags);

	return kernel_has_tcp_shortcut ? ret : recv(fd, buf, len, flags);
}
#endif
