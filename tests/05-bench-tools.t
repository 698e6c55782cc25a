#!/bin/bash
# bench/summarize, which every benchmark's tables go through: medians of
# odd and even run counts, spread, ratios to the first level, and a level
# without samples.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh

plan 5
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
rm -rf "$tmp"
tap_done
