# PCIem top-level build.
#
#   make            module and test drivers for every supported kernel
#                   installed, and the user-space programs
#   make deps       install the Debian packages and kernels the build and tests need
#   make install    pciemd, its plugins, unit, headers and man pages (pciemd/pciemd.mk)
#   make install-dkms  the module's source and dkms.conf, for DKMS
#   make check      unit tests, lint, the Debian packages, VM tests on every
#                   supported kernel and the end-to-end test on Debian 12 and
#                   13; ends with "N passed, N failed"
#   make check-package  build the Debian packages (debian/) in build/package/
#                   and check them: lintian, man pages, version, contents
#   make check-e2e  the packages installed and used on fresh Debian 12 and 13
#                   systems booted with systemd (RELEASE=bookworm|trixie: one)
#   make demo       boot a VM, create the walkthrough's device, show it working
#   make check-debug the VM suite on a KASAN/lockdep/kmemleak kernel built
#                   from linux-source-6.1, and on Debian's PREEMPT_RT kernel
#
# Kernels (scripts/kernels.sh): Debian 12's own 6.1 and the 6.12 series.
# KVER=RELEASE picks one for everything (build, VM, check, bench); without
# it, builds and checks cover all of them, and what boots one kernel only
# (demo, bench, check-vm) boots the default: Debian 12's own.
# KDIR overrides the build tree of the kernel KVER names.

ifeq ($(origin KVER),undefined)
KVER := $(shell scripts/kernels.sh default 2>/dev/null)
KVERS := $(shell scripts/kernels.sh all 2>/dev/null)
else
KVERS := $(KVER)
endif
kdir = $(if $(KDIR),$(KDIR),/lib/modules/$(1)/build)

BUILD := $(CURDIR)/build
BIN := $(BUILD)/bin

# The project's one version: pciemd --version, the pkg-config file, the
# DKMS tree and the Debian packages (checked by make check-package) take it
# from VERSION.
PCIEM_VERSION := $(shell cat $(CURDIR)/VERSION)

CC ?= cc
# CPPFLAGS and CFLAGS given to make (dpkg-buildflags' hardening and
# -ffile-prefix-map, in a package build) come after the project's own.
USER_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -I$(CURDIR)/uapi \
	$(CPPFLAGS) $(CFLAGS)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: all module drivers userspace deps check check-all demo demo-vm bench check-nvme check-e2e \
	clean check-unit check-lint check-package check-vm need-kernel install-dkms FORCE

all: module drivers userspace

need-kernel:
	@[ -n "$(strip $(KVERS))" ] || { echo "no supported kernel installed: run 'make deps'" >&2; exit 1; }

# Each kernel builds in its own tree, build/kernel/RELEASE/, of links to
# the sources (scripts/link-tree.sh), so the kernels' objects never mix.
module: $(KVERS:%=module-%) | need-kernel
drivers: $(KVERS:%=drivers-%) | need-kernel

module-%: FORCE
	@scripts/link-tree.sh $(BUILD)/kernel/$* module uapi
	$(MAKE) -C $(call kdir,$*) M=$(BUILD)/kernel/$*/module modules

drivers-%: FORCE
	@scripts/link-tree.sh $(BUILD)/kernel/$* tests/drivers tests/progs/lib
	$(MAKE) -C $(call kdir,$*) M=$(BUILD)/kernel/$*/tests/drivers modules

# make install-dkms [DESTDIR=D] [PREFIX=/usr]: the module's sources, the ABI
# header (Kbuild finds it in uapi/ of the tree) and dkms.conf, in the
# directory DKMS builds from, PREFIX/src/pciem-VERSION.
DKMS_SRCDIR ?= $(PREFIX)/src/pciem-$(PCIEM_VERSION)
DKMS_FILES := module/Kbuild module/Makefile $(wildcard module/*.[ch] module/x86/*.[ch])

install-dkms:
	install -d $(DESTDIR)$(DKMS_SRCDIR)/x86 $(DESTDIR)$(DKMS_SRCDIR)/uapi
	$(foreach f,$(DKMS_FILES),install -m 0644 $(f) $(DESTDIR)$(DKMS_SRCDIR)/$(f:module/%=%);)
	install -m 0644 uapi/pciem.h $(DESTDIR)$(DKMS_SRCDIR)/uapi/pciem.h
	sed 's|@VERSION@|$(PCIEM_VERSION)|g' module/dkms.conf.in > $(DESTDIR)$(DKMS_SRCDIR)/dkms.conf
	chmod 0644 $(DESTDIR)$(DKMS_SRCDIR)/dkms.conf

# What booting the KVER kernel in a VM needs.
vm-ready: $(if $(KVER),module-$(KVER) drivers-$(KVER)) userspace | need-kernel
.PHONY: vm-ready

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
	@scripts/deps.sh

# make check: install what is missing, then run everything.  A sub-make
# runs the rest so that KVER sees the kernels deps may just have put in.
check: deps
	@$(MAKE) --no-print-directory check-all

RESULTS := $(BUILD)/results
# The end-to-end test (tests/e2e/): the packages installed and used on fresh
# Debian 12 and 13 systems booted with systemd.
E2E_RELEASES := bookworm trixie
CHECK_PARTS := unit fuzz lint package vm-selftest \
	$(foreach k,$(KVERS),vm-$(k) nvme-$(k) bench-smoke-$(k) bench-nvme-smoke-$(k)) \
	$(foreach r,$(E2E_RELEASES),e2e-$(r))

# The NVMe scenarios (tests/nvme/): Debian's nvme driver and tools against
# devices/nvme.yaml.  The guest gets the host's tools and these modules.
NVME_VM_ENV := VM_HOST_TOOLS="lspci setpci nvme mkfs.ext4 e2fsck fio blkdiscard" \
	VM_KMODS="nvme crc32c_generic ext4"

# bench_nvme KVER SECS NAME: tests/bench/nvme (fio on our NVMe beside
# QEMU's -device nvme, backed by a file in RAM) with SECS seconds a job,
# TAP to stdout, logs in BUILD/NAME-KVER.
bench_nvme = img=$$(mktemp /dev/shm/pciem-bench-nvme.XXXXXX) && \
	truncate -s 256M "$$img" && \
	{ KVER=$(1) $(NVME_VM_ENV) VM_APPEND="pciembench.secs=$(2)" \
	VM_QEMU_ARGS="-drive file=$$img,if=none,id=qnvme,format=raw \
		-device nvme,drive=qnvme,serial=QEMU-NVME" \
	tests/vm/run --name $(3) --scenario-dir tests/bench/nvme \
		--log-dir $(BUILD)/$(3)-$(1); r=$$?; rm -f "$$img"; exit $$r; }

# part NAME COMMAND: COMMAND's output to the screen and RESULTS/NAME.log,
# its wall-clock seconds to RESULTS/NAME.secs (the summary shows both).
part = s=$$(date +%s); { $(2); } 2>&1 | tee $(RESULTS)/$(1).log; \
	echo $$(($$(date +%s) - s)) >$(RESULTS)/$(1).secs

# The end-to-end test's roots take minutes to make, mostly downloading and
# unpacking: they are made in the background while the first parts run,
# and tests/e2e/run waits for them (each is made under a lock).
check-all: all
	@rm -rf $(RESULTS) && mkdir -p $(RESULTS) $(BUILD)/e2e
	@{ for r in $(E2E_RELEASES); do tests/e2e/root.sh $$r && tests/e2e/debs.sh --prepare $$r; \
		done; } >$(BUILD)/e2e/prepare.log 2>&1 </dev/null &
	@$(call part,unit,$(MAKE) --no-print-directory check-unit)
	@$(call part,fuzz,$(MAKE) --no-print-directory check-fuzz)
	@$(call part,lint,$(MAKE) --no-print-directory check-lint)
	@$(call part,package,$(MAKE) --no-print-directory check-package)
	@$(call part,vm-selftest,KVER=$(KVER) tests/vm/selftest)
	@$(foreach k,$(KVERS),\
		$(call part,vm-$(k),KVER=$(k) tests/vm/run --log-dir $(BUILD)/vm/logs-$(k)); \
		$(call part,nvme-$(k),KVER=$(k) $(NVME_VM_ENV) tests/vm/run --name nvme \
			--scenario-dir tests/nvme/scenarios --log-dir $(BUILD)/nvme-$(k)); \
		$(call part,bench-smoke-$(k),KVER=$(k) VM_APPEND="pciembench.n=500" \
			tests/vm/run --name bench-smoke --scenario-dir tests/bench/scenarios \
			--log-dir $(BUILD)/bench-$(k)); \
		$(call part,bench-nvme-smoke-$(k),$(call bench_nvme,$(k),1,bench-nvme-smoke));)
	@$(foreach r,$(E2E_RELEASES),$(call part,e2e-$(r),tests/e2e/run $(r));)
	@tests/summary.sh $(patsubst %,$(RESULTS)/%.log,$(CHECK_PARTS))

# Not part of make check: the debug kernel's first build takes about 25
# minutes (it is cached outside build/), and the run about two hours.
check-debug: deps userspace
	@tests/debug/run
.PHONY: check-debug

check-lint: | need-kernel
	@KVERS="$(KVERS)" KDIR="$(KDIR)" tests/lint.sh

# The Debian packages, built from a copy of the tree (tests/package/check.sh);
# the module is built from the DKMS tree for each kernel of KVERS.
check-package: | need-kernel
	@KVERS="$(KVERS)" KDIR="$(KDIR)" tests/package/check.sh

# One scenario alone: make check-vm SCENARIO=20-shared-memory [KVER=...]
check-vm: vm-ready
	@KVER=$(KVER) tests/vm/run $(SCENARIO)

# The NVMe scenarios alone, or one: make check-nvme [SCENARIO=40-fio] [KVER=...]
check-nvme: vm-ready
	@KVER=$(KVER) $(NVME_VM_ENV) tests/vm/run --name nvme \
		--scenario-dir tests/nvme/scenarios --log-dir $(BUILD)/nvme-$(KVER) $(SCENARIO)

# The end-to-end test alone: make check-e2e [RELEASE=bookworm|trixie]
check-e2e:
	@tests/e2e/run $(or $(RELEASE),$(E2E_RELEASES))

# Benchmarks (tests/bench/): figures as ratios to a baseline measured in the
# same VM boot.  BENCH_N sets the samples per figure, BENCH_SECS the
# seconds of each NVMe fio job.
BENCH_N ?= 10000
BENCH_SECS ?= 10
# The exit status is the VM runs': a failed benchmark fails make bench.
bench: vm-ready
	@rc=0; KVER=$(KVER) VM_APPEND="pciembench.n=$(BENCH_N)" tests/vm/run \
		--name bench --scenario-dir tests/bench/scenarios \
		--log-dir $(BUILD)/bench-$(KVER) >$(BUILD)/bench-$(KVER).tap || rc=$$?; \
	( $(call bench_nvme,$(KVER),$(BENCH_SECS),bench-nvme) ) \
		>$(BUILD)/bench-nvme-$(KVER).tap || rc=$$?; \
	cat $(BUILD)/bench-$(KVER).tap $(BUILD)/bench-nvme-$(KVER).tap | \
		sed -nE 's/^# ?//p; s/^not ok [0-9]+ - (.*)/FAILED: \1/p'; \
	exit $$rc

# Boot a VM, build the walkthrough's device, show lspci and a driver using
# it.  A sub-make again: KVER must see what deps installed.
demo: deps
	@$(MAKE) --no-print-directory demo-vm

demo-vm: need-kernel
	@mkdir -p $(BUILD)
	@$(MAKE) --no-print-directory vm-ready >$(BUILD)/demo-build.log 2>&1 || \
		{ cat $(BUILD)/demo-build.log; exit 1; }
	@echo "Booting a Debian $(KVER) VM with pciem.ko (takes a few seconds)..."
	@rc=0; KVER=$(KVER) tests/vm/run --name demo --scenario-dir tests/vm/demo \
		--log-dir $(BUILD)/demo demo >$(BUILD)/demo.tap || rc=$$?; \
	sed -nE 's/^# ?//p; s/^ok [0-9]+ - demo: (.*)/   [ok] \1/p; s/^not ok [0-9]+ - demo: (.*)/   [FAILED] \1/p' \
		$(BUILD)/demo.tap; \
	echo "Kernel log of the VM: $(BUILD)/demo/demo.console.log"; \
	exit $$rc

clean:
	rm -rf $(BUILD)

include pciemd/pciemd.mk
# pciemd --version prints VERSION; a new version rebuilds main.o.
PCIEMD_CFLAGS += -DPCIEMD_VERSION='"$(PCIEM_VERSION)"'
# LDFLAGS given to make (-z now in a package build) link pciemd and the
# plugins too.
PCIEMD_LDFLAGS += $(LDFLAGS)
PCIEMD_PLUGIN_CFLAGS += $(LDFLAGS)
$(PCIEMD_BUILD)/main.o: VERSION
include tests/fuzz/fuzz.mk
include tests/unit/unit.mk
