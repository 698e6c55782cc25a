// SPDX-License-Identifier: GPL-2.0
/*
 * hello: the kit's default app.  Prints a greeting and its argv, and exits
 * with the status it is given:  make run ARGS="exit 3"  exits 3.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	char *end;
	long status;

	printf("Hello from the Unikernel Linux kit!\n");
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
