#!/bin/sh
# Every BAR its own memory, whatever the layout: adjacent BARs with equal
# flags (which the PCI core would merge into one host-bridge window), six
# 32-bit BARs, 64-bit BARs side by side, mixed sizes, flags and order.
# For each layout the driver maps every BAR and fills it with its own
# pattern, then the process checks them all, and the other way round; the
# addresses the process is told are the ones the PCI core assigned.
# timeout: 240
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

# The BARs a layout's "--bar N:SIZE..." arguments declare.
bars_of() {
	for _spec in "$@"; do
		case $_spec in --bar) ;; *) echo "${_spec%%:*}" ;; esac
	done
}

# GET_BAR_INFO's address of BAR $2 in the process's "info" answer $1.
info_addr() {
	echo "$1" | tr ' ' '\n' | sed -n "s|^bar$2=\(0x[0-9a-f]*\)/.*|\1|p"
}

# The address sysfs shows for BAR $2 of device $1.
sysfs_addr() {
	sed -n "$(($2 + 1))p" "/sys/bus/pci/devices/$1/resource" | cut -d' ' -f1 |
		sed 's/^0x0*/0x/'
}

load_pciem
load_driver pciem_test

n=0
for layout in \
	"--bar 0:4K:64 --bar 2:4K:64" \
	"--bar 0:4K --bar 1:4K --bar 2:4K --bar 3:4K --bar 4:4K --bar 5:4K" \
	"--bar 0:4K:pref --bar 1:4K:pref --bar 2:8K:pref --bar 3:4K:pref --bar 4:16K:pref --bar 5:4K:pref" \
	"--bar 0:4K:64:pref --bar 2:4K:64:pref --bar 4:4K:64:pref" \
	"--bar 0:64K:64 --bar 2:4K:64 --bar 4:1M:64" \
	"--bar 0:4K --bar 1:8K:pref --bar 2:4K:64 --bar 4:4K --bar 5:4K" \
	"--bar 0:1M:64:pref --bar 2:4K --bar 3:4K --bar 4:2M:64:pref"; do
	n=$((n + 1))
	name=l$n
	# shellcheck disable=SC2086 # the layout is a list of arguments
	a=$(dev_start "$name" $layout)
	if [ -z "$a" ]; then
		not_ok "layout $n ($layout) registers"
		continue
	fi
	wait_for "layout $n: driver binds" 10 bound "$a" pciem_test
	# shellcheck disable=SC2086
	bars=$(bars_of $layout)

	info=$(dev_cmd "$name" info)
	same=0
	for b in $bars; do
		[ "$(info_addr "$info" "$b")" = "$(sysfs_addr "$a" "$b")" ] || same=1
	done
	check "layout $n: GET_BAR_INFO addresses are the PCI core's" test $same = 0
	diag "layout $n: $info"

	for b in $bars; do
		[ "$b" = 0 ] || drv "$a" map "$b pci_iomap"
	done
	for b in $bars; do drv "$a" pattern "fill $b $((b + 10 * n))"; done
	bad=
	for b in $bars; do
		r=$(dev_cmd "$name" "check $b $((b + 10 * n))")
		[ "$r" = "ok 0" ] || bad="$bad BAR$b:$r"
	done
	is "layout $n: each BAR holds what the driver wrote to it, seen by the process" "$bad" ""
	for b in $bars; do dev_cmd "$name" "fill $b $((b + 10 * n + 100))" >/dev/null; done
	bad=
	for b in $bars; do
		drv "$a" pattern "check $b $((b + 10 * n + 100))"
		r=$(drv_read "$a" pattern)
		[ "$r" = 0 ] || bad="$bad BAR$b:$r"
	done
	is "layout $n: each BAR holds what the process wrote to it, seen by the driver" "$bad" ""
	dev_stop "$name"
	wait_for "layout $n: device removed" 10 gone "$a"
done
done_testing
