# Fuzzing: make check-fuzz.  Included by the top-level Makefile, whose
# BUILD it uses.
#
# build/fuzz/fuzz_desc is a libFuzzer target (clang, with ASan and UBSan)
# for the device description loader (pciemd/desc_*.c): tests/fuzz/fuzz_desc.c.
# check-fuzz works on a copy of the seed corpus (tests/fuzz/corpus/ and the
# invalid descriptions of tests/unit/desc_cases/) in build/fuzz/corpus/, so
# the repository is never written, and scores two TAP lines:
#   1. every seed replayed once: no crash, no leak, no broken invariant;
#   2. a timed run of FUZZ_TIME seconds (default 50) with leak detection.
# A crashing input is saved as build/fuzz/crash-*; the log is in build/fuzz/.
# A build failure counts as one failure.  The last line printed is
# "fuzz: N passed, N failed"; the target fails when N failed is not 0.

FUZZ_DIR := tests/fuzz
FUZZ_BUILD := $(BUILD)/fuzz
FUZZ_CC := clang
FUZZ_TIME ?= 50
FUZZ_SRCS := $(wildcard pciemd/desc_*.c)
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -I$(CURDIR)/uapi -I$(CURDIR)/pciemd
# -max_len: room for descriptions of a few hundred registers.
FUZZ_OPTS := -detect_leaks=1 -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
	-dict=$(FUZZ_DIR)/desc.dict -artifact_prefix=$(FUZZ_BUILD)/

$(FUZZ_BUILD)/fuzz_desc: $(FUZZ_DIR)/fuzz_desc.c $(FUZZ_SRCS) $(wildcard pciemd/desc*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRCS) $$(pkg-config --libs yaml-0.1)

.PHONY: check-fuzz
check-fuzz:
	@mkdir -p $(FUZZ_BUILD); pass=0; fail=0; n=0; \
	result() { \
		n=$$((n + 1)); \
		if [ "$$1" -eq 0 ]; then echo "ok $$n - fuzz: $$2"; pass=$$((pass + 1)); \
		else echo "not ok $$n - fuzz: $$2"; fail=$$((fail + 1)); \
			tail -n 40 "$$3" | sed 's/^/# /'; fi; \
	}; \
	if $(MAKE) -s --no-print-directory -f $(firstword $(MAKEFILE_LIST)) \
			$(FUZZ_BUILD)/fuzz_desc > $(FUZZ_BUILD)/build.log 2>&1; then \
		rm -rf $(FUZZ_BUILD)/corpus && mkdir -p $(FUZZ_BUILD)/corpus && \
		cp $(FUZZ_DIR)/corpus/* tests/unit/desc_cases/*.yaml $(FUZZ_BUILD)/corpus/; \
		$(FUZZ_BUILD)/fuzz_desc $(FUZZ_OPTS) -runs=0 $(FUZZ_BUILD)/corpus \
			> $(FUZZ_BUILD)/replay.log 2>&1; \
		result $$? "seed corpus replayed ($$(ls $(FUZZ_BUILD)/corpus | wc -l) inputs)" \
			$(FUZZ_BUILD)/replay.log; \
		$(FUZZ_BUILD)/fuzz_desc $(FUZZ_OPTS) -max_total_time=$(FUZZ_TIME) \
			-print_final_stats=1 $(FUZZ_BUILD)/corpus > $(FUZZ_BUILD)/run.log 2>&1; \
		result $$? "desc_load_text fuzzed for $(FUZZ_TIME) s ($$(sed -n 's/^stat::number_of_executed_units: *//p' $(FUZZ_BUILD)/run.log) runs)" \
			$(FUZZ_BUILD)/run.log; \
	else \
		echo "not ok 1 - fuzz: fuzz_desc builds"; fail=1; \
		sed 's/^/# /' $(FUZZ_BUILD)/build.log; \
	fi; \
	echo "fuzz: $$pass passed, $$fail failed"; \
	[ $$fail -eq 0 ]
