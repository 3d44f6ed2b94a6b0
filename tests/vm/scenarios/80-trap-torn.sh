#!/bin/sh
# A trapped write of a register reaches device memory whole, as a PCIe
# write does: the device process, polling the register while the driver
# writes 0, 1, 2..., never sees a value half written (which would read as
# a step backwards, e.g. 0x100 between 0x1ff and 0x200).
# timeout: 180
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

load_pciem
load_driver pciem_test
a=$(dev_start x --bar 0:16K)
wait_for "driver binds" 10 bound "$a" pciem_test
for mode in 1 2; do
	dev_cmd x "unregion 0" >/dev/null
	is "page 1 trapped (mode $mode)" \
		"$(dev_cmd x "region 0 0x1000 0x1000 4 $mode 0 0xffffffff 0")" "ok"
	rm -f /tmp/loop.rc
	taskset -c 0 sh -c "echo 'write 400000 0 0x1000' >/sys/bus/pci/devices/$a/timeloop; echo \$? >/tmp/loop.rc" &
	got=$(dev_cmd x "torn 0 0x1000 4000")
	backwards=${got#*backwards=}
	diag "mode $mode: $got"
	is "mode $mode: the process never saw a write half done" "$backwards" 0
	loop_done() { [ -f /tmp/loop.rc ]; }
	wait_for "mode $mode: the driver's writes finish" 120 loop_done
	is "mode $mode: the last value written is there" \
		"$(dev_cmd x 'read 0 0x1000 4')" "ok $(printf '0x%x' 399999)"
done
dev_stop x KILL
wait_for "device removed" 10 gone "$a"
done_testing
