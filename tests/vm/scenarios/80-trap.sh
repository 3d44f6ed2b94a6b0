#!/bin/sh
# Trapped BAR pages: writes (and reads, on TRAP_ALL pages) by the driver
# are emulated in the fault path with their registers' semantics, posted as
# events in the order they happened, and the driver reads what it should.
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

events() { # NAME -> "type offset size data;" for each MMIO event
	dev_cmd "$1" "dump /tmp/$1.ev" >/dev/null
	awk '$2 == 1 || $2 == 2 { printf "%s %s %s %s;", ($2 == 1 ? "R" : "W"), $4, $5, $6 }' "/tmp/$1.ev"
}
rd() { # ADDR OFF WIDTH -> the driver's read
	drv "$1" mmio "r 0 $2 $3"
	drv_read "$1" mmio
}

load_pciem
load_driver pciem_test
a=$(dev_start t --bar 0:16K)
# region BAR OFF SIZE WIDTH MODE FLAGS WMASK W1C; flags 1 write, 2 read events
is "page 1: read-write registers with write events" \
	"$(dev_cmd t 'region 0 0x1000 0x100 4 0 1 0xffffffff 0')" ok
is "page 1: a read-only register" "$(dev_cmd t 'region 0 0x1100 4 4 0 0 0 0')" ok
is "page 1: low half writable, high half write-1-to-clear" \
	"$(dev_cmd t 'region 0 0x1104 4 4 0 0 0xffff 0xffff0000')" ok
is "page 2: every access trapped, read and write events" \
	"$(dev_cmd t 'region 0 0x2000 0x1000 8 0 3 0xffffffffffffffff 0')" ok
is "overlapping regions are refused" \
	"$(dev_cmd t 'region 0 0x10fc 8 4 0 0 0 0')" "err EBUSY"
wait_for "driver binds" 10 bound "$a" pciem_test
dev_cmd t clear >/dev/null

drv "$a" mmio "w 0 0x10 4 0x11111111"
is "direct page: the store reaches memory" "$(dev_cmd t 'read 0 0x10 4')" \
	"ok 0x11111111"
drv "$a" mmio "w 0 0x1010 4 0xdeadbeef"
drv "$a" mmio "w 0 0x1012 2 0x1234"
drv "$a" mmio "w 0 0x1018 8 0x0102030405060708"
drv "$a" mmio "w 0 0x101f 1 0xaa"
is "trapped writes land in memory (4, 2, 8, 1 bytes)" \
	"$(dev_cmd t 'read 0 0x1010 4') $(dev_cmd t 'read 0 0x1018 8')" \
	"ok 0x1234beef ok 0xaa02030405060708"
is "reads of a write-trapped page are direct" "$(rd "$a" 0x1010 4)" 0x1234beef
dev_cmd t "write 0 0x1100 4 0xcafe0000" >/dev/null
drv "$a" mmio "w 0 0x1100 4 0x12345678"
is "read-only register keeps its value, no round trip" \
	"$(rd "$a" 0x1100 4)" 0xcafe0000
dev_cmd t "write 0 0x1104 4 0xffff1234" >/dev/null
drv "$a" mmio "w 0 0x1104 4 0x00ff5678"
is "write-1-to-clear: written ones clear, low half takes the value" \
	"$(rd "$a" 0x1104 4)" 0xff005678
dev_cmd t "write 0 0x2000 8 0x0123456789abcdef" >/dev/null
is "trapped read, 8 bytes" "$(rd "$a" 0x2000 8)" 0x123456789abcdef
is "trapped read, 4 bytes" "$(rd "$a" 0x2004 4)" 0x1234567
is "trapped read, 2 bytes" "$(rd "$a" 0x2002 2)" 0x89ab
is "trapped read, 1 byte" "$(rd "$a" 0x2001 1)" 0xcd
drv "$a" mmio "w 0 0x2010 2 0xbeef"
is "every event, in order, with offset, size and value" "$(events t)" \
"W 0x1010 4 0xdeadbeef;W 0x1012 2 0x1234;W 0x1018 8 0x102030405060708;W 0x101f 1 0xaa;R 0x2000 8 0x123456789abcdef;R 0x2004 4 0x1234567;R 0x2002 2 0x89ab;R 0x2001 1 0xcd;W 0x2010 2 0xbeef;"

# Instructions no accessor compiles to fail safely, as with absent hardware.
dev_cmd t "write 0 0x2100 4 0x10" >/dev/null
drv "$a" access "lockinc 0 0x2100"
is "a lock incl on a trapped page is dropped" \
	"$(dev_cmd t 'read 0 0x2100 4')" "ok 0x10"
is "an addl from a trapped page loads all-ones" \
	"$(drv "$a" access 'addload 0 0x2100' && drv_read "$a" access)" 0xffffffff
drv "$a" access "lockinc 0 0x2100"
is "each is reported once, with its bytes" \
	"$(dmesg | grep -c 'cannot emulate .* on a trapped BAR page.*skipped it')" 2
is "the page stays trapped" "$(rd "$a" 0x2000 8)" 0x123456789abcdef

# Regions change while the driver is bound.
dev_cmd t clear >/dev/null
is "remove page 1's regions, live" "$(dev_cmd t 'unregion 0')" ok
drv "$a" mmio "w 0 0x1100 4 0x12345678"
is "the read-only register is plain memory now" "$(rd "$a" 0x1100 4)" 0x12345678
is "and nothing is trapped any more: no events" "$(events t)" ""
is "trap it again, live" "$(dev_cmd t 'region 0 0x1100 4 4 0 1 0 0')" ok
drv "$a" mmio "w 0 0x1100 4 0x9"
is "read-only again, and its write is reported" \
	"$(rd "$a" 0x1100 4) $(events t)" "0x12345678 W 0x1100 4 0x9;"
dev_stop t KILL
wait_for "device removed" 10 gone "$a"
done_testing
