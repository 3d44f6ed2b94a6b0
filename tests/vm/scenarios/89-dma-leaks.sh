#!/bin/sh
# DMA mappings a driver leaves behind are revoked when it lets go of the
# device (unbind, rmmod), and reported as DMA-API debug reports them: the
# device process can no longer reach memory the driver may have freed.
# A driver bound again gets a working IOMMU; removal reports nothing twice.
# timeout: 120
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

load_pciem
load_driver pciem_dma_test
a=$(dev_start d --id 1234:d3a0 --bar 0:4K)
wait_for "driver binds" 10 bound "$a" pciem_dma_test

alloc() { # ID KIND ARGS...: print the buffer's IOVA
	drv "$a" dma "$*" && drv_field "$a" dma iova
}
revoked() { # WHEN -> how many reports of that kind
	dmesg | grep -c "$a: driver left [0-9]* DMA mappings $1; revoked"
}

b1=$(alloc single 1 8192 0 bidi)
b2=$(alloc coherent 2 16384)
b3=$(alloc sg 3 65536 0 to)
segs=$(drv_field "$a" dma segs)
for id in 1 2 3; do drv "$a" dma "leak $id"; done
is "while bound, the leaked single mapping is the device's to write" \
	"$(dev_cmd d "dmaw $b1 4096 7" | cut -d' ' -f1)" "ok"
echo "$a" >/sys/bus/pci/drivers/pciem_dma_test/unbind
unbound() { ! bound "$a" pciem_dma_test; }
wait_for "driver unbound" 10 unbound
is "unbind: the three leaked mappings reported once" "$(revoked 'at unbind')" 1
check "the report counts them (one each, and one per scatter-gather segment) and names the first" \
	sh -c "dmesg | grep -q '$a: driver left $((2 + segs)) DMA mappings at unbind; revoked, their memory is leaked (first: IOVA '"
is "after unbind: the single mapping is gone for the device" \
	"$(dev_cmd d "dmaw $b1 4096 7")" "err EFAULT"
is "after unbind: the coherent one too" "$(dev_cmd d "dmar $b2 16384")" "err EFAULT"
is "after unbind: the scatter-gather one too" "$(dev_cmd d "dmar $b3 65536")" "err EFAULT"

echo "$a" >/sys/bus/pci/drivers/pciem_dma_test/bind
wait_for "driver binds again" 10 bound "$a" pciem_dma_test
b4=$(alloc single 4 4096 0 bidi)
drv "$a" dma "zero 4"
dev_cmd d "dmaw $b4 4096 9" >/dev/null
drv "$a" dma "sum 4 0 4096"
is "bound again: a new mapping works both ways" "$(drv_read "$a" dma)" \
	"$(dev_cmd d "patsum 4096 9" | cut -d' ' -f2)"
drv "$a" dma "leak 4"
rmmod pciem_dma_test
is "rmmod with a leaked mapping: reported at unbind" "$(revoked 'at unbind')" 2
is "after rmmod the device cannot reach it" "$(dev_cmd d "dmaw $b4 4096 9")" "err EFAULT"
dev_stop d
wait_for "device removed" 10 gone "$a"
is "removal finds nothing left to report" "$(revoked 'at removal')" 0
done_testing
