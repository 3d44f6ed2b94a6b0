#!/bin/sh
# Scatter-gather DMA (PCIEM_IOCTL_DMA_SG): in one call the device moves
# data to and from several ranges of a driver's buffers, in any order,
# and the bytes are those of one DMA per range.  A range the driver did
# not map, or not for that direction, refuses the whole call before a byte
# moves, with one fault line naming it; a bad shape gets EINVAL.
# timeout: 300
# shellcheck disable=SC1091
. /pciem/lib.sh
. /pciem/pciem.sh

load_pciem
load_driver pciem_dma_test
a=$(dev_start d --id 1234:d3a0 --bar 0:4K)
wait_for "driver binds" 10 bound "$a" pciem_dma_test

field() {
	drv_field "$a" dma "$1"
}
alloc() {
	drv "$a" dma "$*" && field iova
}
faults() {
	dmesg | grep -c "$a: DMA fault: "
}

b0=$(alloc coherent 0 16384)
b1=$(alloc single 1 8192 0 to)		# the device may only read it
drv "$a" dma "fill 0 7"
drv "$a" dma "fill 1 9"

segs="$((b0 + 8192)):100,$b0:50,$((b1 + 3000)):5000,$((b0 + 4095)):2"
r=$(dev_cmd d "dmasg r 0 $segs")
check "a read of four ranges of two buffers, out of order" \
	test "${r%% *}" = ok
is "gets the bytes of one DMA per range" "$r" "$(dev_cmd d "dmacat $segs")"

wsegs="$((b0 + 8192)):100,$b0:50,$((b0 + 4095)):2,$((b0 + 12000)):4000"
is "a write spreads the pattern over its ranges" \
	"$(dev_cmd d "dmasg w 5 $wsegs")" "$(dev_cmd d "patsum 4152 5")"
is "and each range holds its part" \
	"$(dev_cmd d "dmacat $wsegs")" "$(dev_cmd d "patsum 4152 5")"
is "zero-length ranges move nothing and are allowed" \
	"$(dev_cmd d "dmasg r 0 $b0:0,$((b0 + 1)):10,$b0:0")" \
	"$(dev_cmd d "dmacat $((b0 + 1)):10")"

before=$(dev_cmd d "dmacat $wsegs")
f0=$(faults)
is "a write with a range the device may only read: EFAULT" \
	"$(dev_cmd d "dmasg w 6 $wsegs,$b1:10")" "err EFAULT"
is "and not a byte of the other ranges moved" \
	"$(dev_cmd d "dmacat $wsegs")" "$before"
is "one fault line" "$(($(faults) - f0))" 1
check "naming the refused range" \
	sh -c "dmesg | grep '$a: DMA fault: ' | tail -n 1 | grep -q \"$(printf '%#x' "$b1")\""
is "an unmapped range: EFAULT" \
	"$(dev_cmd d "dmasg r 0 $b0:16,0x10:16")" "err EFAULT"
is "a range past the end of the address space: EFAULT" \
	"$(dev_cmd d "dmasg r 0 $b0:16,0xffffffffffffff00:512")" "err EFAULT"
is "no byte moved by either" "$(dev_cmd d "dmacat $wsegs")" "$before"

r=$(dev_cmd d "dmasgn r $b0 1024")
check "1024 one-byte ranges, the most, in one call" test "${r%% *}" = ok
is "1025: EINVAL" "$(dev_cmd d "dmasgn r $b0 1025")" "err EINVAL"
check "with a line saying the limit" \
	sh -c "dmesg | grep -q 'DMA_SG: 1025 segments, at most 1024'"

drv "$a" dma "free 0"
drv "$a" dma "free 1"
dev_stop d
wait_for "device removed" 10 gone "$a"
done_testing
