#!/bin/sh
# BAR memory is shared between the driver's mappings and the device
# process's mmap, both ways, whatever API the driver maps it with.
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

load_pciem
load_driver pciem_test
addr=$(dev_start d --bar 0:4K --bar 2:8M:64:pref --bar 4:256M:64:pref --pcie)
check "device with 4K, 8M and 256M BARs registered" test -n "$addr"
wait_for "pciem_test binds" 10 bound "$addr" pciem_test

# BAR0 was mapped by probe() with pci_iomap().
drv "$addr" pattern "fill 0 11"
is "process sees the driver's pci_iomap writes to BAR0" \
	"$(dev_cmd d 'check 0 11')" "ok 0"
is "process fill of BAR0" "$(dev_cmd d 'fill 0 12')" "ok"
drv "$addr" pattern "check 0 12"
is "driver sees the process's writes through pci_iomap" \
	"$(drv_read "$addr" pattern)" "0"
drv "$addr" mmio "w 0 0x10 4 0xdeadbeef"
is "single driver writel, read by the process" \
	"$(dev_cmd d 'read 0 0x10 4')" "ok 0xdeadbeef"
dev_cmd d "write 0 0x18 8 0x0123456789abcdef" >/dev/null
drv "$addr" mmio "r 0 0x18 8"
is "single process store, driver readq" "$(drv_read "$addr" mmio)" \
	"0x123456789abcdef"

# The 8 MiB prefetchable BAR with ioremap_wc: 2 MiB page mappings.
seed=20
for api in ioremap_wc ioremap ioremap_uc ioremap_cache pci_iomap \
	pcim_iomap devm_ioremap memremap_wb memremap_wt; do
	seed=$((seed + 2))
	if ! drv "$addr" map "2 $api"; then
		not_ok "driver maps BAR2 with $api"
		continue
	fi
	drv "$addr" pattern "fill 2 $seed"
	is "BAR2 via $api: driver -> process" "$(dev_cmd d "check 2 $seed")" \
		"ok 0"
	dev_cmd d "fill 2 $((seed + 1))" >/dev/null
	drv "$addr" pattern "check 2 $((seed + 1))"
	is "BAR2 via $api: process -> driver" "$(drv_read "$addr" pattern)" "0"
done

# A sub-range that starts inside a page.
drv "$addr" map "2 ioremap 0x1004 0x2000"
drv "$addr" mmio "w 2 0 4 0xcafef00d"
is "ioremap of BAR2 at offset 0x1004: store lands at 0x1004" \
	"$(dev_cmd d 'read 2 0x1004 4')" "ok 0xcafef00d"
dev_cmd d "write 2 0x2ffc 4 0x600dd00d" >/dev/null
drv "$addr" mmio "r 2 0x1ff8 4"
is "ioremap of BAR2 at offset 0x1004: load from 0x2ffc" \
	"$(drv_read "$addr" mmio)" "0x600dd00d"

# 256 MiB, mapped with 2 MiB pages.
drv "$addr" map "4 ioremap_wc"
drv "$addr" pattern "fill 4 77"
is "256 MiB BAR4: driver -> process" "$(dev_cmd d 'check 4 77')" "ok 0"
dev_cmd d "fill 4 78" >/dev/null
drv "$addr" pattern "check 4 78"
is "256 MiB BAR4: process -> driver" "$(drv_read "$addr" pattern)" "0"

check "device process still alive" kill -0 "$(dev_pid d)"
done_testing
