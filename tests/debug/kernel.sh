#!/bin/bash
# Builds, once, the debug kernel that `make check-debug` boots: Debian's
# linux-source-6.1 configured as x86_64_defconfig + kvm_guest.config +
# tests/debug/kernel.config. The build lives outside the checkout, in
# PCIEM_DEBUG_CACHE (default ~/.cache/pciem/debug-kernel), and is reused
# until the config, the source package, the compiler or the way it is built
# (build_format below) change.
#
# Prints, as shell assignments for the caller to eval:
#   KVER=RELEASE  KDIR=BUILD-TREE  VM_SYSROOT=DIR
# where DIR holds boot/vmlinuz-RELEASE and lib/modules/RELEASE/.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${PCIEM_DEBUG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pciem/debug-kernel}
tarball=/usr/src/linux-source-6.1.tar.xz
# Raise when the build steps below change what they produce.
build_format=1

say() { echo "debug-kernel: $*" >&2; }
die() {
	say "$*"
	exit 1
}

# What building a kernel takes, beyond what `make deps` installs.
need=(linux-source-6.1 bc bison flex libelf-dev libssl-dev cpio xz-utils kmod)
missing=()
for p in "${need[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "missing packages (${missing[*]}); install them as root"
	say "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
fi
[ -r "$tarball" ] || die "no $tarball (package linux-source-6.1)"

key=$({
	cat "$here/kernel.config"
	echo "format $build_format"
	dpkg-query -W -f='${Version}\n' linux-source-6.1
	gcc --version | head -n 1
} | sha256sum | cut -c1-12)
dir=$cache/$key
out=$dir/out
src=$dir/linux-source-6.1

mkdir -p "$cache"
# Two runs at once would build over each other: the second waits.
exec 9>"$cache/.lock"
flock 9
if [ ! -f "$dir/built" ]; then
	# One build at a time is kept: an older config's tree is 5 GiB of waste.
	find "$cache" -mindepth 1 -maxdepth 1 ! -name "$key" ! -name .lock -exec rm -rf {} +
	rm -rf "$dir"
	mkdir -p "$dir"
	log=$dir/build.log
	say "building in $dir (log: $log); about 25 minutes on 2 cores"
	start=$(date +%s)
	{
		tar -xJf "$tarball" -C "$dir"
		make -C "$src" O="$out" x86_64_defconfig
		"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
			"$src/kernel/configs/kvm_guest.config" "$here/kernel.config"
		make -C "$src" O="$out" olddefconfig
	} >"$log" 2>&1 || die "configuring failed; see $log"
	# Kconfig drops what it cannot satisfy without a word: check every
	# setting asked for made it into the final config.
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) grep -qxF "$line" "$out/.config" || die "Kconfig refused '$line' (see $out/.config)" ;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }
			opt=${opt%% *}
			if grep -q "^$opt=" "$out/.config"; then die "Kconfig kept $opt although it is unset"; fi
			;;
		esac
	done <"$here/kernel.config"
	make -C "$src" O="$out" -j"$(nproc)" bzImage modules >>"$log" 2>&1 ||
		die "the kernel build failed; see $log"
	rel=$(cat "$out/include/config/kernel.release")
	make -C "$src" O="$out" INSTALL_MOD_PATH="$dir/root" INSTALL_MOD_STRIP=1 \
		modules_install >>"$log" 2>&1 || die "modules_install failed; see $log"
	mkdir -p "$dir/root/boot"
	cp "$out/arch/x86/boot/bzImage" "$dir/root/boot/vmlinuz-$rel"
	ln -sfn "$out" "$dir/root/lib/modules/$rel/build"
	echo "$rel" >"$dir/built"
	say "built $rel in $(($(date +%s) - start)) s"
fi

rel=$(cat "$dir/built")
printf 'KVER=%q\nKDIR=%q\nVM_SYSROOT=%q\n' "$rel" "$out" "$dir/root"
