# Benchmark rules (included by the Makefile).

# --- benchmarks ------------------------------------------------------------

BENCH_DIR := $(O)/bench/$(shell date +%Y%m%d-%H%M%S)

# QUICK=1: one run per suite and shorter batches.
BENCH_RUNS := $(if $(filter 1,$(QUICK)),1,$(RUNS))
# Apps that serve a port have no distro image (see bench/boot).
BENCH_DISTRO_APPS := $(foreach a,$(BENCH_APPS),$(if $(wildcard apps/$(a)/run),,$(a)))

# bench-images APP: that app's image at every benchmarked level.
define bench-images
	$(Q)for level in $(BENCH_LEVELS); do \
		$(MAKE) --no-print-directory image APP=$(1) LEVEL=$$level O=$(O) || exit; \
	done
endef

bench-syscall: host-tools
	$(call bench-images,syscall-bench)
	$(Q)bench/syscall $(O) $(BENCH_DIR)/syscall $(BENCH_RUNS) $(QUICK) $(BENCH_LEVELS)

# bench-app-images: every BENCH_APPS image at every benchmarked level, and
# the distro images.
define bench-app-images
	$(foreach a,$(BENCH_APPS),$(call bench-images,$(a))
	)$(foreach a,$(BENCH_DISTRO_APPS),$(Q)$(MAKE) --no-print-directory distro-image APP=$(a) O=$(O)
	)
endef

bench-boot: host-tools
	$(bench-app-images)
	$(Q)bench/boot $(O) $(BENCH_DIR)/boot $(BENCH_RUNS) "$(BENCH_APPS)" $(BENCH_LEVELS) distro

bench-size: host-tools
	$(bench-app-images)
	$(Q)bench/size $(O) $(BENCH_DIR)/size "$(BENCH_APPS)" $(BENCH_LEVELS) distro

bench-memory: host-tools
	$(bench-app-images)
	$(Q)bench/memory $(O) $(BENCH_DIR)/memory "$(BENCH_APPS)" $(BENCH_LEVELS)

bench-app: host-tools
	$(call bench-images,redis)
	$(call bench-images,memcached)
	$(Q)bench/app $(O) $(BENCH_DIR)/app $(BENCH_RUNS) $(QUICK) $(SOAK) $(BENCH_LEVELS)

# Every suite, one directory, one report.
bench: bench-syscall bench-app bench-boot bench-size bench-memory
	$(Q)bench/report $(BENCH_DIR) $(BENCH_LEVELS) distro
