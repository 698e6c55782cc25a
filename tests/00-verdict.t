#!/bin/bash
# Host unit tests of the console verdict parser (scripts/verdict.c) against
# golden logs: tests/golden/NAME.log is a console log, NAME.args the harness
# facts passed with it (QEMU exit status, how the boot ended), NAME.expect
# the parser's exact output followed by "exit: CODE".
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh

verdict=$O/host/verdict
logs=(tests/golden/*.log)
plan ${#logs[@]}
for log in "${logs[@]}"; do
	name=$(basename "$log" .log)
	if [ ! -x "$verdict" ]; then
		not_ok "golden $name: $verdict not built (make host-tools)"
		continue
	fi
	args=()
	[ -f "${log%.log}.args" ] && read -r -a args <"${log%.log}.args"
	got=$("$verdict" "${args[@]}" "$log")
	got+=$'\n'"exit: $?"
	if diff_out=$(diff -u "${log%.log}.expect" - <<<"$got"); then
		ok "golden $name: $(sed -n 's/^verdict: //p' <<<"$got")"
	else
		not_ok "golden $name"
		diag "$diff_out"
	fi
done
tap_done
