#!/bin/sh
# pciemd runs the counter device of /etc/pciem.d/counter.yaml with its
# plugin from the default plugin directory, as `systemctl start
# pciemd@counter` would: a real driver writes CONTROL 25 times, reads
# COUNTER == 25 and gets exactly two interrupts, as with the walkthrough's
# program.  SIGTERM then removes the device, the driver's remove() runs,
# pciemd exits 0 and the module is left with no device.
# timeout: 180
# shellcheck disable=SC1091
. /pciem/lib.sh
. /pciem/pciem.sh

load_pciem
load_driver pciem_test

pciemd counter >/tmp/pciemd.log 2>&1 &
pid=$!
wait_for "pciemd says the counter device is ready" 20 \
	grep -q 'counter: device 1234:5678 ready at ' /tmp/pciemd.log
addr=$(sed -n 's/.* ready at \([^ ]*\) .*/\1/p' /tmp/pciemd.log)
diag "pciemd: $(cat /tmp/pciemd.log)"
check "lspci shows it with the description's identity" \
	sh -c "lspci -n -s $addr | grep -q 'ff00: 1234:5678 (rev 01)'"
wait_for "pciem_test binds to it" 10 bound "$addr" pciem_test
check "driver enables its single MSI vector" drv "$addr" vectors "alloc msi 1"
check "driver writes CONTROL 25 times" drv "$addr" counter "run 25 20000"
result=$(drv_read "$addr" counter)
diag "driver says: $result"
is "COUNTER reads 25 and the MSI handler ran exactly twice" \
	"${result% ms=*}" "counter=25 irqs=2"

drv "$addr" mmio "r 0 4 4"
is "STATUS shows the interrupt pending" "$(drv_read "$addr" mmio)" 0x1
drv "$addr" mmio "w 0 4 4 1"
drv "$addr" mmio "r 0 4 4"
is "writing 1 to STATUS clears it (rw1c)" "$(drv_read "$addr" mmio)" 0x0
drv "$addr" mmio "w 0 8 4 7"
drv "$addr" mmio "r 0 8 4"
is "COUNTER is read-only to the driver" "$(drv_read "$addr" mmio)" 0x19
drv "$addr" mmio "w 0 0 4 0"
drv "$addr" mmio "r 0 8 4"
is "writing 0 to CONTROL does not count" "$(drv_read "$addr" mmio)" 0x19

removed=$(param pciem_test removed)
check "pciemd still running" kill -0 "$pid"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
is "pciemd exits 0 on SIGTERM" "$rc" 0
wait_for "driver remove() ran" 10 \
	sh -c "[ \$(cat /sys/module/pciem_test/parameters/removed) -eq $((removed + 1)) ]"
wait_for "device gone from the bus" 10 gone "$addr"
check "pciemd logged the removal with the events it handled" \
	grep -q 'counter: device removed after [0-9]* events' /tmp/pciemd.log
check "no message above info level" sh -c '! grep -q "^<[0-5]>" /tmp/pciemd.log'
check "the module has no device left (rmmod pciem)" rmmod pciem
done_testing
