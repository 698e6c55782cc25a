#!/bin/bash
# memcached (apps/memcached, Debian's 1.6.18) in the guest, checked from the
# host at stock and at UKL levels: libmemcached's protocol checker
# (memccapable: ASCII and binary get/set/add/replace/delete/incr/decr/cas/
# append/prepend/flush/stat), expiry and read-back over the ASCII protocol,
# a client that hangs up in the middle of a request, 64 clients that
# connect at once, and exit status 0 on "shutdown".  Every UKL level must pass exactly the checks stock passes.
# Each level runs once on one CPU and once on two with two worker threads
# (CPUS=2, memcached -t 2), so the workers run on both CPUs at once.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
. scripts/server.sh

levels=(${MEMCACHED_TEST_LEVELS:-stock base shortcut})
runs=()
for level in "${levels[@]}"; do runs+=("$level" "$level CPUS=2"); done
plan_levels 5 "${levels[@]}" "${levels[@]}"
mkdir -p "$O/logs"
rm -f "$O"/logs/memcached-test-*.passed
. apps/memcached/run # APP_ARGS, memcached_ascii

# expiry_and_readback PORT: a value set with a 2 s lifetime reads back at
# once and is gone after 4 s; one without stays.
expiry_and_readback() {
	local got want
	got=$(memcached_ascii "$1" "set short 0 2 5" "hello" "set long 0 0 5" "world" "get short long")
	want=$(printf '%s\n' STORED STORED "VALUE short 0 5" hello "VALUE long 0 5" world END)
	[ "$got" = "$want" ] || { echo "before expiry: got '$got'"; return 1; }
	sleep 4
	got=$(memcached_ascii "$1" "get short long")
	want=$(printf '%s\n' "VALUE long 0 5" world END)
	[ "$got" = "$want" ] || { echo "after expiry: got '$got'"; return 1; }
}

# hangup_mid_request PORT: a client announces 100 bytes, sends 3 and hangs
# up; the server stores nothing and serves the next client.
hangup_mid_request() {
	timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "set cut 0 0 100\r\nabc" >&3' _ "$1" || return 1
	local got
	got=$(memcached_ascii "$1" "get cut" "set after 0 0 2" "ok" "get after")
	[ "$got" = "$(printf '%s\n' END STORED "VALUE after 0 2" ok END)" ] || { echo "got '$got'"; return 1; }
}

# many_at_once PORT: 64 clients connect at the same moment and each asks
# for the version.  Every connection is made in under 1 s (the host dropped
# no SYN, which the client would resend after 1 s: scripts/listen-backlog.c)
# and answered.
many_at_once() {
	local results slow answered
	results=$(for ((i = 0; i < 64; i++)); do
		(start=${EPOCHREALTIME/./}
		 exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		 ms=$(((${EPOCHREALTIME/./} - start) / 1000))
		 printf 'version\r\n' >&3
		 IFS= read -r -t 60 line <&3
		 echo "$ms ${line%$'\r'}") &
	done; wait)
	slow=$(awk '$1 >= 1000' <<<"$results" | wc -l)
	answered=$(grep -c '^[0-9]* VERSION ' <<<"$results")
	[ "$slow" = 0 ] && [ "$answered" = 64 ] ||
		{ echo "$answered of 64 answered, $slow took 1 s or more to connect; ms and answer per client:"; sort -n <<<"$results" | uniq -c; return 1; }
}

# check_with_reason NAME FUNCTION ARG: one case; a failure shows FUNCTION's output.
check_with_reason() {
	local why
	if why=$("$2" "$3" 2>&1); then ok "$1"; else not_ok "$1"; diag "$why"; fi
}

for run in "${runs[@]}"; do
	level=${run%% *} cpus=1 threads=()
	[ "$run" = "$level" ] || cpus=2 threads=(-t 2)
	image=$O/images/memcached-$level
	names=("memcached protocol check (memccapable) at $run" "memcached expiry and read-back at $run"
		"memcached survives a client that hangs up mid-request at $run"
		"memcached answers 64 clients that connect at once at $run"
		"memcached at $run exits with status 0 on shutdown")
	[ "$level" = stock ] || names+=("memcached at $run passes the same checks as stock")
	if [ ! -f "$image/bzImage" ]; then
		for n in "${names[@]}"; do skip "$n" "image memcached-$level was not built"; done
		continue
	fi
	log=$O/logs/memcached-test-$level-cpus$cpus
	if ! CPUS=$cpus server_start memcached "$image" "$log.boot" $APP_ARGS "${threads[@]}" 2>"$log.err"; then
		not_ok "${names[0]} (the server did not start: $(cat "$log.err"))"
		for n in "${names[@]:1}"; do skip "$n" "the server did not start"; done
		continue
	fi
	port=$(server_port)
	memccapable -h 127.0.0.1 -p "$port" >"$log.out" 2>&1
	rc=$?
	sed -n 's/^\(.*[^ ]\) *\[pass\]$/\1/p' "$log.out" | sort >"$log.passed"
	npassed=$(wc -l <"$log.passed")
	if [ $rc = 0 ] && grep -q '^All tests passed' "$log.out" && [ "$npassed" -gt 0 ]; then
		ok "${names[0]} ($npassed checks passed)"
	else
		not_ok "${names[0]} ($npassed passed, status $rc; log: $log.out)"
		diag "$(grep -v '\[pass\]' "$log.out" | head -n 20)"
	fi
	check_with_reason "${names[1]}" expiry_and_readback "$port"
	check_with_reason "${names[2]}" hangup_mid_request "$port"
	check_with_reason "${names[3]}" many_at_once "$port"
	if server_stop 2>"$log.err"; then ok "${names[4]}"; else not_ok "${names[4]}"; diag "$(cat "$log.err")"; fi
	[ "$level" = stock ] || same_as_stock "${names[5]}" "$O/logs/memcached-test-stock-cpus$cpus.passed" "$log.passed"
done
tap_done
