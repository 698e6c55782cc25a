#!/bin/bash
# The ukl.h tests (apps/ukl-api) at every level: the shortcut-period calls
# work at the levels that have the shortcut entry and refuse elsewhere; the
# TCP calls, results, errors and signals behave the same everywhere.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh

mapfile -t levels < <(all_levels)
ncases=$(grep -c '^		{ "' apps/ukl-api/ukl-api.c)
plan $((ncases * ${#levels[@]}))

for level in "${levels[@]}"; do
	image=$O/images/ukl-api-$level
	shortcut=no tcp=no
	has_option "$level" CONFIG_UKL_SHORTCUT_ENTRY && shortcut=yes
	has_option "$level" CONFIG_UKL_TCP_SHORTCUT && tcp=yes
	if [ ! -f "$image/bzImage" ]; then
		for ((i = 0; i < ncases; i++)); do skip "ukl-api at $level" "image ukl-api-$level was not built"; done
		continue
	fi
	out=$(scripts/boot --timeout 300 --silence 60 "$image" -- "shortcut=$shortcut" "tcp=$tcp" 2>&1 </dev/null)
	rc=$?
	results=$(tr -d '\r' <<<"$out" | grep -E '^(not )?ok [0-9]+ ')
	n=0
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		n=$((n + 1))
		case $line in
		"ok "*"# SKIP "*) skip "$level: ${line#*# SKIP }" "not a case for this level" ;;
		"ok "*) ok "$level: ${line#ok [0-9]* }" ;;
		*) not_ok "$level: ${line#not ok [0-9]* }" ;;
		esac
	done <<<"$results"
	# A boot that died early reports the cases it never ran.
	for ((; n < ncases; n++)); do
		not_ok "$level: case $((n + 1)) did not run (verdict $(sed -n 's/^boot: verdict: //p' <<<"$out"), status $rc)"
	done
	[ $rc = 0 ] || diag "$(grep -E '^(not ok|boot:)|Kernel panic|BUG:|Oops' <<<"$out" | head -n 20)"
done
tap_done
