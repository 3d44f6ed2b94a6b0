#!/bin/sh
# PCIEM_CREATE_DEFER_ATTACH: the device is on the bus at REGISTER but no
# driver binds until the process calls ATTACH, so BAR memory set up in
# between is what a probe sees first.
# shellcheck disable=SC1091
. /pciem/lib.sh
. /pciem/pciem.sh

load_pciem
load_driver pciem_test
a=$(dev_start d --defer-attach --bar 0:4K)
check "the device is on the bus" test -e "/sys/bus/pci/devices/$a"
sleep 1
check "no driver has bound a second later" sh -c "! test -e /sys/bus/pci/devices/$a/driver"
is "BAR memory filled before attaching" "$(dev_cmd d 'write 0 0x8 4 0x2a')" ok
is "ATTACH" "$(dev_cmd d attach)" ok
wait_for "then the driver binds" 10 bound "$a" pciem_test
check "and reads what was there before it bound" sh -c \
	"echo 'r 0 0x8 4' >/sys/bus/pci/devices/$a/mmio && test \"\$(cat /sys/bus/pci/devices/$a/mmio)\" = 0x2a"
is "a second ATTACH is refused" "$(dev_cmd d attach)" "err EBUSY"
dev_stop d
wait_for "device removed" 10 gone "$a"

b=$(dev_start e --defer-attach --bar 0:4K)
dev_stop e
wait_for "a device never attached is removed cleanly" 10 gone "$b"
done_testing
