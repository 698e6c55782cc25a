#!/bin/bash
# Host checks of the UKL C library (out/sysroot-ukl: libc.a and libm.a): it
# must never execute SYSCALL (a UKL app enters the kernel by calling
# __ukl_syscall), never use the red zone, and must be built for the kernel
# code model.  The same for the UKL libgcc, and a UKL app link must take
# libgcc from there only, never from the host compiler.  It checks the
# build itself, so it reads $O/sysroot-ukl and the objects under
# $O/build/programs: a documented exception to "tests read images only".
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
. scripts/ukl-flags

sysroot=$O/sysroot-ukl
libc=$sysroot/lib/libc.a
libm=$sysroot/lib/libm.a
refusals=("ukl-link refuses an app with a raw syscall, naming object and function"
	"ukl-link refuses an app that jumps to __ukl_syscall (restarts assume a 5-byte call)"
	"ukl-link refuses an app that keeps a pointer to __ukl_syscall")
libgcc_tests=("libgcc archives built for ring 0" "a UKL app link takes libgcc from the kit only" "${refusals[@]}"
	"apps from Debian sources built for ring 0")
plan 10
if [ ! -f "$libc" ] || [ ! -f "$libm" ]; then
	for t in "no SYSCALL instruction in libc.a and libm.a" "libc.a calls __ukl_syscall" "no red-zone access in libc.a and libm.a" "libc.a and libm.a use the kernel code model" "${libgcc_tests[@]}"; do
		skip "$t" "$libc or $libm was not built (make glibc)"
	done
	exit 0
fi

dis=$(mktemp)
objdump -dr "$libc" "$libm" >"$dis"
# functions_where COND: the functions of libc.a and libm.a with an instruction that
# matches the awk condition COND.
functions_where() { awk '/^[0-9a-f]+ <.*>:$/ { fn = $2 } '"$1"' { print fn }' "$dis" | sort -u; }
# none_of NAME FUNCTIONS WHAT: pass if FUNCTIONS is empty, else name them.
none_of() {
	if [ -z "$2" ]; then
		ok "$1"
	else
		not_ok "$1 ($(wc -l <<<"$2") function(s) $3)"
		diag "$(head -n 20 <<<"$2")"
	fi
}
none_of "no SYSCALL instruction in libc.a and libm.a" "$(functions_where '$NF == "syscall"')" "still use it"
calls=$(grep -c 'R_X86_64_PLT32[[:space:]]*__ukl_syscall' "$dis")
check "libc.a calls __ukl_syscall ($calls call sites)" test "$calls" -gt 100
# The red zone, below %rsp, is where a ring-0 interrupt pushes its frame:
# name each function that reads or writes there (LEA only computes).
none_of "no red-zone access in libc.a and libm.a" \
	"$(functions_where '/-0x[0-9a-f]+\(%rsp\)/ && $0 !~ /\tlea/')" "use it"
rm -f "$dis"

# The small code model addresses data with zero-extended 32-bit relocations
# (R_X86_64_32); the kernel model, at the top of the address space, never
# does in code.
small=$(readelf -rW "$libc" "$libm" | awk '/^File:/ { f = $2 } /^Relocation section/ { code = ($3 ~ /^.rela.text/) }
	code && $3 == "R_X86_64_32" { print f }' | sort -u)
if [ -z "$small" ]; then
	ok "libc.a and libm.a use the kernel code model"
else
	not_ok "libc.a and libm.a use the kernel code model"
	diag "$(head -n 10 <<<"$small")"
fi

if [ ! -f "$sysroot/lib/libgcc.a" ] || [ ! -f "$sysroot/lib/libgcc_eh.a" ]; then
	for t in "${libgcc_tests[@]}"; do
		skip "$t" "$sysroot/lib/libgcc.a was not built (make libgcc)"
	done
	tap_done
	exit
fi

# lacking_kernel_flags ARCHIVE...: the members whose DWARF producer string
# does not say -mcmodel=kernel -mno-red-zone without PIC, or that have none
# (assembler, no -g).  readelf names each member in a "File:" line.
lacking_kernel_flags() {
	local f
	for f; do
		readelf --debug-dump=info "$f" 2>/dev/null
	done | awk '
	function check() { if (m != "" && !good) print m; m = ""; good = 0 }
	/^File: / { check(); m = $2; seen = 0; next }
	/DW_AT_producer/ && !seen { seen = 1
		good = / -mcmodel=kernel( |$)/ && / -mno-red-zone( |$)/ && !/ -mred-zone( |$)/ && !/ -f(pic|PIC|pie|PIE)( |$)/ }
	END { check() }'
}
# Every member of the kit's libgcc archives must have them.
unfit=$(lacking_kernel_flags "$sysroot/lib/libgcc.a" "$sysroot/lib/libgcc_eh.a")
members=$(for a in "$sysroot/lib/libgcc.a" "$sysroot/lib/libgcc_eh.a"; do ar t "$a"; done | wc -l)
if [ -z "$unfit" ] && [ "$members" -gt 100 ]; then
	ok "libgcc archives built for ring 0 ($members members, all -mcmodel=kernel -mno-red-zone)"
else
	not_ok "libgcc archives built for ring 0 ($members members; these lack the kernel flags:)"
	diag "$(head -n 20 <<<"$unfit")"
fi

# Link a probe that needs libgcc (pthread_exit needs the unwinder, printf of
# a long double the TFmode compares, __int128 division __divti3) with
# scripts/ukl-link, and read its link map: every input must come from the
# kit's sysroot or the probe, and the unwinder from the kit's libgcc.a.  The
# maps of the UKL images under $O are checked the same way.
tmp=$(mktemp -d)
cat >"$tmp/probe.c" <<'EOF'
#include <pthread.h>
#include <stdio.h>

static void *thread(void *arg) { pthread_exit(arg); }

int main(int argc, char **argv)
{
	pthread_t t;
	void *r;
	__int128 big = (__int128)argc << 70;

	(void)argv;
	pthread_create(&t, NULL, thread, NULL);
	pthread_join(t, &r);
	printf("%Lf %d\n", (long double)argc, (int)(big / argc));
	return 0;
}
EOF
host_libgcc=$(dirname "$(gcc -print-libgcc-file-name)")
# Inputs a map names: LOAD lines and archive members pulled in.
map_inputs() { sed -n -e 's/^LOAD //p' -e 's/^\(\/[^ ]*\.a\)(.*/\1/p' "$1" | sort -u; }
problems=
if ! gcc -O2 $UKL_RING0_CFLAGS -isystem "$sysroot/include" \
		-c -o "$tmp/probe.o" "$tmp/probe.c" 2>"$tmp/log" ||
	! scripts/ukl-link "$tmp/probe-ukl.o" "$sysroot" probe "$tmp/probe.o" 2>>"$tmp/log"; then
	problems="the probe did not link: $(cat "$tmp/log")"$'\n'
elif ! grep -q "^$sysroot/lib/libgcc\.a(unwind-dw2\.o)" "$tmp/probe-ukl.o.map"; then
	problems="the probe's unwinder is not the kit's libgcc.a(unwind-dw2.o)"$'\n'
fi
for map in "$tmp/probe-ukl.o.map" "$O"/images/*/app.o.map; do
	[ -f "$map" ] || continue
	bad=$(map_inputs "$map" | grep -v -e "^$sysroot/lib/" -e "^$tmp/" -e "^$O/build/apps/" -e "^$O/build/programs/" || [ $? = 1 ])
	[ -z "$bad" ] || problems+="$map takes inputs from outside the kit (host libgcc: $host_libgcc):
$bad
"
done
rm -rf "$tmp"
if [ -z "$problems" ]; then
	ok "a UKL app link takes libgcc from the kit only"
else
	not_ok "a UKL app link takes libgcc from the kit only"
	diag "$(head -n 20 <<<"$problems")"
fi

# Objects that enter the kernel other than by "call __ukl_syscall" are
# refused at link time, with the object and function named (issue 12).
# refused_link NAME EXPECTED C_SOURCE: ukl-link of the source's object fails
# and says EXPECTED.
refused_link() {
	local dir out
	dir=$(mktemp -d)
	printf '%s\n' "int main(void) { return 0; }" "$3" >"$dir/bad.c"
	if ! gcc -O2 $UKL_RING0_CFLAGS -isystem "$sysroot/include" -c -o "$dir/bad.o" "$dir/bad.c" 2>"$dir/log"; then
		not_ok "$1 (the test object did not compile)"
		diag "$(cat "$dir/log")"
	elif out=$(scripts/ukl-link "$dir/bad-ukl.o" "$sysroot" bad "$dir/bad.o" 2>&1); then
		not_ok "$1 (it linked)"
	elif grep -qF -- "$2" <<<"$out" && grep -qF "$dir/bad.o" <<<"$out" && [ ! -f "$dir/bad-ukl.o" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "$out"
	fi
	rm -rf "$dir"
}
refused_link "${refusals[0]}" "raw_getpid: syscall" \
	'long raw_getpid(void) { long r; asm volatile("syscall" : "=a"(r) : "0"(39L) : "rcx", "r11", "memory"); return r; }'
refused_link "${refusals[1]}" "tail_enter: jmp" \
	'void tail_enter(void) { asm volatile("jmp __ukl_syscall"); }'
refused_link "${refusals[2]}" "outside code (a function pointer?)" \
	'extern char __ukl_syscall[]; void *entry_pointer = __ukl_syscall;'

# Apps built by their own build systems (scripts/app-cc ukl): every
# compilation unit has the kernel flags, and no function touches the red
# zone (hand-written assembly would not get -mno-red-zone).
programs=$(ls "$O"/build/programs/*-ukl/*.o 2>/dev/null)
if [ -z "$programs" ]; then
	skip "apps from Debian sources built for ring 0" "none was built (make app APP=redis)"
	tap_done
	exit
fi
problems= units=0
for prog in $programs; do
	producers=$(readelf --debug-dump=info "$prog" 2>/dev/null | grep DW_AT_producer)
	units=$((units + $(grep -c . <<<"$producers")))
	unfit=$(awk '!(/ -mcmodel=kernel( |$)/ && / -mno-red-zone( |$)/) { n++ } END { print n + 0 }' <<<"$producers")
	pic=$(grep -cE -- ' -f(pic|PIC|pie|PIE)( |$)' <<<"$producers")
	red=$(objdump -d --no-show-raw-insn "$prog" |
		awk '/^[0-9a-f]+ <.*>:$/ { fn = $2 } /-0x[0-9a-f]+\(%rsp\)/ && $0 !~ /\tlea/ { print fn }' | sort -u)
	[ "$unfit" = 0 ] && [ "$pic" = 0 ] ||
		problems+="$prog: $unfit unit(s) without the kernel flags, $pic with PIC"$'\n'
	[ -z "$red" ] || problems+="$prog: red-zone access in $(head -n 5 <<<"$red" | tr '\n' ' ')"$'\n'
done
if [ -z "$problems" ]; then
	ok "apps from Debian sources built for ring 0 ($(wc -w <<<"$programs") programs, $units units)"
else
	not_ok "apps from Debian sources built for ring 0"
	diag "$problems"
fi
tap_done
