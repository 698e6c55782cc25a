// SPDX-License-Identifier: GPL-2.0
/* Shortcut-entry control for apps of the kit (see ukl.h). */
#include <unistd.h>
#include <sys/syscall.h>

#include "ukl.h"

long ukl_shortcut_period(unsigned long period)
{
	/* A plain system call: stock and levels without it answer EINVAL. */
	return syscall(SYS_arch_prctl, UKL_ARCH_SHORTCUT_PERIOD, period);
}
