// SPDX-License-Identifier: GPL-2.0
/*
 * crash: test fixture for the boot harness.  Dereferences NULL with no
 * handler, so the app dies from SIGSEGV and the boot must be judged a crash.
 */
#include <stdio.h>

int main(void)
{
	volatile int *null_pointer = NULL;

	printf("crash: about to dereference NULL\n");
	fflush(stdout);
	return *null_pointer;
}
