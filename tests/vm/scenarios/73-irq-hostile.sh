#!/bin/sh
# Interrupt routing cannot be steered by what the device process writes
# into BAR memory or by config writes to MSI registers: garbage in the
# MSI-X table and PBA, out-of-range MSI data, and byte writes into the PM,
# MSI and MSI-X registers never corrupt the kernel, and interrupts keep
# going to the vectors the kernel set up.
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

resets() { # NAME -> RESET events recorded so far
	dev_cmd "$1" "dump /tmp/$1.ev" >/dev/null
	awk '$2 == 6 { n++ } END { print n + 0 }' "/tmp/$1.ev"
}

load_pciem
load_driver pciem_test

# --- MSI-X: the table's data words and the PBA are the process's to write ---
a=$(dev_start x --bar 0:16K --msix 8:0:0x2000:0x3000 --pm)
wait_for "MSI-X device: driver binds" 10 bound "$a" pciem_test
check "driver allocates 8 MSI-X vectors" drv "$a" vectors "alloc msix 8"
drv "$a" vectors reset
# Entry 0's data word far out of any bitmap, its PBA bit set; then the
# driver's side touches MSI-X control, which releases pending vectors.
dev_cmd x "write 0 0x2008 4 0x7ffffff0" >/dev/null
dev_cmd x "write 0 0x3000 8 0x1" >/dev/null
setpci -s "$a" CAP_MSIX+2.w=8007
wait_for "a pending vector 0 goes to the driver's vector 0, not to the data word" 5 \
	irq_counts_are "$a" 1,0,0,0,0,0,0,0
is "injecting vector 0 with a garbage data word still reaches vector 0" \
	"$(dev_cmd x 'inject 0'; irq_counts "$a")" "ok
2,0,0,0,0,0,0,0"
# Every data word pointing at another vector's hwirq, or at nothing.
i=0
while [ $i -lt 8 ]; do
	dev_cmd x "write 0 $((0x2008 + 16 * i)) 4 $(((7 - i) * 0x1111 + 1))" >/dev/null
	i=$((i + 1))
done
drv "$a" vectors reset
for v in 0 1 2 3 4 5 6 7; do dev_cmd x "inject $v" >/dev/null; done
is "with every data word rewritten, each vector still reaches its own handler" \
	"$(irq_counts "$a")" "1,1,1,1,1,1,1,1"
# Random table and PBA contents, then function mask toggled many times.
dev_cmd x "fill 0 99" >/dev/null
n=0
while [ $n -lt 50 ]; do
	setpci -s "$a" CAP_MSIX+2.w=c007
	setpci -s "$a" CAP_MSIX+2.w=8007
	n=$((n + 1))
done
ok "50 function mask toggles over a random MSI-X table and PBA"
# Byte writes all over the PM and MSI-X registers.
before=$(resets x)
for off in 0 1 2 3 4 5 6 7; do
	setpci -s "$a" "CAP_PM+$off.b=00" 2>/dev/null
	setpci -s "$a" "CAP_MSIX+$off.b=ff" 2>/dev/null
	setpci -s "$a" "CAP_MSIX+$off.b=00" 2>/dev/null
done
n=0
while [ $n -lt 50 ]; do
	setpci -s "$a" CAP_PM+5.b=00
	n=$((n + 1))
done
is "byte writes to PMCSR's upper byte reset nothing" "$(resets x)" "$before"
dev_stop x KILL
wait_for "MSI-X device removed" 10 gone "$a"

# --- MSI: a data register rewritten through config space ---
a=$(dev_start y --bar 0:4K --msi 4:64:mask)
wait_for "MSI device: driver binds" 10 bound "$a" pciem_test
check "driver allocates 4 MSI vectors" drv "$a" vectors "alloc msi 4"
drv "$a" vectors reset
drv "$a" vectors "mask 2"
is "masked MSI vector 2: injection accepted" "$(dev_cmd y 'inject 2')" "ok"
setpci -s "$a" CAP_MSI+0xc.w=fff0
drv "$a" vectors "unmask 2"
wait_for "the pending vector 2 goes to vector 2 despite data 0xfff0" 5 \
	irq_counts_are "$a" 0,0,1,0
setpci -s "$a" CAP_MSI+0xc.w=ffff
for v in 0 1 2 3; do dev_cmd y "inject $v" >/dev/null; done
is "with data 0xffff each MSI vector still reaches its own handler" \
	"$(irq_counts "$a")" "1,1,2,1"
for off in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19; do
	setpci -s "$a" "CAP_MSI+$off.b=ff" 2>/dev/null
done
dev_cmd y "inject 0" >/dev/null
ok "byte writes of 0xff over the whole MSI capability, then an injection"
dev_stop y KILL
wait_for "MSI device removed" 10 gone "$a"
done_testing
