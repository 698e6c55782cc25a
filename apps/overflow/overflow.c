// SPDX-License-Identifier: GPL-2.0
/*
 * overflow: test fixture for fault handling.  Recurses without end until
 * the stack runs out, with no handler: the boot must end quickly with a
 * crash report, not hang or reboot in a loop.
 *
 * "overflow thread" recurses in a thread that asked for a 4 MiB stack, as
 * Redis's background threads do; at UKL levels only the top of a thread
 * stack is present (ukl.stack_populate=), so it overflows there first.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static int descend(int depth)
{
	volatile char frame[1024];

	frame[0] = (char)depth;
	return descend(depth + 1) + frame[0];
}

static void *descend_in_thread(void *arg)
{
	(void)arg;
	descend(0);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_attr_t attr;
	pthread_t thread;
	int err;

	if (argc < 2 || strcmp(argv[1], "thread") != 0) {
		printf("overflow: recursing until the stack runs out\n");
		fflush(stdout);
		return descend(0);
	}
	printf("overflow: recursing in a thread with a 4 MiB stack until it runs out\n");
	fflush(stdout);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 4 << 20);
	err = pthread_create(&thread, &attr, descend_in_thread, NULL);
	if (err) {
		fprintf(stderr, "overflow: pthread_create: %s\n", strerror(err));
		return 1;
	}
	pthread_join(thread, NULL);
	return 0;
}
