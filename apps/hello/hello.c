// SPDX-License-Identifier: GPL-2.0
/*
 * hello: the kit's default app.  Prints a greeting, the privilege level it
 * runs at (ring 3 as a stock init, ring 0 as a UKL app) and its argv, and
 * exits with the status it is given:  make run ARGS="exit 3"  exits 3.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The CPU's current privilege level: the low two bits of CS. */
static int current_ring(void)
{
	unsigned short cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	return cs & 3;
}

int main(int argc, char **argv)
{
	int ring = current_ring();
	char *end;
	long status;

	printf("Hello from the Unikernel Linux kit!\n");
	printf("Running in ring %d (%s mode)\n", ring, ring ? "user" : "kernel");
	for (int i = 0; i < argc; i++)
		printf("argv[%d] = %s\n", i, argv[i]);

	if (argc == 3 && strcmp(argv[1], "exit") == 0) {
		status = strtol(argv[2], &end, 10);
		if (*argv[2] == '\0' || *end != '\0' || status < 0 || status > 255) {
			fprintf(stderr, "hello: exit status must be 0..255, got '%s'\n", argv[2]);
			return 2;
		}
		return (int)status;
	}
	if (argc > 1) {
		fprintf(stderr, "usage: hello [exit STATUS]\n");
		return 2;
	}
	return 0;
}
