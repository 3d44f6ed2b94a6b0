#!/bin/sh
# A device process stopped (SIGSTOP, a debugger) stops its own device,
# never the machine: a driver writing trapped registers with the event ring
# full waits at most event_wait_ms once, then goes on losing (and counting)
# events; PCI rescans and other PCIem devices come and go meanwhile; after
# SIGCONT the process learns what it lost and events flow again.  The wait
# limits are bounded parameters.
# timeout: 240
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

load_pciem
load_driver pciem_test
a=$(dev_start x --bar 0:16K)
wait_for "driver binds" 10 bound "$a" pciem_test
is "page 1 reports every write" "$(dev_cmd x 'region 0 0x1000 0x1000 4 0 1 0xffffffff 0')" "ok"

flood_done() { [ -f /tmp/flood.rc ]; }
dev_pause x
rm -f /tmp/flood.rc
sh -c "echo '20000 0 0x1000' >/sys/bus/pci/devices/$a/mmioflood; echo \$? >/tmp/flood.rc" &
wait_for "20000 trapped writes finish with the process stopped and the ring full" 60 flood_done
is "the writes all succeeded" "$(cat /tmp/flood.rc)" 0
check "the kernel says once that the process is not taking events" \
	sh -c "dmesg | grep -q '$a: the device process has not taken events for 1000 ms (stopped?)'"
rescan_done() { [ -f /tmp/rescan.rc ]; }
sh -c 'echo 1 >/sys/bus/pci/rescan; echo $? >/tmp/rescan.rc' &
wait_for "a PCI rescan completes meanwhile" 30 rescan_done
b=$(dev_start y --bar 0:4K)
wait_for "another PCIem device registers and binds meanwhile" 30 bound "$b" pciem_test
dev_stop y
wait_for "and is removed again" 30 gone "$b"

kill -CONT "$(dev_pid x)"
got=$(dev_cmd x events)
dropped=${got#*dropped=}
check "after SIGCONT the process learns of the lost events ($got)" test "$dropped" -gt 0
dev_cmd x clear >/dev/null
drv "$a" mmio "w 0 0x1000 4 0x1234"
is "events flow again: the next trapped write arrives" "$(dev_cmd x 'wait 1 5000')" "ok"

for p in "event_wait_ms 10001" "read_timeout_ms 0" "read_timeout_ms 1001"; do
	# shellcheck disable=SC2086 # two words
	set -- $p
	check "$1=$2 is refused" sh -c "! echo $2 >/sys/module/pciem/parameters/$1 2>/dev/null"
done
is "event_wait_ms kept its value" "$(param pciem event_wait_ms)" 1000
is "read_timeout_ms kept its value" "$(param pciem read_timeout_ms)" 50
dev_stop x KILL
wait_for "device removed" 10 gone "$a"
done_testing
