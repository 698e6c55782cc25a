#!/bin/bash
# The conformance suite (apps/conformance) as a stock /init and as a UKL
# app, in groups of boots that must agree with stock in the same group:
#
#   every level at each CPU count of $TEST_CPUS (default "1 2"); a level
#   whose kernel cannot run that many CPUs (nss has no SMP) is skipped
#   with the reason;
#   the debug kernels (KERNEL_DEBUG=1: full preemption, lockdep, DEBUG_ENTRY,
#   ...) of $TEST_DEBUG_LEVELS (default "stock base shortcut": stock, base
#   and the fastest level; make test-full: every level with SMP) at $TEST_DEBUG_CPUS CPUs
#   (default 2).
#
# In a group each case must pass at every level, or be skipped at every
# level (a case that needs two CPUs, on one), so the pass sets are equal;
# stock is the reference: stock's debug kernel when the group has it, else
# stock at the same CPU count.
# One TAP line per case and group, and per boot; the cases come from the
# boot result (scripts/boot --result: case= lines).  A WARN, BUG or
# lockdep report fails the boot (the verdict counts them as crashes).
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
. scripts/kit.sh # result_value, cpus_problem, image_name

mapfile -t all < <(all_levels)
read -r -a cpu_counts <<<"${TEST_CPUS:-1 2}"
read -r -a debug_levels <<<"${TEST_DEBUG_LEVELS-stock base shortcut}"
debug_cpus=${TEST_DEBUG_CPUS:-2}
# groups: "CPUS LEVEL..." per group, LEVEL as in configs/matrix (L+debug).
groups=()
for cpus in "${cpu_counts[@]}"; do groups+=("$cpus ${all[*]}"); done
[ ${#debug_levels[@]} = 0 ] || groups+=("$debug_cpus $(printf '%s+debug ' "${debug_levels[@]}")")

cases=$(sed -n 's/^\t{ "\(.*\)", test_[a-z_]* },$/\1/p' apps/conformance/conformance.c)
ncases=$(grep -c . <<<"$cases")
n=0
for group in "${groups[@]}"; do
	read -r -a words <<<"$group"
	n=$((n + ncases + ${#words[@]} - 1))
done
plan $n

# Only the images of the set count: an image of another set left in $O
# (nss from make test-full, say) may predate the suite's cases.
set_name=${TEST_SET:-test}
in_set=" $(scripts/images list "$set_name" | awk '$1 == "conformance" { print $2 }' | tr '\n' ' ') "

declare -A result
mkdir -p "$O/logs"
for group in "${groups[@]}"; do
	read -r cpus levels <<<"$group"
	read -r -a levels <<<"$levels"
	ran=()
	for level in "${levels[@]}"; do
		name=$(image_name conformance "$level")
		image=$O/images/$name
		label="$level, CPUS=$cpus"
		if [[ $in_set != *" $level "* ]]; then
			skip "conformance boots at $label" "not in set $set_name of configs/matrix (make test-full has every level)"
			continue
		fi
		if [ ! -f "$image/bzImage" ]; then
			skip "conformance boots at $label" "image $name was not built"
			continue
		fi
		why=$(cpus_problem "$cpus" "$image/config")
		if [ -n "$why" ]; then
			skip "conformance boots at $label" "its kernel cannot: $why"
			continue
		fi
		ran+=("$level")
		log=$O/logs/$name-cpus$cpus
		scripts/boot --quiet --cpus "$cpus" --log "$log.console" --result "$log.result" \
			--timeout 600 --silence 120 "$image" >"$log.out" 2>&1 </dev/null
		rc=$?
		check "conformance boots at $label, and passes (verdict $(result_value "$log.result" verdict))" test $rc = 0
		[ $rc = 0 ] || diag "$(cat "$log.out"; grep -aE '^not ok|Kernel panic|BUG:|WARNING:|Oops|possible .* deadlock' "$log.console" | head -n 20)"
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

	# A case passes at every level that ran, or is skipped at every one
	# for the reason stock gives.
	what="CPUS=$cpus" reference=stock
	if [[ ${levels[0]} == *+debug ]]; then
		what+=", debug kernels"
		[ "${levels[0]}" != stock+debug ] || reference=stock+debug
	fi
	while IFS= read -r name; do
		verdicts=() same=1 first=${result[$cpus/$reference/$name]:-missing}
		for level in "${ran[@]}"; do
			r=${result[$cpus/$level/$name]:-missing}
			[ "$r" = "$first" ] || same=0
			verdicts+=("$level: $r")
		done
		if [ $same = 1 ] && [ "$first" = pass ]; then
			ok "conformance, $what: $name"
		elif [ $same = 1 ] && [ "${first%%:*}" = skip ]; then
			skip "conformance, $what: $name" "${first#skip: } at every level"
		else
			not_ok "conformance, $what: $name ($(IFS=,; echo "${verdicts[*]}"))"
		fi
	done <<<"$cases"
done
tap_done
