#!/bin/bash
# Host checks of the UKL C library (out/sysroot-ukl): it must never execute
# SYSCALL (a UKL app enters the kernel by calling __ukl_syscall) and must be
# built for the kernel code model.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh

libc=$O/sysroot-ukl/lib/libc.a
plan 3
if [ ! -f "$libc" ]; then
	for t in "no SYSCALL instruction in libc.a" "libc.a calls __ukl_syscall" "libc.a uses the kernel code model"; do
		skip "$t" "$libc was not built (make glibc)"
	done
	exit 0
fi

dis=$(mktemp)
objdump -dr "$libc" >"$dis"
# Name each function that still executes SYSCALL.
sites=$(awk '/^[0-9a-f]+ <.*>:$/ { fn = $2 } $NF == "syscall" { print fn }' "$dis" | sort -u)
if [ -z "$sites" ]; then
	ok "no SYSCALL instruction in libc.a"
else
	not_ok "no SYSCALL instruction in libc.a ($(wc -l <<<"$sites") function(s) still use it)"
	diag "$(head -n 20 <<<"$sites")"
fi
calls=$(grep -c 'R_X86_64_PLT32[[:space:]]*__ukl_syscall' "$dis")
check "libc.a calls __ukl_syscall ($calls call sites)" test "$calls" -gt 100
rm -f "$dis"

# The small code model addresses data with zero-extended 32-bit relocations
# (R_X86_64_32); the kernel model, at the top of the address space, never
# does in code.
small=$(readelf -rW "$libc" | awk '/^File:/ { f = $2 } /^Relocation section/ { code = ($3 ~ /^.rela.text/) }
	code && $3 == "R_X86_64_32" { print f }' | sort -u)
if [ -z "$small" ]; then
	ok "libc.a uses the kernel code model"
else
	not_ok "libc.a uses the kernel code model"
	diag "$(head -n 10 <<<"$small")"
fi
tap_done
