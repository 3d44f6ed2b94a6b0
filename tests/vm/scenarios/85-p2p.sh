#!/bin/sh
# P2P: refused until p2p_regions lists the range; then a device process
# reads and writes another PCIem device's BAR, and that device's process
# sees the data in its own mapping of the BAR.
# shellcheck disable=SC1091
. /pciem/lib.sh
. /pciem/pciem.sh

load_pciem
dev_start peer --id 1234:0001 --bar 0:64K >/dev/null
dev_start q --id 1234:0002 --bar 0:4K >/dev/null
phys=$(dev_cmd peer info | sed -n 's|.* bar0=\(0x[0-9a-f]*\)/.*|\1|p')
check "the peer's BAR 0 has a bus address" test "$((phys))" -gt 0
last=$(printf '%#x' $((phys + 0xffff)))

is "p2p_regions is empty by default" "$(param pciem p2p_regions)" ""
is "so P2P to the peer's BAR is refused" \
	"$(dev_cmd q "p2p w $phys 4096 5")" "err EPERM"
check "and dmesg says why" sh -c "dmesg | grep -q 'P2P: $phys+4096 is outside the ranges of the p2p_regions parameter'"

check "a malformed p2p_regions is refused" \
	sh -c "! echo 'garbage' >/sys/module/pciem/parameters/p2p_regions"
check "with a message saying what is expected" sh -c \
	"dmesg | grep -q 'p2p_regions: want up to 16 START-END ranges separated by commas'"
check "the peer's BAR whitelisted" \
	sh -c "echo '$phys-$last' >/sys/module/pciem/parameters/p2p_regions"
is "p2p_regions shows it" "$(param pciem p2p_regions)" "$phys-$last"

w=$(dev_cmd q "p2p w $phys 65536 9")
is "a 64 KiB P2P write to the peer's BAR" "$w" "$(dev_cmd q 'patsum 65536 9')"
is "the peer's process sees every byte in its BAR mapping" \
	"$(dev_cmd peer 'check 0 9')" "ok 0"
dev_cmd peer "fill 0 12" >/dev/null
is "a P2P read returns what the peer's process wrote" \
	"$(dev_cmd q "p2p r $phys 65536")" "$(dev_cmd q 'patsum 65536 12')"
dev_cmd peer "write 0 0x1000 4 0x11223344" >/dev/null
dev_cmd q "p2p w $((phys + 0x1001)) 2 3" >/dev/null
is "a 2-byte write at an odd offset lands there" \
	"$(dev_cmd q "p2p r $((phys + 0x1001)) 2")" "$(dev_cmd q 'patsum 2 3')"
is "and leaves the bytes beside it alone" \
	"$(dev_cmd peer 'read 0 0x1000 1') $(dev_cmd peer 'read 0 0x1003 1')" \
	"ok 0x44 ok 0x11"
is "one byte past the whitelisted range is refused" \
	"$(dev_cmd q "p2p r $((phys + 0xffff)) 2")" "err EPERM"
check "RAM whitelisted by mistake" \
	sh -c "echo '0x100000-0x1fffff' >/sys/module/pciem/parameters/p2p_regions"
is "is still refused: P2P is for devices' memory" \
	"$(dev_cmd q 'p2p r 0x100000 4096')" "err EINVAL"
check "an empty value turns P2P off again" \
	sh -c "echo '' >/sys/module/pciem/parameters/p2p_regions"
is "and P2P is refused" "$(dev_cmd q "p2p r $phys 16")" "err EPERM"
dev_stop q
dev_stop peer
done_testing
