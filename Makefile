# PCIem top-level build.
#
#   make            module, test drivers and user-space programs
#   make deps       install the Debian packages the build and tests need
#   make check      unit tests, lint and VM tests; ends with "N passed, N failed"
#   make demo       boot a VM, create the walkthrough's device, show it working
#
# KVER selects the kernel (headers for building, the same image for the VM);
# KDIR overrides the kernel build tree.

KVER ?= $(shell ls -d /lib/modules/*/build 2>/dev/null | sed 's|/lib/modules/||;s|/build||' | sort -V | tail -n 1)
KDIR ?= /lib/modules/$(KVER)/build
export KVER

BUILD := $(CURDIR)/build
BIN := $(BUILD)/bin

CC ?= cc
USER_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -I$(CURDIR)/uapi
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# Debian packages for building and testing (make deps).
DEPS := build-essential pkg-config kmod cpio xz-utils shellcheck \
	linux-headers-amd64 linux-image-amd64 linux-source-6.1 \
	qemu-system-x86 busybox-static pciutils \
	check libyaml-dev libsystemd-dev systemd clang libclang-rt-14-dev

.PHONY: all module drivers userspace deps check check-all demo bench clean \
	check-unit check-lint check-vm

all: module drivers userspace

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/module modules

drivers:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/drivers modules

# Device programs and benchmarks used in the VM, run inside the guest.
PROGS := $(patsubst tests/progs/%.c,$(BIN)/%,$(wildcard tests/progs/*.c))
BENCHES := $(patsubst tests/bench/%.c,$(BIN)/%,$(wildcard tests/bench/*.c))
PROG_LIB := $(wildcard tests/progs/lib/*.c)
PROG_HDRS := $(wildcard tests/progs/lib/*.h) uapi/pciem.h uapi/pciem_userspace.h

userspace: $(PROGS) $(BENCHES) pciemd

$(BIN)/%: tests/progs/%.c $(PROG_LIB) $(PROG_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -Itests/progs/lib -pthread -o $@ $< $(PROG_LIB)

$(BIN)/%: tests/bench/%.c $(PROG_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -Itests/progs/lib -o $@ $<

deps:
	@missing=$$(for p in $(DEPS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "deps: installing:" $$missing; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	else \
		echo "deps: all installed"; \
	fi

# make check: install what is missing, then run everything.  A sub-make
# runs the rest so that KVER sees kernel headers deps may just have put in.
check: deps
	@$(MAKE) --no-print-directory check-all

RESULTS := $(BUILD)/results
CHECK_PARTS := unit fuzz lint vm-selftest vm bench-smoke

check-all: all
	@rm -rf $(RESULTS) && mkdir -p $(RESULTS)
	@$(MAKE) --no-print-directory check-unit 2>&1 | tee $(RESULTS)/unit.log; true
	@$(MAKE) --no-print-directory check-fuzz 2>&1 | tee $(RESULTS)/fuzz.log; true
	@$(MAKE) --no-print-directory check-lint 2>&1 | tee $(RESULTS)/lint.log; true
	@tests/vm/selftest 2>&1 | tee $(RESULTS)/vm-selftest.log; true
	@tests/vm/run 2>&1 | tee $(RESULTS)/vm.log; true
	@VM_APPEND="pciembench.n=500" tests/vm/run --scenario-dir tests/bench/scenarios \
		--log-dir $(BUILD)/bench 2>&1 | tee $(RESULTS)/bench-smoke.log; true
	@tests/summary.sh $(patsubst %,$(RESULTS)/%.log,$(CHECK_PARTS))

check-lint:
	@KDIR=$(KDIR) tests/lint.sh

# One scenario alone: make check-vm SCENARIO=20-shared-memory
check-vm: all
	@tests/vm/run $(SCENARIO)

# Benchmarks (tests/bench/): figures as ratios to a baseline measured in the
# same VM boot.  BENCH_N sets the samples per figure.
BENCH_N ?= 10000
bench: all
	@VM_APPEND="pciembench.n=$(BENCH_N)" tests/vm/run \
		--scenario-dir tests/bench/scenarios --log-dir $(BUILD)/bench | \
		sed -nE 's/^# ?//p; s/^not ok [0-9]+ - (.*)/FAILED: \1/p'

# Boot a VM, build the walkthrough's device, show lspci and a driver using it.
demo: deps
	@$(MAKE) --no-print-directory all >$(BUILD)/demo-build.log 2>&1 || \
		{ cat $(BUILD)/demo-build.log; exit 1; }
	@echo "Booting a Debian $(KVER) VM with pciem.ko (takes a few seconds)..."
	@tests/vm/run --scenario-dir tests/vm/demo --log-dir $(BUILD)/demo demo | \
		sed -nE 's/^# ?//p; s/^ok [0-9]+ - demo: (.*)/   [ok] \1/p; s/^not ok [0-9]+ - demo: (.*)/   [FAILED] \1/p'
	@echo "Kernel log of the VM: $(BUILD)/demo/demo.console.log"

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/module clean
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/drivers clean
	rm -rf $(BUILD)

include pciemd/pciemd.mk
include tests/fuzz/fuzz.mk
include tests/unit/unit.mk
