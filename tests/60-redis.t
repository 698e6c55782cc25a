#!/bin/bash
# Redis (apps/redis, Debian's 7.0.15) in the guest, tested by its own test
# suite from the host in external-server mode (apps/redis/testsuite) at
# the levels of $REDIS_TEST_LEVELS (make test: the fastest level, where
# every test that runs must pass; make test-full: stock, base and shortcut,
# where each UKL level must also pass exactly the tests stock passes; a run
# takes 3 minutes, so stock's is left to test-full for CI's budget).  Each
# run must pass and the server must exit with status 0 on SHUTDOWN.  First, the guest's
# clock must agree with the host's within 10 ms (ukl-lib/clock.c).  A test that makes no
# progress for 5 minutes fails the run (runtest --timeout; its default is
# 20 minutes).  Redis's runtest and its tests come from the source tree
# ($O/src/apps/redis): a documented exception to "tests read images only".
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
. scripts/server.sh

levels=(${REDIS_TEST_LEVELS:-shortcut})
plan_levels 3 "${levels[@]}"

tree=$O/src/apps/redis/redis
units=() skips=()
while read -r kind rest; do
	case $kind in
	unit) units+=(--single "$rest") ;;
	skip) skips+=(--skiptest "$rest") ;;
	tags) skips+=(--tags "$rest") ;;
	esac
done <apps/redis/testsuite
. apps/redis/run # APP_ARGS
mkdir -p "$O/logs"
rm -f "$O"/logs/redis-test-*.passed

# passed_tests OUTPUT: the names of the tests runtest reported as ok.
passed_tests() { sed 's/\x1b\[[0-9;]*m//g' "$1" | sed -n 's/^\[ok\]: \(.*\) ([0-9]* ms)$/\1/p' | sort; }

# clock_offset PORT: the guest's clock minus the host's, in microseconds,
# and the round trip of that reading: the best of 5 TIME commands on one
# connection, each against the middle of its round trip.
clock_offset() {
	local i h0 h1 first sec usec best_rtt= best_offset
	exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
	for i in 1 2 3 4 5; do
		h0=${EPOCHREALTIME/./}
		printf 'TIME\r\n' >&3
		# *2, $10, SECONDS, $6, MICROSECONDS
		read -r -t 10 first <&3 && [ "${first%$'\r'}" = '*2' ] || return 1
		read -r -t 10 _ <&3 && read -r -t 10 sec <&3 && read -r -t 10 _ <&3 && read -r -t 10 usec <&3 || return 1
		h1=${EPOCHREALTIME/./}
		sec=${sec%$'\r'} usec=${usec%$'\r'}
		if [ -z "$best_rtt" ] || [ $((h1 - h0)) -lt "$best_rtt" ]; then
			best_rtt=$((h1 - h0)) best_offset=$((sec * 1000000 + 10#$usec - (h0 + h1) / 2))
		fi
	done
	exec 3>&-
	echo "$best_offset $best_rtt"
}

for level in "${levels[@]}"; do
	image=$O/images/redis-$level
	names=("the guest's clock agrees with the host's within 10 ms at $level"
		"redis test suite at $level" "redis at $level exits with status 0 on SHUTDOWN")
	[ "$level" = stock ] || names+=("redis at $level passes the same tests as stock")
	if [ ! -f "$image/bzImage" ] || [ ! -x "$tree/runtest" ]; then
		for n in "${names[@]}"; do skip "$n" "image redis-$level or Redis's source tree was not built"; done
		continue
	fi
	log=$O/logs/redis-test-$level
	# DEBUG (RELOAD, OBJECT, ...) is refused to non-local peers unless enabled.
	if ! server_start redis "$image" "$log.boot" $APP_ARGS --enable-debug-command yes 2>"$log.err"; then
		not_ok "${names[0]} (the server did not start: $(cat "$log.err"))"
		for n in "${names[@]:1}"; do skip "$n" "the server did not start"; done
		continue
	fi
	offset= rtt=
	if read -r offset rtt < <(clock_offset "$(server_port)") && [ "${offset#-}" -le 10000 ]; then
		ok "${names[0]} (off by $offset us, read with a $rtt us round trip)"
	else
		not_ok "${names[0]} (off by ${offset:-?} us, read with a ${rtt:-?} us round trip)"
		diag "$(grep -a "clock" "$log.boot.console")"
	fi
	names=("${names[@]:1}")
	(cd "$tree" && ./runtest --host 127.0.0.1 --port "$(server_port)" --clients 1 --timeout 300 \
		"${units[@]}" "${skips[@]}") >"$log.out" 2>&1
	rc=$?
	passed_tests "$log.out" >"$log.passed"
	npassed=$(wc -l <"$log.passed")
	failed=$(sed 's/\x1b\[[0-9;]*m//g' "$log.out" | grep -E '^\[(err|exception)\]')
	if [ $rc = 0 ] && [ -z "$failed" ] && [ "$npassed" -gt 0 ]; then
		ok "${names[0]} ($npassed tests passed)"
	else
		not_ok "${names[0]} ($npassed passed, runtest status $rc; log: $log.out)"
		diag "$(head -n 20 <<<"$failed")"
	fi
	if server_stop 2>"$log.err"; then
		ok "${names[1]}"
	else
		not_ok "${names[1]}"
		diag "$(cat "$log.err")"
	fi
	if [ "$level" != stock ] && [[ " ${levels[*]} " != *" stock "* ]]; then
		skip "${names[2]}" "stock is not in REDIS_TEST_LEVELS (make test-full runs it)"
	elif [ "$level" != stock ]; then
		same_as_stock "${names[2]}" "$O/logs/redis-test-stock.passed" "$log.passed"
	fi
done
tap_done
