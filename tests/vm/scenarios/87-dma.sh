#!/bin/sh
# DMA through the software IOMMU: a driver maps buffers with each DMA API
# (coherent, single, scatter-gather, pages) and the device process moves
# data to and from them with PCIEM_IOCTL_DMA; checksums of the bytes agree
# both ways, from 1 byte to 64 MiB, with unaligned starts and ends, across
# pages and across adjacent mappings.
# timeout: 400
# shellcheck disable=SC1091
. /pciem/lib.sh
. /pciem/pciem.sh

load_pciem
load_driver pciem_dma_test
a=$(dev_start d --id 1234:d3a0 --bar 0:4K)
wait_for "driver binds" 10 bound "$a" pciem_dma_test

# field NAME: a field of the driver's last result.
field() {
	drv_field "$a" dma "$1"
}

# xfer DESC ID IOVA OFF LEN SEED: the device writes LEN pattern bytes at
# IOVA + OFF and the driver sums the same bytes; then the driver fills the
# buffer and the device reads them back.
xfer() {
	_x_w=$(dev_cmd d "dmaw $(($3 + $4)) $5 $6")
	drv "$a" dma "sum $2 $4 $5"
	is "$1: device writes $5 bytes, the driver sees them" \
		"$_x_w" "ok $(drv_read "$a" dma)"
	drv "$a" dma "fill $2 $(($6 + 1))"
	_x_r=$(dev_cmd d "dmar $(($3 + $4)) $5")
	drv "$a" dma "sum $2 $4 $5"
	is "$1: the device reads back what the driver wrote" \
		"$_x_r" "ok $(drv_read "$a" dma)"
}

# buffer DESC ID KIND ARGS...: allocate, then transfer whole and in parts.
buffer() {
	_b_desc=$1
	_b_id=$2
	shift 2
	check "$_b_desc: allocated and mapped" drv "$a" dma "$1 $_b_id $2${3:+ $3}${4:+ $4}"
	_b_iova=$(field iova)
	_b_size=$(field size)
	xfer "$_b_desc, whole" "$_b_id" "$_b_iova" 0 "$_b_size" 11
	if [ "$_b_size" -gt 8 ]; then
		xfer "$_b_desc, unaligned start and end" "$_b_id" "$_b_iova" 3 \
			$((_b_size - 8)) 23
	fi
	check "$_b_desc: freed" drv "$a" dma "free $_b_id"
}

buffer "coherent 1 B" 0 coherent 1
buffer "coherent 4 KiB" 0 coherent 4096
buffer "coherent 12345 B" 0 coherent 12345
buffer "coherent 64 MiB" 0 coherent 0x4000000
buffer "single 1 B" 1 single 1 0 bidi
buffer "single 4097 B at offset 7" 1 single 4097 7 bidi
buffer "single 1 MiB at offset 123" 1 single 0x100000 123 bidi
buffer "single 4 MiB" 1 single 0x400000 0 bidi
buffer "pages 8 KiB" 2 pages 8192 bidi

check "scatter-gather 3 pages + 100 B at offset 50" \
	drv "$a" dma "sg 3 12388 50 bidi"
is "its entries are adjacent mappings, contiguous for the device" \
	"$(field contig)" 1
iova=$(field iova)
check "it has more than one entry" test "$(field segs)" -gt 1
xfer "scatter-gather, across its mappings" 3 "$iova" 0 12388 31
xfer "scatter-gather, unaligned inside" 3 "$iova" 4000 5000 37
drv "$a" dma "free 3"
check "scatter-gather 64 MiB" drv "$a" dma "sg 3 0x4000000 0 bidi"
xfer "scatter-gather 64 MiB, across its mappings" 3 "$(field iova)" 0 \
	$((64 << 20)) 41
drv "$a" dma "free 3"

# Where IOVAs come from: not physical addresses, and within the mask.
drv "$a" dma "coherent 4 8192"
iova=$(field iova)
drv "$a" dma "phys 4"
check "a 64-bit mask gets IOVAs at 512 GiB, not the physical address" \
	test "$((iova >= (512 << 30)))" = 1 -a "$iova" != "$(drv_read "$a" dma)"
check "a 32-bit mask" drv "$a" dma "mask 32"
drv "$a" dma "coherent 5 8192"
check "gets IOVAs below 4 GiB" test "$(($(field iova) < (1 << 32)))" = 1
drv "$a" dma "single 6 4096 0 bidi"
check "for streaming mappings too" test "$(($(field iova) < (1 << 32)))" = 1
check "a 24-bit mask is refused" sh -c "! echo 'mask 24' >/sys/bus/pci/devices/$a/dma"

# Coherent buffers as the CPU sees them through dma_get_sgtable().
drv "$a" dma "fill 4 77"
drv "$a" dma "sum 4 0 8192"
sum=$(drv_read "$a" dma)
drv "$a" dma "sgtable 4"
is "dma_get_sgtable() describes the coherent buffer's pages" \
	"$(drv_read "$a" dma)" "$sum"
drv "$a" dma "free 4"
for size in 4096 20000; do
	drv "$a" dma "coherent 0 $size"
	drv "$a" dma "fill 0 $size"
	drv "$a" dma "sum 0 0 $size"
	is "dma_mmap_coherent() of a $size-byte buffer: user space sees its bytes" \
		"$(dev_cmd d "mmapsum /sys/bus/pci/devices/$a/coherent0 $size")" \
		"ok $(drv_read "$a" dma)"
	drv "$a" dma "free 0"
done
check "syncs of a live mapping are accepted" drv "$a" dma "sync 6 cpu"
check "in both directions" drv "$a" dma "sync 6 device"
is "no DMA faults were reported" "$(dmesg | grep -c 'DMA fault')" 0

dev_stop d
wait_for "device removed" 10 gone "$a"
is "the driver freed every mapping before removal" \
	"$(dmesg | grep -c 'DMA mappings; their memory is leaked')" 0
done_testing
