#!/bin/bash
# tests/e2e/root.sh RELEASE: a fresh minimal Debian RELEASE (bookworm or
# trixie) that boots with systemd as PID 1 on its own distribution kernel,
# for the end-to-end tests (tests/e2e/run).  Prints the directory that
# holds it:
#   root.img     ext4 image of the root (label pciem-root), used read-only
#                under a qcow2 overlay by each run
#   vmlinuz, initrd.img   the root's kernel and initramfs, to boot it
#   kernel       the kernel's release (uname -r)
#
# The root is what mmdebstrap's minbase variant makes, plus what the
# packages need to install with no network (DKMS, the compiler, the
# kernel's headers, libyaml, libsystemd) and the tools the test uses.  The
# only things added by hand: a machine id (so this is not a first boot), a
# host name, an fstab, and pciem-e2e.service, which at boot mounts the disk
# labelled PCIEME2E, if there is one, and runs its e2e.sh.  apt's daily
# timers are masked so that no apt run of theirs holds dpkg's lock while
# the test installs.  The Debian 12 root also has the kernel image of
# bookworm-backports (6.12), not booted, and its headers downloaded but not
# installed (root-newer-kernel.sh): the guest installs them, and DKMS must
# build the module for that kernel.
#
# Built once per set of inputs (release, mirror, this script) with
# mmdebstrap (3 to 5 minutes) from PCIEM_E2E_MIRROR (default: the mirror
# this machine's apt uses, see lib.sh) and cached in PCIEM_E2E_CACHE
# (default ~/.cache/pciem/e2e); older roots of the same release are
# removed.
set -euo pipefail

release=${1:?usage: root.sh bookworm|trixie}
case $release in
bookworm | trixie) ;;
*) echo "root.sh: unknown release '$release' (bookworm or trixie)" >&2; exit 2 ;;
esac
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
mirror=$(e2e_mirror)
cache=$(e2e_cache)

packages=(
	systemd-sysv udev kmod dbus
	linux-image-amd64 linux-headers-amd64
	dkms gcc make libc6-dev pkgconf
	libyaml-0-2 libsystemd0
	e2fsprogs nvme-cli pciutils procps
)

newer_kernel=$(dirname "$0")/root-newer-kernel.sh
newer_suite=
if [ "$release" = bookworm ]; then newer_suite=bookworm-backports; fi

key=$(cat "$0" "$newer_kernel" - <<<"$release $mirror ${packages[*]} $newer_suite" | sha256sum | cut -c1-12)
dir=$cache/$release-$key
if [ -f "$dir/done" ]; then
	echo "$dir"
	exit 0
fi

for t in mmdebstrap mke2fs; do
	command -v "$t" >/dev/null || { echo "root.sh: $t not found (make deps)" >&2; exit 1; }
done
mkdir -p "$cache"
exec 9>"$cache/.lock-$release"
flock -w 1500 9 || { echo "root.sh: another run has been making the $release root for 25 minutes" >&2; exit 1; }
if [ -f "$dir/done" ]; then
	echo "$dir"
	exit 0
fi
find "$cache" -mindepth 1 -maxdepth 1 -name "$release-*" ! -name "$release-$key" -exec rm -rf {} +
rm -rf "$dir"
mkdir -p "$dir"
tree=$dir/tree
log=$dir/mmdebstrap.log

# The customize hook runs outside the root with the root's path as $1.
# shellcheck disable=SC2016
hook='
set -e
r=$1
head -c 16 /dev/urandom | od -An -tx1 | tr -d " \n" >"$r/etc/machine-id"
echo >>"$r/etc/machine-id"
echo pciem-e2e >"$r/etc/hostname"
echo "LABEL=pciem-root / ext4 rw,errors=remount-ro 0 1" >"$r/etc/fstab"
for t in apt-daily.timer apt-daily-upgrade.timer; do
	ln -sf /dev/null "$r/etc/systemd/system/$t"
done
cat >"$r/etc/systemd/system/pciem-e2e.service" <<UNIT
[Unit]
Description=PCIem end-to-end test, from the disk labelled PCIEME2E
After=multi-user.target
ConditionPathExists=/dev/disk/by-label/PCIEME2E

[Service]
Type=oneshot
ExecStart=/bin/sh -c "mkdir -p /mnt/e2e && (mountpoint -q /mnt/e2e || mount LABEL=PCIEME2E /mnt/e2e) && exec /bin/sh /mnt/e2e/e2e.sh"
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
UNIT
mkdir -p "$r/etc/systemd/system/multi-user.target.wants"
ln -sf /etc/systemd/system/pciem-e2e.service "$r/etc/systemd/system/multi-user.target.wants/pciem-e2e.service"
'

hooks=(--customize-hook="$hook")
if [ -n "$newer_suite" ]; then
	# shellcheck disable=SC2016 # "$1" is for the hook's shell: the root
	hooks+=(--customize-hook="$(printf '%q "$1" %q %q' "$(realpath "$newer_kernel")" "$mirror" "$newer_suite")")
fi

if ! timeout 1200 mmdebstrap --variant=minbase --include="$(
	IFS=,
	echo "${packages[*]}"
)" "${hooks[@]}" "$release" "$tree" "$mirror" >"$log" 2>&1; then
	tail -n 30 "$log" >&2
	echo "root.sh: mmdebstrap failed for $release (log: $log)" >&2
	rm -rf "$tree"
	exit 1
fi

# The kernel to boot: the release's own, not the newer one the hook added.
newer=$(cat "$tree/var/cache/pciem-e2e-kernel/kernel" 2>/dev/null || true)
kernels=()
for k in "$tree"/boot/vmlinuz-*; do
	[ -f "$k" ] && [ "${k##*/vmlinuz-}" != "$newer" ] && kernels+=("$k")
done
if [ ${#kernels[@]} -ne 1 ]; then
	echo "root.sh: expected one kernel of $release in $tree/boot, found: ${kernels[*]}" >&2
	exit 1
fi
kver=${kernels[0]##*/vmlinuz-}
cp "$tree/boot/vmlinuz-$kver" "$dir/vmlinuz"
cp "$tree/boot/initrd.img-$kver" "$dir/initrd.img"
echo "$kver" >"$dir/kernel"
# Room for the packages, DKMS's build and the NVMe example's namespaces.
mke2fs -q -t ext4 -L pciem-root -d "$tree" "$dir/root.img" 6G >&2
rm -rf "$tree"
touch "$dir/done"
echo "$dir"
