#!/bin/sh
# timeout: 240
# Killing the device process while it injects interrupts as fast as it can
# and while the driver is in the middle of probe(): no oops, WARN, leak or
# hang, and every probe that succeeded is matched by a remove().
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

load_pciem
load_driver pciem_test probe_irq_type=msix probe_irq_count=4 \
	probe_delay_ms=1500
for round in 1 2 3 4; do
	a=$(dev_start "k$round" --bar 0:16K --msix 4:0:0x2000:0x3000)
	dev_cmd "k$round" "storm 4" >/dev/null
	sleep 0.$((round * 2))
	check "round $round: kill -9 mid-probe while injecting" \
		dev_stop "k$round" KILL
	wait_for "round $round: device removed" 20 gone "$a"
done
a=$(dev_start bound --bar 0:16K --msix 4:0:0x2000:0x3000)
wait_for "a device whose probe completes" 20 bound "$a" pciem_test
dev_cmd bound "storm 4" >/dev/null
sleep 1
check "kill -9 with the driver bound while injecting" dev_stop bound KILL
wait_for "device removed" 20 gone "$a"
is "probe() and remove() calls match" "$(param pciem_test probed)" \
	"$(param pciem_test removed)"
check "rmmod pciem_test" rmmod pciem_test
check "rmmod pciem: nothing left holding it" rmmod pciem
done_testing
