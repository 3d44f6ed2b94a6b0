#!/bin/sh
# The software IOMMU catches what a real one would: a device access after
# unmap, in the wrong direction, one byte past the end, at an address never
# mapped, or at a physical address used as if it were an IOVA.  Each fails
# with EFAULT, writes nothing, and is reported once in dmesg and as a
# DMA_FAULT event.  Unmapping during a transfer is safe.
# timeout: 200
# shellcheck disable=SC1091,SC2016
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
# alloc ID KIND ARGS...: print the buffer's IOVA
alloc() {
	drv "$a" dma "$*" && field iova
}
sum() { # ID SIZE
	drv "$a" dma "sum $1 0 $2" && drv_read "$a" dma
}
faults() {
	dmesg | grep -c "$a: DMA fault: "
}

b1=$(alloc single 1 8192 0 bidi)
drv "$a" dma "zero 1"
z1=$(sum 1 8192)
is "one byte past the end: refused" "$(dev_cmd d "dmaw $b1 8193 5")" "err EFAULT"
is "and nothing was written, not even the part inside" "$(sum 1 8192)" "$z1"
is "dmesg names device, direction, length, IOVA and the first bad byte" \
	"$(dmesg | grep -c "$a: DMA fault: device write of 8193 bytes at IOVA $b1 refused: $(printf '%#x' $((b1 + 8192))) is not mapped")" 1
is "a read one byte past the end: refused" "$(dev_cmd d "dmar $b1 8193")" "err EFAULT"
is "a read starting one byte before: refused" \
	"$(dev_cmd d "dmar $((b1 - 1)) 2")" "err EFAULT"

b2=$(alloc single 2 4096 0 to)
drv "$a" dma "zero 2"
z2=$(sum 2 4096)
is "a device write into a DMA_TO_DEVICE mapping: refused" \
	"$(dev_cmd d "dmaw $b2 16 5")" "err EFAULT"
is "and nothing was written" "$(sum 2 4096)" "$z2"
check "dmesg says why" sh -c "dmesg | grep '$a: DMA fault: device write of 16 bytes at IOVA $b2 refused:' | grep -q 'mapped DMA_TO_DEVICE: the device may only read it'"
is "reading it is allowed" "$(dev_cmd d "dmar $b2 16")" "ok $(sum 2 16)"
b3=$(alloc single 3 4096 0 from)
is "a device read of a DMA_FROM_DEVICE mapping: refused" \
	"$(dev_cmd d "dmar $b3 16")" "err EFAULT"
case $(dev_cmd d "dmaw $b3 16 5") in
ok*) ok "writing it is allowed" ;;
*) not_ok "writing it is allowed" ;;
esac

drv "$a" dma "unmap 1"
is "after unmap: refused" "$(dev_cmd d "dmaw $b1 16 5")" "err EFAULT"
is "and nothing was written" "$(sum 1 8192)" "$z1"
is "an IOVA never mapped: refused" \
	"$(dev_cmd d "dmaw $((b1 + (1 << 30))) 16 5")" "err EFAULT"

phys=$(drv "$a" dma "phys 2" && drv_read "$a" dma)
is "a physical address used as an IOVA: refused" \
	"$(dev_cmd d "dmaw $phys 16 5")" "err EFAULT"
is "and nothing was written" "$(sum 2 4096)" "$z2"
check "dmesg points at the likely bug" sh -c "dmesg | grep '$a: DMA fault: device write of 16 bytes at IOVA $phys' | grep -q 'a physical address used as a DMA address?'"

b4=$(alloc single 4 4096 0 to)
is "an atomic needs read and write access: refused on DMA_TO_DEVICE" \
	"$(dev_cmd d "atomic add $b4 1 0 8")" "err EFAULT"

is "each fault was reported once in dmesg" "$(faults)" 9
dev_cmd d "dump /tmp/d.ev" >/dev/null
is "and once to the device process, as DMA_FAULT events" \
	"$(awk '$2 == 18' /tmp/d.ev | wc -l)" 9
check "each event names IOVA, length and access (1 read, 2 write, 3 atomic)" \
	grep -q "^[0-9]* 18 0 $(printf '0x%x' "$b1") 8193 0x2 " /tmp/d.ev

# Unmapping while a 64 MiB transfer is in flight.
b5=$(alloc sg 5 0x4000000 0 bidi)
echo "dmaw $b5 $((64 << 20)) 9" >/tmp/d.cmd
sleep 0.2
check "unmapped during a transfer" drv "$a" dma "unmap 5"
wait_for "the transfer ended" 60 sh -c "tail -n 1 /tmp/d.out | grep -Eq '^(ok|err)'"
case $(tail -n 1 /tmp/d.out) in
"ok "* | "err EFAULT") ok "it either finished first or was refused" ;;
*) not_ok "it either finished first or was refused" ;;
esac
check "the buffer is freed" drv "$a" dma "free 5"

dev_stop d
wait_for "device removed" 10 gone "$a"
done_testing
