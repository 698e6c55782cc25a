#!/bin/bash
# The conformance suite (apps/conformance) as a stock /init and as a UKL
# app at every UKL level: each case must pass at every level, so the pass
# sets are equal.  One TAP line per case and per boot; the cases come from
# the boot result (scripts/boot --result: case= lines).
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
. scripts/kit.sh # result_value

mapfile -t levels < <(all_levels)
cases=$(sed -n 's/^\t{ "\(.*\)", test_[a-z_]* },$/\1/p' apps/conformance/conformance.c)
ncases=$(grep -c . <<<"$cases")
plan $((ncases + ${#levels[@]}))

declare -A result
mkdir -p "$O/logs"
for level in "${levels[@]}"; do
	image=$O/images/conformance-$level
	if [ ! -f "$image/bzImage" ]; then
		skip "conformance boots at $level" "image conformance-$level was not built"
		continue
	fi
	log=$O/logs/conformance-$level
	scripts/boot --quiet --log "$log.console" --result "$log.result" --timeout 300 --silence 60 \
		"$image" >"$log.out" 2>&1 </dev/null
	rc=$?
	check "conformance boots at $level and passes (verdict $(result_value "$log.result" verdict))" test $rc = 0
	[ $rc = 0 ] || diag "$(cat "$log.out"; grep -aE '^not ok|Kernel panic|BUG:|Oops' "$log.console" | head -n 20)"
	# "ok N name" or "not ok N name -- why"
	while IFS= read -r line; do
		case $line in
		"ok "*) result[$level/${line#ok [0-9]* }]=pass ;;
		"not ok "*)
			line=${line#not ok [0-9]* }
			result[$level/${line%% -- *}]="fail: ${line#* -- }" ;;
		esac
	done < <(sed -n 's/^case=//p' "$log.result")
done

while IFS= read -r name; do
	verdicts=() all_pass=1
	for level in "${levels[@]}"; do
		r=${result[$level/$name]:-missing}
		[ "${r%% *}" = pass ] || all_pass=0
		verdicts+=("$level: $r")
	done
	if [ $all_pass = 1 ]; then
		ok "conformance: $name"
	else
		not_ok "conformance: $name ($(IFS=,; echo "${verdicts[*]}"))"
	fi
done <<<"$cases"
tap_done
