#!/bin/sh
# Hardware watchpoints: armed on the driver's mapping by PCIem itself,
# every width, the value written in each event; refused when the CPU has
# no debug register left; freed with the device; following iounmap().
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

mmio_events() { # FILE -> lines "offset size data" of MMIO_WRITE events
	awk '$2 == 2 { print $4, $5, $6 }' "$1"
}

load_pciem
a=$(dev_start w --bar 0:4K --bar 2:1M:64)
# Watchpoints set after REGISTER but before any driver mapped the BAR.
is "watch 1 byte at 0x10" "$(dev_cmd w 'watch 0 0x10 1')" ok
is "watch 2 bytes at 0x20" "$(dev_cmd w 'watch 0 0x20 2')" ok
is "watch 4 bytes at 0x30" "$(dev_cmd w 'watch 0 0x30 4')" ok
is "watch 8 bytes at 0x40" "$(dev_cmd w 'watch 0 0x40 8')" ok
is "a fifth watchpoint: no debug register left" \
	"$(dev_cmd w 'watch 0 0x50 4')" "err ENOSPC"
load_driver pciem_test
wait_for "driver binds and maps BAR0" 10 bound "$a" pciem_test
dev_cmd w clear >/dev/null
drv "$a" mmio "w 0 0x10 1 0xab"
drv "$a" mmio "w 0 0x20 2 0xbeef"
drv "$a" mmio "w 0 0x30 4 0xdeadbeef"
drv "$a" mmio "w 0 0x40 8 0x123456789abcdef0"
drv "$a" mmio "w 0 0x14 4 0x1"
is "four watched writes, four events" "$(dev_cmd w 'wait 4 5000')" ok
dev_cmd w "dump /tmp/w1" >/dev/null
is "each event carries offset, width and the value written" \
	"$(mmio_events /tmp/w1 | tr '\n' ';')" \
	"0x10 1 0xab;0x20 2 0xbeef;0x30 4 0xdeadbeef;0x40 8 0x123456789abcdef0;"

# The driver unmaps BAR0: no more events from it; it maps it again with
# another API: the watchpoints follow.
drv "$a" unmap 0
dev_cmd w clear >/dev/null
drv "$a" map "2 ioremap"
drv "$a" mmio "w 2 0x30 4 0x55"
drv "$a" map "0 ioremap_wc"
drv "$a" mmio "w 0 0x30 4 0x66"
dev_cmd w "wait 1 5000" >/dev/null
sleep 0.5
dev_cmd w "dump /tmp/w2" >/dev/null
is "after iounmap and a new mapping only the new write is seen" \
	"$(mmio_events /tmp/w2 | tr '\n' ';')" "0x30 4 0x66;"
# A second mapping of the same register: the newest one is watched.
drv "$a" map "2 ioremap"
dev_cmd w clear >/dev/null
drv "$a" mmio "w 0 0x20 2 0x1234"
is "writes through the current mapping are still seen" \
	"$(dev_cmd w 'wait 1 5000')" ok

dev_stop w KILL
wait_for "device removed" 10 gone "$a"
b=$(dev_start v --bar 0:4K)
is "the removed device's debug registers are free again" \
	"$(for o in 0x0 0x8 0x10 0x18; do dev_cmd v "watch 0 $o 8"; done | tr '\n' ' ')" \
	"ok ok ok ok "
wait_for "driver binds to the new device" 10 bound "$b" pciem_test
dev_cmd v clear >/dev/null
drv "$b" mmio "w 0 0x18 8 0x77"
is "and they work there" "$(dev_cmd v 'wait 1 5000')" ok
dev_stop v KILL
done_testing
