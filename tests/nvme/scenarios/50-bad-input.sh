#!/bin/sh
# Parameters the controller cannot use stop pciemd at start: exit 6 (a
# configuration error, not restarted by systemd), one error line at the
# value's FILE:LINE:COL, no device, no backing file left; the corrected
# description then starts.
# timeout: 300
# shellcheck disable=SC1091
. /pciem/lib.sh
. /pciem/nvme.sh

load_pciem
load_kmod nvme

# refused NAME KEY VALUE MESSAGE: sets KEY to VALUE and expects MESSAGE.
refused() {
	nvme_yaml
	rm -f /tmp/ns1.img
	sed -i "s|^  $2: .*|  $2: $3|" "$NVME_YAML"
	_line=$(grep -n "^  $2:" "$NVME_YAML" | cut -d: -f1)
	_col=$((${#2} + 5))
	pciemd --config "$NVME_YAML" >/tmp/bad.log 2>&1
	is "$1: pciemd exits 6" "$?" 6
	# The plugin's error at the value, then pciemd's at the plugin line.
	is "$1: the first error is at the value" \
		"$(grep ' error: ' /tmp/bad.log | head -n 1)" \
		"<3>$NVME_YAML:$_line:$_col: error: parameter $2: $4"
	check "$1: then init's failure, a configuration error" \
		grep -q "init failed: Invalid argument (a configuration error: fix the description)" /tmp/bad.log
	diag "$(cat /tmp/bad.log)"
	check "$1: no device is left" sh -c '! grep -qx 0x5690 /sys/bus/pci/devices/*/device'
	check "$1: no backing file is left" test ! -e /tmp/ns1.img
}

refused "a size that is not whole blocks" ns1_size 1000 \
	"size 1000 is not a multiple of the block size 512; expected whole blocks"
refused "a block size NVMe does not have" ns1_block_size 1024 \
	"1024; expected 512 or 4096"
refused "more I/O queues than doorbells" io_queues 17 \
	"17 I/O queues; expected 1 to 16 (one doorbell pair each in SQTDBL/CQHDBL, after the admin queue's)"
refused "a backing file that is a directory" ns1_file /tmp \
	"cannot open '/tmp': Is a directory; expected a file pciemd may read and write (or create)"

nvme_yaml
rm -f /tmp/ns1.img
nvme_start
check "the corrected description starts" test -b /dev/nvme0n1
nvme_stop TERM
done_testing
