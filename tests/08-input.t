#!/bin/bash
# Host tests of the kit's input checks: a dangerous O, an APP or LEVEL that
# names more than one, bad values of the boot and bench variables and C++
# sources in an app are refused at once, before anything is built or
# removed; two makes on one O take turns (the lock); an app's run
# descriptor replaces none of a test's functions.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh

plan 41
work=$(mktemp -d)
cxx_app=apps/zz-cxx-probe-$$
trap 'rm -rf "$work" "$cxx_app"' EXIT
unset KIT_LOCKED # this test checks the lock itself

# refused NAME MESSAGE MAKE-ARG...: make fails within 10 s with MESSAGE
# and creates nothing in a fresh O.
refused() {
	local name=$1 message=$2 out rc start=$SECONDS
	shift 2
	out=$(timeout 10 make --no-print-directory "$@" 2>&1)
	rc=$?
	if [ $rc != 0 ] && [ $rc != 124 ] && grep -qF -- "$message" <<<"$out" && [ ! -e "$work/o" ]; then
		ok "$name ($((SECONDS - start)) s)"
	else
		not_ok "$name (status $rc)"
		diag "$out"
	fi
}
fresh=O=$work/o
# The dangerous O values under -n: should the check ever break, make still
# removes nothing.
refused "make clean O= is refused" "O is empty" -n clean O=
refused "make distclean O=. is refused" "the checkout and their parents are refused" -n distclean O=.
refused "O=/ is refused" "O=/ is /:" -n clean O=/
refused "O as a parent of the checkout is refused" "the checkout and their parents are refused" -n clean O=..
refused "O=\$HOME is refused" "O=$HOME is $HOME:" -n clean O="$HOME"
refused "O as a parent of \$HOME is refused" "O=$(dirname "$HOME") is" -n clean O="$(dirname "$HOME")"
refused "O=.git, a folder of the checkout, is refused" "O=.git ($PWD/.git) holds what the kit did not put there" -n distclean O=.git
refused "O=/usr, a system folder, is refused" "O=/usr (/usr) holds what the kit did not put there" -n distclean O=/usr
refused "an empty APP is refused" "unknown APP ''" -n image APP= "$fresh"
refused "an empty LEVEL is refused" "unknown LEVEL ''" -n image LEVEL= "$fresh"
refused "SET=nope is refused" "unknown SET 'nope'" images SET=nope "$fresh"
refused "O with blanks is refused" "has blanks" -n clean "O=$work/a b"
refused "APP naming two apps is refused" "APP='hello redis' names more than one app" image "APP=hello redis" "$fresh"
refused "LEVEL naming two levels is refused" "LEVEL='base stock' names more than one level" image "LEVEL=base stock" "$fresh"
refused "an unknown APP is refused" "unknown APP 'nope'" run APP=nope "$fresh"
refused "MEM=lots is refused before building" "MEM='lots' is not a size" run MEM=lots "$fresh"
refused "CPUS=0 is refused before building" "CPUS='0' is not a whole number from 1 to 8" run CPUS=0 "$fresh"
refused "CPUS=9, above CONFIG_NR_CPUS, is refused before building" "CPUS='9' is not a whole number from 1 to 8" run CPUS=9 "$fresh"
refused "CPUS=two is refused before building" "CPUS='two' is not a whole number" image CPUS=two "$fresh"
refused "CPUS=2 at nss, whose kernel has no SMP, is refused before building" "CPUS='2' is not a whole number from 1 to 1" run LEVEL=nss CPUS=2 "$fresh"
refused "KERNEL_DEBUG=yes is refused before building" "KERNEL_DEBUG='yes' must be 0 or 1" image KERNEL_DEBUG=yes "$fresh"
refused "ACCEL=xen is refused before building" "unknown ACCEL 'xen'" run ACCEL=xen "$fresh"
refused "HOST_PORT=abc is refused before building" "HOST_PORT='abc' is not a TCP port" run APP=redis HOST_PORT=abc "$fresh"
refused "BENCH_APPS='*' is refused as itself, not as the checkout's file names" "unknown BENCH_APPS '*'; the apps" bench-boot "BENCH_APPS=*" "$fresh"
check "HOST_PORT=08 is refused with the kit's message alone (no shell arithmetic error)" \
	eval 'out=$(scripts/check-input HOST_PORT=08 2>&1); [ "$out" = "HOST_PORT='"'"'08'"'"' is not a TCP port (1 to 65535)" ]'
refused "RUNS=0 is refused before building" "RUNS='0' is not a whole number of at least 1" bench RUNS=0 "$fresh"
refused "an unknown level in BENCH_LEVELS is refused" "unknown BENCH_LEVELS 'fast'" bench-syscall "BENCH_LEVELS=stock fast" "$fresh"
refused "BENCH_LEVELS not starting with stock is refused" "must start with stock" bench-syscall "BENCH_LEVELS=base stock" "$fresh"
refused "TIMEOUT=soon is refused before building" "TIMEOUT='soon' is not a whole number" run TIMEOUT=soon "$fresh"
refused "QUICK=yes is refused" "QUICK='yes' must be 0 or 1" bench QUICK=yes "$fresh"
refused "TIMEOUT=09, which the shell would read as octal, is refused" "TIMEOUT='09' is not a whole number" run TIMEOUT=09 "$fresh"
refused "JOBS=0 is refused before building" "JOBS='0' is not a whole number of at least 1" image JOBS=0 "$fresh"
refused "ARGS with quotes is refused before building" "ARGS='-x \"a b\"' has quotes" run 'ARGS=-x "a b"' "$fresh"
check "ARGS of plain words passes the check" scripts/check-input 'ARGS=--port 6379 -v'

mkdir -p "$cxx_app"
echo 'int main() { return 0; }' >"$cxx_app/main.cc"
refused "an app with C++ sources is refused before building" "has C++ sources (main.cc)" image "APP=${cxx_app#apps/}" "$fresh"
rm -rf "$cxx_app"

# The lock: a second make on the same O waits for the first and says so.
mkdir -p "$work/locked"
flock "$work/locked/.lock" sleep 2 &
holder=$!
sleep 0.3
start=$SECONDS
out=$(timeout 30 make --no-print-directory clean O="$work/locked" 2>&1)
rc=$?
check "a second make on one O waits for the first, and says so" \
	eval '[ $rc = 0 ] && grep -q "another make is working in $work/locked; waiting" <<<"$out" && ((SECONDS - start >= 1))'
wait $holder
out=$(timeout 30 make --no-print-directory clean O="$work/locked" 2>&1)
check "a make on a free O does not wait" eval '[ $? = 0 ] && ! grep -q waiting <<<"$out"'
check "make -n works on a fresh O (the lock's folder is made on the same line)" \
	eval 'make --no-print-directory -n image O="$work/dry" 2>&1 | grep -q "image: $work/dry/images/hello-base is ready"'
mkdir -p "$work/dc/images" && : >"$work/dc/images/x"
check "make distclean empties O and keeps the lock a waiting make holds" \
	eval 'make --no-print-directory distclean O="$work/dc" >/dev/null && [ "$(ls -A "$work/dc")" = .lock ]'
check "make help needs no lock and no output directory" eval 'make --no-print-directory help O="$work/help" >/dev/null && [ ! -e "$work/help" ]'

# Sourcing an app's run descriptor keeps this script's TAP check().
before=$(declare -f check)
. apps/redis/run
. apps/memcached/run
check "sourcing apps/*/run replaces no function of the test" test "$before" = "$(declare -f check)"
tap_done
