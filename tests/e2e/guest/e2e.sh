#!/bin/sh
# The end-to-end test inside a fresh Debian root booted with systemd as
# PID 1 (tests/e2e/run).  pciem-e2e.service runs it from the disk labelled
# PCIEME2E, mounted on /mnt/e2e, which holds:
#   debs/      the three packages          kernel    the expected uname -r
#   driver/    pciem_test.c, a driver      version   the packages' version
#   plugin/    scratch.c, scratch.yaml and broken.yaml
#   kernel-upgrade   if there: the series of the kernel whose headers the
#                    root holds, for a kernel upgrade (root-newer-kernel.sh)
# It does what a user does, as root: apt install, a YAML in /etc/pciem.d,
# systemctl start, enable and reboot, a plugin built with pkg-config, then
# stop and apt purge.  It runs in two boots: the first ends with a reboot,
# the second with a power-off.  TAP goes to the second serial port, with
# the numbering carried over the reboot in /var/lib/pciem-e2e.
# shellcheck disable=SC2016
set -u

E2E=/mnt/e2e
STATE=/var/lib/pciem-e2e
VERSION=$(cat "$E2E/version")
MULTIARCH=x86_64-linux-gnu
PLUGINDIR=/usr/lib/$MULTIARCH/pciem/handlers
export DEBIAN_FRONTEND=noninteractive

mkdir -p "$STATE"
exec >>/dev/ttyS1 2>&1
n=$(cat "$STATE/n" 2>/dev/null || echo 0)
OUT=$STATE/out
# Which boot of the test this is, in the kernel's log too: the host tells
# a boot that ran the test from one that did not (tests/e2e/run).
boot=$(($(cat "$STATE/boots" 2>/dev/null || echo 0) + 1))
echo "$boot" >"$STATE/boots"
echo "pciem-e2e: test boot $boot" >/dev/kmsg
echo "# boot $boot"
# The script ends with a power-off, but for the reboot between its two
# boots: also when something ends it early (a failed cd, an unset
# variable), so the host does not wait for its timeout.
leaving=0
finished=0
trap 'if [ "$leaving" = 0 ]; then [ "$finished" = 1 ] || echo "# e2e: the script ended early"; systemctl --no-block poweroff; fi' EXIT

# --- TAP ---------------------------------------------------------------------

diag() {
	echo "# $*"
}

result() { # result ok|fail DESCRIPTION: a line; a failure shows $OUT
	n=$((n + 1))
	echo "$n" >"$STATE/n"
	if [ "$1" = ok ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		[ -s "$OUT" ] && tail -n 30 "$OUT" | sed 's/^/#   /'
	fi
	return 0
}

# check DESCRIPTION COMMAND...: passes when COMMAND succeeds.
check() {
	_d=$1
	shift
	if "$@" >"$OUT" 2>&1; then result ok "$_d"; else result fail "$_d"; fi
}

# is DESCRIPTION GOT WANT
is() {
	if [ "$2" = "$3" ]; then
		: >"$OUT"
		result ok "$1"
	else
		printf "got:  '%s'\nwant: '%s'\n" "$2" "$3" >"$OUT"
		result fail "$1"
	fi
}

# wait_for DESCRIPTION SECONDS COMMAND...: passes once COMMAND succeeds.
wait_for() {
	_d=$1
	_i=$(($2 * 5))
	shift 2
	until "$@" >"$OUT" 2>&1; do
		_i=$((_i - 1))
		if [ "$_i" -le 0 ]; then
			result fail "$_d"
			return 1
		fi
		sleep 0.2
	done
	result ok "$_d"
}

# --- helpers -----------------------------------------------------------------

# status_addr UNIT: the device address in the unit's STATUS= line.
status_addr() {
	systemctl show -P StatusText "$1" | sed -n 's/^[^ ]* at \(.*\): [0-9]* events handled.*/\1/p'
}

# is_device ADDR: a PCI device is at ADDR (which is not empty).
is_device() {
	[ -n "$1" ] && [ -d "/sys/bus/pci/devices/$1" ]
}

bound() {
	[ "$(basename "$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null)")" = "$2" ]
}

gone() {
	[ ! -e "/sys/bus/pci/devices/$1" ]
}

active() {
	[ "$(systemctl is-active "$1")" = "$2" ]
}

# journal_has UNIT PRIORITY TEXT: TEXT is in a line of UNIT's journal
# logged at exactly PRIORITY.
journal_has() {
	journalctl --no-pager -o cat -u "$1" -p "$2..$2" | grep -qF -- "$3"
}

# quiet_invocation UNIT LINE: the unit's current run logged LINE, and
# nothing at warning or above (the output on failure: what it logged).
quiet_invocation() {
	_id=$(systemctl show -P InvocationID "$1")
	[ -n "$_id" ] || return 1
	journalctl --no-pager -o cat "_SYSTEMD_INVOCATION_ID=$_id" | grep -qF -- "$2" || return 1
	_loud=$(journalctl --no-pager -o cat -p warning "_SYSTEMD_INVOCATION_ID=$_id") || return 1
	echo "$_loud"
	[ -z "$_loud" ]
}

status_has() {
	systemctl status --no-pager -l "$1" | grep -qF -- "$2"
}

# nvme_disk NSID: the block device of NSID on the controller with the
# example's serial number (a kernel may name namespaces in any order).
nvme_disk() {
	for _b in /sys/block/nvme*n*; do
		[ -e "$_b" ] || continue
		[ "$(cat "$_b/nsid" 2>/dev/null)" = "$1" ] || continue
		[ "$(tr -d ' ' <"$_b/device/serial" 2>/dev/null)" = PCIEM-NVME-0001 ] || continue
		echo "/dev/${_b##*/}"
		return 0
	done
	return 1
}

# dkms_installed [KVER]: dkms status (shown on failure) says pciem is
# installed for KVER, by default the running kernel.
dkms_installed() {
	dkms status
	dkms status | grep -qF "pciem/$VERSION, ${1:-$(uname -r)}, x86_64: installed"
}

# A kernel upgrade, in a root that has a newer kernel's image and holds
# its headers' packages (root-newer-kernel.sh): installing the headers
# makes DKMS build pciem for that kernel, and the running device is left
# alone.
kernel_upgrade() {
	_kd=/var/cache/pciem-e2e-kernel
	[ -f "$E2E/kernel-upgrade" ] || return 0
	_nk=$(cat "$_kd/kernel" 2>/dev/null)
	case $_nk in
	"$(cat "$E2E/kernel-upgrade")".*) ;;
	*)
		echo "$_kd/kernel: '$_nk'" >"$OUT"
		result fail "the root holds a $(cat "$E2E/kernel-upgrade") kernel to upgrade to"
		return 0
		;;
	esac
	diag "a kernel upgrade, to $_nk"
	check "dkms has not built it for $_nk: no headers yet" sh -c "! dkms status | grep -qF ', $_nk,'"
	_t=$(date +%s)
	check "apt install linux-headers-$_nk" \
		apt-get install -y --no-install-recommends "$_kd"/*.deb
	diag "the headers' install, DKMS's build with it, took $(($(date +%s) - _t)) s"
	check "dkms built and installed the module for $_nk" dkms_installed "$_nk"
	is "modprobe would find it when $_nk boots" \
		"$(modinfo -k "$_nk" -F vermagic pciem 2>&1 | cut -d' ' -f1)" "$_nk"
	check "it is still installed for the running kernel" dkms_installed
	check "and the running device was left alone ($1)" is_device "$1"
	is "as was pciemd" "$(systemctl show -P NRestarts pciemd@counter) $(systemctl is-active pciemd@counter)" "0 active"
}

no_nvme_disk() {
	! nvme_disk 1
}

# refused_start UNIT STATUS LINE: systemctl start UNIT fails; the unit
# ends failed with exit status STATUS and LINE in systemctl status and in
# its journal at priority err, and is not restarted.
refused_start() {
	_u=$1
	check "systemctl start $_u fails" sh -c "! systemctl start $_u"
	wait_for "and the unit ends failed" 10 settled_failed "$_u"
	check "systemctl status shows: $3" status_has "$_u" "$3"
	check "the journal has it, at priority err" journal_has "$_u" err "$3"
	is "exit status $2" "$(systemctl show -P ExecMainStatus "$_u")" "$2"
	sleep 3
	is "no restart (RestartSec=2 has passed)" "$(systemctl show -P NRestarts "$_u")" 0
}

# The unit's result after a failed start, once systemd has settled it.
settled_failed() {
	[ "$(systemctl show -P ActiveState "$1")" = failed ]
}

# --- first boot: install, start, use, enable --------------------------------

first_boot() {
	diag "Debian $(cat /etc/debian_version), kernel $(uname -r), $(systemctl --version | head -n 1)"
	is "systemd is PID 1" "$(cat /proc/1/comm)" systemd
	is "the root's own kernel is running" "$(uname -r)" "$(cat "$E2E/kernel")"

	# pciemd without the module: one line that says what to install.
	cd "$E2E/debs" || exit 1
	check "apt install ./pciemd_*.deb alone" apt-get install -y "./pciemd_${VERSION}_amd64.deb"
	cp /usr/share/doc/pciemd/examples/counter.yaml /etc/pciem.d/
	diag "without pciem-dkms:"
	refused_start pciemd@counter 5 \
		"cannot open /dev/pciem: No such file or directory (the pciem module is not loaded: modprobe pciem; it comes with the pciem-dkms package)"
	systemctl reset-failed pciemd@counter

	check "apt install ./pciem-dkms_*.deb ./pciemd_*.deb ./libpciem-dev_*.deb" \
		apt install -y "./pciem-dkms_${VERSION}_all.deb" "./pciemd_${VERSION}_amd64.deb" \
		"./libpciem-dev_${VERSION}_amd64.deb"
	cd / || exit 1
	check "dkms built and installed the module for the running kernel" dkms_installed
	check "modinfo finds pciem" modinfo -n pciem
	check "the module is not loaded by the install" sh -c '! grep -q "^pciem " /proc/modules'
	for p in pciem-dkms pciemd libpciem-dev; do
		dpkg-query -L "$p"
	done | sort -u >"$STATE/package-files"
	dkms status >"$STATE/dkms-status"

	# The counter example, with a driver a user would build.
	check "systemctl start pciemd@counter" systemctl start pciemd@counter
	is "pciemd@counter is active" "$(systemctl is-active pciemd@counter)" active
	check "the module was loaded for it" grep -q '^pciem ' /proc/modules
	addr=$(status_addr pciemd@counter)
	check "STATUS= names the device's address ($addr)" is_device "$addr"
	check "systemctl status shows pciemd's STATUS= line" \
		status_has pciemd@counter "Status: \"counter at $addr: "
	check "the journal has the ready line at priority info" \
		journal_has pciemd@counter info "counter: device 1234:5678 ready at $addr"
	check "and, from this start of the unit, nothing at warning or above" \
		quiet_invocation pciemd@counter "counter: device 1234:5678 ready at $addr"
	rm -rf /tmp/drv
	cp -r "$E2E/driver" /tmp/drv
	check "pciem_test builds against the installed kernel headers" \
		make -C "/lib/modules/$(uname -r)/build" M=/tmp/drv modules
	check "insmod pciem_test.ko" insmod /tmp/drv/pciem_test.ko
	wait_for "the driver binds to the counter" 10 bound "$addr" pciem_test
	echo "alloc msi 1" >"/sys/bus/pci/devices/$addr/vectors"
	echo "run 25 20000" >"/sys/bus/pci/devices/$addr/counter"
	r=$(cat "/sys/bus/pci/devices/$addr/counter")
	is "the driver counted 25 and took two MSIs" "${r% ms=*}" "counter=25 irqs=2"
	wait_for "STATUS= counts the 25 writes it handled" 15 sh -c \
		"systemctl show -P StatusText pciemd@counter | grep -Eq ': [0-9]+ events handled \\(25 writes, '"
	diag "$(systemctl show -P StatusText pciemd@counter)"

	exp=$(systemd-analyze security --no-pager pciemd@counter 2>"$OUT" |
		sed -n 's/.*Overall exposure level for pciemd@counter.service: \([0-9.]*\).*/\1/p')
	check "systemd-analyze security: exposure ${exp:-?} <= 2.0" \
		awk -v e="${exp:-99}" 'BEGIN { exit !(e <= 2.0) }'

	# The NVMe example: nvme binds, a filesystem outlives a restart.
	cp /usr/share/doc/pciemd/examples/nvme.yaml /etc/pciem.d/
	check "systemctl start pciemd@nvme" systemctl start pciemd@nvme
	wait_for "nvme binds and namespace 1 appears" 60 nvme_disk 1
	disk=$(nvme_disk 1)
	check "its backing files are in /var/lib/pciem/nvme" \
		test -f /var/lib/pciem/nvme/nvme-ns1.img
	mkdir -p /mnt/nvme
	check "mkfs.ext4 on $disk" mkfs.ext4 -q -F "$disk"
	check "mount it" mount "$disk" /mnt/nvme
	check "write 8 MiB" dd if=/dev/urandom of=/mnt/nvme/data bs=1M count=8 conv=fsync status=none
	sum=$(sha256sum /mnt/nvme/data | cut -d' ' -f1)
	check "umount" umount /mnt/nvme
	check "systemctl restart pciemd@nvme" systemctl restart pciemd@nvme
	wait_for "namespace 1 is back" 60 nvme_disk 1
	disk=$(nvme_disk 1)
	check "e2fsck finds the filesystem clean" e2fsck -fn "$disk"
	check "mount it again" mount "$disk" /mnt/nvme
	is "the data survived the restart" "$(sha256sum /mnt/nvme/data | cut -d' ' -f1)" "$sum"
	umount /mnt/nvme
	check "systemctl stop pciemd@nvme" systemctl stop pciemd@nvme
	wait_for "the controller left" 20 no_nvme_disk

	# A plugin of the user's own, built against libpciem-dev.
	rm -rf /tmp/plugin
	cp -r "$E2E/plugin" /tmp/plugin
	is "pkg-config knows pciem-plugin $VERSION" "$(pkg-config --modversion pciem-plugin)" "$VERSION"
	check "scratch.c builds with pkg-config --cflags pciem-plugin" sh -c \
		'cd /tmp/plugin && f=$(pkg-config --cflags pciem-plugin) && cc -Wall -Werror $f -shared -fPIC -o scratch.so scratch.c'
	is "pkg-config names the plugin directory" \
		"$(pkg-config --variable=plugindir pciem-plugin)" "$PLUGINDIR"
	install -m 0644 /tmp/plugin/scratch.so "$PLUGINDIR/"
	cp /tmp/plugin/scratch.yaml /etc/pciem.d/
	check "pciemd --check accepts it" pciemd --check /etc/pciem.d/scratch.yaml
	check "systemctl start pciemd@scratch" systemctl start pciemd@scratch
	saddr=$(status_addr pciemd@scratch)
	check "its device is on the bus ($saddr)" is_device "$saddr"
	wait_for "the driver binds to it" 10 bound "$saddr" pciem_test
	echo "w 0 0x10 4 0x12345678" >"/sys/bus/pci/devices/$saddr/mmio"
	echo "r 0 0x10 4" >"/sys/bus/pci/devices/$saddr/mmio"
	is "its handlers serve SCRATCH (the complement of the write)" \
		"$(cat "/sys/bus/pci/devices/$saddr/mmio")" 0xedcba987
	check "systemctl stop pciemd@scratch" systemctl stop pciemd@scratch
	wait_for "its device is gone" 10 gone "$saddr"

	check "systemctl enable pciemd@counter" systemctl enable pciemd@counter
	echo second >"$STATE/phase"
	diag "rebooting"
	leaving=1
	systemctl --no-block reboot
}

# --- second boot: back after the reboot, bad input, stop, purge ----------

second_boot() {
	wait_for "after the reboot, pciemd@counter is active" 90 active pciemd@counter active
	addr=$(status_addr pciemd@counter)
	check "its device is on the bus ($addr)" is_device "$addr"
	is "and pciemd did not restart" "$(systemctl show -P NRestarts pciemd@counter)" 0
	check "nothing loads pciem at boot but the unit (no modules-load.d entry)" \
		sh -c '! grep -rsw pciem /etc/modules-load.d /usr/lib/modules-load.d /lib/modules-load.d /etc/modules'
	is "pciemd@nvme, not enabled, did not start" "$(systemctl is-active pciemd@nvme)" inactive

	# Bad input through the real path.
	cp "$E2E/plugin/broken.yaml" /etc/pciem.d/
	before=$(find /sys/bus/pci/devices -mindepth 1 -maxdepth 1 | wc -l)
	refused_start pciemd@broken 6 \
		"/etc/pciem.d/broken.yaml:10:18: error: BAR index 9 is out of range; expected 0..5"
	is "no device was created" "$(find /sys/bus/pci/devices -mindepth 1 -maxdepth 1 | wc -l)" "$before"
	is "nothing in its state directory" "$(ls -A /var/lib/pciem/broken 2>&1)" ""

	kernel_upgrade "$addr"

	check "systemctl stop pciemd@counter" systemctl stop pciemd@counter
	wait_for "its device is gone" 10 gone "$addr"
	check "systemctl disable pciemd@counter" systemctl disable pciemd@counter

	# What the user made goes first; purge must take the rest.
	rm -f /etc/pciem.d/*.yaml "$PLUGINDIR/scratch.so"
	check "apt purge pciem-dkms pciemd libpciem-dev" \
		apt-get purge -y pciem-dkms pciemd libpciem-dev
	is "dkms status is empty" "$(dkms status)" ""
	is "dpkg knows no pciem package" \
		"$(dpkg-query -W -f '${Package} ${db:Status-Abbrev}\n' 'pciem*' 'libpciem*' 2>/dev/null)" ""
	left=$(while read -r f; do
		if [ ! -d "$f" ] && { [ -e "$f" ] || [ -L "$f" ]; }; then echo "$f"; fi
	done <"$STATE/package-files")
	is "no file of the packages is left" "$left" ""
	left=$(ls -d /usr/src/pciem-* /var/lib/dkms/pciem /etc/pciem.d /var/lib/pciem \
		/usr/lib/$MULTIARCH/pciem /usr/include/pciem /usr/share/doc/pciemd \
		/lib/modules/*/updates/dkms/pciem.ko* 2>/dev/null)
	is "nor any directory of theirs, the module or the state" "$left" ""
	echo finished >"$STATE/phase"
	diag "e2e: done"
	echo "1..$n"
	finished=1
}

case $(cat "$STATE/phase" 2>/dev/null) in
"") first_boot ;;
second) second_boot ;;
*) diag "e2e: a third boot, with nothing left to do" ;;
esac
