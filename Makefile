# Unikernel Linux kit: one bootable bzImage per (application, level).
#
# `make help` lists targets and variables.  Every artefact goes under $(O);
# stages leave .stamp_* files and rerun only when their inputs change.
# This file checks the input, takes the lock on $(O) and includes the rules:
# mk/build.mk (sources, kernel, app, image, run, test, clean) and
# mk/bench.mk (benchmarks).

O ?= out
APP ?= hello
LEVEL ?= base
ACCEL ?= auto
ARGS ?=
V ?= 0
KERNEL_DEBUG ?= 0

SHELL := /bin/bash

APPS := $(sort $(notdir $(patsubst %/,%,$(wildcard apps/*/))))
LEVELS := $(sort $(basename $(notdir $(wildcard configs/levels/*.config))))
# Benchmarks compare levels in this order; stock first: ratios are to it.
BENCH_LEVELS ?= stock base byp ret ret-byp nss $(filter-out stock base byp ret ret-byp nss,$(LEVELS))
RUNS ?= 3
QUICK ?= 0
# The apps the boot, size and memory suites measure.
BENCH_APPS ?= hello redis
# SOAK=N: bench-soak keeps load on each server for N seconds and checks it
# afterwards (bench/soak; 0 means its default, 600).
SOAK ?= 0
# `make images SET=...`: a set of configs/matrix.
SET ?= test

# --- input: every variable is checked before anything is built or removed --

# quote VALUE: one shell word.
quote = '$(subst ','\'',$(1))'
# O, APP and LEVEL are checked even when empty; the others when set.  A
# check-input that fails without saying why stops make too.
CHECKED := $(foreach v,ACCEL V KERNEL_DEBUG RUNS JOBS QUICK SOAK SET BENCH_APPS BENCH_LEVELS CPUS MEM TIMEOUT SILENCE HOST_PORT ARGS,\
	$(if $($(v)),$(call quote,$(v)=$($(v)))))
INPUT_PROBLEMS := $(shell problems=$$(scripts/check-input $(foreach v,O APP LEVEL,$(call quote,$(v)=$($(v)))) $(CHECKED)) || \
	echo "$${problems:-scripts/check-input failed without saying why}")
ifneq ($(INPUT_PROBLEMS),)
$(error $(INPUT_PROBLEMS))
endif

override O := $(abspath $(O))
JOBS ?= $(shell nproc)

ifeq ($(V),1)
Q :=
else
Q := @
endif

# --- one make at a time on $(O) --------------------------------------------
# Two makes on one O would race on the shared UKL kernel build, its
# .config and the initramfs files.  The first make takes an exclusive lock
# on $(O)/.lock and runs the goals in a make of its own; makes it starts
# (recursion, tests) inherit KIT_LOCKED and do not lock again.
GOALS := $(or $(MAKECMDGOALS),image)
# run locks only while it makes the image (mk/build.mk).
UNLOCKED_GOALS := help deps pins-check run

LOCKED_GOALS := $(filter-out $(UNLOCKED_GOALS),$(GOALS))

ifeq ($(if $(KIT_LOCKED),,$(LOCKED_GOALS)),)
include mk/build.mk
include mk/bench.mk
else
.PHONY: $(GOALS) kit-lock
$(GOALS): kit-lock
	@:
# One recipe line, so that make -n (which runs lines naming $(MAKE)) works
# on a fresh O too.
kit-lock:
	@mkdir -p $(O) && { [ ! -e $(O)/.lock ] || [ -w $(O)/.lock ] || \
		{ echo "make: $(O)/.lock is not writable by $$(id -un); was O made by another user (sudo make)?" >&2; exit 1; }; } && \
	{ flock -n $(O)/.lock true || echo ">>> make: another make is working in $(O); waiting for it to finish (lock: $(O)/.lock)"; } && \
	KIT_LOCKED=1 flock $(O)/.lock $(MAKE) --no-print-directory $(GOALS)
endif
