#!/bin/bash
# The ukl.h tests (apps/ukl-api) at every level: the shortcut-period calls
# work at the levels that have the shortcut entry and refuse elsewhere; the
# TCP calls, results, errors and signals behave the same everywhere.  The
# cases come from the boot result (scripts/boot --result: case= lines).
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
. scripts/kit.sh # result_value

mapfile -t levels < <(all_levels)
ncases=$(grep -c '^		{ "' apps/ukl-api/ukl-api.c)
plan $((ncases * ${#levels[@]}))

# Only the images of the set count (an image left in $O from another set
# may predate the app's cases).
set_name=${TEST_SET:-test}
in_set=" $(scripts/images list "$set_name" | awk '$1 == "ukl-api" { print $2 }' | tr '\n' ' ') "

mkdir -p "$O/logs"
for level in "${levels[@]}"; do
	image=$O/images/ukl-api-$level
	shortcut=no tcp=no
	has_option "$level" CONFIG_UKL_SHORTCUT_ENTRY && shortcut=yes
	has_option "$level" CONFIG_UKL_TCP_SHORTCUT && tcp=yes
	if [[ $in_set != *" $level "* ]] || [ ! -f "$image/bzImage" ]; then
		why="image ukl-api-$level was not built"
		[[ $in_set == *" $level "* ]] || why="not in set $set_name of configs/matrix (make test-full has every level)"
		for ((i = 0; i < ncases; i++)); do skip "ukl-api at $level" "$why"; done
		continue
	fi
	log=$O/logs/ukl-api-$level
	scripts/boot --quiet --log "$log.console" --result "$log.result" --timeout 300 --silence 60 \
		"$image" -- "shortcut=$shortcut" "tcp=$tcp" >"$log.out" 2>&1 </dev/null
	rc=$?
	results=$(sed -n 's/^case=//p' "$log.result")
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
		not_ok "$level: case $((n + 1)) did not run (verdict $(result_value "$log.result" verdict), status $rc)"
	done
	[ $rc = 0 ] || diag "$(cat "$log.out"; grep -aE '^not ok|Kernel panic|BUG:|Oops' "$log.console" | head -n 20)"
done
tap_done
