#!/bin/sh
# Seeded random use of /dev/pciem from four threads (tests/progs/ioctl_fuzz.c):
# a million ioctls and mmaps with random, boundary and hostile arguments,
# fds closed under the other threads, drivers binding to what registers.
# The kernel stays clean, and a new device works afterwards.
# Another seed: VM_APPEND=pciemvm.fuzz_seed=N tests/vm/run 58-ioctl-fuzz;
# a longer run: pciemvm.fuzz_calls=N pciemvm.fuzz_seconds=S (make check-debug).
# timeout: 400
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

seed=1
calls=1000000
# A slower kernel (check-debug's) gets proportionally longer.
seconds=$((240 * ${PCIEM_TIME_SCALE:-1}))
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case $arg in
	pciemvm.fuzz_seed=*) seed=${arg#*=} ;;
	pciemvm.fuzz_calls=*) calls=${arg#*=} ;;
	pciemvm.fuzz_seconds=*) seconds=${arg#*=} ;;
	esac
done
load_pciem
load_driver pciem_test
load_driver pciem_dma_test
out=$(ioctl_fuzz --seed "$seed" --threads 4 --calls "$calls" --seconds "$seconds")
rc=$?
diag "$out"
is "ioctl_fuzz ran to its end" "$rc" 0
made=$(echo "$out" | tr ' ' '\n' | sed -n 's/^calls=//p')
check "at least $calls calls within $seconds s" test "${made:-0}" -ge "$calls"
check "every fuzzed device is gone" sh -c '! ls /sys/bus/pci/devices | grep -q "^1[0-9a-f]\{4\}:"'
a=$(dev_start x --bar 0:4K)
wait_for "a new device registers and its driver binds" 10 bound "$a" pciem_test
dev_stop x
wait_for "and is removed" 10 gone "$a"
done_testing
