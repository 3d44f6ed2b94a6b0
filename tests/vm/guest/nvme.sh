# shellcheck shell=sh
# Helpers for the NVMe scenarios (POSIX sh), after /pciem/lib.sh.
# The description is devices/nvme.yaml with its namespaces moved to /tmp
# and made small; NVME_NS2=1 adds a second namespace of 4 KiB blocks.

NVME_YAML=/tmp/nvme.yaml
NVME_LOG=/tmp/pciemd-nvme.log
NVME_SERIAL=PCIEM-NVME-0001	# devices/nvme.yaml's

# nvme_yaml: writes $NVME_YAML from the shipped description.
nvme_yaml() {
	sed -e 's|^  ns1_file: .*|  ns1_file: /tmp/ns1.img|' \
		-e 's|^  ns1_size: .*|  ns1_size: 192M|' \
		/etc/pciem.d/nvme.yaml >"$NVME_YAML"
	if [ "${NVME_NS2:-0}" = 1 ]; then
		printf '  ns2_file: /tmp/ns2.img\n  ns2_size: 32M\n  ns2_block_size: 4096\n' \
			>>"$NVME_YAML"
	fi
}

# nvme_start: starts pciemd on $NVME_YAML, waits for the controller's
# namespaces, and sets NVME_PID and NVME_ADDR.
nvme_start() {
	: >"$NVME_LOG"
	pciemd --config "$NVME_YAML" >>"$NVME_LOG" 2>&1 &
	NVME_PID=$!
	wait_for "pciemd's NVMe controller is ready" 30 \
		grep -q 'nvme: device .* ready at ' "$NVME_LOG"
	NVME_ADDR=$(sed -n 's/^<6>nvme: device .* ready at \([^ ]*\) .*/\1/p' "$NVME_LOG" | tail -n 1)
	wait_for "nvme binds to $NVME_ADDR" 30 \
		sh -c "[ \"\$(basename \"\$(readlink /sys/bus/pci/devices/$NVME_ADDR/driver)\")\" = nvme ]"
	wait_for "its namespace 1 appears" 60 nvme_disk 1
}

# nvme_stop [SIGNAL]: stops pciemd and waits for it and the disk to go.
nvme_stop() {
	kill "-${1:-TERM}" "$NVME_PID" 2>/dev/null
	wait "$NVME_PID" 2>/dev/null
	wait_for "its namespace 1 is gone" 60 nvme_no_disk 1
}

# nvme_disk N [SERIAL]: the block device of namespace ID N of the
# controller with serial number SERIAL (pciemd's by default).  Its name
# need not say N: 6.12 scans namespaces in parallel and names disks in
# the order they come, and QEMU's own NVMe may be there too (make bench).
nvme_disk() {
	for _nd in /sys/block/nvme*n*; do
		[ "$(cat "$_nd/nsid" 2>/dev/null)" = "$1" ] || continue
		# device/ is the controller, or its subsystem under multipath.
		[ "$(sed 's/ *$//' "$_nd/device/serial" 2>/dev/null)" = \
			"${2:-$NVME_SERIAL}" ] || continue
		echo "/dev/${_nd##*/}"
		return 0
	done
	return 1
}

# nvme_no_disk N [SERIAL]: namespace N of that controller is not there.
nvme_no_disk() {
	! nvme_disk "$@" >/dev/null
}

# nvme_ctrl_name [SERIAL]: the controller (nvme0, ...) with SERIAL.
nvme_ctrl_name() {
	for _nc in /sys/class/nvme/nvme*; do
		[ "$(sed 's/ *$//' "$_nc/serial" 2>/dev/null)" = \
			"${1:-$NVME_SERIAL}" ] && echo "${_nc##*/}" && return 0
	done
	return 1
}

# nvme_status CMD...: runs an nvme-cli command that must fail, and prints
# the NVMe status it reports (hex, as nvme-cli prints it), or "none".
nvme_status() {
	if "$@" >/tmp/nvme-status.out 2>&1; then
		echo none
		return 0
	fi
	sed -n 's/.*(\(0x[0-9a-fA-F]*\)).*/\1/p' /tmp/nvme-status.out | head -n 1
}
