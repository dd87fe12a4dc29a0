# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# libFuzzer targets (tests/fuzz/fuzz_*.c), included by the top Makefile.
#
#   make fuzz FUZZ_SECONDS=N   build, then run each target N seconds (default 30)
#   make fuzz-targets          build only ($(OUTPUT)/fuzz/fuzz_*)
#   make fuzz-seeds            regenerate the committed seed corpora
#
# clang only: -fsanitize=fuzzer comes with libclang-rt-14-dev (make deps).
# Everything, our src/ included, is built with ASan and UBSan, so an
# out-of-bounds read is a crash and a crash fails the run.

FUZZ_OUT := $(OUTPUT)/fuzz
FUZZ_SECONDS ?= 30
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(patsubst %,$(FUZZ_OUT)/fuzz_%,$(FUZZ_TARGETS))
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -g -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link -std=gnu11 -Wall -Wextra -Werror \
	-I src -I tests/fuzz -MMD -MP
# The user-space library without the loader: no BPF, no skeleton.
FUZZ_LIB_OBJS := $(patsubst src/%.c,$(FUZZ_OUT)/src/%.o,\
	$(filter-out src/main.c src/tracer.c,$(wildcard src/*.c)))
FUZZ_HELPER_OBJS := $(FUZZ_OUT)/obj/output_check.o $(FUZZ_OUT)/obj/pipeline.o

.PHONY: fuzz fuzz-targets fuzz-seeds

$(FUZZ_OUT)/src $(FUZZ_OUT)/obj:
	$(Q)mkdir -p $@

$(FUZZ_OUT)/src/%.o: src/%.c | $(FUZZ_OUT)/src
	$(call msg,FUZZCC,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_OUT)/obj/%.o: tests/fuzz/%.c | $(FUZZ_OUT)/obj
	$(call msg,FUZZCC,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_OUT)/fuzz_%: $(FUZZ_OUT)/obj/fuzz_%.o $(FUZZ_HELPER_OBJS) $(FUZZ_LIB_OBJS)
	$(call msg,FUZZER,$@)
	$(Q)$(CLANG) $(FUZZ_SAN) -fsanitize=fuzzer $^ $(LDLIBS) -o $@

fuzz-targets: $(FUZZ_BINS)
# Keep the objects: make would delete them as intermediate files.
.SECONDARY: $(patsubst %,$(FUZZ_OUT)/obj/fuzz_%.o,$(FUZZ_TARGETS)) $(FUZZ_HELPER_OBJS) \
	$(FUZZ_LIB_OBJS)

fuzz: deps
	$(Q)$(MAKE) --no-print-directory fuzz-targets
	$(Q)python3 tests/fuzz/run_fuzz.py --build $(FUZZ_OUT) --seconds $(FUZZ_SECONDS) \
		$(FUZZ_TARGETS)

$(FUZZ_OUT)/make_seeds: tests/fuzz/make_seeds.c | $(FUZZ_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(APP_CFLAGS) -I tests/fuzz $< -o $@

$(FUZZ_OUT):
	$(Q)mkdir -p $@

fuzz-seeds: $(FUZZ_OUT)/make_seeds
	$(Q)mkdir -p tests/fuzz/corpus && $(FUZZ_OUT)/make_seeds tests/fuzz/corpus

-include $(wildcard $(FUZZ_OUT)/src/*.d $(FUZZ_OUT)/obj/*.d)
