#!/bin/bash
# Build tests: the images the boot tests need, and the kit's refusals of bad
# input (unknown app or level, a patch that does not apply, a config option
# that does not survive olddefconfig).  It checks the build itself, so it
# reads build stamps and logs under $O/build: a documented exception to
# "tests read images only".
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
. scripts/kit.sh # image_name

# The images the tests need: set $TEST_SET (default test) of configs/matrix, built by
# scripts/images (grouped by level, one log and status per image).
mapfile -t images < <(scripts/images list "${TEST_SET:-test}")
plan $((${#images[@]} + 14))

mkdir -p "$O/logs"
scripts/images build "${TEST_SET:-test}" >"$O/logs/build-test-set.log" 2>&1
for image in "${images[@]}"; do
	read -r app level <<<"$image"
	log=$O/logs/build-$app-$level.log
	if [ "$(cat "$log.status" 2>/dev/null)" = 0 ]; then
		ok "build $app-$level"
	else
		not_ok "build $app-$level (log: $log)"
		diag "$(tail -n 30 "$log" 2>/dev/null || echo "no log: see $O/logs/build-test-set.log")"
	fi
done

# Every image says what it is in its manifest, the contract later stages read.
bad_manifests=()
for image in "${images[@]}"; do
	read -r app level <<<"$image"
	dir=$O/images/$(image_name "$app" "$level") m=$dir/manifest debug=no
	[[ $level != *+debug ]] || debug=yes level=${level%+debug}
	grep -qx "app=$app" "$m" 2>/dev/null && grep -qx "level=$level" "$m" && grep -qx "debug=$debug" "$m" &&
		grep -qE '^config_sha256=[0-9a-f]{64}$' "$m" &&
		grep -q '^source=linux-source' "$m" && { [ "$level" = stock ] || grep -q '^source=gcc-12-source' "$m"; } && [ "$(sed -n 's/^cmdline=//p' "$m")" = "$(cat "$dir/cmdline")" ] ||
		bad_manifests+=("${dir##*/}")
done
check "every image has a manifest: app, level, config hash, command line, sources${bad_manifests:+ (bad: ${bad_manifests[*]})}" \
	test ${#bad_manifests[@]} = 0

# objtool checks the entry code's unwind hints, and with DEBUG_ENTRY (the
# debug kernels) that noinstr code calls nothing instrumentable: a warning
# there is a defect.  The build logs of this run carry make's warnings.
objtool_warnings=$(for image in "${images[@]}"; do
	read -r app level <<<"$image"
	grep -h 'objtool:' "$O/logs/build-$app-$level.log" 2>/dev/null
done | sort -u)
check "no objtool warning in the kernel builds${objtool_warnings:+: $(head -n 3 <<<"$objtool_warnings" | tr '\n' ' ')}" \
	test -z "$objtool_warnings"

# app_change_keeps LEVEL KERNEL_FILE PRODUCT NAME: after a change to hello,
# rebuilding hello-LEVEL leaves KERNEL_FILE as it was and PRODUCT newer.
app_change_keeps() {
	local level=$1 kernel_file=$2 product=$3 name=$4 before
	local log=$O/logs/build-hello-$level-again.log

	# First bring the level's kernel build to hello-LEVEL: the UKL levels
	# share one build, which the last image built configured.
	if ! make image APP=hello LEVEL="$level" O="$O" >"$log" 2>&1 ||
	   [ ! -f "$kernel_file" ] || [ ! -f "$product" ]; then
		not_ok "$name (hello-$level does not build; log: $log)"
		return
	fi
	before=$(stat -c %Y.%y "$kernel_file")
	sleep 1
	touch apps/hello/hello.c
	make image APP=hello LEVEL="$level" O="$O" >"$log" 2>&1
	if [ "$(stat -c %Y.%y "$kernel_file")" = "$before" ] && [ "$product" -nt "$kernel_file" ]; then
		ok "$name"
	else
		not_ok "$name"
		diag "$(tail -n 30 "$log")"
	fi
}
app_change_keeps stock "$O/build/linux-stock/.stamp_built" "$O/images/hello-stock/initramfs.cpio" \
	"changing the app rebuilds its initramfs, not the kernel"
# At a UKL level the app is part of vmlinux: a change relinks, it does not
# recompile the kernel (vmlinux.a stays as it was).
app_change_keeps base "$O/build/linux-ukl/vmlinux.a" "$O/images/hello-base/bzImage" \
	"changing a UKL app relinks vmlinux without recompiling the kernel"

# Unknown APP or LEVEL: refused at once, naming what exists.
refuses() { # VAR=VALUE WORD...: make run fails, its message lists every WORD
	local out
	out=$(timeout 20 make run "$1" O="$O" 2>&1) && return 1
	shift
	for word in "$@"; do grep -qw -- "$word" <<<"$out" || return 1; done
}
check "make run APP=nope fails listing the apps" refuses APP=nope hello crash hang
check "make run LEVEL=nope fails listing the levels" refuses LEVEL=nope stock

# A patch that does not apply stops the build and names the patch.
toy=$(mktemp -d)
mkdir -p "$toy/pristine" "$toy/patches"
echo "original line" >"$toy/pristine/file.txt"
touch "$toy/pristine/.stamp_extracted"
cat >"$toy/patches/0001-toy-change-a-line-that-is-not-there.patch" <<'PATCH'
--- a/file.txt
+++ b/file.txt
@@ -1 +1 @@
-some other line
+new line
PATCH
out=$(scripts/patch-tree "$toy/pristine" "$toy/patches" "$toy/tree" 2>&1)
rc=$?
if [ $rc != 0 ] && grep -q "0001-toy-change-a-line-that-is-not-there.patch does not apply" <<<"$out" && [ ! -e "$toy/tree" ]; then
	ok "a patch that does not apply stops the build, named"
else
	not_ok "a patch that does not apply stops the build, named (rc $rc)"
	diag "$out"
fi
# A good patch applies, and only the files it changes get rewritten.
cat >"$toy/patches/0001-toy-change-a-line-that-is-not-there.patch" <<'PATCH'
--- a/file.txt
+++ b/file.txt
@@ -1 +1 @@
-original line
+patched line
PATCH
if scripts/patch-tree "$toy/pristine" "$toy/patches" "$toy/tree" >/dev/null &&
   [ "$(cat "$toy/tree/file.txt")" = "patched line" ] && [ -f "$toy/tree/.stamp_patched" ]; then
	ok "a patch that applies is in the patched tree"
else
	not_ok "a patch that applies is in the patched tree"
fi
rm -rf "$toy"

# kconfig_refuses NAME EXPECTED FRAGMENT_LINE...: scripts/kconfig stops with
# EXPECTED for configs/base.config plus these lines (one fragment).
kconfig_refuses() {
	local name=$1 expected=$2 frag out rc
	shift 2
	if [ ! -d "$O/src/linux" ]; then
		skip "$name" "no extracted kernel tree"
		return
	fi
	frag=$(mktemp --suffix=.config)
	printf '%s\n' "$@" >"$frag"
	out=$(scripts/kconfig "$O/src/linux" "$O/build/kconfig-reject-test" configs/base.config "$frag" 2>&1)
	rc=$?
	rm -rf "$frag" "$O/build/kconfig-reject-test"
	if [ $rc != 0 ] && grep -qF "$expected" <<<"$out"; then
		ok "$name"
	else
		not_ok "$name (rc $rc)"
		diag "$out"
	fi
}

# A requested option that olddefconfig drops is an error listing it.
kconfig_refuses "a config option that does not survive olddefconfig is an error" \
	"CONFIG_VIRTIO_BLK=y (got: absent)" CONFIG_VIRTIO_BLK=y # needs CONFIG_BLK_DEV, which is off
# Configurations UKL cannot serve are refused by Kconfig (issue 12): the
# int $0x80 entry swaps GS unconditionally, migration can unmap a populated
# app stack page, and a sleeping call on the app's stack leaves objects
# other CPUs cannot reach.
kconfig_refuses "UKL cannot be combined with IA32_EMULATION" "CONFIG_UNIKERNEL_LINUX=y (got:" \
	CONFIG_IA32_EMULATION=y CONFIG_UNIKERNEL_LINUX=y
kconfig_refuses "UKL cannot be combined with page migration (compaction)" "CONFIG_UNIKERNEL_LINUX=y (got:" \
	CONFIG_COMPACTION=y CONFIG_UNIKERNEL_LINUX=y
kconfig_refuses "UKL_NO_STACK_SWITCH cannot be combined with SMP" "CONFIG_UKL_NO_STACK_SWITCH=y (got: absent)" \
	$(grep -v '^#' configs/levels/ret-byp.config) CONFIG_UKL_NO_STACK_SWITCH=y
kconfig_refuses "UKL_NO_STACK_SWITCH cannot be combined with cpuidle (it switches to init_mm)" \
	"CONFIG_UKL_NO_STACK_SWITCH=y (got: absent)" \
	$(sed '/^# CONFIG_.* is not set$/b; /^#/d' configs/levels/nss.config) CONFIG_CPU_IDLE=y
kconfig_refuses "UKL_NO_STACK_SWITCH cannot be combined with usermode helpers (another process's mm)" \
	"CONFIG_UKL_NO_STACK_SWITCH=y (got: absent)" \
	$(sed '/^# CONFIG_.* is not set$/b; /^#/d; /STATIC_USERMODEHELPER/d' configs/levels/nss.config)
tap_done
