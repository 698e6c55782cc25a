#!/bin/bash
# Boot tests under QEMU, at every level that has images: hello's greeting,
# argv and exit status reach the host; a crashing app is a crash; a silent
# one is a hang.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
. scripts/kit.sh # result_value

levels=(stock base)
plan $((10 * ${#levels[@]} + 2))

# boot IMAGE_DIR [BOOT-OPTION...] [-- ARG...]: sets $out (console and the
# harness's lines), $rc and $verdict (from the boot result).
result=$(mktemp)
trap 'rm -f "$result"' EXIT
boot() {
	rm -f "$result"
	out=$(scripts/boot --timeout 120 --result "$result" "$@" 2>&1 </dev/null)
	rc=$?
	verdict=$(result_value "$result" verdict)
}
has() { grep -qF -- "$1" <<<"$out"; }

for level in "${levels[@]}"; do
	hello=$O/images/hello-$level crash=$O/images/crash-$level hang=$O/images/hang-$level
	if [ -f "$hello/bzImage" ]; then
		boot "$hello"
		check "$level hello: greeting on the console" has "Hello from the Unikernel Linux kit!"
		if [ "$level" = stock ]; then ring=3; else ring=0; fi
		check "$level hello: runs in ring $ring" has "Running in ring $ring"
		check "$level hello: verdict pass, exit status 0" eval '[ "$rc" = 0 ] && [ "$verdict" = pass ]'
		[ "$rc" = 0 ] || diag "$(tail -n 40 <<<"$out")"

		boot "$hello" -- exit 3
		check "$level hello exit 3: argv seen" eval 'has "argv[1] = exit" && has "argv[2] = 3"'
		check "$level hello exit 3: status 3 carried to the host" eval '[ "$rc" = 3 ] && [ "$verdict" = exit ]'
		[ "$rc" = 3 ] || diag "$(tail -n 40 <<<"$out")"
	else
		for t in greeting ring "exit 0" "exit 3: argv" "exit 3: status"; do
			skip "$level hello: $t" "image hello-$level was not built (see the build tests)"
		done
	fi

	if [ -f "$crash/bzImage" ]; then
		boot "$crash"
		check "$level crash: NULL dereference is a crash naming the app and the address" \
			eval '[ "$rc" = 125 ] && [ "$verdict" = crash ] && has "segfault at 0 " &&
			      { [ $level = stock ] || has "ukl: app crash killed by signal 11"; }'
		[ "$rc" = 125 ] || diag "$(tail -n 40 <<<"$out")"
	else
		skip "$level crash: verdict crash" "image crash-$level was not built (see the build tests)"
	fi

	overflow=$O/images/overflow-$level
	if [ -f "$overflow/bzImage" ]; then
		start=$SECONDS
		boot "$overflow"
		took=$((SECONDS - start))
		check "$level overflow: stack overflow is a crash naming the app, within seconds ($took s)" \
			eval '[ "$rc" = 125 ] && [ "$verdict" = crash ] && [ $took -lt 60 ] &&
			      if [ $level = stock ]; then has "init[1]: segfault at"; else has "ukl: app overflow: stack overflow at address"; fi'
		[ "$rc" = 125 ] || diag "$(tail -n 40 <<<"$out")"
		# A thread that asked for 4 MiB of stack: at UKL levels only the
		# top 1 MiB is present (ukl.stack_populate=), and deeper is the
		# same clear overflow report, not a hang or a silent reboot.
		start=$SECONDS
		boot "$overflow" -- thread
		took=$((SECONDS - start))
		check "$level overflow: a thread's stack overflow is a crash naming the app, within seconds ($took s)" \
			eval '[ "$rc" = 125 ] && [ "$verdict" = crash ] && has "in a thread with a 4 MiB stack" && [ $took -lt 60 ] &&
			      if [ $level = stock ]; then has "segfault at"; else has "ukl: app overflow: stack overflow at address"; fi'
		[ "$rc" = 125 ] || diag "$(tail -n 40 <<<"$out")"
	else
		skip "$level overflow: verdict crash" "image overflow-$level was not built (see the build tests)"
		skip "$level overflow: a thread's overflow is a crash" "image overflow-$level was not built (see the build tests)"
	fi

	if [ -f "$hang/bzImage" ]; then
		start=$SECONDS
		boot --silence 5 "$hang"
		took=$((SECONDS - start))
		check "$level hang: verdict hang, status 124" eval '[ "$rc" = 124 ] && [ "$verdict" = hang ]'
		check "$level hang: stopped within the silence limit ($took s)" test $took -lt 60
		[ "$rc" = 124 ] || diag "$(tail -n 40 <<<"$out")"
	else
		skip "$level hang: verdict hang" "image hang-$level was not built (see the build tests)"
		skip "$level hang: stopped in time" "image hang-$level was not built (see the build tests)"
	fi
done

# What a UKL app is refused: fork, spawn, exec and dlopen fail at once.
limits=$O/images/limits-base
if [ -f "$limits/bzImage" ]; then
	boot "$limits"
	check "base limits: fork, posix_spawn, exec, dlopen fail with ENOSYS" eval '[ "$rc" = 0 ] && [ "$verdict" = pass ]'
	check "base limits: the kernel says once why fork failed" has "tried to fork, which a unikernel does not support"
	[ "$rc" = 0 ] || diag "$(grep -E '^(not )?ok|boot:' <<<"$out")"
else
	skip "base limits: fork, posix_spawn, exec, dlopen fail" "image limits-base was not built (see the build tests)"
	skip "base limits: the kernel says why" "image limits-base was not built (see the build tests)"
fi
tap_done
