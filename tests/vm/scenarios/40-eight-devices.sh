#!/bin/sh
# Eight devices at once, each in its own PCI domain, removed in random
# order while the others keep working.
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

load_pciem
load_driver pciem_test
domains=
for i in 0 1 2 3 4 5 6 7; do
	addr=$(dev_start "d$i" --bar 0:4K --bar 2:2M:64 --msi 1)
	domains="$domains ${addr%%:*}"
	echo "$addr" >"/tmp/d$i.addr"
done
is "eight devices in domains 10000-10007" "$domains" \
	" 10000 10001 10002 10003 10004 10005 10006 10007"
for i in 0 1 2 3 4 5 6 7; do
	addr=$(cat "/tmp/d$i.addr")
	wait_for "driver bound to device $i ($addr)" 10 bound "$addr" pciem_test
	drv "$addr" map "2 ioremap"
	drv "$addr" pattern "fill 2 $((100 + i))"
done

order=$(shuf -e 0 1 2 3 4 5 6 7 | tr '\n' ' ')
diag "removal order: $order"
left="0 1 2 3 4 5 6 7"
for i in $order; do
	addr=$(cat "/tmp/d$i.addr")
	dev_stop "d$i" KILL
	wait_for "device $i removed" 10 gone "$addr"
	left=$(echo "$left" | tr ' ' '\n' | grep -v "^$i\$" | tr '\n' ' ')
	for j in $left; do
		is "device $j still holds its data after $i left" \
			"$(dev_cmd "d$j" "check 2 $((100 + j))")" "ok 0"
	done
done
check "no PCIem bus left" sh -c '! ls /sys/bus/pci/devices | grep -q "^1...."'
check "rmmod pciem_test" rmmod pciem_test
check "rmmod pciem" rmmod pciem
done_testing
