// SPDX-License-Identifier: GPL-2.0
/*
 * Boot-harness glue linked into every app of the kit.
 *
 * The harness (scripts/boot) judges a boot from two explicit signals rather
 * than from the absence of errors:
 *
 *  - a start marker on the console, printed before main(), which proves the
 *    kernel booted and reached the app;
 *  - the app's exit status, printed as an exit marker and written to QEMU's
 *    isa-debug-exit port, which makes QEMU exit with (status << 1) | 1.
 *
 * For stock images the app is a normal static /init in user mode, so the
 * port is opened with ioperm() (CONFIG_X86_IOPL_IOPERM).  An app that dies
 * from a signal never gets here: the kernel panics ("Attempted to kill
 * init!"), which the harness reports as a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/io.h>
#include <x86intrin.h>

#include "ukl.h"

void ukl_put_line(const char *s)
{
	/* One write() per marker so kernel messages cannot split it. */
	ssize_t unused = write(STDOUT_FILENO, s, strlen(s));

	(void)unused;
}

static void report_exit(int status, void *arg)
{
	char line[64];

	(void)arg;
	/* Handlers run before stdio's own flush at exit; flush the app first. */
	fflush(NULL);
	snprintf(line, sizeof(line), "\n" UKL_EXIT_MARKER " %d\n", status & 0xff);
	ukl_put_line(line);
	/* Only the guest's init owns the exit port; elsewhere (a test on the
	 * host, say) the marker is enough. */
	if (getpid() != 1)
		return;
	/*
	 * write() to the console only queues the marker for the UART; with
	 * several CPUs its interrupt may be served elsewhere after the port
	 * write below has already stopped the machine.  Wait until it is sent.
	 */
	if (tcdrain(STDOUT_FILENO) != 0)
		perror("ukl: tcdrain(stdout)");
	if (ioperm(UKL_EXIT_PORT, 4, 1) != 0) {
		perror("ukl: ioperm(exit port)");
		return;
	}
	outl((unsigned int)(status & 0xff), UKL_EXIT_PORT);
}

__attribute__((constructor)) static void announce_start(void)
{
	char line[64];

	ukl_put_line(UKL_START_MARKER "\n");
	/*
	 * The time-stamp counter at start, for bench/boot: under QEMU's
	 * -icount shift=0 it counts the guest instructions since power-on.
	 */
	snprintf(line, sizeof(line), UKL_TSC_MARKER " %llu\n", (unsigned long long)__rdtsc());
	ukl_put_line(line);
	on_exit(report_exit, NULL);
	ukl_clock_from_host();
}
