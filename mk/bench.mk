# Benchmark rules (included by the Makefile).

# --- benchmarks ------------------------------------------------------------

BENCH_DIR := $(O)/bench/$(shell date +%Y%m%d-%H%M%S)

# QUICK=1: one run per suite and shorter batches.
BENCH_RUNS := $(if $(filter 1,$(QUICK)),1,$(RUNS))
# Apps that serve a port have no distro image (see bench/boot).
BENCH_DISTRO_APPS := $(foreach a,$(BENCH_APPS),$(if $(wildcard apps/$(a)/run),,$(a)))

# build-set SET: the images of a set of configs/matrix.
build-set = $(Q)$(IMAGE_SET_ENV) scripts/images build $(1)

bench-syscall: host-tools
	$(call build-set,bench-syscall)
	$(Q)bench/syscall $(O) $(BENCH_DIR)/syscall $(BENCH_RUNS) $(QUICK) $(BENCH_LEVELS)

bench-boot: host-tools
	$(call build-set,bench-boot)
	$(Q)bench/boot $(O) $(BENCH_DIR)/boot $(BENCH_RUNS) "$(BENCH_APPS)" $(BENCH_LEVELS) distro

bench-size: host-tools
	$(call build-set,bench-boot)
	$(Q)bench/size $(O) $(BENCH_DIR)/size "$(BENCH_APPS)" $(BENCH_LEVELS) distro

bench-memory: host-tools
	$(call build-set,bench-boot)
	$(Q)bench/memory $(O) $(BENCH_DIR)/memory "$(BENCH_APPS)" $(BENCH_LEVELS)

# SOAK=N with bench-app runs the soak instead, as it did before bench-soak.
bench-app: host-tools
	$(call build-set,bench-app)
	$(Q)$(if $(filter-out 0,$(SOAK)),bench/soak $(O) $(BENCH_DIR)/soak $(SOAK),bench/app $(O) $(BENCH_DIR)/app $(BENCH_RUNS) $(QUICK)) $(BENCH_LEVELS)

# The soak needs the same images as bench-app; SOAK=N seconds, 600 unless given.
bench-soak: host-tools
	$(call build-set,bench-app)
	$(Q)bench/soak $(O) $(BENCH_DIR)/soak $(or $(filter-out 0,$(SOAK)),600) $(BENCH_LEVELS)

# Every suite, one directory, one report.
bench: bench-syscall bench-app bench-boot bench-size bench-memory
	$(Q)bench/report $(BENCH_DIR) $(BENCH_LEVELS) distro
