// SPDX-License-Identifier: GPL-2.0
/*
 * overflow: test fixture for fault handling.  Recurses without end until
 * the stack runs out, with no handler: the boot must end quickly with a
 * crash report, not hang or reboot in a loop.
 */
#include <stdio.h>

static int descend(int depth)
{
	volatile char frame[1024];

	frame[0] = (char)depth;
	return descend(depth + 1) + frame[0];
}

int main(void)
{
	printf("overflow: recursing until the stack runs out\n");
	fflush(stdout);
	return descend(0);
}
