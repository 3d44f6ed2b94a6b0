#!/bin/sh
# The guest runs the kernel under test on two CPUs, and lspci/setpci work.
# shellcheck source-path=SCRIPTDIR source=../guest/lib.sh disable=SC1091
. /pciem/lib.sh

is "uname -r is the kernel under test" "$(uname -r)" "$PCIEM_KVER"

# /sys/devices/system/cpu/online is a range list such as "0-1" or "0,2-3".
ncpus=0
for r in $(tr ',' ' ' </sys/devices/system/cpu/online); do
	case $r in
	*-*) ncpus=$((ncpus + ${r#*-} - ${r%-*} + 1)) ;;
	*) ncpus=$((ncpus + 1)) ;;
	esac
done
check "at least 2 CPUs online (have $ncpus)" test "$ncpus" -ge 2

# A stuck guest must end in a panic (qemu then exits), not in the host's
# wall-clock limit: the harness's command line sets these.
for s in hung_task_panic softlockup_panic panic_on_rcu_stall; do
	is "kernel.$s is on" "$(cat /proc/sys/kernel/$s)" 1
done
is "and a panic ends the VM (panic=-1)" "$(cat /proc/sys/kernel/panic)" -1

check "lspci runs" lspci
# q35's host bridge is 8086:29c0; a decoded name shows pci.ids was found.
check "lspci shows the q35 host bridge by name" \
	sh -c 'lspci -s 00:00.0 | grep "Host bridge: Intel Corporation"'
is "setpci reads the host bridge's vendor ID" "$(setpci -s 00:00.0 VENDOR_ID.w)" 8086

done_testing
