#!/bin/bash
# Host tests of the boot harness (scripts/boot) with a stand-in QEMU
# (tests/fixtures/fake-qemu): bad input is refused before QEMU starts, with
# the harness's own exit status; --dry-run; the accelerator choice (KVM
# checks pointed at a fake module and device); a QEMU that refuses to start
# is a qemu-error; the result file; no QEMU outlives the harness or the
# script that started it; a QEMU left by an earlier run is named; --forward
# preloads the listen-backlog library into QEMU, and that library works;
# --forward serves the host's time to the guest.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh

plan 29
# The checks of what QEMU is preloaded with assume nothing else is.
unset LD_PRELOAD
export VERDICT=$O/host/verdict LISTEN_BACKLOG=$O/host/listen-backlog.so QEMU=$PWD/tests/fixtures/fake-qemu ACCEL=tcg
work=$(mktemp -d)
trap 'kill $(cat "$work/qemu-pids" 2>/dev/null) 2>/dev/null; pkill -f "$work" 2>/dev/null; rm -rf "$work"' EXIT
export O=$work/out FAKE_QEMU_ARGS=$work/qemu-args FAKE_QEMU_PIDS=$work/qemu-pids
image=$work/out/images/toy-base
mkdir -p "$image" "$work/sys/kvm_intel"
: >"$image/bzImage"
echo 'ukl.exit_port=0xf4' >"$image/cmdline"
echo 'CONFIG_NR_CPUS=8' >"$image/config"
: >"$work/kvm"

# boot ARG...: run the harness; sets $out (stdout and stderr) and $rc.
boot() { out=$(timeout 60 scripts/boot "$@" 2>&1 </dev/null); rc=$?; }
has() { grep -qF -- "$1" <<<"$out"; }
qemu_ran() { [ -s "$FAKE_QEMU_ARGS" ]; }
# refused NAME ARG... -- MESSAGE: exit 126 with MESSAGE, QEMU never started.
refused() {
	local name=$1 args=()
	shift
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	: >"$FAKE_QEMU_ARGS"
	boot "${args[@]}"
	if [ "$rc" = 126 ] && has "$2" && ! qemu_ran; then ok "$name"; else not_ok "$name (status $rc)"; diag "$out"; fi
}

boot --help
check "--help prints the usage and exits 0" eval '[ "$rc" = 0 ] && has "Usage: scripts/boot [options] IMAGE_DIR"'
refused "an option without its value is refused" --mem -- "--mem needs a value"
refused "a bad --mem is refused before QEMU starts" --mem lots "$image" -- "--mem takes a size in MiB"
refused "an unknown --accel is refused" --accel xen "$image" -- "unknown accelerator 'xen'"
refused "a bad --forward port is refused" --forward 6379:abc "$image" -- "--forward takes HOSTPORT:GUESTPORT"
refused "an unwritable --log is refused" --log /nonexistent/dir/x.log "$image" -- "cannot write the console log /nonexistent/dir/x.log"
mkdir -p "$work/incomplete" && : >"$work/incomplete/bzImage"
cp -r "$image" "$work/no-config" && rm "$work/no-config/config"
cp -r "$image" "$work/up" && printf '%s\n' '# CONFIG_SMP is not set' 'CONFIG_NR_CPUS=1' >"$work/up/config"
refused "an image without a cmdline file is refused" "$work/incomplete" -- "cmdline missing"

: >"$FAKE_QEMU_ARGS"
boot --dry-run --mem 512M "$image" -- exit 3
check "--dry-run prints the QEMU command and runs nothing" \
	eval '[ "$rc" = 0 ] && has " -m 512M " && has "-accel tcg" && has "\ --\ exit\ 3 " && ! qemu_ran'
refused "a bad --cpus is refused before QEMU starts" --cpus 0 "$image" -- "--cpus: CPUS='0' is not a whole number from 1 to"
refused "an image without a config file is refused" --cpus 2 "$work/no-config" -- "config missing"
refused "--cpus above the image's CONFIG_NR_CPUS is refused" --cpus 9 "$image" -- "--cpus: CPUS='9' is not a whole number from 1 to 8"
refused "--cpus 2 for an image without SMP is refused" --cpus 2 "$work/up" -- "--cpus: CPUS='2' is not a whole number from 1 to 1"
boot --dry-run --cpus 2 "$image"
check "--cpus 2: two CPUs, one socket each (SeaBIOS's MP table), one host thread each" \
	eval '[ "$rc" = 0 ] && has " -smp 2\\,sockets=2 " && has "-accel tcg\\,thread=multi "'
CPUS=2 boot --dry-run --icount "$image"
check "CPUS=2 with --icount runs the CPUs on one host thread" \
	eval '[ "$rc" = 0 ] && has " -smp 2\\,sockets=2 " && has "-accel tcg\\,thread=single "'

# accel_choice NAME WANT [ENV...]: ACCEL=auto under a dry run picks WANT.
accel_choice() {
	local name=$1 want=$2
	shift 2
	rm -f "$O/host/kvm-probe"
	out=$(env "$@" ACCEL=auto timeout 60 scripts/boot --dry-run "$image" 2>&1 </dev/null)
	if grep -q -- "-accel $want" <<<"$out"; then ok "$name"; else not_ok "$name"; diag "$out"; fi
}
accel_choice "auto picks tcg where no kvm module is loaded" tcg KIT_SYS_MODULE="$work/none" KIT_KVM_DEVICE="$work/kvm"
accel_choice "auto picks kvm when the probe's app starts and exits (QEMU exit 1)" kvm \
	KIT_SYS_MODULE="$work/sys" KIT_KVM_DEVICE="$work/kvm" FAKE_QEMU=pass
accel_choice "auto picks kvm when the probe's app starts and keeps serving" kvm \
	KIT_SYS_MODULE="$work/sys" KIT_KVM_DEVICE="$work/kvm" FAKE_QEMU=serve
accel_choice "auto picks tcg when the probe's guest prints nothing" tcg \
	KIT_SYS_MODULE="$work/sys" KIT_KVM_DEVICE="$work/kvm" FAKE_QEMU=nothing

LISTEN_BACKLOG=$work/none refused "--forward without the listen-backlog library is refused" --forward 16379:6379 "$image" -- \
	"$work/none missing (--forward needs it); build it with 'make host-tools'"
: >"$FAKE_QEMU_ARGS"
FAKE_QEMU=pass boot --quiet --forward 16379:6379 "$image"
check "--forward runs QEMU with the listen-backlog library preloaded" \
	eval '[ "$rc" = 0 ] && grep -q "^LD_PRELOAD=$LISTEN_BACKLOG .*hostfwd=tcp:127.0.0.1:16379-:6379" "$FAKE_QEMU_ARGS"'
: >"$FAKE_QEMU_ARGS"
boot --dry-run --forward 16379:6379 "$image"
check "--forward serves the host's time to the guest and names it in the app's environment" \
	eval '[ "$rc" = 0 ] && has ",guestfwd=tcp:10.0.2.100:37-cmd:date\ +%s.%N " && has "\ UKL_HOST_CLOCK=10.0.2.100:37"'
: >"$FAKE_QEMU_ARGS"
FAKE_QEMU=pass boot --quiet "$image"
check "without --forward nothing is preloaded into QEMU" eval '[ "$rc" = 0 ] && qemu_ran && ! grep -q LD_PRELOAD "$FAKE_QEMU_ARGS"'

# connects_made: how many of 20 connections to a listener with backlog 1
# that never accepts are made within 0.2 s each.  Without the library the
# host keeps two waiting and drops the other SYNs, as for QEMU's user
# network (libslirp listens with a backlog of 1).
connects_made() {
	python3 -c '
import socket
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
made, conns = 0, []
for _ in range(20):
    c = socket.socket()
    c.settimeout(0.2)
    try:
        c.connect(srv.getsockname())
        made += 1
    except OSError:
        pass
    conns.append(c)
print(made)'
}
without=$(connects_made) with=$(LD_PRELOAD=$LISTEN_BACKLOG connects_made)
check "the listen-backlog library lets 20 connections wait where backlog 1 lets $without" \
	eval '[ "$with" = 20 ] && [ "$without" -lt 20 ]'

FAKE_QEMU=error boot "$image"
check "a QEMU that refuses to start is a qemu-error with QEMU's message, status 126" \
	eval '[ "$rc" = 126 ] && has "boot: verdict: qemu-error" && has "Parameter '"'"'size'"'"' expects"'

FAKE_QEMU=pass boot --quiet --result "$work/result" "$image"
check "the result file has the verdict, the exit and the start time" \
	eval '[ "$rc" = 0 ] && grep -qx state=done "$work/result" && grep -qx verdict=pass "$work/result" &&
	      grep -qx exit=0 "$work/result" && grep -qx qemu_exit=1 "$work/result" && grep -qE "^start_ms=[0-9]+$" "$work/result"'

# gone PID: the process ends within 3 s.
gone() { for _ in $(seq 30); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; return 1; }
# serving: start a boot of a fake server in the background; sets $harness
# and $qemu (pids) from the result file.
serving() {
	rm -f "$work/result"
	FAKE_QEMU=serve "$@" >/dev/null 2>&1 &
	harness=$!
	for _ in $(seq 50); do grep -q '^start_ms=' "$work/result" 2>/dev/null && break; sleep 0.1; done
	qemu=$(sed -n 's/^qemu_pid=//p' "$work/result")
}
serving scripts/boot --quiet --timeout 0 --silence 0 --result "$work/result" "$image"
{ kill -KILL "$harness" && wait "$harness"; } 2>/dev/null
check "QEMU dies with a harness killed by SIGKILL" eval '[ -n "$qemu" ] && gone "$qemu"'

serving bash -c 'scripts/boot --quiet --timeout 0 --silence 0 --result "$1" "$2" & wait' _ "$work/result" "$image"
{ kill -KILL "$harness" && wait "$harness"; } 2>/dev/null
check "the harness stops QEMU when the script that started it is killed" eval '[ -n "$qemu" ] && gone "$qemu"'

# A QEMU whose harness is gone (its registry entry names a dead owner).
bash -c 'exec -a qemu-system-x86_64 sleep 60' &
left=$!
mkdir -p "$O/run"
echo "999999999 $left toy-base 6379:6379" >"$O/run/boot-999999999"
FAKE_QEMU=pass boot --quiet "$image"
check "a QEMU left by an earlier run is named, with the command that stops it" \
	eval 'has "a QEMU left by an earlier run still runs: pid $left" && has "stop it with: kill $left"'
{ kill "$left" && wait "$left"; } 2>/dev/null

# alive PIDFILE: a pid listed there still runs.
alive() { local p; for p in $(cat "$1" 2>/dev/null); do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
check "no stand-in QEMU is left running (of $(wc -l <"$FAKE_QEMU_PIDS" 2>/dev/null || echo 0) that served)" \
	eval '[ -s "$FAKE_QEMU_PIDS" ] && ! alive "$FAKE_QEMU_PIDS" && ! pgrep -f "qemu-args|fake-qemu" >/dev/null'
tap_done
