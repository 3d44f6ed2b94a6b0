#!/bin/sh
# timeout: 300
# The event ring: config writes (and reads, when asked) arrive as events
# with increasing seq and CLOCK_MONOTONIC timestamps; resets are reported;
# a flood against a deliberately slow consumer loses nothing silently.
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

# Dump lines are "seq type bar offset size data timestamp".
has_event() { # FILE TYPE OFFSET SIZE DATA
	awk -v t="$2" -v o="$3" -v s="$4" -v d="$5" \
		'$2 == t && $4 == o && $5 == s && $6 == d { f = 1 } END { exit !f }' "$1"
}

load_pciem
load_driver pciem_test
a=$(dev_start e --bar 0:4K --pm --pcie=flr)
wait_for "driver binds" 10 bound "$a" pciem_test
dev_cmd e "wait 1 5000" >/dev/null
dev_cmd e "dump /tmp/probe" >/dev/null
check "the driver's pci_enable_device() arrived as a CONFIG_WRITE of COMMAND" \
	awk '$2 == 4 && $4 == "0x4" && $5 == 2 { f = 1 } END { exit !f }' /tmp/probe
check "seq increases by one per event" \
	awk 'NR > 1 && $1 != prev + 1 { bad = 1 } { prev = $1 } END { exit bad }' /tmp/probe
check "timestamps never go back" \
	awk 'NR > 1 && $7 < prev { bad = 1 } { prev = $7 } END { exit bad }' /tmp/probe

dev_cmd e clear >/dev/null
setpci -s "$a" CACHE_LINE_SIZE=20
dev_cmd e "wait 1 5000" >/dev/null
read -r up _ </proc/uptime
dev_cmd e "dump /tmp/e1" >/dev/null
check "setpci's byte write: CONFIG_WRITE at 0xc, size 1, data 0x20" \
	has_event /tmp/e1 4 0xc 1 0x20
check "its timestamp is CLOCK_MONOTONIC (within 2 s of uptime $up)" \
	awk -v up="$up" '{ d = $7 / 1e9 - up; if (d < -2 || d > 2) bad = 1 } END { exit bad }' /tmp/e1
check "no CONFIG_READ events unless asked for" \
	sh -c "setpci -s $a VENDOR_ID >/dev/null; ! awk '\$2 == 3 { f = 1 } END { exit !f }' /tmp/e1"

dev_cmd e clear >/dev/null
echo 1 >"/sys/bus/pci/devices/$a/reset"
dev_cmd e "wait 1 5000" >/dev/null
dev_cmd e "dump /tmp/e2" >/dev/null
check "function-level reset posts RESET with reason FLR (1)" \
	awk '$2 == 6 && $6 == "0x1" { f = 1 } END { exit !f }' /tmp/e2
check "right after the config write that started it" \
	awk '$2 == 6 && !seen { seen = 1; ok = prev == 4 } { prev = $2 } END { exit !(seen && ok) }' /tmp/e2
dev_cmd e clear >/dev/null
setpci -s "$a" CAP_PM+4.w=0003
setpci -s "$a" CAP_PM+4.w=0000
dev_cmd e "wait 3 5000" >/dev/null
dev_cmd e "dump /tmp/e3" >/dev/null
check "D3hot -> D0 posts RESET with reason PM (2)" \
	awk '$2 == 6 && $6 == "0x2" { f = 1 } END { exit !f }' /tmp/e3
dev_stop e KILL

r=$(dev_start r --config-reads --bar 0:4K)
wait_for "second device (config reads requested): driver binds" 10 \
	bound "$r" pciem_test
dev_cmd r clear >/dev/null
setpci -s "$r" VENDOR_ID >/dev/null
dev_cmd r "wait 1 5000" >/dev/null
dev_cmd r "dump /tmp/r1" >/dev/null
check "CONFIG_READ of the vendor ID: offset 0, size 2, data 0x1234" \
	has_event /tmp/r1 3 0x0 2 0x1234
dev_stop r KILL

# 100,000 config writes from the driver against a consumer that sleeps
# after every event: everything arrives in order or is counted as lost.
s=$(dev_start s --bar 0:4K --pcie --slow-us 20)
wait_for "flood device: driver binds" 10 bound "$s" pciem_test
dev_cmd s clear >/dev/null
check "driver makes 100000 config writes" drv "$s" cfgflood "100000 0x200"
is "the consumer catches up" "$(dev_cmd s 'wait 100000 200000')" "ok"
verdict=$(dev_cmd s "floodcheck 0x200 100000")
diag "flood: $verdict"
check "every event arrived in order, or is in the lost count, exactly" \
	test "${verdict%% *}" = ok
lost=${verdict#*lost=}
lost=${lost%% *}
check "the slow consumer made the ring overflow ($lost lost)" test "$lost" -gt 0
events=$(dev_cmd s events)
check "the ring header's dropped counter agrees ($events)" \
	test "${events#*dropped=}" = "$lost"
dev_stop s KILL
done_testing
