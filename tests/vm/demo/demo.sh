#!/bin/sh
# make demo: the walkthrough's dummy device, built by a user-space process,
# seen by the kernel's PCI core and used by a real driver; then the
# walkthrough's own program counting writes and raising interrupts.
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

say() {
	diag "$*"
}

say ""
say "=== PCIem: a PCIe device made of software ==="
say "This VM runs Debian's own kernel, $(uname -r), on 2 CPUs."
say ""
say "1. Loading pciem.ko."
load_pciem
say ""
say "2. A user-space process (pciem_dev) opens /dev/pciem and describes the"
say "   walkthrough's counter device: vendor 1234, device 5678, class ff0000,"
say "   BAR0 of 4 KiB, one 64-bit MSI vector.  Then it registers it."
addr=$(dev_start demo --id 1234:5678 --subsys 1234:5678 --rev 1 \
	--class 0xff0000 --bar 0:4K --msi 1:64)
check "the device registered" test -n "$addr"
say ""
say "3. The kernel found it on a virtual PCI bus of its own, domain ${addr%%:*}."
say "   This is what 'lspci -vvv -s $addr' prints:"
say ""
say "$(lspci -vvv -s "$addr" 2>/dev/null | sed 's/^/     /')"
say ""
say "4. Loading pciem_test, an ordinary PCI driver whose ID table lists 1234:5678."
load_driver pciem_test
wait_for "the kernel bound pciem_test to the device" 10 bound "$addr" pciem_test
say "$(lspci -k -s "$addr" 2>/dev/null | sed 's/^/     /')"
say ""
say "5. The driver maps BAR0 with pci_iomap() and writes 0xdeadbeef at 0x10"
say "   with writel().  The device process reads its own view of BAR0:"
drv "$addr" mmio "w 0 0x10 4 0xdeadbeef"
got=$(dev_cmd demo 'read 0 0x10 4')
is "the device process sees the driver's write" "$got" "ok 0xdeadbeef"
say ""
say "6. The device process stores 0x12345678 at 0x20; the driver reads it:"
dev_cmd demo "write 0 0x20 4 0x12345678" >/dev/null
drv "$addr" mmio "r 0 0x20 4"
is "the driver's readl() returns the device's value" \
	"$(drv_read "$addr" mmio)" "0x12345678"
say ""
say "7. The device process is killed (kill -9).  The kernel hot-removes the"
say "   device and the driver's remove() runs, as on a surprise unplug:"
dev_stop demo KILL
wait_for "the device is gone from the bus" 10 gone "$addr"
say "$(dmesg | grep -E 'pciem_test|PCIem' | tail -n 3 | sed 's/^/     /')"
say ""
# count_25 ADDR: the driver enables one MSI vector of the counter device
# at ADDR and writes 1 to CONTROL 25 times; prints "counter=N irqs=N".
count_25() {
	drv "$1" vectors "alloc msi 1"
	drv "$1" counter "run 25 20000"
	_c_result=$(drv_read "$1" counter)
	echo "${_c_result% ms=*}"
}

say "8. Now the walkthrough's own program is the device process.  It watches"
say "   CONTROL with a hardware watchpoint, counts every write of 1 into"
say "   COUNTER and raises its MSI every ten counts."
walkthrough >/tmp/walkthrough.out 2>&1 &
wpid=$!
wait_for "the walkthrough's device is on the bus" 10 \
	sh -c 'lspci -D -n -d 1234:5678 | grep -q "^1"'
addr=$(lspci -D -n -d 1234:5678 | awk '$1 ~ /^1/ { print $1; exit }')
wait_for "pciem_test binds to it" 10 bound "$addr" pciem_test
say "   The driver enables one MSI vector and writes 1 to CONTROL 25 times:"
is "COUNTER reads 25 and the driver's MSI handler ran twice" \
	"$(count_25 "$addr")" "counter=25 irqs=2"
say "$(grep pciem_test /proc/interrupts | sed 's/^/     /')"
kill -9 "$wpid"
wait_for "the device left with its process" 10 gone "$addr"
say ""
say "9. The same device, described instead of programmed: pciemd reads"
say "   /etc/pciem.d/counter.yaml and loads its small counter plugin."
say "$(sed -n '/^registers:/,/^plugin:/p' /etc/pciem.d/counter.yaml | grep -v '^plugin:' | sed 's/^/     /')"
pciemd counter >/tmp/pciemd.log 2>&1 &
ppid=$!
wait_for "pciemd has the device ready" 20 grep -q ' ready at ' /tmp/pciemd.log
addr=$(sed -n 's/.* ready at \([^ ]*\) .*/\1/p' /tmp/pciemd.log)
wait_for "pciem_test binds to it" 10 bound "$addr" pciem_test
is "COUNTER reads 25 and the MSI handler ran twice, as before" \
	"$(count_25 "$addr")" "counter=25 irqs=2"
kill -TERM "$ppid"
wait "$ppid"
is "SIGTERM: pciemd removes the device and exits 0" "$?" 0
check "the device is gone" gone "$addr"
say ""
say "That is PCIem: the device lived in a process; the driver could not tell."
done_testing
