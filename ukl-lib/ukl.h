/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Public interface of ukl-lib, the app-side support library of the
 * Unikernel Linux kit.  One app source serves every level: what is here
 * compiles to plain system calls when built for stock.
 */
#ifndef UKL_H
#define UKL_H

/*
 * Console markers the boot harness looks for (scripts/verdict.c).  The exit
 * marker is followed by the status in decimal.
 */
#define UKL_START_MARKER "ukl-kit: app started"
#define UKL_EXIT_MARKER "ukl-kit: app exited with status"
/* Printed after the start marker: the time-stamp counter, in decimal. */
#define UKL_TSC_MARKER "ukl-kit: tsc at start"

/* What a UKL kernel prints when the app's last thread exits. */
#define UKL_KERNEL_EXIT_REPORT " exited with status "

/* I/O port of QEMU's isa-debug-exit device (scripts/boot sets iobase). */
#define UKL_EXIT_PORT 0xf4

/*
 * The guest's wall clock from the host's (ukl-lib/clock.c).  When the guest
 * has a NIC, scripts/boot serves the host's time at UKL_CLOCK_ADDRESS:
 * UKL_CLOCK_PORT and names that place in the app's environment variable
 * UKL_CLOCK_ENV (a kernel parameter); before main() the app sets its clock
 * from it and prints UKL_CLOCK_MARKER with the round trip, in microseconds,
 * that bounds the error: the guest is behind by at most that much.
 */
#define UKL_CLOCK_ENV "UKL_HOST_CLOCK"
#define UKL_CLOCK_ADDRESS "10.0.2.100"
#define UKL_CLOCK_PORT 37
#define UKL_CLOCK_MARKER "ukl-kit: clock set from the host's, round trip us"
/* ukl-lib's start-up code: the clock (nothing without UKL_CLOCK_ENV), and
 * console lines written whole, in one write(). */
void ukl_clock_from_host(void);
void ukl_put_line(const char *s);

/* Bring up the loopback interface (down in a fresh guest); 0 or -1/errno. */
int ukl_loopback_up(void);

/*
 * Shortcut entry (levels byp, ret-byp, nss, shortcut): the app's frequent
 * system calls skip the kernel's entry and exit work, and one call in
 * `period` takes the full path.  The period is per thread; threads inherit
 * their creator's.  The kernel's default is ukl.shortcut_period= (64).
 *
 * ukl_shortcut_period(period) sets the calling thread's period: 0 turns the
 * shortcut off for it, UKL_SHORTCUT_DEFAULT restores the default.  It
 * returns the previous period, or -1 with errno EINVAL where the kernel
 * has no shortcut entry (stock, base, ret): there it changes nothing, so
 * one app source serves every level.
 */
#define UKL_ARCH_SHORTCUT_PERIOD 0x5501	/* ARCH_UKL_SHORTCUT_PERIOD */
#define UKL_SHORTCUT_DEFAULT (~0UL)	/* ARCH_UKL_SHORTCUT_DEFAULT */

long ukl_shortcut_period(unsigned long period);

/*
 * TCP shortcut (level shortcut): send(2) and recv(2) that, on a TCP socket,
 * call the kernel's TCP layer directly (UKL_NR_tcp_send/recv in the kernel's
 * <asm/ukl.h>).  The contract is send's and recv's: the same results and
 * errno values (EBADF for a closed descriptor, ENOTSOCK for a non-socket,
 * EAGAIN on a non-blocking socket that cannot proceed, ECONNRESET or EPIPE
 * after the peer reset the connection, EINTR when a signal whose handler
 * lacks SA_RESTART interrupts a blocking call, which SA_RESTART restarts);
 * any socket that is not TCP takes the normal send/recv path.  Built for
 * stock (UKL_STOCK) they are send() and recv(); at UKL levels without the
 * shortcut the first call finds out (ENOSYS) and later calls are send()
 * and recv().
 */
#define UKL_NR_TCP_SEND 1024	/* UKL_NR_tcp_send */
#define UKL_NR_TCP_RECV 1025	/* UKL_NR_tcp_recv */

#include <sys/types.h>

ssize_t ukl_tcp_send(int fd, const void *buf, size_t len, int flags);
ssize_t ukl_tcp_recv(int fd, void *buf, size_t len, int flags);

#endif /* UKL_H */
