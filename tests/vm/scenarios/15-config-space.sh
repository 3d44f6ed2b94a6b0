#!/bin/sh
# Config space as the PCI core and setpci see it: the capability chain
# (PM, MSI with masking, MSI-X, PCIe), 4 KiB extended space, BAR sizing,
# read-only and writable bits, power states and function-level reset.
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

load_pciem
addr=$(dev_start d --id 1234:5679 --class 0x010802 --bar 0:16K \
	--bar 2:1M:64:pref --pm --msi 4:64:mask --msix 8:0:0x2000:0x3000 \
	--pcie=flr)
check "device registered" test -n "$addr"
lspci -vvv -xxxx -s "$addr" >/tmp/l.txt 2>&1
diag "$(grep -v '^[0-9a-f]*0: ' /tmp/l.txt)"
check "class code 010802 (NVM Express)" \
	sh -c "lspci -n -s $addr | grep -q ' 0108: 1234:5679'"
check "PM capability at 0x40, version 3, PME from D3hot/D3cold" \
	grep -q "Capabilities: \[40\] Power Management version 3" /tmp/l.txt
check "  with PME(D0-,D1-,D2-,D3hot+,D3cold+)" \
	grep -q "PME(D0-,D1-,D2-,D3hot+,D3cold+)" /tmp/l.txt
check "MSI at 0x48: 4 vectors, 64-bit, maskable" \
	grep -q "Capabilities: \[48\] MSI: Enable- Count=1/4 Maskable+ 64bit+" /tmp/l.txt
check "MSI-X at 0x60: 8 vectors, table and PBA in BAR0" \
	sh -c 'grep -q "Capabilities: \[60\] MSI-X: Enable- Count=8 Masked-" /tmp/l.txt &&
	       grep -q "Vector table: BAR=0 offset=00002000" /tmp/l.txt &&
	       grep -q "PBA: BAR=0 offset=00003000" /tmp/l.txt'
check "PCIe v2 endpoint at 0x6c with FLR" \
	sh -c 'grep -q "Capabilities: \[6c\] Express (v2) Endpoint" /tmp/l.txt &&
	       grep -q "FLReset+" /tmp/l.txt'
check "link: 8GT/s x4" grep -q "LnkCap:.*Speed 8GT/s, Width x4" /tmp/l.txt
check "capability chain ends after PCIe" \
	sh -c "[ \$(setpci -s $addr 0x6d.b) = 00 ]"
check "4 KiB config space (extended space readable)" grep -q "^ff0:" /tmp/l.txt
is "extended capability list empty" "$(setpci -s "$addr" 0x100.l)" 00000000

# BAR sizing protocol, as the PCI core does it.
bar0=$(setpci -s "$addr" BASE_ADDRESS_0)
setpci -s "$addr" BASE_ADDRESS_0=ffffffff
is "BAR0 sizing: all-ones reads back the 16K size mask" \
	"$(setpci -s "$addr" BASE_ADDRESS_0)" ffffc000
setpci -s "$addr" BASE_ADDRESS_0="$bar0"
is "BAR0 restored" "$(setpci -s "$addr" BASE_ADDRESS_0)" "$bar0"
lo=$(setpci -s "$addr" BASE_ADDRESS_2)
hi=$(setpci -s "$addr" BASE_ADDRESS_3)
setpci -s "$addr" BASE_ADDRESS_2=ffffffff BASE_ADDRESS_3=ffffffff
is "64-bit prefetchable BAR2 sizing: low dword (1M, flags 0xc)" \
	"$(setpci -s "$addr" BASE_ADDRESS_2)" fff0000c
is "64-bit BAR2 sizing: high dword" "$(setpci -s "$addr" BASE_ADDRESS_3)" ffffffff
setpci -s "$addr" BASE_ADDRESS_2="$lo" BASE_ADDRESS_3="$hi"
is "BAR2 restored" "$(setpci -s "$addr" BASE_ADDRESS_2)" "$lo"
check "unused BAR1 is hard-wired to 0" \
	sh -c "setpci -s $addr BASE_ADDRESS_1=ffffffff; [ \$(setpci -s $addr BASE_ADDRESS_1) = 00000000 ]"

# Read-only and writable bits.
setpci -s "$addr" VENDOR_ID=abcd
is "vendor ID is read-only" "$(setpci -s "$addr" VENDOR_ID)" 1234
cmd=$(setpci -s "$addr" COMMAND)
setpci -s "$addr" COMMAND=ffff
is "command register keeps only Mem, Master, Parity, SERR, INTx-disable" \
	"$(setpci -s "$addr" COMMAND)" 0546
setpci -s "$addr" COMMAND="$cmd"
setpci -s "$addr" CAP_MSI+2.w=ffff
is "MSI control: only enable and message count writable, count clamped to 4" \
	"$(setpci -s "$addr" CAP_MSI+2.w)" 01a5
setpci -s "$addr" CAP_MSI+2.w=0086

# Power states: D3hot and back; D1 is not supported so it is not entered.
setpci -s "$addr" CAP_PM+4.w=0003
is "PMCSR enters D3hot" "$(setpci -s "$addr" CAP_PM+4.w)" 0003
setpci -s "$addr" CAP_PM+4.w=0001
is "PMCSR refuses unsupported D1" "$(setpci -s "$addr" CAP_PM+4.w)" 0003
setpci -s "$addr" CAP_PM+4.w=0000
is "PMCSR back to D0" "$(setpci -s "$addr" CAP_PM+4.w)" 0000

# Function-level reset through the PCI core.
check "FLR is an available reset method" \
	grep -q flr "/sys/bus/pci/devices/$addr/reset_method"
setpci -s "$addr" CACHE_LINE_SIZE=10
check "reset through sysfs succeeds" sh -c "echo 1 >/sys/bus/pci/devices/$addr/reset"
is "config restored by the PCI core after FLR" \
	"$(setpci -s "$addr" CACHE_LINE_SIZE)" 10
setpci -s "$addr" CAP_EXP+8.w=8000
is "FLR by hand resets the cache line size to 0" \
	"$(setpci -s "$addr" CACHE_LINE_SIZE)" 00
done_testing
