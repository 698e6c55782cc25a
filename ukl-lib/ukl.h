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

/* What a UKL kernel prints when the app's last thread exits. */
#define UKL_KERNEL_EXIT_REPORT " exited with status "

/* I/O port of QEMU's isa-debug-exit device (scripts/boot sets iobase). */
#define UKL_EXIT_PORT 0xf4

#endif /* UKL_H */
