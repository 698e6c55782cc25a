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
#   pin_choice PKG PINNED [source|archive]   the version of a pinned package to
#                     use (below)
#   ukl_h NAME        the value of a #define in ukl-lib/ukl.h (console
#                     markers, the exit port), quotes removed
#   result_value FILE KEY  the last value of KEY in a key=value file (a
#                     boot result of scripts/boot, an image manifest)
#   cpus_problem VALUE CONFIG...   why VALUE is not a CPU count that a
#                     kernel made of these config files (fragments in merge
#                     order, or an image's config) runs: 1 to its last
#                     CONFIG_NR_CPUS, 1 without CONFIG_SMP; or nothing
#   image_name APP LEVEL   the image directory's name for a matrix entry
#                     (scripts/images list): APP-LEVEL, or APP-L-debug for
#                     LEVEL L+debug
#   kit_commit, qemu_version, host_cpu   a run's context for benches: the
#                     checkout's commit (-dirty with changes), QEMU's
#                     version, the host CPU's model

kit_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kit_name=${kit_name:-$(basename "$0")}

die() { echo "$kit_name: error: $*" >&2; exit "${kit_die_status:-1}"; }
warn() { echo "$kit_name: warning: $*" >&2; }
ukl_h() {
	local v
	v=$(sed -n "s/^#define $1 \(.*\)$/\1/p" "$kit_top/ukl-lib/ukl.h" | sed 's|[[:space:]]*/\*.*||; s/^"//; s/"$//')
	[ -n "$v" ] || die "ukl-lib/ukl.h has no #define $1"
	echo "$v"
}
cpus_problem() {
	local value=$1 max
	shift
	max=$(sed -n -e 's/^CONFIG_NR_CPUS=//p' -e 's/^# CONFIG_SMP is not set$/1/p' "$@" | tail -n 1)
	[[ $value =~ ^[1-9][0-9]*$ ]] && ((value <= ${max:-1})) ||
		echo "CPUS='$value' is not a whole number from 1 to ${max:-1} (CONFIG_NR_CPUS or CONFIG_SMP of ${*#"$kit_top/"})"
}
image_name() {
	if [[ $2 == *+debug ]]; then echo "$1-${2%+debug}-debug"; else echo "$1-$2"; fi
}
kit_commit() {
	local c
	c=$(git -C "$kit_top" rev-parse --short HEAD 2>/dev/null) || { echo unknown; return; }
	[ -z "$(git -C "$kit_top" status --porcelain 2>/dev/null)" ] || c+=-dirty
	echo "$c"
}
qemu_version() { "${QEMU:-qemu-system-x86_64}" --version | sed -n '1s/.*version \([^ ]*\).*/\1/p'; }
host_cpu() { sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1 | tr -s ' ,' ' '; }
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

# pin_choice PKG PINNED [source|archive]: PINNED when it is installed or the
# archive has it (with "source": its source package index; with "archive":
# the archive only, for packages that are downloaded, not installed); otherwise the newest installed or available revision of the same
# upstream release (PINNED without its Debian revision: 6.1.192-2 takes
# 6.1.192-3, never 6.1.193-1); nothing when there is none.  Debian drops
# superseded revisions, and the patch series, not the revision, is the
# guard that a tree still fits.
pin_choice() {
	local pkg=$1 pinned=$2 upstream=${2%-*} index=Packages best= v
	[ "${3:-}" != source ] || index=Sources
	local installed=yes
	[ "${3:-}" = "" ] || installed=no
	while read -r v; do
		[ "$v" = "$pinned" ] && { echo "$pinned"; return; }
		[[ $v == "$upstream"-* ]] || continue
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
	done < <({ [ $installed = no ] || dpkg-query -W -f='${Status} ${Version}\n' "$pkg" 2>/dev/null | sed -n 's/^install ok installed //p'
		   apt-cache madison "$pkg" 2>/dev/null | awk -F'|' -v p="$pkg" -v i="$index" '{ gsub(/ /, "") } $1 == p && $3 ~ i "$" { print $2 }'; })
	[ -z "$best" ] || echo "$best"
}
