#!/bin/sh
# The walkthrough's dummy device (1234:5678, class ff0000, BAR0 4 KiB,
# one 64-bit MSI vector) as lspci and the PCI core see it.
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

load_pciem
check "/dev/pciem is a root-only character device" \
	sh -c '[ -c /dev/pciem ] && [ "$(stat -c %a /dev/pciem)" = 600 ]'

addr=$(dev_start seed --id 1234:5678 --subsys 1234:5678 --rev 1 \
	--class 0xff0000 --bar 0:4K --msi 1:64)
check "device registered" test -n "$addr"
is "first device gets domain 10000" "$addr" "10000:00:00.0"

lspci -vvv -xxxx -s "$addr" >/tmp/lspci.txt 2>&1
lspci -n -s "$addr" >/tmp/lspci-n.txt 2>&1
diag "$(cat /tmp/lspci.txt)"
check "lspci -n shows class ff00 and 1234:5678" \
	grep -q "^$addr ff00: 1234:5678 (rev 01)" /tmp/lspci-n.txt
check "lspci shows subsystem 1234:5678" \
	grep -q "Subsystem: Device 1234:5678" /tmp/lspci.txt
check "BAR0: 32-bit non-prefetchable memory, 4K" \
	grep -Eq "Region 0: Memory at [0-9a-f]+ \(32-bit, non-prefetchable\) (\[disabled\] )?\[size=4K\]" /tmp/lspci.txt
check "MSI capability: 1 vector, 64-bit, not maskable" \
	grep -q "Capabilities: \[40\] MSI: Enable- Count=1/1 Maskable- 64bit+" /tmp/lspci.txt
check "config space dump shows the IDs and the capability pointer" \
	sh -c 'grep -q "^00: 34 12 78 56" /tmp/lspci.txt && grep -q "^30: .* 40 00 00 00" /tmp/lspci.txt'
bar0=$(sed -n 's/.*Region 0: Memory at \([0-9a-f]*\) .*/\1/p' /tmp/lspci.txt)
check "32-bit BAR lies between 1 MiB and 4 GiB (0x$bar0)" \
	sh -c "[ $(printf '%d' "0x$bar0") -ge 1048576 ] && [ $(printf '%d' "0x$bar0") -lt 4294967296 ]"
check "/proc/iomem lists the BAR" grep -q "$bar0-.*: $addr" /proc/iomem

load_driver pciem_test
wait_for "pciem_test binds to the device" 10 bound "$addr" pciem_test
check "lspci reports the driver in use" \
	sh -c "lspci -k -s $addr | grep -q 'Kernel driver in use: pciem_test'"
check "driver enabled memory decoding and bus mastering" \
	sh -c "lspci -vv -s $addr | grep -q 'Control: I/O- Mem+ BusMaster+'"
done_testing
