# Unit tests: make check-unit.  Included by the top-level Makefile, whose
# CC, USER_CFLAGS, SAN_FLAGS and BUILD it uses.
#
# Every tests/unit/test_X.c is a Check suite, built into build/unit/test_X
# with USER_CFLAGS and SAN_FLAGS and run; each Check test counts once (each
# iteration of a loop test too).  A suite needing project sources or more
# flags lists them in this file, above the rules (prerequisites are expanded
# when the rules are read):
#   UNIT_SRCS_test_X   := pciemd/yaml.c pciemd/validate.c
#   UNIT_CFLAGS_test_X := -Ipciemd
# A suite that does not build counts as one failure; the others still run.
#
# Also counted, one each: every ```c block of docs/walkthrough.md found
# unchanged in tests/progs/walkthrough.c (check_walkthrough_blocks.sh), and
# every uapi/ header compiling on its own as strict C11 and as GNU C11.
#
# The last line printed is "unit: N passed, N failed"; the target fails
# when N failed is not 0.

UNIT_DIR := tests/unit
UNIT_BUILD := $(BUILD)/unit
UNIT_TESTS := $(patsubst $(UNIT_DIR)/%.c,%,$(wildcard $(UNIT_DIR)/test_*.c))

# Deferred (=) so pkg-config runs only when a unit test is built.
UNIT_CHECK_CFLAGS = $(shell pkg-config --cflags check)
UNIT_CHECK_LIBS = $(shell pkg-config --libs check)

# Headers are checked without _GNU_SOURCE: users include them from any
# C11 program, not only from ours.
UNIT_HEADERS := $(wildcard uapi/*.h)
UNIT_HEADER_STDS := c11 gnu11
UNIT_HEADER_CFLAGS := -pedantic-errors -Wall -Wextra -Werror -I$(CURDIR)/uapi

# Per-suite sources and flags.
UNIT_CFLAGS_test_abi := -pedantic-errors
UNIT_SRCS_test_insn_decode := module/x86/insn_decode.c
UNIT_CFLAGS_test_insn_decode := -pedantic-errors -I$(CURDIR)/module/x86 -I$(UNIT_BUILD)
$(UNIT_BUILD)/test_insn_decode: $(UNIT_BUILD)/insn_vectors.h module/x86/insn_decode.h
$(UNIT_BUILD)/insn_vectors.h: $(UNIT_DIR)/gen_insn_vectors.sh $(UNIT_DIR)/insn_vectors.S
	@mkdir -p $(@D)
	sh $(UNIT_DIR)/gen_insn_vectors.sh $(UNIT_DIR)/insn_vectors.S $@

# pciemd: device descriptions (parser and validator).
# test_desc: valid descriptions, values, docs/device-yaml.md's examples;
# test_desc_errors: one invalid description per file of desc_cases/.
UNIT_DESC_SRCS := $(wildcard pciemd/desc_*.c)
UNIT_DESC_CFLAGS = -I$(CURDIR)/pciemd -DDESC_SRCDIR='"$(CURDIR)"' \
	$(shell pkg-config --cflags --libs yaml-0.1)
UNIT_SRCS_test_desc := $(UNIT_DESC_SRCS)
UNIT_CFLAGS_test_desc = $(UNIT_DESC_CFLAGS)
UNIT_SRCS_test_desc_errors := $(UNIT_DESC_SRCS)
UNIT_CFLAGS_test_desc_errors = $(UNIT_DESC_CFLAGS)

# pciemd: plugins, dispatch and daemon logic.
# The daemon's sources but main(); handler plugins are loaded from
# build/test-plugins (pciemd.mk builds them) and build/lib/pciem/handlers.
PD_UNIT_SRCS := $(filter-out pciemd/main.c pciemd/desc_%.c,$(wildcard pciemd/*.c))
PD_UNIT_DESC_SRCS := $(wildcard pciemd/desc_*.c)
PD_UNIT_CFLAGS = -I$(CURDIR)/include -I$(CURDIR)/pciemd -rdynamic -pthread \
	-DPCIEMD_PLUGIN_DIR='"/nonexistent/pciem/handlers"' \
	-DPD_TEST_PLUGINS='"$(BUILD)/test-plugins"' \
	-DPD_PLUGINS='"$(BUILD)/lib/pciem/handlers"' -DPD_TOP='"$(CURDIR)"' \
	$(shell pkg-config --cflags --libs yaml-0.1 libsystemd) -ldl
PD_UNIT_TESTS := $(patsubst $(UNIT_DIR)/%.c,%,$(wildcard $(UNIT_DIR)/test_plugin*.c \
	$(UNIT_DIR)/test_dispatch*.c $(UNIT_DIR)/test_builder*.c $(UNIT_DIR)/test_daemon*.c \
	$(UNIT_DIR)/test_config*.c))
$(foreach t,$(PD_UNIT_TESTS),$(eval UNIT_SRCS_$(t) := $(PD_UNIT_SRCS) $(PD_UNIT_DESC_SRCS)))
$(foreach t,$(PD_UNIT_TESTS),$(eval UNIT_CFLAGS_$(t) = $(PD_UNIT_CFLAGS)))
$(PD_UNIT_TESTS:%=$(UNIT_BUILD)/%): $(PCIEMD_TEST_PLUGINS) $(PCIEMD_PLUGINS) \
	$(UNIT_DIR)/test_builder_fake.h
# The public plugin header compiles alone, like the uapi headers.
UNIT_HEADERS += include/pciem/plugin.h

define UNIT_TEST_RULE
$(UNIT_BUILD)/$(1): $(UNIT_DIR)/$(1).c $(UNIT_SRCS_$(1))
	@mkdir -p $$(@D)
	$$(CC) $$(USER_CFLAGS) $$(SAN_FLAGS) $$(UNIT_CFLAGS_$(1)) $$(UNIT_CHECK_CFLAGS) \
		-MMD -MP -o $$@ $$< $$(UNIT_SRCS_$(1)) $$(UNIT_CHECK_LIBS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call UNIT_TEST_RULE,$(t))))
-include $(UNIT_TESTS:%=$(UNIT_BUILD)/%.d)

# Every result is a TAP line ("ok ..." / "not ok ...") in a file under
# build/unit/; tally() counts them.  A program that exits non-zero without
# any "not ok" line (a crash outside a test, a sanitizer report at exit)
# counts as one failure.  Each suite is built by its own sub-make so that
# one broken build does not stop the others or the summary.
.PHONY: check-unit
check-unit:
	@mkdir -p $(UNIT_BUILD); pass=0; fail=0; \
	tally() { \
		p=$$(grep -c '^ok ' "$$1"); f=$$(grep -c '^not ok ' "$$1"); \
		if [ "$$2" -ne 0 ] && [ "$$f" -eq 0 ]; then \
			echo "unit: $$3 exited with status $$2"; f=1; \
		fi; \
		echo "unit: $$3: $$p passed, $$f failed"; \
		pass=$$((pass + p)); fail=$$((fail + f)); \
	}; \
	for t in $(UNIT_TESTS); do \
		tap=$(UNIT_BUILD)/$$t.tap; rm -f "$$tap"; \
		if $(MAKE) -s --no-print-directory -f $(firstword $(MAKEFILE_LIST)) \
				$(UNIT_BUILD)/$$t; then \
			: > "$$tap"; \
			CK_TAP_LOG_FILE_NAME="$$tap" $(UNIT_BUILD)/$$t; \
			tally "$$tap" $$? $$t; \
		else \
			echo "unit: $$t: build failed"; fail=$$((fail + 1)); \
		fi; \
	done; \
	tap=$(UNIT_BUILD)/walkthrough_blocks.tap; \
	sh $(UNIT_DIR)/check_walkthrough_blocks.sh > "$$tap"; rc=$$?; \
	cat "$$tap"; tally "$$tap" $$rc walkthrough_blocks; \
	tap=$(UNIT_BUILD)/summary.tap; \
	bash $(UNIT_DIR)/check_summary.sh > "$$tap"; rc=$$?; \
	grep -A20 '^not ok' "$$tap"; tally "$$tap" $$rc summary; \
	tap=$(UNIT_BUILD)/headers.tap; : > "$$tap"; \
	for std in $(UNIT_HEADER_STDS); do \
		for h in $(UNIT_HEADERS); do \
			what="$$h alone, -std=$$std -pedantic-errors"; \
			if $(CC) -std=$$std $(UNIT_HEADER_CFLAGS) -fsyntax-only -x c "$$h"; then \
				echo "ok - $$what" >> "$$tap"; \
			else \
				echo "not ok - $$what" >> "$$tap"; \
			fi; \
		done; \
	done; \
	grep '^not ok' "$$tap"; tally "$$tap" 0 headers; \
	echo "unit: $$pass passed, $$fail failed"; \
	[ $$fail -eq 0 ]
