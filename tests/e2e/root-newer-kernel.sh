#!/bin/sh
# tests/e2e/root-newer-kernel.sh ROOT MIRROR SUITE: an mmdebstrap customize
# hook (root.sh).  Installs in ROOT the newest kernel image of SUITE, which
# the guest never boots, and downloads, without installing, its headers
# (with whatever of their dependencies ROOT lacks) into
# ROOT/var/cache/pciem-e2e-kernel, with the kernel's release in its file
# "kernel".  The guest installs the headers, the last step of a kernel
# upgrade, with no network, and DKMS must build pciem for that kernel.
# Installing the image here, natively, and not in the guest spares the
# test minutes of TCG (unpacking and depmod of some 4,000 modules); what
# DKMS reacts to, the headers arriving, stays in the guest.  ROOT's apt
# sources are left as they were (mmdebstrap drops the package lists after
# the hooks).
set -eu

root=$1 mirror=$2 suite=$3
list=$root/etc/apt/sources.list.d/pciem-e2e-newer-kernel.list
dest=$root/var/cache/pciem-e2e-kernel

echo "deb $mirror $suite main" >"$list"
chroot "$root" apt-get -q update
# linux-headers-amd64 names the release: "Depends: linux-headers-KVER (= V)".
kver=$(chroot "$root" apt-cache show "linux-headers-amd64/$suite" |
	sed -n 's/^Depends: linux-headers-\([^ ,]*\).*/\1/p' | head -n 1)
if [ -z "$kver" ]; then
	echo "root-newer-kernel.sh: no linux-headers-amd64 in $suite at $mirror" >&2
	exit 1
fi
# Not the metapackages (linux-headers-amd64 pulls linux-image-amd64), and
# no -t SUITE: it would upgrade what else SUITE has newer.
chroot "$root" apt-get -q -y --no-install-recommends install "linux-image-$kver"
chroot "$root" apt-get -q clean
chroot "$root" apt-get -q -y --download-only --no-install-recommends \
	install "linux-headers-$kver"
mkdir -p "$dest"
mv "$root"/var/cache/apt/archives/*.deb "$dest/"
echo "$kver" >"$dest/kernel"
rm -f "$list"
