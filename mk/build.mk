# The kit's build, run and test rules (included by the Makefile once the
# input is checked and the output directory locked).

HOST_DIR := $(O)/host
LINUX_PRISTINE := $(O)/src/linux-pristine
LINUX_SRC := $(O)/src/linux
GLIBC_PRISTINE := $(O)/src/glibc-pristine
GLIBC_SRC := $(O)/src/glibc
GLIBC_BUILD := $(O)/build/glibc
UKL_SYSROOT := $(O)/sysroot-ukl

# Every level but stock links the app into vmlinux (UKL).
UKL := $(filter-out stock,$(LEVEL))

# Apps without a fragment of their own share the kernel builds: one for
# stock, one for every UKL level.  A UKL app is part of vmlinux: switching
# apps relinks only.  The UKL levels differ in options that only a few
# files use (asm/ukl.h in the patched tree), so switching levels rebuilds
# those files and relinks.
APP_FRAGMENT := $(wildcard apps/$(APP)/app.config)
# KERNEL_DEBUG=1: the debug fragment last; its kernels, configs, app builds
# and images are apart from the others (names end in -debug).
DEBUG_SUFFIX := $(if $(filter 1,$(KERNEL_DEBUG)),-debug)
FRAGMENTS := configs/base.config configs/levels/$(LEVEL).config $(APP_FRAGMENT) $(if $(DEBUG_SUFFIX),configs/debug.config)
# A level that sets options beyond the UKL ones (nss turns SMP off) would
# rebuild nearly everything on each switch: it has a build of its own.
LEVEL_OWN_BUILD := $(shell grep -E '^(\# )?CONFIG_' configs/levels/$(LEVEL).config 2>/dev/null | \
	grep -qvE 'CONFIG_(UNIKERNEL_LINUX|UKL_[A-Z0-9_]+)[= ]' && echo -$(LEVEL))
KERNEL_BUILD := $(O)/build/linux-$(if $(UKL),ukl,stock)$(LEVEL_OWN_BUILD)$(if $(APP_FRAGMENT),-$(APP))$(DEBUG_SUFFIX)
# The level's kernel configuration, made apart from the build that uses it:
# an image stays up to date while the shared build serves other levels.
LEVEL_CONFIG := $(O)/build/configs/$(LEVEL)$(if $(APP_FRAGMENT),-$(APP))$(DEBUG_SUFFIX)/.config
APP_BUILD := $(O)/build/apps/$(APP)-$(LEVEL)$(DEBUG_SUFFIX)
IMAGE_DIR := $(O)/images/$(APP)-$(LEVEL)$(DEBUG_SUFFIX)

APP_SRCS := $(wildcard apps/$(APP)/*.c)
# Apps built from Debian sources by their own build system: apps/APP/source
# pins the packages, apps/APP/build builds them with CC=scripts/app-cc MODE
# into one relocatable object, shared by every level of one mode.
APP_BUILD_SCRIPT := $(wildcard apps/$(APP)/build)
APP_MODE := $(if $(UKL),ukl,stock)
APP_SOURCE := $(O)/src/apps/$(APP)
APP_PROGRAM := $(if $(APP_BUILD_SCRIPT),$(O)/build/programs/$(APP)-$(APP_MODE)/$(APP).o)
# apps/APP/run: the app's default arguments (APP_ARGS), the TCP port it
# serves (APP_PORT), which `make run` forwards from 127.0.0.1:HOST_PORT,
# and a client command that reaches it, with %s for the port (APP_CONNECT).
APP_RUN := $(wildcard apps/$(APP)/run)
APP_DEFAULT_ARGS := $(if $(APP_RUN),$(shell . ./$(APP_RUN) && echo "$$APP_ARGS"))
APP_PORT := $(if $(APP_RUN),$(shell . ./$(APP_RUN) && echo "$$APP_PORT"))
APP_CONNECT := $(if $(APP_RUN),$(shell . ./$(APP_RUN) && echo "$$APP_CONNECT"))
HOST_PORT ?= $(APP_PORT)
# Kernel parameters a UKL app needs (apps/APP/ukl.cmdline), e.g. a deeper
# populated stack: ukl.stack_populate=8M.
APP_UKL_CMDLINE := $(strip $(shell cat apps/$(APP)/ukl.cmdline 2>/dev/null))
UKL_LIB_SRCS := $(wildcard ukl-lib/*.c)
UKL_LIB_HDRS := $(wildcard ukl-lib/*.h)
# Apps may print TAP with the kernel tree's kselftest.h.
APP_CFLAGS := -O2 -g -Wall -Wextra -Iukl-lib -I$(LINUX_SRC)/tools/testing/selftests
# Code that runs in ring 0 inside vmlinux, like the UKL glibc.
# The exit port the kernel and QEMU's isa-debug-exit agree on.
UKL_EXIT_PORT := $(shell . scripts/kit.sh && ukl_h UKL_EXIT_PORT)
UKL_CFLAGS := $(shell . scripts/ukl-flags && echo "$$UKL_RING0_CFLAGS") -isystem $(UKL_SYSROOT)/include
UKL_APP_OBJ := $(APP_BUILD)/app-ukl.o

VERDICT := $(HOST_DIR)/verdict
LISTEN_BACKLOG := $(HOST_DIR)/listen-backlog.so
GEN_INIT_CPIO := $(HOST_DIR)/gen_init_cpio

# The kernel's make runs with an empty MAKEFLAGS so that this Makefile's
# variables (O, V, ARGS...) do not leak into Kbuild.  Fixed build user, host
# and timestamp keep images reproducible and ccache hits high.
KMAKE = MAKEFLAGS= $(MAKE) -C $(LINUX_SRC) O=$(KERNEL_BUILD) ARCH=x86_64 \
	CC="ccache gcc" KBUILD_BUILD_USER=ukl KBUILD_BUILD_HOST=kit \
	KBUILD_BUILD_TIMESTAMP="$(KBUILD_TIMESTAMP)" V=$(V) -j$(JOBS) \
	$(if $(UKL),UKL_APP=$(UKL_APP_OBJ))
KBUILD_TIMESTAMP := Thu Jan  1 00:00:00 UTC 1970

.DEFAULT_GOAL := image
.PHONY: help deps pins-check image images kernel app glibc run test test-full check check-series bench bench-syscall bench-app bench-soak bench-boot bench-size bench-memory distro-image host-tools clean distclean

help:
	@echo 'Unikernel Linux kit'
	@echo
	@echo 'Build:'
	@echo '  deps        install the Debian packages the kit needs (as root)'
	@echo '  pins-check  the pinned Debian packages against what is installed and available'
	@echo '  image       build $$(O)/images/APP-LEVEL/ (the default goal)'
	@echo '  images      build every image of SET (configs/matrix), grouped by kernel build'
	@echo '  kernel      build only the kernel for APP and LEVEL'
	@echo '  app         build only the app for APP and LEVEL'
	@echo '  glibc       build the UKL C library (static, kernel code model)'
	@echo '  libgcc      build the UKL libgcc (the same way, from GCC 12 sources)'
	@echo '  host-tools  build the host-side tools (console verdict, cpio writer, QEMU listen backlog)'
	@echo 'Run:'
	@echo '  run         build and boot APP at LEVEL under QEMU with ARGS'
	@echo 'Test:'
	@echo '  test        unit tests of the harness and boot tests (TAP)'
	@echo '  test-full   test, plus conformance at 4 CPUs, debug kernels at every SMP level, Redis'"'"'s suite at stock and base (hours)'
	@echo '  check       the host-only tests (seconds; no kernel, no QEMU)'
	@echo '  check-series  build every prefix of patches/ (slow; run before sending patches)'
	@echo 'Benchmark (results in $$(O)/bench/<time>/):'
	@echo '  bench          every suite below and report.md with charts'
	@echo '  bench-syscall  system-call costs, stock and every level, interleaved'
	@echo '                 (guest instructions under -icount and wall time)'
	@echo '  bench-app      Redis (redis-benchmark) and memcached (memcaslap), stock and'
	@echo '                 every level'
	@echo '  bench-soak     Redis and memcached under load for SOAK seconds (600) per level,'
	@echo '                 steady rounds, then every key read back and a clean exit (bench/soak)'
	@echo '  bench-boot     time and guest instructions to the app, with Debian'"'"'s kernel'
	@echo '  bench-size     bzImage, initramfs, vmlinux and app sizes'
	@echo '  bench-memory   least guest RAM that runs the app (bisection)'
	@echo '  distro-image   the app as /init under Debian'"'"'s kernel'
	@echo 'Clean:'
	@echo '  clean       remove images, app builds and logs (keeps kernel and glibc builds)'
	@echo '  distclean   remove everything under $$(O)'
	@echo
	@echo 'Variables:'
	@echo '  APP=$(APP)     one of: $(APPS)'
	@echo '  LEVEL=$(LEVEL)   one of:'
	@for l in $(LEVELS); do printf '      %-9s %s\n' $$l "$$(sed -n 's/^# Level [^:]*: //p' configs/levels/$$l.config)"; done
	@echo '  O=$(O)   output directory'
	@echo '  SET=$(SET)   the images of `make images`: test, bench, or one of: $(filter-out test,$(shell scripts/images sets))'
	@echo '  ACCEL=$(ACCEL)    auto (KVM where usable, else TCG), kvm or tcg'
	@echo '  ARGS=...      arguments for the app, e.g. ARGS="exit 3"'
	@echo '  V=$(V)          1 shows every command'
	@echo '  CPUS=1       guest CPUs (QEMU -smp), see scripts/boot --help'
	@echo '  KERNEL_DEBUG=$(KERNEL_DEBUG) 1: add configs/debug.config (preemption, lockdep...); images APP-LEVEL-debug'
	@echo '  TIMEOUT=, SILENCE=, MEM=   boot limits, see scripts/boot --help'
	@echo '  RUNS=$(RUNS) QUICK=$(QUICK)  benchmark runs; QUICK=1: one run, shorter batches'
	@echo '  HOST_PORT=   the host port `make run` forwards to a server app (default: its own)'
	@echo '  BENCH_APPS="$(BENCH_APPS)"  the apps of bench-boot, bench-size and bench-memory'
	@echo '  BENCH_LEVELS=...  levels to benchmark (stock first)'

deps:
	$(Q)scripts/deps

pins-check:
	$(Q)scripts/pins-check

# --- sources ---------------------------------------------------------------

$(LINUX_PRISTINE)/.stamp_extracted: scripts/fetch scripts/pins
	$(Q)scripts/fetch linux $(LINUX_PRISTINE)

# The patches directory itself is a prerequisite: adding, removing or
# renaming a patch changes its mtime.
$(LINUX_SRC)/.stamp_patched: $(LINUX_PRISTINE)/.stamp_extracted patches $(wildcard patches/*.patch) scripts/patch-tree
	$(Q)scripts/patch-tree $(LINUX_PRISTINE) patches $(LINUX_SRC)

$(GLIBC_PRISTINE)/.stamp_extracted: scripts/fetch scripts/pins
	$(Q)scripts/fetch glibc $(GLIBC_PRISTINE)

$(GLIBC_SRC)/.stamp_patched: $(GLIBC_PRISTINE)/.stamp_extracted glibc-patches $(wildcard glibc-patches/*.patch) scripts/patch-tree
	$(Q)scripts/patch-tree $(GLIBC_PRISTINE) glibc-patches $(GLIBC_SRC)

$(GLIBC_BUILD)/.stamp_built: $(GLIBC_SRC)/.stamp_patched scripts/glibc-build scripts/ukl-flags
	$(Q)scripts/glibc-build $(GLIBC_SRC) $(GLIBC_BUILD) $(UKL_SYSROOT)
	$(Q)touch $@

glibc: $(GLIBC_BUILD)/.stamp_built

# libgcc for UKL apps, from GCC's pristine sources with the glibc's flags,
# into the same sysroot (it compiles against that glibc's headers).
GCC_PRISTINE := $(O)/src/gcc-pristine
LIBGCC_BUILD := $(O)/build/libgcc
.PHONY: libgcc

$(GCC_PRISTINE)/.stamp_extracted: scripts/fetch scripts/pins
	$(Q)scripts/fetch gcc $(GCC_PRISTINE)

$(LIBGCC_BUILD)/.stamp_built: $(GCC_PRISTINE)/.stamp_extracted $(GLIBC_BUILD)/.stamp_built scripts/libgcc-build scripts/ukl-flags
	$(Q)scripts/libgcc-build $(GCC_PRISTINE) $(LIBGCC_BUILD) $(UKL_SYSROOT)
	$(Q)touch $@

libgcc: $(LIBGCC_BUILD)/.stamp_built

# --- host tools ------------------------------------------------------------

host-tools: $(VERDICT) $(LISTEN_BACKLOG) $(GEN_INIT_CPIO)

$(VERDICT): scripts/verdict.c $(UKL_LIB_HDRS)
	$(Q)mkdir -p $(@D)
	$(Q)gcc -O2 -Wall -Wextra -Werror -o $@ $<

$(LISTEN_BACKLOG): scripts/listen-backlog.c
	$(Q)mkdir -p $(@D)
	$(Q)gcc -O2 -Wall -Wextra -Werror -shared -fPIC -o $@ $<

# The kernel tree's own cpio writer: it makes /dev/console without root.
$(GEN_INIT_CPIO): $(LINUX_SRC)/.stamp_patched
	$(Q)mkdir -p $(@D)
	$(Q)gcc -O2 -o $@ $(LINUX_SRC)/usr/gen_init_cpio.c

# --- kernel ----------------------------------------------------------------

$(LEVEL_CONFIG): $(LINUX_SRC)/.stamp_patched $(FRAGMENTS) scripts/kconfig
	$(Q)scripts/kconfig $(LINUX_SRC) $(@D) $(FRAGMENTS)

# Point the build at LEVEL's configuration (Kbuild then rebuilds what the
# changed options touch) and build.
define build-kernel
	@echo ">>> kernel: building bzImage for level $(LEVEL)$(if $(UKL), with $(APP) linked in,) in $(KERNEL_BUILD) (log: $(KERNEL_BUILD)/build.log)"
	$(Q)mkdir -p $(KERNEL_BUILD)
	$(Q)cmp -s $(LEVEL_CONFIG) $(KERNEL_BUILD)/.config || cp $(LEVEL_CONFIG) $(KERNEL_BUILD)/.config
	$(Q)set -o pipefail; $(KMAKE) bzImage 2>&1 | tee $(KERNEL_BUILD)/build.log | \
		{ if [ "$(V)" = 1 ]; then cat; else grep -E 'error|warning:' || [ $$? = 1 ]; fi; }
endef

# The patched tree counts itself: Kconfig leaves an unchanged .config alone,
# so a new patch series would not otherwise reach a stock kernel.
ifeq ($(UKL),)
$(KERNEL_BUILD)/.stamp_built: $(LEVEL_CONFIG) $(LINUX_SRC)/.stamp_patched
	$(build-kernel)
	$(Q)touch $@

kernel: $(KERNEL_BUILD)/.stamp_built
KERNEL_IMAGE_DEPS := $(KERNEL_BUILD)/.stamp_built
else
# The build is shared by the UKL levels and their apps, so its state says
# nothing about which level and app vmlinux holds: the image's own bzImage
# stands for them, and Kbuild relinks when the app object or its path
# changes.
kernel: $(IMAGE_DIR)/bzImage
KERNEL_IMAGE_DEPS := $(LEVEL_CONFIG) $(UKL_APP_OBJ) $(LINUX_SRC)/.stamp_patched
endif

# --- app --------------------------------------------------------------------
$(APP_SOURCE)/.stamp_extracted: apps/$(APP)/source scripts/fetch-app-source
	$(Q)scripts/fetch-app-source apps/$(APP)/source $(APP_SOURCE)

$(APP_PROGRAM): $(APP_SOURCE)/.stamp_extracted $(APP_BUILD_SCRIPT) scripts/app-cc $(if $(UKL),$(GLIBC_BUILD)/.stamp_built)
	@echo ">>> app: building $(APP) from Debian's source for $(APP_MODE) levels (log: $(@D)/build.log)"
	$(Q)CC="$(CURDIR)/scripts/app-cc $(APP_MODE)" UKL_SYSROOT=$(UKL_SYSROOT) $(APP_BUILD_SCRIPT) $(APP_SOURCE) $(@D)

ifeq ($(UKL),)
# Stock: a static /init in an initramfs.
$(APP_BUILD)/$(APP): $(APP_SRCS) $(APP_PROGRAM) $(UKL_LIB_SRCS) $(UKL_LIB_HDRS) $(LINUX_SRC)/.stamp_patched
	@echo ">>> app: building $(APP) for level $(LEVEL)"
	$(Q)mkdir -p $(@D)
	$(Q)gcc -static $(APP_CFLAGS) -DUKL_STOCK -o $@ $(APP_SRCS) $(APP_PROGRAM) $(UKL_LIB_SRCS) -lm

app: $(APP_BUILD)/$(APP)
else
# UKL: compiled for the kernel code model and turned into one object that
# the kernel's final link takes in (scripts/ukl-link).
APP_OBJS := $(patsubst %.c,$(APP_BUILD)/%.o,$(APP_SRCS) $(UKL_LIB_SRCS)) $(APP_PROGRAM)

$(APP_BUILD)/%.o: %.c $(UKL_LIB_HDRS) scripts/ukl-flags $(GLIBC_BUILD)/.stamp_built $(LINUX_SRC)/.stamp_patched
	$(Q)mkdir -p $(@D)
	$(Q)gcc $(APP_CFLAGS) $(UKL_CFLAGS) -c -o $@ $<

$(UKL_APP_OBJ): $(APP_OBJS) $(GLIBC_BUILD)/.stamp_built $(LIBGCC_BUILD)/.stamp_built scripts/ukl-link
	@echo ">>> app: linking $(APP) for the kernel (level $(LEVEL))"
	$(Q)scripts/ukl-link $@ $(UKL_SYSROOT) $(APP) $(APP_OBJS)

app: $(UKL_APP_OBJ)
endif

# Files an app reads at run time (apps/APP/rootfs/, e.g. /etc/passwd) go
# into the initramfs at every level: with the app as /init for stock, alone
# for UKL (the kernel makes /init itself).
APP_ROOTFS := $(wildcard apps/$(APP)/rootfs)
APP_ROOTFS_FILES := $(if $(APP_ROOTFS),$(shell find $(APP_ROOTFS) -type f))
define rootfs-list
	$(if $(APP_ROOTFS),(cd $(APP_ROOTFS) && find . -mindepth 1 -type d -printf 'dir /%P 0755 0 0\n' && \
		find . -type f -printf 'file /%P $(CURDIR)/$(APP_ROOTFS)/%P 0%m 0 0\n'),:)
endef

$(IMAGE_DIR)/initramfs.cpio: $(if $(UKL),,$(APP_BUILD)/$(APP)) $(APP_ROOTFS_FILES) $(GEN_INIT_CPIO)
	@echo ">>> image: writing initramfs with $(if $(UKL),the files in $(APP_ROOTFS),$(APP) as /init)"
	$(Q)mkdir -p $(@D) $(APP_BUILD)
	$(Q){ $(if $(UKL),,printf '%s\n' 'dir /dev 0755 0 0' 'nod /dev/console 0600 0 0 c 5 1' \
		'dir /proc 0755 0 0' 'dir /sys 0755 0 0' 'dir /tmp 1777 0 0' \
		'file /init $(APP_BUILD)/$(APP) 0755 0 0' &&) $(rootfs-list); } >$(APP_BUILD)/initramfs.list
	$(Q)$(GEN_INIT_CPIO) $(APP_BUILD)/initramfs.list >$@.tmp
	$(Q)mv $@.tmp $@

$(IMAGE_DIR)/bzImage: $(KERNEL_IMAGE_DEPS)
	$(if $(UKL),$(build-kernel))
	$(Q)mkdir -p $(@D)
	$(Q)cp $(KERNEL_BUILD)/.config $(@D)/config
	$(Q)strip -o $(@D)/vmlinux.stripped $(KERNEL_BUILD)/vmlinux
	$(Q)cp $(KERNEL_BUILD)/arch/x86/boot/bzImage $@

# The image directory is what later stages read: bzImage, initramfs.cpio,
# vmlinux.stripped, the app (app or app.o), cmdline, config and the manifest, key=value lines saying what the image
# is and which sources it was built from (the .source files that
# scripts/fetch, fetch-app-source and distro-kernel leave).
# write-manifest CMDLINE: cmdline and manifest of IMAGE_DIR.
define write-manifest
	$(Q)echo $(1) >$(IMAGE_DIR)/cmdline
	$(Q){ echo 'app=$(APP)'; echo 'level=$(LEVEL)'; echo 'ukl=$(if $(UKL),yes,no)'; echo 'debug=$(if $(DEBUG_SUFFIX),yes,no)'; \
	  echo "config_sha256=$$(sha256sum <$(IMAGE_DIR)/config | cut -d' ' -f1)"; \
	  echo "cmdline=$$(cat $(IMAGE_DIR)/cmdline)"; echo 'port=$(APP_PORT)'; echo 'args=$(APP_DEFAULT_ARGS)'; \
	  echo "commit=$$(git rev-parse --short HEAD 2>/dev/null)$$([ -z "$$(git status --porcelain 2>/dev/null)" ] || echo -dirty)"; \
	  for f in $(LINUX_PRISTINE)/.source $(if $(UKL),$(GLIBC_PRISTINE)/.source $(GCC_PRISTINE)/.source) $(if $(APP_BUILD_SCRIPT),$(APP_SOURCE)/.source); do \
	    if [ -f "$$f" ]; then sed 's/^/source=/' "$$f"; else echo "source=unknown ($${f%/.source} was extracted before the kit recorded versions)"; fi; \
	  done; } >$(IMAGE_DIR)/manifest.tmp
	$(Q)mv $(IMAGE_DIR)/manifest.tmp $(IMAGE_DIR)/manifest
	@echo ">>> image: $(IMAGE_DIR) is ready"
endef

# The app as the image holds it, for later stages (bench/size): the static
# /init (stock), or the object linked into vmlinux with its link map (UKL).
$(IMAGE_DIR)/app: $(APP_BUILD)/$(APP)
	$(Q)mkdir -p $(@D)
	$(Q)cp $< $@
$(IMAGE_DIR)/app.o: $(UKL_APP_OBJ)
	$(Q)mkdir -p $(@D)
	$(Q)cp $<.map $@.map
	$(Q)cp $< $@

ifeq ($(UKL),)
image: $(IMAGE_DIR)/bzImage $(IMAGE_DIR)/initramfs.cpio $(IMAGE_DIR)/app $(VERDICT) $(LISTEN_BACKLOG)
	$(call write-manifest,rdinit=/init)
else
image: $(IMAGE_DIR)/bzImage $(if $(APP_ROOTFS),$(IMAGE_DIR)/initramfs.cpio) $(IMAGE_DIR)/app.o $(VERDICT) $(LISTEN_BACKLOG)
	$(if $(APP_ROOTFS),,$(Q)rm -f $(IMAGE_DIR)/initramfs.cpio)
	$(call write-manifest,ukl.exit_port=$(UKL_EXIT_PORT) $(APP_UKL_CMDLINE))
endif

# The images a set of tests or benchmarks needs (configs/matrix), each
# built by its own make, grouped so a kernel build serves all of its apps.
# IMAGE_SET_ENV: what the matrix's $$BENCH_APPS and $$BENCH_LEVELS stand for.
IMAGE_SET_ENV = O=$(O) BENCH_APPS="$(BENCH_APPS)" BENCH_LEVELS="$(BENCH_LEVELS)"
images: host-tools
	$(Q)$(IMAGE_SET_ENV) scripts/images build $(SET)

# --- run and test ----------------------------------------------------------

# GNU make itself can only exit 0, 1 or 2: `make run` fails whenever the app
# exits non-zero and its last lines give the app's status and the verdict;
# scripts/boot exits with the app's exact status.
# A server (apps/APP/run sets PORT) runs until it exits, with its port
# forwarded from 127.0.0.1:HOST_PORT.
# The image is made under the lock on O (a make of its own); the boot,
# which may serve for hours, holds no lock.
run:
	$(Q)$(MAKE) --no-print-directory image APP=$(APP) LEVEL=$(LEVEL) KERNEL_DEBUG=$(KERNEL_DEBUG) O=$(O)
	$(if $(APP_PORT),@printf '>>> run: $(APP) serves 127.0.0.1:$(HOST_PORT); try: $(APP_CONNECT)\n' $(HOST_PORT))
	$(Q)ACCEL=$(ACCEL) O=$(O) VERDICT=$(VERDICT) scripts/boot $(if $(APP_PORT),--forward $(HOST_PORT):$(APP_PORT) --timeout 0 --silence 0) \
		$(IMAGE_DIR) -- $(or $(ARGS),$(APP_DEFAULT_ARGS))

test: host-tools
	$(Q)O=$(O) VERDICT=$(VERDICT) tests/run

# Before resolving kernel work (hours under TCG): images of set test-full
# (configs/matrix: the other debug kernels), conformance at 1, 2 and 4 CPUs
# and with the debug fragment at every level that has SMP, Redis's suite at
# stock and base too.
test-full: host-tools
	$(Q)O=$(O) VERDICT=$(VERDICT) TEST_SET=test-full TEST_CPUS="1 2 4" \
		TEST_DEBUG_LEVELS="stock base byp ret ret-byp shortcut" \
		REDIS_TEST_LEVELS="stock base shortcut" tests/run

# Host-only tests, in seconds: the verdict's golden logs, the bench tools,
# the boot harness with a stand-in QEMU, refusals of bad input.
CHECK_TESTS := tests/00-verdict.t tests/05-bench-tools.t tests/07-boot-harness.t tests/08-input.t tests/09-pins.t
check: $(VERDICT) $(LISTEN_BACKLOG)
	$(Q)O=$(O) VERDICT=$(VERDICT) tests/run $(CHECK_TESTS)

# Every prefix of patches/ must build with the UKL options off, and each
# prefix that has CONFIG_UNIKERNEL_LINUX with every UKL option it has on
# (hello linked in).  Slow: full builds, then partial rebuilds per patch.
check-series:
	$(Q)$(MAKE) --no-print-directory image APP=hello LEVEL=stock O=$(O)
	$(Q)$(MAKE) --no-print-directory app APP=hello LEVEL=base O=$(O)
	$(Q)scripts/check-series $(LINUX_PRISTINE) $(LINUX_SRC) $(O)/build/linux-stock/.config \
		$(O)/check-series $(O)/build/apps/hello-base/app-ukl.o

# --- Debian's kernel, for comparison ---------------------------------------

DISTRO_KERNEL := $(O)/src/distro-kernel
DISTRO_IMAGE := $(O)/images/$(APP)-distro

$(DISTRO_KERNEL)/.stamp_extracted: scripts/distro-kernel scripts/pins
	$(Q)scripts/distro-kernel $(DISTRO_KERNEL)

# The app as stock's /init, under Debian's own kernel: the image a user
# would otherwise pick.
distro-image: $(DISTRO_KERNEL)/.stamp_extracted
	$(Q)$(MAKE) --no-print-directory image APP=$(APP) LEVEL=stock O=$(O)
	$(Q)mkdir -p $(DISTRO_IMAGE)
	$(Q)cp $(DISTRO_KERNEL)/vmlinuz $(DISTRO_IMAGE)/bzImage
	$(Q)cp $(DISTRO_KERNEL)/config $(DISTRO_IMAGE)/config
	$(Q)cp $(O)/images/$(APP)-stock/initramfs.cpio $(O)/images/$(APP)-stock/app $(DISTRO_IMAGE)/
	$(Q)$(LINUX_SRC)/scripts/extract-vmlinux $(DISTRO_IMAGE)/bzImage >$(DISTRO_IMAGE)/vmlinux.tmp
	$(Q)strip -o $(DISTRO_IMAGE)/vmlinux.stripped $(DISTRO_IMAGE)/vmlinux.tmp
	$(Q)rm -f $(DISTRO_IMAGE)/vmlinux.tmp
	$(Q)echo 'rdinit=/init' >$(DISTRO_IMAGE)/cmdline
	$(Q){ sed '/^level=/d; /^ukl=/d; /^config_sha256=/d; /^source=linux-source/d' $(O)/images/$(APP)-stock/manifest; \
	  echo 'level=distro'; echo 'ukl=no'; sed 's/^/source=/' $(DISTRO_KERNEL)/.source 2>/dev/null || echo 'source=unknown'; \
	} >$(DISTRO_IMAGE)/manifest
	@echo ">>> image: $(DISTRO_IMAGE) is ready (Debian's kernel)"

# --- clean -----------------------------------------------------------------

clean:
	rm -rf $(O)/images $(O)/build/apps $(O)/logs $(HOST_DIR)

# The lock stays: a make waiting on it must not find a new one.
distclean:
	find $(O) -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +
