#!/bin/sh
# dma_passthrough=1: for drivers that bypass the DMA API.  Drivers get
# physical addresses, the device reaches RAM by physical address without
# checks, and the kernel log says so loudly.
# shellcheck disable=SC1091
. /pciem/lib.sh
. /pciem/pciem.sh

load_pciem dma_passthrough=1
load_driver pciem_dma_test
a=$(dev_start d --id 1234:d3a0 --bar 0:4K)
wait_for "driver binds" 10 bound "$a" pciem_dma_test
check "the kernel log says so at load" sh -c \
	"dmesg | grep -q 'pciem: dma_passthrough is on: devices reach all RAM by physical address, unchecked'"
check "and at each device" sh -c \
	"dmesg | grep -q '$a: dma_passthrough is on: the driver gets physical addresses and device DMA is not checked'"
drv "$a" dma "single 0 4096 0 to"
iova=$(drv_field "$a" dma iova)
drv "$a" dma "phys 0"
is "the driver's DMA address is the physical address" "$iova" \
	"$(drv_read "$a" dma)"
w=$(dev_cmd d "dmaw $iova 4096 3")
drv "$a" dma "sum 0 0 4096"
is "the device writes it, even against the mapping's direction" \
	"$w" "ok $(drv_read "$a" dma)"
is "but only RAM: an address with nothing behind it is refused" \
	"$(dev_cmd d 'dmaw 0xfee00000 16 3')" "err EFAULT"
drv "$a" dma "free 0"
dev_stop d
wait_for "device removed" 10 gone "$a"
done_testing
