// SPDX-License-Identifier: GPL-2.0
/*
 * verdict: judge one boot from its console log.
 *
 *   verdict [--qemu-status N] [--ended exited|hang|timeout]
 *           [--qemu-stderr FILE] [--cases] LOG
 *
 * The boot harness (scripts/boot) runs QEMU, keeps the serial console in LOG
 * and then asks this program what happened.  The verdict is decided from
 * explicit markers, never from "no error seen":
 *
 *   qemu-error  QEMU stopped before the guest printed anything and said
 *           why on its stderr (--qemu-stderr): a bad option, a forward
 *           port in use, no KVM
 *   crash   the kernel printed a panic, oops, BUG or WARNING (wins over all
 *           verdicts about the guest)
 *   noboot  the app's start marker never appeared
 *   hang    the harness stopped QEMU: console silent too long, or timeout
 *   lost    the app started but no exit status reached the host
 *   fail    the app exited but its TAP output failed, was truncated or had
 *           no plan
 *   exit    the app exited with a non-zero status and no TAP failure
 *   pass    the app exited with status 0 and any TAP output passed
 *
 * The app's exit status comes from its exit marker or, under UKL, from the
 * kernel's own report ("ukl: app NAME exited with status N").
 *
 * Kernel messages are recognised by their printk timestamp ("[    1.234]")
 * and may interrupt an app line in the middle; the two parts of such a line
 * are joined again before the app line is parsed.
 *
 * Output: "verdict:", "status:", "tap:" and "reason:" lines on stdout, and
 * with --cases one "case:" line per TAP result the app printed.  The exit
 * code is the app's status for pass, exit and fail (at least 1 for fail),
 * 124 for hang, 125 for crash, noboot and lost, 126 for qemu-error (and
 * for this program's own usage errors).
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ukl-lib/ukl.h"

#define EXIT_HANG 124
#define EXIT_BROKEN 125
#define EXIT_HARNESS 126

struct tap {
	long plan;		/* -1: no plan line seen */
	long ok, not_ok, skip;
	bool bail_out;
};

struct boot {
	bool started, exited;
	int status;
	char crash[256];	/* first crash line, empty if none */
	struct tap tap;
	char failed_test[256];	/* first "not ok" line */
	bool console_output;	/* the log has at least one byte */
	char **cases;		/* every TAP result line, in order */
	size_t ncases;
};

/* Lines the kernel prints when something went badly wrong. */
static const char *const crash_patterns[] = {
	"Kernel panic - not syncing",
	"BUG: ",
	"Oops: ",
	"general protection fault",
	"WARNING: CPU: ",
	"double fault",
	"stack guard page was hit",
};

static void copy_trimmed(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src);
}

/* Pointer past one or more digits at p, or NULL if there are none. */
static const char *skip_digits(const char *p)
{
	if (!isdigit((unsigned char)*p))
		return NULL;
	while (isdigit((unsigned char)*p))
		p++;
	return p;
}

/* Length of a printk timestamp "[   12.345678]" at s, or 0. */
static size_t kernel_prefix_len(const char *s)
{
	const char *p = s;

	if (*p++ != '[')
		return 0;
	while (*p == ' ')
		p++;
	p = skip_digits(p);
	if (!p || *p++ != '.')
		return 0;
	p = skip_digits(p);
	if (!p || *p++ != ']')
		return 0;
	return p - s;
}

static void kernel_line(struct boot *b, const char *msg)
{
	const char *report = strstr(msg, UKL_KERNEL_EXIT_REPORT);
	int status;

	/* A UKL kernel reports the app's exit itself (e.g. after _exit()). */
	if (strncmp(msg, "ukl: app ", 9) == 0 && report &&
	    sscanf(report + strlen(UKL_KERNEL_EXIT_REPORT), "%d", &status) == 1 &&
	    status >= 0 && status <= 255) {
		b->exited = true;
		b->status = status;
	}
	if (b->crash[0])
		return;
	/* "traps: init[1] general protection fault ...": a fault of the app,
	 * reported for user mode, is the app's business (SIGSEGV), not a crash. */
	if (strncmp(msg, "traps: ", 7) == 0)
		return;
	for (size_t i = 0; i < sizeof(crash_patterns) / sizeof(crash_patterns[0]); i++)
		if (strstr(msg, crash_patterns[i])) {
			copy_trimmed(b->crash, sizeof(b->crash), msg);
			return;
		}
}

/* "ok 3 - name # SKIP why" or "not ok 3 name" */
static void tap_result(struct boot *b, const char *line, bool ok)
{
	const char *directive = strchr(line, '#');

	b->cases = realloc(b->cases, (b->ncases + 1) * sizeof(*b->cases));
	if (!b->cases || !(b->cases[b->ncases++] = strdup(line))) {
		perror("verdict");
		exit(EXIT_HARNESS);
	}
	if (!ok) {
		b->tap.not_ok++;
		if (!b->failed_test[0])
			copy_trimmed(b->failed_test, sizeof(b->failed_test), line);
		return;
	}
	if (directive) {
		directive++;
		while (*directive == ' ')
			directive++;
		if (strncasecmp(directive, "skip", 4) == 0) {
			b->tap.skip++;
			return;
		}
	}
	b->tap.ok++;
}

static void app_line(struct boot *b, const char *line)
{
	size_t exit_len = strlen(UKL_EXIT_MARKER);
	char *end;

	if (strcmp(line, UKL_START_MARKER) == 0) {
		b->started = true;
		return;
	}
	if (strncmp(line, UKL_EXIT_MARKER, exit_len) == 0 && line[exit_len] == ' ') {
		long status = strtol(line + exit_len + 1, &end, 10);

		if (*end == '\0' && status >= 0 && status <= 255) {
			b->exited = true;
			b->status = (int)status;
		}
		return;
	}
	if (strncmp(line, "1..", 3) == 0 && isdigit((unsigned char)line[3])) {
		b->tap.plan = strtol(line + 3, NULL, 10);
		return;
	}
	if (strncmp(line, "ok ", 3) == 0 && isdigit((unsigned char)line[3]))
		tap_result(b, line, true);
	else if (strncmp(line, "not ok ", 7) == 0 && isdigit((unsigned char)line[7]))
		tap_result(b, line, false);
	else if (strncmp(line, "Bail out!", 9) == 0)
		b->tap.bail_out = true;
}

static void parse(FILE *log, struct boot *b)
{
	char *line = NULL, *carry = NULL;
	size_t cap = 0;
	ssize_t len;

	while ((len = getline(&line, &cap, log)) != -1) {
		char *kernel = NULL;

		b->console_output = true;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		/* A kernel message may start anywhere in the line. */
		for (char *p = strchr(line, '['); p; p = strchr(p + 1, '['))
			if (kernel_prefix_len(p)) {
				kernel = p;
				break;
			}
		if (kernel) {
			const char *msg = kernel + kernel_prefix_len(kernel);

			kernel_line(b, msg + strspn(msg, " "));
			*kernel = '\0';
			if (kernel == line)
				continue;
			/* The app's text before the message continues on a later line. */
			size_t old = carry ? strlen(carry) : 0;
			carry = realloc(carry, old + strlen(line) + 1);
			if (!carry) {
				perror("verdict");
				exit(EXIT_HARNESS);
			}
			strcpy(carry + old, line);
			continue;
		}
		if (carry) {
			size_t need = strlen(carry) + strlen(line) + 1;
			char *joined = malloc(need);

			if (!joined) {
				perror("verdict");
				exit(EXIT_HARNESS);
			}
			snprintf(joined, need, "%s%s", carry, line);
			app_line(b, joined);
			free(joined);
			free(carry);
			carry = NULL;
			continue;
		}
		app_line(b, line);
	}
	if (carry)
		app_line(b, carry);
	free(carry);
	free(line);
}

static bool has_tap(const struct tap *t)
{
	return t->plan >= 0 || t->ok || t->not_ok || t->skip || t->bail_out;
}

/* Why the TAP output failed, or NULL if it passed (or there was none). */
static const char *tap_problem(const struct boot *b, char *buf, size_t size)
{
	const struct tap *t = &b->tap;
	long results = t->ok + t->not_ok + t->skip;

	if (!has_tap(t))
		return NULL;
	if (t->bail_out)
		return "TAP: Bail out!";
	if (t->not_ok) {
		snprintf(buf, size, "TAP: %ld test(s) failed, first: %s", t->not_ok, b->failed_test);
		return buf;
	}
	if (t->plan < 0)
		return "TAP: missing plan (no 1..N line)";
	if (results != t->plan) {
		snprintf(buf, size, "TAP: truncated or miscounted, plan 1..%ld but %ld result(s)",
			 t->plan, results);
		return buf;
	}
	return NULL;
}

static void usage(void)
{
	fprintf(stderr, "usage: verdict [--qemu-status N] [--ended exited|hang|timeout] [--qemu-stderr FILE] [--cases] LOG\n");
	exit(EXIT_HARNESS);
}

/* The first non-empty line of FILE into buf; buf stays empty if none. */
static void first_line(const char *file, char *buf, size_t size)
{
	FILE *f = fopen(file, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (!f)
		return;
	while ((len = getline(&line, &cap, f)) != -1) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		/* QEMU's own note when the harness stops it is no error. */
		if (len && !strstr(line, "terminating on signal") && !strstr(line, "warning:")) {
			snprintf(buf, size, "%s", line);
			break;
		}
	}
	free(line);
	fclose(f);
}

int main(int argc, char **argv)
{
	struct boot b = { .tap = { .plan = -1 } };
	const char *ended = "exited", *path = NULL, *qemu_stderr = NULL, *verdict, *problem;
	char reason[512], buf[400], qemu_said[400] = "";
	bool print_cases = false;
	long qemu_status = -1;
	int code;
	FILE *log;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--qemu-status") == 0 && i + 1 < argc)
			qemu_status = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--ended") == 0 && i + 1 < argc)
			ended = argv[++i];
		else if (strcmp(argv[i], "--qemu-stderr") == 0 && i + 1 < argc)
			qemu_stderr = argv[++i];
		else if (strcmp(argv[i], "--cases") == 0)
			print_cases = true;
		else if (argv[i][0] == '-' || path)
			usage();
		else
			path = argv[i];
	}
	if (!path || (strcmp(ended, "exited") && strcmp(ended, "hang") && strcmp(ended, "timeout")))
		usage();
	log = fopen(path, "r");
	if (!log) {
		fprintf(stderr, "verdict: cannot open %s: %s\n", path, strerror(errno));
		return EXIT_HARNESS;
	}
	parse(log, &b);
	fclose(log);
	/* Only a QEMU that stopped by itself can have failed to start. */
	if (qemu_stderr && !b.console_output && !strcmp(ended, "exited"))
		first_line(qemu_stderr, qemu_said, sizeof(qemu_said));

	problem = tap_problem(&b, buf, sizeof(buf));
	if (qemu_said[0]) {
		verdict = "qemu-error";
		code = EXIT_HARNESS;
		snprintf(reason, sizeof(reason), "QEMU did not start the guest: %s", qemu_said);
	} else if (b.crash[0]) {
		verdict = "crash";
		code = EXIT_BROKEN;
		snprintf(reason, sizeof(reason), "kernel: %s", b.crash);
	} else if (!b.started) {
		verdict = "noboot";
		code = EXIT_BROKEN;
		snprintf(reason, sizeof(reason), "the app's start marker never appeared (%s)",
			 strcmp(ended, "exited") ? "console went silent or timed out"
						 : "QEMU exited first");
	} else if (strcmp(ended, "exited")) {
		verdict = "hang";
		code = EXIT_HANG;
		snprintf(reason, sizeof(reason), "%s",
			 strcmp(ended, "hang") ? "overall timeout reached, QEMU stopped"
					       : "console silent too long, QEMU stopped");
	} else if (!b.exited) {
		verdict = "lost";
		code = EXIT_BROKEN;
		snprintf(reason, sizeof(reason), "the app started but printed no exit status");
	} else if (qemu_status >= 0 && qemu_status != 2 * b.status + 1) {
		verdict = "lost";
		code = EXIT_BROKEN;
		snprintf(reason, sizeof(reason),
			 "exit status %d was printed but did not reach the host (QEMU exited %ld, expected %d)",
			 b.status, qemu_status, 2 * b.status + 1);
	} else if (problem) {
		verdict = "fail";
		code = b.status ? b.status : 1;
		snprintf(reason, sizeof(reason), "%s", problem);
	} else if (b.status) {
		verdict = "exit";
		code = b.status;
		snprintf(reason, sizeof(reason), "the app exited with status %d", b.status);
	} else {
		verdict = "pass";
		code = 0;
		snprintf(reason, sizeof(reason), "the app exited with status 0");
	}

	printf("verdict: %s\n", verdict);
	if (b.exited)
		printf("status: %d\n", b.status);
	if (has_tap(&b.tap))
		printf("tap: plan %ld, ok %ld, not ok %ld, skip %ld\n",
		       b.tap.plan, b.tap.ok, b.tap.not_ok, b.tap.skip);
	printf("reason: %s\n", reason);
	for (size_t i = 0; print_cases && i < b.ncases; i++)
		printf("case: %s\n", b.cases[i]);
	return code;
}
