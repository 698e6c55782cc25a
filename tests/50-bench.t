#!/bin/bash
# The benchmarks end to end, short: bench/syscall with one quick run of
# stock and byp writes the CSV with every case for both levels and both
# modes and prints the table; bench/boot and bench/size measure hello at
# stock and base; bench/app loads Redis and memcached at stock and base
# (quick); bench/soak keeps them under load for $SOAK_TEST_SECONDS (60) s
# each at stock and shortcut, steadily, and reads every key back.
# Performance targets are the benchmarks' to show, not this
# test's.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh

plan 8
levels=(stock byp)
for level in "${levels[@]}"; do
	if [ ! -f "$O/images/syscall-bench-$level/bzImage" ]; then
		for i in 1 2 3 4 5 6 7 8; do skip "bench" "image syscall-bench-$level was not built"; done
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
	      grep -qE "^\| getppid .*\(1\.00x\)" <<<"$out" && [ -s "$dir/summary.csv" ]'

if [ -f "$O/images/hello-stock/bzImage" ] && [ -f "$O/images/hello-base/bzImage" ]; then
	out=$(bench/boot "$O" "$dir/boot" 1 hello stock base 2>&1)
	rc=$?
	check "bench/boot measures hello at stock and base (wall and instructions)" \
		eval '[ $rc = 0 ] && [ "$(grep -c ",\(start\|to the app.s start\),\(stock\|base\),1," "$dir/boot/samples.csv")" = 4 ]'
	[ $tap_failed = 0 ] || diag "$(tail -n 20 <<<"$out")"
	out=$(bench/size "$O" "$dir/size" hello stock base 2>&1)
	rc=$?
	check "bench/size measures hello at stock and base" \
		eval '[ $rc = 0 ] && grep -qE "^\| bzImage +\| +[0-9]+ \(1\.00x\) \| +[0-9]+ \([0-9.]+x\) \|$" <<<"$out"'
else
	skip "bench/boot measures hello" "hello-stock or hello-base was not built"
	skip "bench/size measures hello" "hello-stock or hello-base was not built"
fi

# 12 Redis configurations (GET and SET, 3 client counts, 2 pipelines) and
# 2 memcached ones per level, each with throughput and the boot's context.
if ls "$O"/images/{redis,memcached}-{stock,base}/bzImage >/dev/null 2>&1; then
	out=$(bench/app "$O" "$dir/app" 1 1 stock base 2>&1)
	rc=$?
	check "bench/app loads Redis and memcached at stock and base (quick)" \
		eval '[ $rc = 0 ] && [ "$(awk -F, "NR > 1 && \$7 > 0 && \$14 != \"\"" "$dir/app/results.csv" | wc -l)" = 28 ] &&
		      grep -qE "^\| GET c=16 P=16 .*\(1\.00x\)" <<<"$out"'
	[ $tap_failed = 0 ] || diag "$(tail -n 20 <<<"$out")"
else
	skip "bench/app loads Redis and memcached" "redis or memcached images at stock and base were not built"
fi

soak_seconds=${SOAK_TEST_SECONDS:-60}
if ls "$O"/images/{redis,memcached}-{stock,shortcut}/bzImage >/dev/null 2>&1; then
	out=$(bench/soak "$O" "$dir/soak" "$soak_seconds" stock shortcut 2>&1)
	rc=$?
	# soak.csv: read_back is column 6, clean_exit 7, steady 11.
	check "bench/soak: Redis and memcached under steady load for $soak_seconds s at stock and shortcut, every key back, clean exits" \
		eval '[ $rc = 0 ] && [ "$(awk -F, "NR > 1 && \$6 == \"yes\" && \$7 == \"yes\" && \$11 == \"yes\"" "$dir/soak/soak.csv" | wc -l)" = 4 ]'
	[ $rc = 0 ] || diag "$(tail -n 20 <<<"$out")"
else
	skip "bench/soak" "redis or memcached images at stock and shortcut were not built"
fi
# Keep the evidence of a failure.
if [ $tap_failed = 0 ]; then rm -rf "$dir"; else diag "results kept in $dir"; fi
tap_done
