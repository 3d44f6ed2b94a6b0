#!/bin/sh
# Every misuse of /dev/pciem gets its documented errno and one kernel log
# line (tests/progs/abi_misuse.c), and leaves nothing behind.
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh

load_pciem
abi_misuse >/tmp/misuse.out 2>&1
rc=$?
while read -r verdict rest; do
	case $verdict in
	PASS) ok "$rest" ;;
	FAIL) not_ok "$rest" ;;
	*) diag "$verdict $rest" ;;
	esac
done </tmp/misuse.out
is "abi_misuse exit status" "$rc" 0
check "no PCIem device is left behind" \
	sh -c '! ls -d /sys/bus/pci/devices/1????:* 2>/dev/null'
check "rmmod pciem succeeds once every fd is closed" rmmod pciem
done_testing
