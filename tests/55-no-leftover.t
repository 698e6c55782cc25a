#!/bin/bash
# No guest outlives the script that started it: a script that boots a
# server through scripts/server.sh and then ends by `die`, a failed
# command under `set -e`, SIGTERM, SIGINT or SIGKILL leaves no QEMU
# behind and frees the server's port; and bench/app and bench/soak, whose
# load generator fails (a stand-in redis-benchmark that exits 1), stop with
# the generator's error (the soak adds the host's TCP counters and the
# guest's console) and leave nothing running either.  Uses the redis-stock
# and memcached-stock images.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh

ways=(die set-e TERM INT KILL)
plan $((${#ways[@]} + 2))
image=$O/images/redis-stock
if [ ! -f "$image/bzImage" ] || [ ! -f "$O/images/memcached-stock/bzImage" ]; then
	for way in "${ways[@]}" bench-app bench-soak; do skip "no QEMU left after $way" "image redis-stock or memcached-stock was not built"; done
	exit 0
fi
work=$(mktemp -d "$O/leftover-test.XXXXXX")
trap 'pkill -f "$work" 2>/dev/null; rm -rf "$work"' EXIT

# left_behind TAG: QEMUs whose command line names the run's directory, and
# whether the port its boot forwarded still answers.
left_behind() {
	local pids port
	pids=$(pgrep -f "qemu-system.*$work/$1" | tr '\n' ' ')
	port=$(sed -n 's/^forward=\([0-9]*\):.*/\1/p' "$work/$1"*.result 2>/dev/null | head -n 1)
	[ -n "$pids" ] && echo "QEMU still runs: $pids"
	[ -n "$port" ] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && echo "port $port still answers"
	[ -n "$port" ] || echo "no forwarded port recorded: the server never started"
}
# settled TAG: nothing is left within 5 s.
settled() {
	local i why
	for i in $(seq 50); do
		why=$(left_behind "$1")
		[ -z "$why" ] && return 0
		sleep 0.1
	done
	echo "$why"
	return 1
}

for way in "${ways[@]}"; do
	# The script starts the server, says it is up, then ends the given way.
	script='set -eu
		. scripts/server.sh
		kit_name=leftover-test
		. apps/redis/run
		server_start redis "$1" "$2" $APP_ARGS
		echo up
		case $3 in
		die) die "on purpose" ;;
		set-e) false ;;
		*) while :; do sleep 0.1; done ;;
		esac'
	# A background job of a script starts with SIGINT ignored (and so
	# untrappable): give the script the default action back.
	env --default-signal=INT bash -c "$script" _ "$image" "$work/$way" "$way" >"$work/$way.out" 2>&1 &
	pid=$!
	for _ in $(seq 600); do grep -q '^up$' "$work/$way.out" && break; kill -0 $pid 2>/dev/null || break; sleep 0.1; done
	case $way in TERM|INT|KILL) kill -"$way" $pid ;; esac
	wait $pid 2>/dev/null
	if why=$(settled "$way"); then ok "no QEMU left after $way"; else not_ok "no QEMU left after $way"; diag "$why"; diag "$(cat "$work/$way.out")"; fi
done

mkdir -p "$work/bin"
printf '#!/bin/sh\necho "stand-in redis-benchmark: failing on purpose" >&2\nexit 1\n' >"$work/bin/redis-benchmark"
chmod +x "$work/bin/redis-benchmark"
PATH=$work/bin:$PATH bench/app "$O" "$work/bench-app" 1 1 stock >"$work/bench-app.out" 2>&1
rc=$?
# bench/app names its logs under RESULT_DIR/logs.
why=$(settled bench-app/logs/redis-stock)
if [ $rc != 0 ] && grep -q "redis-benchmark -c 1 -P 1 failed against redis at stock: stand-in redis-benchmark: failing on purpose" "$work/bench-app.out" && [ -z "$why" ]; then
	ok "bench/app whose load generator fails stops with its error and leaves no QEMU"
else
	not_ok "bench/app whose load generator fails stops with its error and leaves no QEMU (status $rc)"
	diag "$why"
	diag "$(tail -n 5 "$work/bench-app.out")"
fi

PATH=$work/bin:$PATH bench/soak "$O" "$work/bench-soak" 5 stock >"$work/bench-soak.out" 2>&1
rc=$?
why=$(settled bench-soak/logs/redis-stock-soak)
if [ $rc != 0 ] && grep -q "redis at stock: the load generator failed after [0-9]* s: stand-in redis-benchmark: failing on purpose" "$work/bench-soak.out" &&
	grep -q "listen overflows, [0-9]* retransmitted segments; the guest's console, last lines: .*; console: .*/redis-stock-soak.console)" "$work/bench-soak.out" &&
	[ -z "$why" ]; then
	ok "bench/soak whose load generator fails stops with its error, the host's counters and the console, and leaves no QEMU"
else
	not_ok "bench/soak whose load generator fails stops with its error, the host's counters and the console, and leaves no QEMU (status $rc)"
	diag "$why"
	diag "$(tail -n 5 "$work/bench-soak.out")"
fi
tap_done
