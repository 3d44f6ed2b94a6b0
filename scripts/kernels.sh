#!/bin/bash
# The kernels PCIem supports, as installed on this machine.
#
#   scripts/kernels.sh default   the default kernel release (one line)
#   scripts/kernels.sh all       every supported release installed, default first
#   scripts/kernels.sh rt        Debian 12's PREEMPT_RT release (make check-debug)
#
# Two series are supported and tested:
#   6.1   Debian 12's own kernel: the release its linux-headers-amd64
#         package depends on.  This is the default: it is what a Debian 12
#         machine runs, and the release whose source (linux-source-6.1) the
#         project reads as its API reference.  Installing another kernel
#         never changes the default.
#   6.12  the series Debian 13 ships, on Debian 12 from bookworm-backports
#         (make deps installs it): the newest installed 6.12.* release.
# Debian 12's PREEMPT_RT kernel (linux-image-rt-amd64) is not a target of
# its own; make check-debug runs the suite on it too.
# A release counts as installed when it has both /boot/vmlinuz-RELEASE (the
# VM boots it) and /lib/modules/RELEASE/build (modules build against it).
# Prints nothing, and exits 1 with a hint on stderr, when none is installed.
set -euo pipefail

installed() { [ -f "/boot/vmlinuz-$1" ] && [ -d "/lib/modules/$1/build" ]; }

# debian12_release [FLAVOUR]: the release linux-headers-FLAVOUR depends on.
debian12_release() {
	local dep
	dep=$(dpkg-query -W -f='${Depends}' "linux-headers-${1:-amd64}" 2>/dev/null) || return 0
	dep=${dep%% *}
	case $dep in
	linux-headers-6.1.*) ;;
	*) return 0 ;;
	esac
	if installed "${dep#linux-headers-}"; then echo "${dep#linux-headers-}"; fi
}

series_6_12_release() {
	local v found=
	for v in $(find /lib/modules -mindepth 1 -maxdepth 1 -name '6.12.*' -printf '%f\n' 2>/dev/null | sort -V); do
		if installed "$v"; then found=$v; fi
	done
	[ -z "$found" ] || echo "$found"
}

none() {
	echo "kernels: no supported kernel is installed (run 'make deps')" >&2
	exit 1
}

case ${1:-} in
default)
	v=$(debian12_release)
	[ -n "$v" ] || none
	echo "$v"
	;;
all)
	list=$(debian12_release; series_6_12_release)
	[ -n "$list" ] || none
	echo "$list"
	;;
rt)
	v=$(debian12_release rt-amd64)
	if [ -z "$v" ]; then
		echo "kernels: Debian 12's PREEMPT_RT kernel is not installed (apt-get install linux-image-rt-amd64 linux-headers-rt-amd64)" >&2
		exit 1
	fi
	echo "$v"
	;;
*)
	echo "usage: $0 default|all|rt" >&2
	exit 2
	;;
esac
