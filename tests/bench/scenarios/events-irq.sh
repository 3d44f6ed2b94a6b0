#!/bin/sh
# timeout: 900
# Event and interrupt latency, each beside the floor measured in this boot:
#  - driver writel() on a watched register -> the device process sees the
#    event (from the event's timestamp), against an eventfd ping-pong
#    wake-up between two processes;
#  - INJECT_IRQ -> the driver's handler, and the whole ioctl.
# The checks only say that each benchmark ran; the figures are reports.
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh
. /pciem/bench.sh

n=$(bench_samples)
us() {
	awk -v ns="$1" 'BEGIN { printf "%.1f us", ns / 1000 }'
}

load_pciem
load_driver pciem_test

pp=$(bench_pingpong "$n")
check "eventfd ping-pong: $n samples" test "$(field "$pp" n)" = "$n"

bench_watch "$n" >/tmp/bw.out 2>&1 &
bw=$!
wait_for "watch benchmark device registered" 10 grep -q '^registered' /tmp/bw.out
a=$(sed -n 's/^registered //p' /tmp/bw.out)
wait_for "driver binds" 10 bound "$a" pciem_test
check "driver writes the watched register $n times, 200 us apart" \
	drv "$a" mmioflood "$n 0 0 200"
wait "$bw"
w=$(grep '^watch' /tmp/bw.out)
check "watch: $n events seen, none lost" \
	test "$(field "$w" n) $(field "$w" lost)" = "$n 0"

rm -f /tmp/go
bench_irq "$n" /tmp/go >/tmp/bi.out 2>&1 &
bi=$!
wait_for "interrupt benchmark device registered" 10 grep -q '^registered' /tmp/bi.out
a=$(sed -n 's/^registered //p' /tmp/bi.out)
wait_for "driver binds" 10 bound "$a" pciem_test
drv "$a" vectors "alloc msix 1"
drv "$a" latency "0 0x100"
touch /tmp/go
wait_for "$n injections done" 600 grep -q '^inject' /tmp/bi.out
drv "$a" latency off
i=$(grep "^inject" /tmp/bi.out)
h=$(drv_read "$a" latency)
rm -f /tmp/go
wait "$bi"
check "INJECT_IRQ: $n handler calls measured" test "$(field "$h" n)" = "$n"

diag ""
diag "PCIem benchmarks: $n samples each; $(nproc) vCPUs, QEMU TCG, $(uname -r)"
diag ""
diag "writel -> event seen by the process   p50 $(us "$(field "$w" p50)")   p99 $(us "$(field "$w" p99)")"
diag "eventfd ping-pong wake-up (floor)     p50 $(us "$(field "$pp" p50)")   p99 $(us "$(field "$pp" p99)")"
diag "  ratio to the floor                  p50 $(ratio "$(field "$w" p50)" "$(field "$pp" p50)")     p99 $(ratio "$(field "$w" p99)" "$(field "$pp" p99)")"
diag ""
diag "INJECT_IRQ -> handler running         p50 $(us "$(field "$h" p50)")   p99 $(us "$(field "$h" p99)")"
diag "INJECT_IRQ ioctl, whole               p50 $(us "$(field "$i" p50)")   p99 $(us "$(field "$i" p99)")"
diag "  handler latency to the floor        p50 $(ratio "$(field "$h" p50)" "$(field "$pp" p50)")     p99 $(ratio "$(field "$h" p99)" "$(field "$pp" p99)")"
diag ""
done_testing
