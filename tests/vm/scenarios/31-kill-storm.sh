#!/bin/sh
# Device processes killed at random points of their devices' lives, with
# drivers bound and busy: 1000 SIGKILLs while building, during the
# driver's probe, mid-DMA, mid-synchronous-read, during region changes and
# while writing garbage over the BAR, MSI-X table and PBA included; about
# one in six first stopped, and mostly continued, at random moments
# (tests/progs/kill_storm.c).  Then 200 driver unbind/bind cycles and 100
# rmmod/insmod cycles of the module with devices coming and going.  No
# oops, WARN, leak or hang, and a new device works afterwards.
# Another seed: VM_APPEND=pciemvm.storm_seed=N tests/vm/run 31-kill-storm.
# timeout: 600
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

seed=1
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case $arg in pciemvm.storm_seed=*) seed=${arg#*=} ;; esac
done

# Drivers busy on whatever PCIem devices exist, until /tmp/stop exists.
busy() {
	while [ ! -f /tmp/stop ]; do
		for d in /sys/bus/pci/devices/1????:00:00.0; do
			{
				echo "r 0 0x100 4" >"$d/mmio"
				echo "w 0 0x1000 4 1" >"$d/mmio"
				echo "single 1 65536 0 bidi" >"$d/dma"
				echo "free 1" >"$d/dma"
			} 2>/dev/null
		done
	done
}
pciem_devices() {
	_n=0
	for _d in /sys/bus/pci/devices/1????:00:00.0; do
		[ ! -e "$_d" ] || _n=$((_n + 1))
	done
	echo "$_n"
}
# bound_soon ADDR: pciem_test binds within 5 s (quietly, for loops)
bound_soon() {
	_w=0
	while ! bound "$1" pciem_test && [ $_w -lt 100 ]; do
		sleep 0.05
		_w=$((_w + 1))
	done
	bound "$1" pciem_test
}
no_devices() { [ "$(pciem_devices)" = 0 ]; }

load_pciem
load_driver pciem_test probe_irq_type=msix probe_irq_count=4 probe_delay_ms=15
load_driver pciem_dma_test
busy &
busy_pid=$!
# Kill points spread over the time a device takes to come up and get busy,
# which is longer on a slower kernel (check-debug's).
storm=$(kill_storm --seed "$seed" --count 1000 --max-ms $((150 * ${PCIEM_TIME_SCALE:-1})))
touch /tmp/stop
wait "$busy_pid"
diag "$storm (seed $seed)"
is "1000 device processes killed" "$(echo "$storm" | sed -n 's/.*kills=\([0-9]*\).*/\1/p')" 1000
registered=$(echo "$storm" | sed -n 's/.*registered=\([0-9]*\).*/\1/p')
check "many of them after registering ($registered)" test "${registered:-0}" -ge 200
stops=$(echo "$storm" | sed -n 's/.*stops=\([0-9]*\).*/\1/p')
check "about one in six stopped first ($stops)" test "${stops:-0}" -ge 100
wait_for "every one of their devices is gone" 30 no_devices

a=$(dev_start x --bar 0:16K --msix 8:0:0x2000:0x3000)
wait_for "a new device registers and binds after the storm" 10 bound "$a" pciem_test
i=0
while [ $i -lt 200 ]; do
	echo "$a" >/sys/bus/pci/drivers/pciem_test/unbind
	echo "$a" >/sys/bus/pci/drivers/pciem_test/bind
	i=$((i + 1))
done
wait_for "200 unbind/bind cycles: the driver is bound" 10 bound "$a" pciem_test
check "and the device answers" drv "$a" mmio "w 0 0x10 4 0x42"
is "its write reached the process" "$(dev_cmd x 'read 0 0x10 4')" "ok 0x42"
dev_stop x KILL
wait_for "device removed" 10 gone "$a"

ok_cycles=0
i=0
while [ $i -lt 100 ]; do
	rmmod pciem || break
	insmod /pciem/pciem.ko || break
	b=$(dev_start "c$i" --bar 0:16K --msix 8:0:0x2000:0x3000) || break
	bound_soon "$b" || break
	if rmmod pciem 2>/dev/null; then break; fi	# refused while a device lives
	dev_stop "c$i" KILL || break
	ok_cycles=$((ok_cycles + 1))
	i=$((i + 1))
done
is "100 rmmod/insmod cycles, each with a device bound, rmmod refused while it lived" "$ok_cycles" 100
done_testing
