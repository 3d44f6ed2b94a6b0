#!/bin/sh
# A trapped write of a register reaches device memory whole, as a PCIe
# write does: the device process, polling the register while the driver
# writes 0, 1, 2..., never sees a value half written (which would read as
# a step backwards, e.g. 0x100 between 0x1ff and 0x200).  An access that
# starts on a direct page and runs onto a trapped one is emulated at its
# own address, not at the first trapped byte.  A bit the device sets
# while the kernel applies a driver's write is not lost.
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
	# The last run's 399999 would read as a step back from the new run's first values.
	dev_cmd x "write 0 0x1000 4 0" >/dev/null
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

# The device sets a bit while the kernel applies the driver's writes:
# bit 0 write-1-to-clear, the rest read-only to the driver, so the
# driver's writes never touch bit 1; a lost bit 1 is an update the
# kernel's read-modify-write wrote over (pciem_reg_update's promise).
dev_cmd x "unregion 0" >/dev/null
dev_cmd x "write 0 0x1000 4 0" >/dev/null
is "page 1 trapped, bit 0 write-1-to-clear, the rest read-only" \
	"$(dev_cmd x "region 0 0x1000 0x1000 4 1 0 0 0x1")" "ok"
rm -f /tmp/loop.rc
taskset -c 0 sh -c "echo 'write 400000 0 0x1000' >/sys/bus/pci/devices/$a/timeloop; echo \$? >/tmp/loop.rc" &
got=$(dev_cmd x "setrace 0 0x1000 4000")
diag "set while the driver writes: $got"
lost=${got#*lost=}
rounds=${got#*rounds=}
rounds=${rounds%% *}
is "a bit the device sets is never lost to a driver's write" "$lost" 0
check "and it was tried ($rounds rounds)" test "$rounds" -gt 1000
wait_for "the driver's writes finish" 120 loop_done

dev_cmd x "unregion 0" >/dev/null
dev_cmd x "write 0 0x1000 8 0" >/dev/null
is "page 1 traps reads and writes, with events" \
	"$(dev_cmd x 'region 0 0x1000 0x1000 4 2 3 0xffffffff 0')" "ok"
dev_cmd x clear >/dev/null
drv "$a" access "writel 0 0xffe 0x11223344"
dev_cmd x "dump /tmp/x.ev" >/dev/null
is "a writel at 0xffe, onto the trapped page: one event at 0xffe" \
	"$(awk '$2 == 2 { print $4, $5, $6 }' /tmp/x.ev)" "0xffe 4 0x11223344"
is "and all four bytes where they belong" \
	"$(dev_cmd x 'read 0 0xffe 2') $(dev_cmd x 'read 0 0x1000 2')" "ok 0x3344 ok 0x1122"
dev_cmd x clear >/dev/null
is "a readl at 0xffd, onto the trapped page, reads from 0xffd" \
	"$(drv "$a" access "readl 0 0xffd" && drv_read "$a" access)" "0x22334400"
dev_cmd x "dump /tmp/x.ev" >/dev/null
is "with its event at 0xffd" "$(awk '$2 == 1 { print $4, $5 }' /tmp/x.ev)" "0xffd 4"
dev_stop x KILL
wait_for "device removed" 10 gone "$a"
done_testing
