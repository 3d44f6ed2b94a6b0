#!/bin/sh
# A PCIem device removed through sysfs and found again by a rescan is the
# same device to its driver: INTx still raises its handler, and DMA still
# goes through the software IOMMU (the driver gets IOVAs, not physical
# addresses, and the process's DMA reaches them).
# timeout: 120
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

rescan() { # ADDR DRIVER: remove the function, rescan, wait for the driver
	echo 1 >"/sys/bus/pci/devices/$1/remove"
	wait_for "$1 removed through sysfs" 10 gone "$1"
	echo 1 >/sys/bus/pci/rescan
	wait_for "$1 found again by a rescan and $2 binds" 10 bound "$1" "$2"
}

load_pciem
load_driver pciem_test
load_driver pciem_dma_test

x=$(dev_start x --bar 0:4K)
wait_for "INTx device: driver binds" 10 bound "$x" pciem_test
for round in 1 2; do
	rescan "$x" pciem_test
	check "round $round: driver allocates INTx" drv "$x" vectors "alloc legacy 1"
	is "round $round: INTx injection reaches the handler" \
		"$(dev_cmd x 'inject 0') $(irq_counts "$x")" "ok 1"
	drv "$x" vectors free
done

d=$(dev_start d --id 1234:d3a0 --bar 0:4K)
wait_for "DMA device: driver binds" 10 bound "$d" pciem_dma_test
for round in 1 2; do
	rescan "$d" pciem_dma_test
	drv "$d" dma "single 1 8192 0 bidi"
	iova=$(drv_field "$d" dma iova)
	drv "$d" dma "phys 1"
	phys=$(drv_read "$d" dma)
	check "round $round: the driver got an IOVA, not the physical address" \
		test "$((iova))" != "$((phys))"
	drv "$d" dma "zero 1"
	dev_cmd d "dmaw $iova 8192 3" >/dev/null
	drv "$d" dma "sum 1 0 8192"
	is "round $round: the process's DMA reaches the driver's buffer" \
		"$(drv_read "$d" dma)" "$(dev_cmd d "patsum 8192 3" | cut -d' ' -f2)"
	drv "$d" dma "free 1"
done
dev_stop x
dev_stop d
both_gone() { gone "$x" && gone "$d"; }
wait_for "both devices removed" 10 both_gone
done_testing
