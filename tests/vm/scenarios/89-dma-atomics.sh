#!/bin/sh
# DMA_ATOMIC: the driver and the device process each add 1 to one counter
# a million times at once and the total is exact; every operation, 8 and 4
# bytes wide, does what its definition says and returns the old value.
# timeout: 600
# shellcheck disable=SC1091
. /pciem/lib.sh
. /pciem/pciem.sh

load_pciem
load_driver pciem_dma_test
a=$(dev_start d --id 1234:d3a0 --bar 0:4K)
wait_for "driver binds" 10 bound "$a" pciem_dma_test
drv "$a" dma "coherent 0 4096"
iova=$(drv_field "$a" dma iova)

get() { # OFF WIDTH
	drv "$a" dma "get 0 $1 $2" && drv_read "$a" dma
}

for w in 8 4; do
	drv "$a" dma "set 0 0 $w 0"
	(drv "$a" dma "atomic 0 0 $w 1000000" && drv_read "$a" dma >/tmp/drv.out) &
	drvpid=$!
	is "$w bytes: the device process adds 1 a million times" \
		"$(dev_cmd d "atomicadd $iova 1000000 $w")" ok
	wait "$drvpid"
	is "$w bytes: while the driver does the same, the total is exact" \
		"$(get 0 "$w")" 0x1e8480
	check "$w bytes: and the two really ran at the same time" \
		test "$(sed -n 's/^interleaved=//p' /tmp/drv.out)" -gt 0
done

# op WIDTH OP INITIAL OPERAND COMPARE OLD NEW
op() {
	drv "$a" dma "set 0 8 8 0x5555555555555555"
	drv "$a" dma "set 0 16 $1 $3"
	is "$1 bytes: $2 on $3 with $4 (compare $5) returns the old value" \
		"$(dev_cmd d "atomic $2 $((iova + 16)) $4 $5 $1")" "ok $6"
	is "$1 bytes: $2 on $3 with $4 (compare $5) leaves $7" "$(get 16 "$1")" "$7"
	is "$1 bytes: $2 leaves the word before alone" \
		"$(get 8 8)" 0x5555555555555555
}
op 8 add 5 3 0 0x5 0x8
op 8 add 0xffffffff 1 0 0xffffffff 0x100000000
op 8 sub 5 7 0 0x5 0xfffffffffffffffe
op 8 swap 0x1234 0x8765432100000000 0 0x1234 0x8765432100000000
op 8 cas 10 20 10 0xa 0x14
op 8 cas 10 20 11 0xa 0xa
op 8 and 0xff0f00000000ff0f 0x0ff0ffffffff0ff0 0 0xff0f00000000ff0f 0xf00000000000f00
op 8 or 0xf000 0x100000000000000f 0 0xf000 0x100000000000f00f
op 8 xor 0xff00 0x0ff0 0 0xff00 0xf0f0
op 4 add 5 3 0 0x5 0x8
op 4 add 0xffffffff 1 0 0xffffffff 0x0
op 4 sub 5 7 0 0x5 0xfffffffe
op 4 swap 0x1234 0x87654321 0 0x1234 0x87654321
op 4 cas 10 20 10 0xa 0x14
op 4 cas 10 20 11 0xa 0xa
op 4 and 0xff0f 0x0ff0 0 0xff0f 0xf00
op 4 or 0xf000 0x000f 0 0xf000 0xf00f
op 4 xor 0xff00 0x0ff0 0 0xff00 0xf0f0
drv "$a" dma "set 0 20 4 0x77777777"
dev_cmd d "atomic add $((iova + 16)) 1 0 4" >/dev/null
is "4 bytes: the word after is left alone" "$(get 20 4)" 0x77777777

is "a misaligned target is refused" \
	"$(dev_cmd d "atomic add $((iova + 4)) 1 0 8")" "err EINVAL"
is "an unknown operation is refused" \
	"$(dev_cmd d "atomic 9 $iova 1 0 8")" "err EINVAL"
is "a target past the end of the mapping is refused" \
	"$(dev_cmd d "atomic add $((iova + 4096)) 1 0 8")" "err EFAULT"
dev_stop d
wait_for "device removed" 10 gone "$a"
done_testing
