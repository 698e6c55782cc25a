#!/bin/bash
# The conformance suite (apps/conformance) as a stock /init and as a UKL
# app at every UKL level, with each CPU count of $TEST_CPUS (default "1 2"):
# each case must pass at every level, or be skipped at every level (a case
# that needs two CPUs, on one), so the pass sets are equal.  One TAP line
# per case and CPU count, and per boot; the cases come from the boot
# result (scripts/boot --result: case= lines).
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
. scripts/kit.sh # result_value

mapfile -t levels < <(all_levels)
cases=$(sed -n 's/^\t{ "\(.*\)", test_[a-z_]* },$/\1/p' apps/conformance/conformance.c)
ncases=$(grep -c . <<<"$cases")
read -r -a cpu_counts <<<"${TEST_CPUS:-1 2}"
plan $(((ncases + ${#levels[@]}) * ${#cpu_counts[@]}))

declare -A result
mkdir -p "$O/logs"
for cpus in "${cpu_counts[@]}"; do
	for level in "${levels[@]}"; do
		image=$O/images/conformance-$level
		# Known defect (issue 12): with UKL_NO_STACK_SWITCH a shortcut call
		# sleeps with wait-queue entries on the app's stack, in user address
		# space; a waker on another CPU with another mm faults on them.
		if [ "$level" = nss ] && [ "$cpus" -gt 1 ]; then
			skip "conformance boots at nss, CPUS=$cpus" "known crash: kernel objects on the app's stack are unreachable from other CPUs (issue 12)"
			continue
		fi
		if [ ! -f "$image/bzImage" ]; then
			skip "conformance boots at $level, CPUS=$cpus" "image conformance-$level was not built"
			continue
		fi
		log=$O/logs/conformance-$level-cpus$cpus
		scripts/boot --quiet --cpus "$cpus" --log "$log.console" --result "$log.result" \
			--timeout 300 --silence 60 "$image" >"$log.out" 2>&1 </dev/null
		rc=$?
		check "conformance boots at $level, CPUS=$cpus, and passes (verdict $(result_value "$log.result" verdict))" test $rc = 0
		[ $rc = 0 ] || diag "$(cat "$log.out"; grep -aE '^not ok|Kernel panic|BUG:|Oops' "$log.console" | head -n 20)"
		# "ok N name", "ok N name # SKIP why" or "not ok N name -- why"
		while IFS= read -r line; do
			case $line in
			"ok "*" # SKIP "*)
				line=${line#ok [0-9]* }
				result[$cpus/$level/${line%% # SKIP *}]="skip: ${line#* # SKIP }" ;;
			"ok "*) result[$cpus/$level/${line#ok [0-9]* }]=pass ;;
			"not ok "*)
				line=${line#not ok [0-9]* }
				result[$cpus/$level/${line%% -- *}]="fail: ${line#* -- }" ;;
			esac
		done < <(sed -n 's/^case=//p' "$log.result")
	done

	# A case passes at every level, or is skipped at every level for the
	# reason stock gives.
	while IFS= read -r name; do
		verdicts=() same=1 first=${result[$cpus/stock/$name]:-missing}
		for level in "${levels[@]}"; do
			[ "$level" = nss ] && [ "$cpus" -gt 1 ] && continue # known crash, above
			r=${result[$cpus/$level/$name]:-missing}
			[ "$r" = "$first" ] || same=0
			verdicts+=("$level: $r")
		done
		if [ $same = 1 ] && [ "$first" = pass ]; then
			ok "conformance, CPUS=$cpus: $name"
		elif [ $same = 1 ] && [ "${first%%:*}" = skip ]; then
			skip "conformance, CPUS=$cpus: $name" "${first#skip: } at every level"
		else
			not_ok "conformance, CPUS=$cpus: $name ($(IFS=,; echo "${verdicts[*]}"))"
		fi
	done <<<"$cases"
done
tap_done
