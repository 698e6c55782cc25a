# Boot a server app (apps/APP/run: APP_PORT, app_ready, app_stop) in the
# background and talk to it from the host.  Sourced by tests and benches.
#
#   server_start APP IMAGE_DIR LOG [ARG...]  boot, wait until ready or fail;
#                 sets server_start_ms and server_ready_ms: ms from QEMU's
#                 start to the app's start marker and to its first answer.
#                 More scripts/boot options: the array server_boot_opts;
#                 seconds to wait for the first answer: server_timeout.
#                 LOG is the harness's output, LOG.console the guest's
#                 console, LOG.result the boot result (scripts/boot).
#   server_start_app APP IMAGE_DIR LOG [ARG...]  server_start with the app's
#                 default arguments (APP_ARGS of apps/APP/run) before ARGs
#   server_port                           the host port of the running server
#   server_stop                           ask the app to exit, wait, judge
#   server_kill                           stop QEMU without asking the app
#
# server_start and server_stop return non-zero with a reason on stderr.
#
# A started server never outlives the script: server_start sets the
# script's EXIT trap (and makes INT, TERM and HUP exit through it) to stop
# the guest on every way out, a failed check, `die`, `set -e` or a signal.
# A script that sources this file leaves its EXIT trap to it.  If the
# script is killed outright (SIGKILL), scripts/boot notices that its parent
# is gone and stops QEMU itself.

. "$(dirname "${BASH_SOURCE[0]}")/kit.sh"
server_pid= server_log= server_app= server_host_port=
server_boot_opts=() server_timeout=300

# free_port: a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
	local port
	for _ in $(seq 50); do
		port=$((20000 + RANDOM % 20000))
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
	done
	echo "server: no free port found" >&2
	return 1
}

server_start() {
	local app=$1 image=$2 log=$3
	shift 3
	[ -f "$kit_top/apps/$app/run" ] || { echo "server: $app has no apps/$app/run" >&2; return 1; }
	server_app=$app
	# shellcheck source=/dev/null
	. "$kit_top/apps/$app/run"
	server_host_port=$(free_port) || return 1
	server_log=$log
	rm -f "$log.result"
	trap 'server_on_exit $?' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	"$kit_top/scripts/boot" --quiet --log "$log.console" --result "$log.result" --timeout 0 --silence 0 \
		"${server_boot_opts[@]}" --forward "$server_host_port:$APP_PORT" "$image" -- "$@" >"$log" 2>&1 </dev/null &
	server_pid=$!
	# Poll every 20 ms for the app's start marker (scripts/boot notes it in
	# the result), then for the first answer.
	local qemu_start_us= now deadline=$((SECONDS + server_timeout))
	server_start_ms= server_ready_ms=
	while :; do
		[ -n "$qemu_start_us" ] || qemu_start_us=$(result_value "$log.result" qemu_start_us)
		[ -n "$server_start_ms" ] || server_start_ms=$(result_value "$log.result" start_ms)
		if [ -n "$server_start_ms" ] && app_ready "$server_host_port"; then
			now=${EPOCHREALTIME/./}
			server_ready_ms=$(((now - qemu_start_us) / 1000))
			return 0
		fi
		if ! kill -0 "$server_pid" 2>/dev/null; then
			echo "server: $app ended before it was ready: $(tail -n 4 "$log" | tr '\n' ' ')" >&2
			server_pid=
			return 1
		fi
		if [ $SECONDS -ge $deadline ]; then
			echo "server: $app not ready after $server_timeout s (console: $log.console)" >&2
			server_kill
			return 1
		fi
		sleep 0.02
	done
}

server_start_app() {
	# shellcheck source=/dev/null
	. "$kit_top/apps/$1/run" || return 1
	# APP_ARGS is a list of words.
	# shellcheck disable=SC2086
	server_start "$1" "$2" "$3" $APP_ARGS "${@:4}"
}

server_port() { echo "$server_host_port"; }

# server_on_exit STATUS: the EXIT trap; the script keeps its exit status.
server_on_exit() {
	server_kill
	exit "$1"
}

server_kill() {
	[ -n "$server_pid" ] || return 0
	kill "$server_pid" 2>/dev/null # scripts/boot stops QEMU on TERM
	wait "$server_pid" 2>/dev/null
	server_pid=
}

# server_stop: the app must exit by itself with status 0 when asked.
server_stop() {
	[ -n "$server_pid" ] || return 0
	app_stop "$server_host_port"
	local waited=0
	while kill -0 "$server_pid" 2>/dev/null && [ $waited -lt 60 ]; do
		sleep 1
		waited=$((waited + 1))
	done
	if kill -0 "$server_pid" 2>/dev/null; then
		echo "server: $server_app still runs 60 s after it was asked to stop" >&2
		server_kill
		return 1
	fi
	local rc=0
	wait "$server_pid" || rc=$?
	server_pid=
	[ $rc = 0 ] || { echo "server: $server_app did not exit cleanly: verdict $(result_value "$server_log.result" verdict), $(result_value "$server_log.result" reason)" >&2; return 1; }
}
