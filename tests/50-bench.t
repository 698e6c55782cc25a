#!/bin/bash
# The system-call benchmark end to end, short: bench/syscall with one quick
# run of stock and byp writes the CSV with every case for both levels and
# both modes, and prints the table.  Performance targets are the
# benchmark's to show, not this test's.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh

plan 4
levels=(stock byp)
for level in "${levels[@]}"; do
	if [ ! -f "$O/images/syscall-bench-$level/bzImage" ]; then
		for i in 1 2 3 4; do skip "bench-syscall" "image syscall-bench-$level was not built"; done
		exit 0
	fi
done

dir=$O/bench/test-$$
out=$(bench/syscall "$O" "$dir" 1 1 "${levels[@]}" 2>&1)
rc=$?
check "bench/syscall runs stock and byp (quick)" test $rc = 0
[ $rc = 0 ] || diag "$(tail -n 30 <<<"$out")"

ncases=$(grep -c '^	measure("' apps/syscall-bench/syscall-bench.c)
rows=$(tail -n +2 "$dir/results.csv" 2>/dev/null | wc -l)
check "results.csv has every case for each level and mode ($rows of $((ncases * 4)) rows)" \
	test "$rows" = $((ncases * 4))
check "every row records the run's context" \
	eval '! tail -n +2 "$dir/results.csv" | awk -F, "NF < 14 || \$9 == \"\" || \$11 == \"\" || \$12 == \"\" { bad = 1 } END { exit !bad }"'
check "the table gives ratios to stock for both modes" \
	eval 'grep -q "guest instructions per op" <<<"$out" && grep -q "wall-clock ns per op" <<<"$out" &&
	      grep -qE "^\| getppid .*\(1\.00x\)" <<<"$out"'
rm -rf "$dir"
tap_done
