#!/bin/sh
# timeout: 600
# 1,000,000 trapped writes from the driver, from both CPUs at once (two
# devices, one flood pinned to each CPU): the process sees every write, in
# each CPU's order, and none is lost - the writers wait for ring room.
# Device 1's process is deliberately slow, so its ring does fill up.
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

n=500000
load_pciem
load_driver pciem_test
for d in 0 1; do
	if [ $d = 1 ]; then
		addr=$(dev_start "f$d" --bar 0:4K --slow-us=1)
	else
		addr=$(dev_start "f$d" --bar 0:4K)
	fi
	echo "$addr" >"/tmp/f$d.addr"
	# region BAR OFF SIZE WIDTH MODE FLAGS WMASK W1C; flags 1: write events
	dev_cmd "f$d" 'region 0 0x100 4 4 0 1 0xffffffff 0' >/dev/null
	wait_for "device $d: driver binds" 10 bound "$addr" pciem_test
	dev_cmd "f$d" clear >/dev/null
done
for d in 0 1; do
	taskset -c "$d" sh -c "echo '$n 0 0x100' >/sys/bus/pci/devices/$(cat "/tmp/f$d.addr")/mmioflood; echo \$? >/tmp/f$d.rc" &
done
wait
for d in 0 1; do
	is "CPU $d: the driver's $n trapped writes all returned" "$(cat "/tmp/f$d.rc")" 0
	is "device $d: every event arrived" "$(dev_cmd "f$d" "wait $n 300000")" ok
	v=$(dev_cmd "f$d" "mmiocheck 0x100 $n")
	diag "device $d: $v"
	is "device $d: all $n in order, none lost" "${v%% *} ${v#*lost=}" \
		"ok 0 announced=0 missing=0"
	is "device $d: the register holds the last value" \
		"$(dev_cmd "f$d" 'read 0 0x100 4')" "ok $(printf '0x%x' $((n - 1)))"
done
done_testing
