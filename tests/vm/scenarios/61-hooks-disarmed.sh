#!/bin/sh
# kprobes disarmed all at once (/sys/kernel/debug/kprobes/enabled = 0)
# leave PCIem's hooks registered but dead: a trapped page would then crash
# its driver, and a driver's BAR mapping would reach empty bus space.  The
# module refuses to load then, REGISTER refuses to put a device on the bus
# and ADD_REGION refuses to trap, each saying why; armed again, all work.
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

kp=/sys/kernel/debug/kprobes/enabled
check "kprobes can be disarmed" sh -c "echo 0 >$kp"
check "insmod pciem.ko is refused while they are" sh -c '! insmod /pciem/pciem.ko 2>/dev/null'
check "and the kernel says why" \
	sh -c "dmesg | grep -q 'pciem: the probe on bad_area_nosemaphore does not answer (kprobes disarmed'"
echo 1 >"$kp"
load_pciem
load_driver pciem_test
a=$(dev_start x --bar 0:16K)
wait_for "driver binds" 10 bound "$a" pciem_test
echo 0 >"$kp"
is "disarmed: ADD_REGION refused" \
	"$(dev_cmd x 'region 0 0x1000 0x1000 4 1 1 0xffffffff 0')" "err EOPNOTSUPP"
check "with one line saying why" \
	sh -c "dmesg | grep -q 'pciem: ADD_REGION: the page-fault hook is disarmed'"
check "disarmed: a new device is not registered (EOPNOTSUPP)" sh -c \
	'timeout 10 pciem_dev --bar 0:4K </dev/null >/tmp/y.out 2>&1; [ $? = 1 ] && grep -q "REGISTER.*not supported" /tmp/y.out'
check "with one line saying why" \
	sh -c "dmesg | grep -q 'pciem: REGISTER: the ioremap hook is disarmed'"
drv "$a" mmio "w 0 0x1000 4 0x77"
is "the driver's write went straight to memory" "$(dev_cmd x 'read 0 0x1000 4')" "ok 0x77"
echo 1 >"$kp"
is "armed again: ADD_REGION works" \
	"$(dev_cmd x 'region 0 0x1000 0x1000 4 1 1 0xffffffff 0')" "ok"
dev_cmd x clear >/dev/null
drv "$a" mmio "w 0 0x1000 4 0x88"
is "and the write is trapped and reported" "$(dev_cmd x 'wait 1 5000')" "ok"
dev_stop x KILL
wait_for "device removed" 10 gone "$a"
done_testing
