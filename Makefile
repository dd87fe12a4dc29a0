# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
#   make           build build/ipcscope
#   make run       install what is missing, build, trace the whole system
#   make test      install what is missing, build, run every test
#   make test-sanitize  the same suite against an ASan+UBSan build (build-san/)
#   make fuzz      libFuzzer targets, FUZZ_SECONDS each (tests/fuzz/fuzz.mk)
#   make bench     overhead benchmark (see BENCHMARKS.md)
#   make deps      install the Debian packages the build and tests need
#   make vmlinux   regenerate vmlinux/x86/vmlinux.h from the running kernel
#
OUTPUT ?= build
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= cc
ARCH ?= x86
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
ARGS ?=

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.DEFAULT_GOAL := all

# Debian packages we need, each as "what shows it is there:package".
# python3 runs the test and bench drivers; setpriv/mountpoint (util-linux) are essential.
DEP_PROBES := clang:clang llvm-objdump:llvm bpftool:bpftool pkg-config:pkg-config \
	python3:python3 cc:gcc
# libclang-rt-14-dev: clang's sanitizer and libFuzzer runtimes (test-sanitize, fuzz).
# Its directory has clang's full version in it; without a match, probe Debian
# 12's path, which then does not exist either.
CLANG_RT := /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a
CLANG_RT_PROBE := $(or $(firstword $(wildcard $(CLANG_RT))),$(subst *,14.0.6,$(CLANG_RT)))
DEP_FILES := /usr/include/bpf/libbpf.h:libbpf-dev /usr/include/gelf.h:libelf-dev \
	/usr/include/zlib.h:zlib1g-dev /usr/include/sys/capability.h:libcap-dev \
	$(CLANG_RT_PROBE):libclang-rt-14-dev

# One BPF object: bpf/ipcscope.bpf.c includes the program files (see there why).
BPF_OBJ := $(OUTPUT)/bpf/ipcscope.bpf.o
LIB_SRCS := $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJS := $(patsubst src/%.c,$(OUTPUT)/src/%.o,$(LIB_SRCS))
SKEL := $(OUTPUT)/ipcscope.skel.h

BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) \
	-I vmlinux/$(ARCH) -I src -Wall -Werror -Wno-incompatible-pointer-types-discards-qualifiers
CFLAGS ?= -g -O2
APP_CFLAGS := $(CFLAGS) -std=gnu11 -Wall -Wextra -Werror -I src -I $(OUTPUT) -MMD -MP
LDLIBS := $(shell pkg-config --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)
LDLIBS += $(shell pkg-config --libs libcap 2>/dev/null || echo -lcap)
LDLIBS += $(shell pkg-config --libs libelf 2>/dev/null || echo -lelf)

.PHONY: all run test bench profile deps check-deps vmlinux clean unit-tests workloads

all: check-deps $(OUTPUT)/ipcscope

# Stop early, naming the package, instead of failing deep inside the build.
check-deps:
	@missing=""; \
	for p in $(DEP_PROBES); do command -v $${p%%:*} >/dev/null 2>&1 || missing="$$missing $${p##*:}"; done; \
	for p in $(DEP_FILES); do [ -e $${p%%:*} ] || missing="$$missing $${p##*:}"; done; \
	if [ -n "$$missing" ]; then \
		echo "missing packages:$$missing -- run 'make deps' (as root) or apt-get install them" >&2; \
		exit 1; \
	fi

deps:
	@missing=""; \
	for p in $(DEP_PROBES); do command -v $${p%%:*} >/dev/null 2>&1 || missing="$$missing $${p##*:}"; done; \
	for p in $(DEP_FILES); do [ -e $${p%%:*} ] || missing="$$missing $${p##*:}"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" != 0 ]; then echo "make deps must run as root (sudo make deps)" >&2; exit 1; fi; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	fi

vmlinux:
	$(call msg,GEN,vmlinux/$(ARCH)/vmlinux.h)
	$(Q)mkdir -p vmlinux/$(ARCH)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > vmlinux/$(ARCH)/vmlinux.h

$(OUTPUT) $(OUTPUT)/bpf $(OUTPUT)/src $(OUTPUT)/tests $(OUTPUT)/bench:
	$(Q)mkdir -p $@

# BPF objects: clang's own dependency files make header edits rebuild them.
$(OUTPUT)/bpf/%.bpf.o: bpf/%.bpf.c | $(OUTPUT)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@

$(SKEL): $(BPF_OBJ)
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name ipcscope_bpf > $@

$(OUTPUT)/src/%.o: src/%.c | $(OUTPUT)/src
	$(call msg,CC,$@)
	$(Q)$(CC) $(APP_CFLAGS) -c $< -o $@

# Only the loader includes the skeleton.
$(OUTPUT)/src/tracer.o: $(SKEL)

$(OUTPUT)/ipcscope: $(OUTPUT)/src/main.o $(LIB_OBJS)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(APP_CFLAGS) $^ $(LDLIBS) -o $@

# ---- tests ----
WORKLOAD_SRCS := $(wildcard tests/workloads/*.c)
WORKLOADS := $(patsubst tests/workloads/%.c,$(OUTPUT)/tests/%,$(WORKLOAD_SRCS))
# Test tools: like workloads, plain builds, but they may use libbpf.
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOLS := $(patsubst tests/tools/%.c,$(OUTPUT)/tests/%,$(TOOL_SRCS))
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_BIN := $(OUTPUT)/tests/unit_tests

$(OUTPUT)/tests/%: tests/workloads/%.c | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) -g -O1 -std=gnu11 -Wall -Wextra -Werror -MMD -MP $< -o $@

$(OUTPUT)/tests/%: tests/tools/%.c | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) -g -O1 -std=gnu11 -Wall -Wextra -Werror -MMD -MP $< $(LDLIBS) -o $@

# -MMD adds the headers unit_tests.c includes to $^; clang refuses them on a link line.
$(UNIT_BIN): $(UNIT_SRCS) $(filter-out $(OUTPUT)/src/tracer.o,$(LIB_OBJS)) | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(APP_CFLAGS) -I tests/unit $(filter %.c %.o,$^) $(LDLIBS) -o $@

workloads: $(WORKLOADS) $(TOOLS)
unit-tests: $(UNIT_BIN)

test: deps
	$(Q)$(MAKE) --no-print-directory all workloads unit-tests
	$(Q)python3 tests/run_tests.py --build $(OUTPUT)

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(OUTPUT)/ipcscope $(ARGS)

# ---- benchmarks ----
bench: deps
	$(Q)$(MAKE) --no-print-directory all workloads $(OUTPUT)/bench/floor $(OUTPUT)/bench/storm
	$(Q)python3 bench/run_bench.py --build $(OUTPUT)

# Memory stays bounded over a long run (bench/soak.py; not part of `make test`).
SOAK_SECONDS ?= 600
soak: deps
	$(Q)$(MAKE) --no-print-directory all workloads
	$(Q)python3 bench/soak.py --build $(OUTPUT) --duration $(SOAK_SECONDS)

clean:
	$(call msg,CLEAN,$(OUTPUT))
	$(Q)rm -rf $(OUTPUT)

-include $(wildcard $(OUTPUT)/src/*.d $(OUTPUT)/bpf/*.d $(OUTPUT)/tests/*.d)

# ---- benchmark helpers: the floor (empty programs at our hooks) and storms ----
$(OUTPUT)/bench/floor.bpf.o: bench/floor.bpf.c | $(OUTPUT)/bench
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/bench/floor.skel.h: $(OUTPUT)/bench/floor.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name floor_bpf > $@

$(OUTPUT)/bench/floor: bench/floor.c $(OUTPUT)/bench/floor.skel.h
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(APP_CFLAGS) -I $(OUTPUT)/bench $< $(LDLIBS) -o $@

$(OUTPUT)/bench/storm: bench/storm.c | $(OUTPUT)/bench
	$(call msg,BINARY,$@)
	$(Q)$(CC) -O2 -std=gnu11 -Wall -Wextra -Werror $< -o $@

# bench/line_profile.py's helper: a loaded program's source lines at their JITed addresses
$(OUTPUT)/bench/jit_lines: bench/jit_lines.c | $(OUTPUT)/bench
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(APP_CFLAGS) $< $(LDLIBS) -o $@

profile: all $(OUTPUT)/bench/storm $(OUTPUT)/bench/jit_lines
	$(Q)python3 bench/line_profile.py $(or $(STORM),epipe) --build $(OUTPUT)

# ---- sanitizers: the whole suite against an ASan + UBSan build ----
# clang builds our binary and unit tests with the sanitizers into
# $(SAN_OUTPUT); the workloads stay plain cc builds (they are the ground
# truth, not the code under test). Every report, leaks included, goes to a
# file in $(SAN_LOGS) rather than to stderr, which many tests never read:
# run_tests.py fails the test that wrote one. No leak is suppressed: at exit
# libbpf and libelf have freed everything ours asked of them. The directory
# is world-writable because one test runs ipcscope as nobody.
SAN_OUTPUT ?= build-san
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
SAN_LOGS = $(abspath $(SAN_OUTPUT))/sanitizer-logs
SAN_ENV = ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:log_path=$(SAN_LOGS)/report \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$(SAN_LOGS)/report \
	IPCSCOPE_STORM_SECONDS=$(SAN_STORM_SECONDS)
# The storm tests (tests/storms.py) storm for IPCSCOPE_STORM_SECONDS, 30 by
# default; the sanitizer suite repeats them shorter so CI stays near 7 minutes.
SAN_STORM_SECONDS ?= 10

.PHONY: test-sanitize
test-sanitize: deps
	$(Q)$(MAKE) --no-print-directory OUTPUT=$(SAN_OUTPUT) workloads
	$(Q)$(MAKE) --no-print-directory OUTPUT=$(SAN_OUTPUT) CC=$(CLANG) \
		CFLAGS="-g -O1 $(SAN_FLAGS)" all unit-tests
	$(Q)rm -rf $(SAN_LOGS) && mkdir -p $(SAN_LOGS) && chmod 1777 $(SAN_LOGS)
	$(Q)$(SAN_ENV) python3 tests/run_tests.py --build $(SAN_OUTPUT) --sanitizer-logs $(SAN_LOGS)

include tests/fuzz/fuzz.mk
