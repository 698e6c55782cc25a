# Unikernel Linux kit: one bootable bzImage per (application, level).
#
# `make help` lists targets and variables.  Every artefact goes under $(O);
# stages leave .stamp_* files and rerun only when their inputs change.

O ?= out
APP ?= hello
LEVEL ?= stock
ACCEL ?= auto
ARGS ?=
V ?= 0

SHELL := /bin/bash

override O := $(abspath $(O))
JOBS ?= $(shell nproc)

APPS := $(sort $(notdir $(patsubst %/,%,$(wildcard apps/*/))))
LEVELS := $(sort $(basename $(notdir $(wildcard configs/levels/*.config))))

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Goals that build or boot one (APP, LEVEL) check both at once.
ifneq ($(filter image kernel app run,$(or $(MAKECMDGOALS),image)),)
ifeq ($(filter $(APP),$(APPS)),)
$(error unknown APP '$(APP)'; the apps are: $(APPS))
endif
ifeq ($(filter $(LEVEL),$(LEVELS)),)
$(error unknown LEVEL '$(LEVEL)'; the levels are: $(LEVELS))
endif
endif

HOST_DIR := $(O)/host
LINUX_PRISTINE := $(O)/src/linux-pristine
LINUX_SRC := $(O)/src/linux

# Apps without a fragment of their own share one kernel build per level.
APP_FRAGMENT := $(wildcard apps/$(APP)/app.config)
FRAGMENTS := configs/base.config configs/levels/$(LEVEL).config $(APP_FRAGMENT)
KERNEL_BUILD := $(O)/build/linux-$(LEVEL)$(if $(APP_FRAGMENT),-$(APP))
APP_BUILD := $(O)/build/apps/$(APP)-$(LEVEL)
IMAGE_DIR := $(O)/images/$(APP)-$(LEVEL)

APP_SRCS := $(wildcard apps/$(APP)/*.c)
UKL_LIB_SRCS := $(wildcard ukl-lib/*.c)
UKL_LIB_HDRS := $(wildcard ukl-lib/*.h)
APP_CFLAGS := -O2 -g -Wall -Wextra -Iukl-lib

VERDICT := $(HOST_DIR)/verdict
GEN_INIT_CPIO := $(HOST_DIR)/gen_init_cpio

# The kernel's make runs with an empty MAKEFLAGS so that this Makefile's
# variables (O, V, ARGS...) do not leak into Kbuild.  Fixed build user, host
# and timestamp keep images reproducible and ccache hits high.
KMAKE = MAKEFLAGS= $(MAKE) -C $(LINUX_SRC) O=$(KERNEL_BUILD) ARCH=x86_64 \
	CC="ccache gcc" KBUILD_BUILD_USER=ukl KBUILD_BUILD_HOST=kit \
	KBUILD_BUILD_TIMESTAMP="$(KBUILD_TIMESTAMP)" V=$(V) -j$(JOBS)
KBUILD_TIMESTAMP := Thu Jan  1 00:00:00 UTC 1970

.DEFAULT_GOAL := image
.PHONY: help deps image kernel app run test host-tools clean distclean

help:
	@echo 'Unikernel Linux kit'
	@echo
	@echo 'Build:'
	@echo '  deps        install the Debian packages the kit needs (as root)'
	@echo '  image       build $$(O)/images/APP-LEVEL/ (the default goal)'
	@echo '  kernel      build only the kernel for APP and LEVEL'
	@echo '  app         build only the app for APP and LEVEL'
	@echo '  host-tools  build the host-side tools (console verdict, cpio writer)'
	@echo 'Run:'
	@echo '  run         build and boot APP at LEVEL under QEMU with ARGS'
	@echo 'Test:'
	@echo '  test        unit tests of the harness and boot tests (TAP)'
	@echo 'Clean:'
	@echo '  clean       remove images, app builds and logs (keeps kernel builds)'
	@echo '  distclean   remove everything under $$(O)'
	@echo
	@echo 'Variables:'
	@echo '  APP=$(APP)     one of: $(APPS)'
	@echo '  LEVEL=$(LEVEL)   one of: $(LEVELS)'
	@echo '  O=$(O)   output directory'
	@echo '  ACCEL=$(ACCEL)    auto (KVM where usable, else TCG), kvm or tcg'
	@echo '  ARGS=...      arguments for the app, e.g. ARGS="exit 3"'
	@echo '  V=$(V)          1 shows every command'
	@echo '  TIMEOUT=, SILENCE=, MEM=   boot limits, see scripts/boot --help'

deps:
	$(Q)scripts/deps

# --- sources ---------------------------------------------------------------

$(LINUX_PRISTINE)/.stamp_extracted: scripts/fetch scripts/pins
	$(Q)scripts/fetch linux $(LINUX_PRISTINE)

# The patches directory itself is a prerequisite: adding, removing or
# renaming a patch changes its mtime.
$(LINUX_SRC)/.stamp_patched: $(LINUX_PRISTINE)/.stamp_extracted patches $(wildcard patches/*.patch) scripts/patch-tree
	$(Q)scripts/patch-tree $(LINUX_PRISTINE) patches $(LINUX_SRC)

# --- host tools ------------------------------------------------------------

host-tools: $(VERDICT) $(GEN_INIT_CPIO)

$(VERDICT): scripts/verdict.c $(UKL_LIB_HDRS)
	$(Q)mkdir -p $(@D)
	$(Q)gcc -O2 -Wall -Wextra -Werror -o $@ $<

# The kernel tree's own cpio writer: it makes /dev/console without root.
$(GEN_INIT_CPIO): $(LINUX_SRC)/.stamp_patched
	$(Q)mkdir -p $(@D)
	$(Q)gcc -O2 -o $@ $(LINUX_SRC)/usr/gen_init_cpio.c

# --- kernel ----------------------------------------------------------------

$(KERNEL_BUILD)/.stamp_configured: $(LINUX_SRC)/.stamp_patched $(FRAGMENTS) scripts/kconfig
	$(Q)scripts/kconfig $(LINUX_SRC) $(KERNEL_BUILD) $(FRAGMENTS)
	$(Q)touch $@

$(KERNEL_BUILD)/.stamp_built: $(KERNEL_BUILD)/.stamp_configured
	@echo ">>> kernel: building bzImage for level $(LEVEL) in $(KERNEL_BUILD) (log: $(KERNEL_BUILD)/build.log)"
	$(Q)set -o pipefail; $(KMAKE) bzImage 2>&1 | tee $(KERNEL_BUILD)/build.log | \
		{ if [ "$(V)" = 1 ]; then cat; else grep -E 'error|warning:' || [ $$? = 1 ]; fi; }
	$(Q)touch $@

kernel: $(KERNEL_BUILD)/.stamp_built

# --- app (stock: a static /init in an initramfs) ---------------------------

$(APP_BUILD)/$(APP): $(APP_SRCS) $(UKL_LIB_SRCS) $(UKL_LIB_HDRS)
	@echo ">>> app: building $(APP) for level $(LEVEL)"
	$(Q)mkdir -p $(@D)
	$(Q)gcc -static $(APP_CFLAGS) -o $@ $(APP_SRCS) $(UKL_LIB_SRCS)

app: $(APP_BUILD)/$(APP)

$(IMAGE_DIR)/initramfs.cpio: $(APP_BUILD)/$(APP) $(GEN_INIT_CPIO)
	@echo ">>> image: writing initramfs with $(APP) as /init"
	$(Q)mkdir -p $(@D)
	$(Q)printf '%s\n' 'dir /dev 0755 0 0' 'nod /dev/console 0600 0 0 c 5 1' \
		'dir /proc 0755 0 0' 'dir /sys 0755 0 0' 'dir /tmp 1777 0 0' \
		'file /init $(APP_BUILD)/$(APP) 0755 0 0' >$(APP_BUILD)/initramfs.list
	$(Q)$(GEN_INIT_CPIO) $(APP_BUILD)/initramfs.list >$@.tmp
	$(Q)mv $@.tmp $@

$(IMAGE_DIR)/bzImage: $(KERNEL_BUILD)/.stamp_built
	$(Q)mkdir -p $(@D)
	$(Q)cp $(KERNEL_BUILD)/arch/x86/boot/bzImage $@

image: $(IMAGE_DIR)/bzImage $(IMAGE_DIR)/initramfs.cpio $(VERDICT)
	$(Q)echo 'rdinit=/init' >$(IMAGE_DIR)/cmdline
	@echo ">>> image: $(IMAGE_DIR) is ready"

# --- run and test ----------------------------------------------------------

# GNU make itself can only exit 0, 1 or 2: `make run` fails whenever the app
# exits non-zero and its last lines give the app's status and the verdict;
# scripts/boot exits with the app's exact status.
run: image
	$(Q)ACCEL=$(ACCEL) scripts/boot $(IMAGE_DIR) -- $(ARGS)

test: host-tools
	$(Q)O=$(O) tests/run

# --- clean -----------------------------------------------------------------

clean:
	rm -rf $(O)/images $(O)/build/apps $(O)/logs $(HOST_DIR)

distclean:
	rm -rf $(O)
