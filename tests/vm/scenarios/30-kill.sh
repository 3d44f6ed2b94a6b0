#!/bin/sh
# kill -9 of the device process hot-removes the device: the driver's
# remove() runs, the device leaves lspci, and a new one can be made.
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

load_pciem
load_driver pciem_test
addr=$(dev_start a --bar 0:4K --bar 2:8M:64:pref --msi 1:64)
wait_for "pciem_test binds" 10 bound "$addr" pciem_test
drv "$addr" map "2 ioremap_wc"
drv "$addr" pattern "fill 2 5"
removed=$(param pciem_test removed)
check "kill -9 of the device process" dev_stop a KILL
wait_for "driver remove() ran" 10 \
	sh -c "[ \$(cat /sys/module/pciem_test/parameters/removed) -eq $((removed + 1)) ]"
wait_for "device gone from sysfs" 10 gone "$addr"
check "lspci no longer lists it" sh -c "! lspci -s $addr | grep -q ."
check "its BARs left /proc/iomem" sh -c "! grep -q 'PCIem 10000' /proc/iomem"

addr2=$(dev_start b --bar 0:4K)
is "a new device registers, reusing the freed domain" "$addr2" "10000:00:00.0"
wait_for "and the driver binds to it" 10 bound "$addr2" pciem_test
drv "$addr2" pattern "fill 0 9"
is "and its memory works" "$(dev_cmd b 'check 0 9')" "ok 0"

# A driver that forgets to unmap: its mapping must not reach freed memory.
echo 1 >/sys/module/pciem_test/parameters/leak_on_remove
addr4=$(dev_start d --bar 0:4K)
wait_for "a device whose driver will leak its BAR 0 mapping" 10 \
	bound "$addr4" pciem_test
dev_cmd d "write 0 0 4 0x12345678" >/dev/null
is "nothing leaked while the device exists" "$(param pciem_test leaked)" none
dev_stop d KILL
wait_for "that device is removed" 10 gone "$addr4"
check "pciem reports the mapping left behind" \
	sh -c 'dmesg | grep -q "still mapped at .* the driver did not unmap it, it now reads all-ones"'
is "reading through it gives all-ones, as from absent hardware" \
	"$(param pciem_test leaked)" 0xffffffff
echo 0 >/sys/module/pciem_test/parameters/leak_on_remove

# A process killed before a driver ever binds.
rmmod pciem_test
addr3=$(dev_start c --bar 0:4K)
check "kill -9 with no driver bound" dev_stop c KILL
wait_for "that device is gone too" 10 gone "$addr3"
dev_stop b KILL
check "rmmod pciem once all devices are gone" rmmod pciem
done_testing
