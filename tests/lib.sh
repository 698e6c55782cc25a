# Shared helpers for tests/*.t: a tiny TAP 13 writer.
# Source it, call plan N, then ok/not_ok/skip per case.

tap_n=0
tap_failed=0
plan() { echo "TAP version 13"; echo "1..$1"; }
ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1 # SKIP $2"; }
# check NAME COMMAND...: one case from a command's success.
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
# diag TEXT...: indented TAP diagnostics.
diag() { sed 's/^/# /' <<<"$*"; }
tap_done() { [ $tap_failed = 0 ]; }

# Every level the kit has (configs/levels/*.config), stock first.
all_levels() {
	echo stock
	ls configs/levels/*.config | sed 's|.*/||; s|\.config$||' | grep -vx stock
}
# has_option LEVEL CONFIG_X: the level's fragment turns the option on.
has_option() { grep -qx "$2=y" "configs/levels/$1.config"; }

# plan_levels N LEVEL...: N cases per level, and one more per UKL level for
# same_as_stock.
plan_levels() {
	local per=$1 level n=0
	shift
	for level; do
		n=$((n + per))
		[ "$level" = stock ] || n=$((n + 1))
	done
	plan $n
}
# same_as_stock NAME STOCK_RESULTS RESULTS: the case that a UKL level's list
# of passed checks equals stock's.
same_as_stock() {
	if [ ! -f "$2" ]; then
		skip "$1" "stock did not run"
	elif diff "$2" "$3" >"$3.diff"; then
		ok "$1"
	else
		not_ok "$1"
		diag "$(head -n 20 "$3.diff")"
	fi
}
