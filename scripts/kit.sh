# Shell helpers shared by the kit's scripts, benches and tests.  Source it
# after setting kit_name (the name messages start with; default: the
# script's file name).
#
#   die MESSAGE...    "NAME: error: MESSAGE" on stderr, exit $kit_die_status
#                     (default 1)
#   warn MESSAGE...   "NAME: warning: MESSAGE" on stderr
#   usage [STATUS]    the script's header comment (from line 2 to the first
#                     line that is not a comment) on stdout for status 0,
#                     else on stderr; exit STATUS (default 2)
#   kit_top           the kit's top directory
#   result_value FILE KEY  the last value of KEY in a key=value file (a
#                     boot result of scripts/boot, an image manifest)

kit_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kit_name=${kit_name:-$(basename "$0")}

die() { echo "$kit_name: error: $*" >&2; exit "${kit_die_status:-1}"; }
warn() { echo "$kit_name: warning: $*" >&2; }
result_value() { sed -n "s/^$2=//p" "$1" 2>/dev/null | tail -n 1; }
usage() {
	local status=${1:-2}
	if [ "$status" = 0 ]; then
		sed -n '2,/^[^#]/{/^#/!d;s/^# \{0,1\}//;p}' "$0"
	else
		sed -n '2,/^[^#]/{/^#/!d;s/^# \{0,1\}//;p}' "$0" >&2
	fi
	exit "$status"
}
