#!/bin/sh
# The walkthrough's own program is the device process of its counter
# device; a real driver writes CONTROL 25 times, reads COUNTER == 25 and
# gets exactly two interrupts.  The same with MSI-X and with INTx.
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

find_dev() { # VENDOR:DEVICE -> first PCIem address with that ID
	lspci -D -n -d "$1" | awk '$1 ~ /^1..../ { print $1; exit }'
}

load_pciem
load_driver pciem_test

# Its stdout goes to a file, fully buffered: look for the device instead.
walkthrough >/tmp/walkthrough.out 2>&1 &
wpid=$!
wait_for "the walkthrough's device appears on the bus" 10 \
	sh -c 'lspci -D -n -d 1234:5678 | grep -q "^1"'
addr=$(find_dev 1234:5678)
wait_for "pciem_test binds to it" 10 bound "$addr" pciem_test
check "driver enables its single MSI vector" drv "$addr" vectors "alloc msi 1"
check "driver writes CONTROL 25 times" drv "$addr" counter "run 25 20000"
result=$(drv_read "$addr" counter)
diag "driver says: $result"
is "COUNTER reads 25 and the MSI handler ran exactly twice" \
	"${result% ms=*}" "counter=25 irqs=2"
check "handler ran in hard-irq context every time (its thread where irqs are threaded)" \
	handlers_in_irq_context "$addr"
check "/proc/interrupts lists the PCIem MSI vector" \
	grep -q "PCIem-MSI.*pciem_test" /proc/interrupts
check "walkthrough still running" kill -0 "$wpid"
kill -9 "$wpid"
wait_for "device removed when the walkthrough is killed" 10 gone "$addr"

run_counter() { # NAME TYPE PCIEM_DEV_ARGS...
	_name=$1 _type=$2
	shift 2
	a=$(dev_start "$_name" --counter --bar 0:4K --watch 0:0:4 "$@")
	wait_for "$_type: pciem_test binds" 10 bound "$a" pciem_test
	check "$_type: driver enables its vector" drv "$a" vectors "alloc $_type 1"
	drv "$a" counter "run 25 20000"
	r=$(drv_read "$a" counter)
	is "$_type: COUNTER 25, two interrupts" "${r% ms=*}" "counter=25 irqs=2"
	is "$_type: device process counted 25" "$(dev_cmd "$_name" counter)" "ok 25"
	dev_stop "$_name" KILL
	wait_for "$_type: device removed" 10 gone "$a"
}
run_counter x msix --msix 1:0:0x800:0xc00
run_counter l legacy
done_testing
