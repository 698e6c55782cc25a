// SPDX-License-Identifier: GPL-2.0
/*
 * hang: test fixture for the boot harness.  Prints one line and then waits
 * forever without output, so the boot must be judged a hang.
 */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	printf("hang: waiting forever\n");
	fflush(stdout);
	for (;;)
		pause();
}
