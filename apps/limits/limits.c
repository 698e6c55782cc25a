// SPDX-License-Identifier: GPL-2.0
/*
 * limits: what a UKL app cannot do, and how it is told.  A unikernel runs
 * one program: fork, posix_spawn and exec fail at once with ENOSYS (the
 * kernel logs it once), and dlopen fails with ENOSYS and a dlerror()
 * message that says why.  arch_prctl(ARCH_SET_GS) fails with EINVAL: %gs
 * holds the kernel's per-CPU base.  Meaningful at UKL levels only.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>
#include <asm/prctl.h>
#include <sys/syscall.h>

#include "kselftest.h"

extern char **environ;

int main(void)
{
	char *argv[] = { "/init", NULL };
	const char *why;
	pid_t pid;
	void *handle;
	int ret;

	ksft_print_header();
	ksft_set_plan(5);

	errno = 0;
	pid = fork();
	if (pid == 0)
		_exit(0);
	ksft_test_result(pid == -1 && errno == ENOSYS, "fork fails with ENOSYS\n");

	ret = posix_spawn(&pid, "/init", NULL, NULL, argv, environ);
	ksft_test_result(ret == ENOSYS, "posix_spawn fails with ENOSYS (got %d)\n", ret);

	errno = 0;
	ret = execve("/init", argv, environ);
	ksft_test_result(ret == -1 && errno == ENOSYS, "execve fails with ENOSYS\n");

	errno = 0;
	handle = dlopen("libm.so.6", RTLD_NOW);
	why = handle ? "" : dlerror();
	ksft_test_result(!handle && errno == ENOSYS && why && strstr(why, "UKL"),
			 "dlopen fails with ENOSYS: %s\n", why ? why : "(no message)");

	errno = 0;
	ret = syscall(SYS_arch_prctl, ARCH_SET_GS, 0x10000UL);
	ksft_test_result(ret == -1 && errno == EINVAL, "arch_prctl(ARCH_SET_GS) fails with EINVAL\n");
	ksft_finished();
}
