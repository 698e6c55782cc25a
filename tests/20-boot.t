#!/bin/bash
# Boot tests of the stock images under QEMU: hello's greeting, argv and exit
# status reach the host; a crashing init is a crash; a silent one is a hang.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh

plan 7

# boot APP [BOOT-OPTION...] [-- ARG...]: sets $out (console + verdict) and $rc.
boot() {
	local app=$1
	shift
	out=$(scripts/boot --timeout 120 "$@" 2>&1 </dev/null) # "$@" keeps -- ARGS
	rc=$?
}
has() { grep -qF -- "$1" <<<"$out"; }
image() { echo "$O/images/$1-stock"; }

if [ -f "$(image hello)/bzImage" ]; then
	out= rc=
	boot hello "$(image hello)"
	check "hello: greeting on the console" has "Hello from the Unikernel Linux kit!"
	check "hello: verdict pass, exit status 0" eval '[ "$rc" = 0 ] && has "boot: verdict: pass"'
	[ "$rc" = 0 ] || diag "$out"

	boot hello "$(image hello)" -- exit 3
	check "hello exit 3: argv seen" eval 'has "argv[1] = exit" && has "argv[2] = 3"'
	check "hello exit 3: status 3 carried to the host" eval '[ "$rc" = 3 ] && has "boot: verdict: exit"'
	[ "$rc" = 3 ] || diag "$out"
else
	for t in "hello: greeting" "hello: exit 0" "hello exit 3: argv" "hello exit 3: status"; do
		skip "$t" "image hello-stock was not built (see the build tests)"
	done
fi

if [ -f "$(image crash)/bzImage" ]; then
	boot crash "$(image crash)"
	check "crash: verdict crash, non-zero status" eval '[ "$rc" = 125 ] && has "boot: verdict: crash"'
	[ "$rc" = 125 ] || diag "$out"
else
	skip "crash: verdict crash" "image crash-stock was not built (see the build tests)"
fi

if [ -f "$(image hang)/bzImage" ]; then
	start=$SECONDS
	boot hang --silence 5 "$(image hang)"
	took=$((SECONDS - start))
	check "hang: verdict hang, status 124" eval '[ "$rc" = 124 ] && has "boot: verdict: hang"'
	check "hang: stopped within the silence limit ($took s)" test $took -lt 60
	[ "$rc" = 124 ] || diag "$out"
else
	skip "hang: verdict hang" "image hang-stock was not built (see the build tests)"
	skip "hang: stopped in time" "image hang-stock was not built (see the build tests)"
fi
tap_done
