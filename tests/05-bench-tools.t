#!/bin/bash
# bench/summarize, which every benchmark's tables go through: medians of
# odd and even run counts, spread, ratios to the first level, and a level
# without samples; bench/report's targets table.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh

plan 8
tmp=$(mktemp -d)
cat >"$tmp/samples.csv" <<'CSV'
table,metric,level,run,value
T,odd,stock,1,30
T,odd,stock,2,10
T,odd,stock,3,20
T,odd,fast,1,5
T,odd,fast,2,4
T,odd,fast,3,6
T,even,stock,1,10
T,even,stock,2,20
T,even,fast,1,5
T,even,fast,2,7
T,only,fast,1,3
CSV
table=$(bench/summarize -v levels="stock fast none" -v summary="$tmp/summary.csv" "$tmp/samples.csv")
row() { grep "^T,$1,$2," "$tmp/summary.csv"; }
check "median of an odd number of runs, with min and max" test "$(row odd stock)" = "T,odd,stock,20,10,30,3,1.0000"
check "median of an even number of runs is the mean of the middle two" test "$(row even stock)" = "T,even,stock,15,10,20,2,1.0000"
check "ratio to the first level" test "$(row odd fast)" = "T,odd,fast,5,4,6,3,0.2500"
check "a level without samples shows '-' in the table" eval 'grep -qE "^\| odd +\| +20 \(1\.00x\) \| +5 \(0\.25x\) \| +- \|$" <<<"$table"'
check "a metric without a stock sample has no ratio" eval 'grep -qE "^\| only +\| +- \| +3 \| +- \|$" <<<"$table"'
[ $tap_failed = 0 ] || diag "$table"

# bench/report judges the targets from the suites' medians: one met, one
# missed, and one whose suite did not run.
run=$tmp/run
mkdir -p "$run/boot" "$run/memory"
cat >"$run/boot/summary.csv" <<'CSV'
table,metric,level,median,min,max,runs,ratio
guest instructions to the app's start (hello),start,stock,100,100,100,1,1.0000
guest instructions to the app's start (hello),start,base,99,99,99,1,0.9900
guest instructions to the app's start (hello),start,distro,600,600,600,1,6.0000
wall-clock ms from QEMU's start (hello),to the app's start,stock,100,100,100,1,1.0000
wall-clock ms from QEMU's start (hello),to the app's start,base,120,120,120,1,1.2000
CSV
cat >"$run/memory/summary.csv" <<'CSV'
table,metric,level,median,min,max,runs,ratio
least guest RAM in MiB (redis),boots and serves,base,25,25,25,1,1.0000
CSV
: >"$run/boot/table.md"
: >"$run/memory/table.md"
bench/report "$run" stock base distro >/dev/null 2>&1
report=$(cat "$run/report.md" 2>/dev/null)
check "report: fewer instructions than stock is met, more wall time is missed" \
	eval 'grep -qF "| hello at base: fewer guest instructions to main than stock | 99 vs 100 | met |" <<<"$report" &&
	      grep -qF "| hello at base: less wall time to main than stock | 120 ms vs 100 ms | missed |" <<<"$report" &&
	      grep -qF "distribution kernel'"'"'s instructions | 99 vs 600 | met |" <<<"$report"'
check "report: 25 MiB misses the 24 MiB target" grep -qF "| redis at base serves in at most 24 MiB of guest RAM | 25 MiB | missed |" <<<"$report"
check "report: a suite that did not run leaves its target not measured" \
	grep -qF "| redis bzImage at base: at most 2.0 MB (2,000,000 bytes) | - | not measured |" <<<"$report"
[ $tap_failed = 0 ] || diag "$report"
rm -rf "$tmp"
tap_done
