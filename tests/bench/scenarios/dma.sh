#!/bin/sh
# timeout: 900
# DMA bandwidth of PCIEM_IOCTL_DMA for 4 KiB .. 16 MiB transfers in both
# directions, as a ratio to memcpy() of the same sizes in this boot, and
# the cost of one 4 KiB DMA call.
# The checks only say that the benchmark ran; the figures are reports.
# shellcheck disable=SC1091
. /pciem/lib.sh
. /pciem/pciem.sh
. /pciem/bench.sh

n=$(bench_samples)
load_pciem
load_driver pciem_dma_test
check "bench_dma ran ($n samples)" sh -c "bench_dma $n >/tmp/bd.out 2>&1"
diag ""
diag "PCIem DMA, device side: $(nproc) vCPUs, QEMU TCG, $(uname -r)"
diag ""
diag "size       write MB/s    read MB/s    memcpy MB/s   write/memcpy  read/memcpy"
while read -r line; do
	case $line in
	size=*)
		s=$(field "$line" size)
		w=$(field "$line" write_mbs)
		r=$(field "$line" read_mbs)
		m=$(field "$line" memcpy_mbs)
		diag "$(printf '%-9s %11s %12s %14s %14s %12s' "$((s / 1024)) KiB" "$w" "$r" "$m" "$(ratio "$w" "$m")" "$(ratio "$r" "$m")")"
		;;
	call*)
		c=$line
		;;
	esac
done </tmp/bd.out
check "it measured every size and the call cost" \
	test "$(grep -c '^size=' /tmp/bd.out)" = 4 -a -n "${c:-}"
diag ""
diag "one 4 KiB DMA call: p50 $(field "$c" p50) ns, p99 $(field "$c" p99) ns; 4 KiB memcpy p50 $(field "$c" memcpy_p50) ns ($(ratio "$(field "$c" p50)" "$(field "$c" memcpy_p50)") of it)"
diag ""
done_testing
