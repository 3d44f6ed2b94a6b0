#!/bin/sh
# INJECT_IRQ with several vectors: each reaches its own handler exactly
# once, in hard-irq context; masked vectors are held pending and delivered
# on unmask; vectors no driver set up are refused and fire nothing.
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

load_pciem
load_driver pciem_test

# --- MSI-X, 8 vectors, table and PBA in BAR 0 ---
a=$(dev_start x --bar 0:16K --msix 8:0:0x2000:0x3000)
wait_for "MSI-X device: driver binds" 10 bound "$a" pciem_test
is "inject before the driver enabled interrupts is refused" \
	"$(dev_cmd x 'inject 0')" "err ENXIO"
check "driver allocates 8 MSI-X vectors" drv "$a" vectors "alloc msix 8"
for v in 0 1 2 3 4 5 6 7; do
	dev_cmd x "inject $v" >/dev/null
done
is "each of the 8 vectors reached its own handler once" "$(irq_counts "$a")" \
	"1,1,1,1,1,1,1,1"
dev_cmd x "inject 5" >/dev/null
dev_cmd x "inject 5" >/dev/null
is "two more injections of vector 5: two more calls" "$(irq_counts "$a")" \
	"1,1,1,1,1,3,1,1"
is "vector 8 is out of range" "$(dev_cmd x 'inject 8')" "err EINVAL"
check "/proc/interrupts shows 8 PCIem-MSI vectors" \
	sh -c '[ $(grep -c "PCIem-MSI.*pciem_test" /proc/interrupts) -eq 8 ]'
drv "$a" vectors reset
drv "$a" vectors "mask 3"
is "masked vector 3: injection accepted" "$(dev_cmd x 'inject 3')" "ok"
is "masked vector 3: not delivered" "$(irq_counts "$a")" "0,0,0,0,0,0,0,0"
is "masked vector 3: PBA bit 3 set (seen in BAR memory)" \
	"$(dev_cmd x 'read 0 0x3000 8')" "ok 0x8"
drv "$a" vectors "unmask 3"
wait_for "vector 3 delivered once on unmask" 5 \
	irq_counts_are "$a" 0,0,0,1,0,0,0,0
is "PBA bit cleared after delivery" "$(dev_cmd x 'read 0 0x3000 8')" "ok 0x0"
# Function mask (MSI-X control) holds every vector.
drv "$a" vectors reset
setpci -s "$a" CAP_MSIX+2.w=c007
dev_cmd x "inject 6" >/dev/null
is "function-masked: nothing delivered" "$(irq_counts "$a")" "0,0,0,0,0,0,0,0"
setpci -s "$a" CAP_MSIX+2.w=8007
wait_for "function unmask delivers vector 6" 5 \
	irq_counts_are "$a" 0,0,0,0,0,0,1,0
check "every call in hard-irq context (its thread where irqs are threaded)" handlers_in_irq_context "$a"
drv "$a" vectors free
is "after the driver freed its vectors injection is refused" \
	"$(dev_cmd x 'inject 0')" "err ENXIO"
dev_stop x KILL

# --- MSI, 4 vectors, per-vector masking ---
a=$(dev_start m --bar 0:4K --msi 4:64:mask)
wait_for "MSI device: driver binds" 10 bound "$a" pciem_test
check "driver allocates 4 MSI vectors" drv "$a" vectors "alloc msi 4"
for v in 0 1 2 3; do
	dev_cmd m "inject $v" >/dev/null
done
is "each of the 4 MSI vectors reached its own handler once" "$(irq_counts "$a")" \
	"1,1,1,1"
drv "$a" vectors reset
drv "$a" vectors "mask 2"
dev_cmd m "inject 2" >/dev/null
is "masked MSI vector 2 not delivered" "$(irq_counts "$a")" "0,0,0,0"
is "its pending bit is set in config space" \
	"$(setpci -s "$a" CAP_MSI+0x14.l)" 00000004
drv "$a" vectors "unmask 2"
wait_for "MSI vector 2 delivered once on unmask" 5 \
	irq_counts_are "$a" 0,0,1,0
is "pending bit cleared" "$(setpci -s "$a" CAP_MSI+0x14.l)" 00000000
is "vector 4 of a 4-vector MSI is out of range" "$(dev_cmd m 'inject 4')" \
	"err EINVAL"
drv "$a" vectors free
check "driver allocates 2 of the 4" drv "$a" vectors "alloc msi 2"
is "vector 3 is offered but not enabled: refused" "$(dev_cmd m 'inject 3')" \
	"err ENXIO"
is "nothing fired" "$(irq_counts "$a")" "0,0"
dev_stop m KILL

# --- INTx, honouring the command register's INTx disable ---
a=$(dev_start l --bar 0:4K)
wait_for "INTx device: driver binds" 10 bound "$a" pciem_test
check "lspci shows pin A routed to an IRQ" \
	sh -c "lspci -vv -s $a | grep -q 'Interrupt: pin A routed to IRQ'"
check "driver requests INTx" drv "$a" vectors "alloc legacy 1"
dev_cmd l "inject 0" >/dev/null
is "INTx delivered" "$(irq_counts "$a")" "1"
is "INTx has only vector 0" "$(dev_cmd l 'inject 1')" "err EINVAL"
cmd=$(setpci -s "$a" COMMAND)
setpci -s "$a" COMMAND="$(printf '%04x' $((0x$cmd | 0x400)))"
dev_cmd l "inject 0" >/dev/null
is "INTx disabled: not delivered" "$(irq_counts "$a")" "1"
check "status shows the interrupt pending" \
	sh -c "lspci -vv -s $a | grep -q 'INTx+'"
setpci -s "$a" COMMAND="$cmd"
wait_for "INTx delivered when re-enabled" 5 \
	irq_counts_are "$a" 2
check "every INTx call in hard-irq context (its thread where irqs are threaded)" handlers_in_irq_context "$a"
dev_stop l KILL
check "binding and unbinding drivers left no ACPI routing complaints" \
	sh -c '! dmesg | grep -Eq "derive routing|no GSI"'
done_testing
