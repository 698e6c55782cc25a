#!/bin/bash
# Host tests of the pin fallback (pin_choice in scripts/kit.sh,
# scripts/pins-check) with stand-ins for apt-cache and dpkg-query: the
# pinned revision when the archive has it; when it has gone, the newest
# revision of the same upstream release and never another release; none
# when no revision of that release is left.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh

plan 9
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
# The stand-in archive: FAKE_ARCHIVE lists "PACKAGE VERSION INDEX" lines.
cat >"$work/bin/apt-cache" <<'SH'
#!/bin/sh
[ "$1" = madison ] || exit 1
awk -v p="$2" '$1 == p { printf "%s | %s | http://deb.debian.org/debian bookworm/main amd64 %s\n", $1, $2, $3 }' "$FAKE_ARCHIVE"
SH
# The stand-in dpkg: FAKE_INSTALLED is "PACKAGE VERSION" when installed.
cat >"$work/bin/dpkg-query" <<'SH'
#!/bin/sh
set -- $FAKE_INSTALLED
[ -n "${1:-}" ] || exit 1
echo "install ok installed $2"
SH
chmod +x "$work/bin/"*
export FAKE_ARCHIVE=$work/archive PATH=$work/bin:$PATH
. scripts/kit.sh

cat >"$FAKE_ARCHIVE" <<'A'
linux-source-6.1 6.1.193-1 Packages
linux-source-6.1 6.1.192-3 Packages
linux-source-6.1 6.1.192-2 Packages
linux-source-6.1 6.1.192-10 Packages
redis 5:7.0.15-1~deb12u11 Sources
redis 5:7.0.15-1~deb12u9 Sources
A
check "the pinned revision is used when the archive has it" test "$(pin_choice linux-source-6.1 6.1.192-2)" = 6.1.192-2
check "a pin that has gone falls back to the newest revision of its release (Debian's order: -10 after -3)" \
	test "$(pin_choice linux-source-6.1 6.1.192-1)" = 6.1.192-10
check "a fallback never takes another upstream release" test "$(pin_choice linux-source-6.1 6.1.191-1)" = ""
check "source pins fall back within their release too" test "$(pin_choice redis 5:7.0.15-1~deb12u10 source)" = "5:7.0.15-1~deb12u11"
check "a binary pin does not take a source package's revision" test "$(pin_choice redis 5:7.0.15-1~deb12u10)" = ""

check "an installed pinned revision is used though the archive has dropped it" \
	env FAKE_INSTALLED="linux-source-6.1 6.1.192-1" bash -c '. scripts/kit.sh; test "$(pin_choice linux-source-6.1 6.1.192-1)" = 6.1.192-1'
check "a download (archive) pin ignores the installed package: it must be fetched" \
	env FAKE_INSTALLED="linux-source-6.1 6.1.192-1" bash -c '. scripts/kit.sh; test "$(pin_choice linux-source-6.1 6.1.192-1 archive)" = 6.1.192-10'

# pins-check against an archive where every kit pin has moved on but one.
. scripts/pins
{
	echo "$LINUX_PKG ${LINUX_PKG_VERSION%-*}-99 Packages"
	echo "$GLIBC_PKG $GLIBC_PKG_VERSION Packages"
	echo "$GCC_PKG 12.2.0-99 Packages"
	echo "$DISTRO_KERNEL_PKG ${DISTRO_KERNEL_VERSION%-*}-99 Packages"
	echo "redis 5:7.0.15-1~deb12u99 Sources"
	echo "memcached 1.6.18-1+deb12u1 Sources"
} >"$FAKE_ARCHIVE"
out=$(scripts/pins-check 2>&1)
rc=$?
check "pins-check says pinned, fallback or missing for each pin" \
	eval 'grep -qE "^$GLIBC_PKG .* pinned$" <<<"$out" && grep -qE "^$LINUX_PKG .* ${LINUX_PKG_VERSION%-*}-99 +fallback$" <<<"$out" &&
	      grep -qE "^$GCC_PKG .* fallback$" <<<"$out" && grep -qE "^redis \(source\) .* fallback$" <<<"$out" &&
	      grep -qE "^libevent \(source\) .* missing$" <<<"$out"'
check "pins-check fails when a pin has no revision left" test $rc = 1
[ $rc = 1 ] || diag "$out"
tap_done
