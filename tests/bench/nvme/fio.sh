#!/bin/sh
# PCIem's NVMe controller (devices/nvme.yaml) beside QEMU's own emulated
# NVMe (-device nvme on a RAM-backed file) in one VM boot: the same fio
# jobs on both, as IOPS ratios, and what each I/O cost ours in trapped
# doorbell writes and interrupts (its counters, log page 0xC0) beside the
# interrupts QEMU's took.  Under TCG our controller runs emulated inside
# the guest while QEMU's runs natively on the host, so the ratios are
# stacked against us; traps and interrupts per I/O carry over to hardware.
# The checks only say that each job ran clean; the figures are reports.
# timeout: 900
# shellcheck disable=SC1091
. /pciem/lib.sh
. /pciem/nvme.sh
. /pciem/bench.sh

secs=$(bench_seconds)
QEMU_SERIAL=QEMU-NVME		# the Makefile's -device nvme,serial=

nvme_yaml
load_pciem
load_kmod nvme
nvme_start
wait_for "QEMU's NVMe namespace appears" 30 nvme_disk 1 "$QEMU_SERIAL"
ours=$(nvme_disk 1)
qemu=$(nvme_disk 1 "$QEMU_SERIAL")
ours_ctrl=$(nvme_ctrl_name)
qemu_ctrl=$(nvme_ctrl_name "$QEMU_SERIAL")
diag "PCIem: $ours ($ours_ctrl), QEMU: $qemu ($qemu_ctrl), $secs s a job"

# Reads read data, not holes: both get the same 128 MiB first.
for d in "$ours" "$qemu"; do
	check "$d: filled" dd if=/dev/urandom of="$d" bs=1M count=128 oflag=direct
done

# irqs CTRL: interrupts of CTRL's I/O queues so far, all CPUs.
irqs() {
	awk -v q="^$1q[1-9]" '$NF ~ q {
		for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i
	} END { print s + 0 }' /proc/interrupts
}

# counters: our controller's log page 0xC0 as "commands io doorbells
# shadow interrupts".
counters() {
	nvme get-log "/dev/$ours_ctrl" --log-id=0xc0 --log-len=40 --raw-binary |
		od -A n -t u8 -v | tr -s ' \n' '  ' | sed 's/^ //; s/ $//'
}

# job DISK RW BS DEPTH: "iops=N ios=N" of one timed fio job.
job() {
	fio --name=bench --filename="$1" --direct=1 --ioengine=libaio \
		--rw="$2" --bs="$3" --iodepth="$4" --size=128M --time_based \
		--runtime="$secs" --norandommap --minimal >/tmp/fio.out 2>&1 || return 1
	awk -F';' -v bs="$3" 'BEGIN {
		b = bs + 0; if (bs ~ /k$/) b *= 1024
	} { printf "iops=%.0f ios=%.0f\n", $8 + $49, ($6 + $47) * 1024 / b }' /tmp/fio.out
}

# per A B: A / B with two decimals.
per() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b ? a / b : 0 }'
}

for j in "randread 4k 1" "randread 4k 32" "randwrite 4k 32" "read 128k 8"; do
	# shellcheck disable=SC2086
	set -- $j
	name="$1 $2 QD$3"
	i0=$(irqs "$qemu_ctrl")
	q=$(job "$qemu" "$@")
	check "QEMU $name: fio clean" test -n "$q"
	qi=$(($(irqs "$qemu_ctrl") - i0))
	c0=$(counters)
	i0=$(irqs "$ours_ctrl")
	o=$(job "$ours" "$@")
	check "PCIem $name: fio clean" test -n "$o"
	oi=$(($(irqs "$ours_ctrl") - i0))
	c1=$(counters)
	# shellcheck disable=SC2086
	set -- $c0 $c1
	db=$(($8 - $3))
	ios=$(field "$o" ios)
	diag "$(printf '%-16s PCIem %6s IOPS, QEMU %6s IOPS: %s; PCIem per I/O: %s doorbell traps, %s interrupts (QEMU %s)' \
		"$name" "$(field "$o" iops)" "$(field "$q" iops)" \
		"$(ratio "$(field "$o" iops)" "$(field "$q" iops)")" \
		"$(per "$db" "$ios")" "$(per "$oi" "$ios")" \
		"$(per "$qi" "$(field "$q" ios)")")"
	check "PCIem $name: its I/O commands were counted" test "$(($7 - $2))" -gt 0
done
nvme_stop TERM
done_testing
