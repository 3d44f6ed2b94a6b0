#!/bin/bash
# make deps: installs the Debian packages that building and testing need,
# and both supported kernels (scripts/kernels.sh): Debian 12's own, and the
# 6.12 series from bookworm-backports.
#
# The backports suite is added on the mirror this machine already uses for
# bookworm, pinned so that apt takes nothing from it but the 6.12 kernel's
# image, headers and kbuild packages: nothing else on the machine is ever
# upgraded from backports.  The 6.12 kernel is only booted inside the test
# VM; installing its image here runs update-initramfs and nothing more.
#
# Runs apt-get only when something is missing.  Needs root for that.
set -euo pipefail

PACKAGES=(
	build-essential pkg-config kmod cpio xz-utils shellcheck
	linux-headers-amd64 linux-image-amd64 linux-source-6.1
	qemu-system-x86 busybox-static pciutils
	check libyaml-dev libsystemd-dev systemd clang libclang-rt-14-dev
	nvme-cli fio e2fsprogs util-linux
	dpkg-dev debhelper dh-dkms lintian man-db
	mmdebstrap qemu-utils
)
SOURCES=/etc/apt/sources.list.d/pciem-bookworm-backports.sources
PIN=/etc/apt/preferences.d/pciem-bookworm-backports

die() {
	echo "deps: $*" >&2
	exit 1
}

is_installed() {
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

have_6_12() {
	local v
	for v in /lib/modules/6.12.*; do
		if [ -d "$v/build" ] && [ -f "/boot/vmlinuz-${v##*/}" ]; then return 0; fi
	done
	return 1
}

# The mirror that serves this machine's bookworm main suite.
# shellcheck disable=SC2016 # apt's own $(FIELD) placeholders
bookworm_mirror() {
	apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' 2>/dev/null |
		awk '$2 == "bookworm" && $3 == "main" { print $1; exit }'
}

add_backports() {
	local mirror
	[ ! -f "$SOURCES" ] || [ ! -f "$PIN" ] || return 0
	mirror=$(bookworm_mirror)
	[ -n "$mirror" ] || die "no apt source for bookworm main is configured; cannot add bookworm-backports"
	echo "deps: adding bookworm-backports from $mirror, pinned to the 6.12 kernel packages"
	cat >"$SOURCES" <<EOF
# Added by PCIem's 'make deps' for the 6.12 kernel (see $PIN).
Types: deb
URIs: $mirror
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	# The first matching record wins: the kernel's packages may come from
	# backports, nothing else may (-1: never installed from there).
	cat >"$PIN" <<'EOF'
# Added by PCIem's 'make deps': from bookworm-backports, only the 6.12 kernel.
Package: linux-image-6.12* linux-headers-6.12* linux-kbuild-6.12*
Pin: release n=bookworm-backports
Pin-Priority: 500

Package: *
Pin: release n=bookworm-backports
Pin-Priority: -1
EOF
}

# linux-image-6.12.N+deb12-amd64: the release backports' metapackage names.
backports_kernel() {
	apt-cache show linux-image-amd64/bookworm-backports 2>/dev/null |
		sed -n 's/^Depends: \(linux-image-6\.12\.[^ ,]*-amd64\).*/\1/p' | head -n 1
}

# shellcheck source=/dev/null
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ "$codename" = bookworm ] ||
	die "this is '${codename:-unknown}', not Debian 12 (bookworm): install the packages listed in scripts/deps.sh by hand"

missing=()
for p in "${PACKAGES[@]}"; do
	is_installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ] && have_6_12; then
	echo "deps: all installed"
	exit 0
fi
[ "$(id -u)" = 0 ] || die "missing: ${missing[*]:-the 6.12 kernel}; run 'make deps' as root"

export DEBIAN_FRONTEND=noninteractive
add_backports
apt-get update -q
if ! have_6_12; then
	image=$(backports_kernel)
	[ -n "$image" ] || die "bookworm-backports offers no 6.12 kernel (apt-cache show linux-image-amd64/bookworm-backports)"
	missing+=("$image" "linux-headers-${image#linux-image-}")
fi
echo "deps: installing: ${missing[*]}"
apt-get install -y -q --no-install-recommends "${missing[@]}"
have_6_12 || die "the 6.12 kernel's image or headers are still missing after installing them"
