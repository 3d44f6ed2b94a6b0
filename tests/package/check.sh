#!/bin/bash
# make check-package: builds the Debian packages (debian/) from a copy of
# the tree in build/package/src, so that nothing is written in the tree
# itself, then checks them:
#   - lintian finds no error and no warning in the .debs, .changes and
#     .buildinfo;
#   - every manual page (docs/man/ and as packaged) formats with no warning;
#   - VERSION is the version of the changelog, of each package, of the DKMS
#     tree and its dkms.conf, of pciem-plugin.pc and of pciemd --version,
#     and debian/rules refuses to build when VERSION is another;
#   - each package holds the files it must, and none it must not (a
#     modules-load file, objects); pciemd's scripts enable and start no
#     unit; the packaged unit passes systemd-analyze verify;
#   - from libpciem-dev and pciemd unpacked (dpkg-deb -x) into a directory:
#     each example plugin (counter, nvme) builds with pkg-config's flags
#     against the unpacked headers only, and the unpacked pciemd accepts it
#     (--check);
#   - the unpacked DKMS tree builds pciem.ko with dkms.conf's own make
#     command, for each kernel of KVERS (default: every supported kernel
#     installed); KDIR, with one kernel, overrides its build tree.
# Prints one TAP line per check and ends with "package: N passed, N failed".

# The checks are functions that check() calls, which shellcheck cannot see.
# shellcheck disable=SC2317
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
work=$top/build/package
kvers=${KVERS:-$("$top/scripts/kernels.sh" all)}
passed=0
failed=0
n=0

result() { # result OK|FAIL DESCRIPTION [DETAILS-FILE]
	n=$((n + 1))
	if [ "$1" = OK ]; then
		passed=$((passed + 1))
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
		if [ -n "${3:-}" ] && [ -f "$3" ]; then sed 's/^/# /' "$3" | tail -n 40; fi
	fi
}

# check DESCRIPTION COMMAND...: COMMAND's output is the details on failure.
check() {
	local desc=$1
	shift
	if "$@" >"$work/check.log" 2>&1; then
		result OK "$desc"
	else
		result FAIL "$desc" "$work/check.log"
	fi
}

finish() {
	echo "1..$n"
	echo "package: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

rm -rf "$work"
mkdir -p "$work/src"

"$top/scripts/copy-tree.sh" "$work/src"

version=$(cat "$top/VERSION")
# As from a shell: no make variables of a make check that runs this.
if (cd "$work/src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	dpkg-buildpackage -us -uc -b -j"$(nproc)") >"$work/build.log" 2>&1; then
	result OK "dpkg-buildpackage -us -uc -b builds the packages"
else
	result FAIL "dpkg-buildpackage -us -uc -b builds the packages" "$work/build.log"
	finish
fi

arch=$(dpkg-architecture -qDEB_HOST_ARCH)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd)
changes=$work/pciem_${version}_$arch.changes
deb_pciemd=$work/pciemd_${version}_$arch.deb
deb_dev=$work/libpciem-dev_${version}_$arch.deb
deb_dkms=$work/pciem-dkms_${version}_all.deb
debs=("$deb_dkms" "$deb_pciemd" "$deb_dev")

check "the .changes and the three packages are named with VERSION ($version)" \
	ls "$changes" "${debs[@]}"
for f in "$changes" "${debs[@]}"; do
	[ -f "$f" ] || finish
done

# lintian ---------------------------------------------------------------------
lintian_clean() {
	local rc=0
	lintian --fail-on error,warning "$changes" "$work"/*.buildinfo >"$work/lintian.log" 2>&1 || rc=$?
	# As root, lintian says so first; that is no finding.
	grep -v '^running with root privileges is not recommended!$' "$work/lintian.log" || true
	[ "$rc" -eq 0 ] && ! grep -q '^[EW]: ' "$work/lintian.log"
}
check "lintian: no error, no warning (.debs, .changes, .buildinfo)" lintian_clean

# Unpack every package -------------------------------------------------------
root=$work/root
mkdir -p "$root"
for d in "${debs[@]}"; do
	name=$(dpkg-deb -f "$d" Package)
	dpkg-deb -c "$d" | awk '{ print $6 }' | sed 's|/$||' >"$work/$name.contents"
	dpkg-deb -x "$d" "$root"
done

# Manual pages ---------------------------------------------------------------
man_clean() { # man_clean PAGE: formats with no warning at all
	local out
	out=$(man --warnings -E UTF-8 -l "$1" 2>&1 >/dev/null)
	[ -z "$out" ] || { echo "$out"; return 1; }
}
for page in "$top"/docs/man/*.[1-8]; do
	check "man --warnings: docs/man/${page##*/}" man_clean "$page"
done
for page in "$root"/usr/share/man/man*/*; do
	check "man --warnings: packaged ${page#"$root"}" man_clean "$page"
done

# Versions -------------------------------------------------------------------
same_version() {
	local what
	local -a got=(
		"debian/changelog=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)"
		"pciem-dkms=$(dpkg-deb -f "$deb_dkms" Version)"
		"pciemd=$(dpkg-deb -f "$deb_pciemd" Version)"
		"libpciem-dev=$(dpkg-deb -f "$deb_dev" Version)"
		"dkms.conf=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$root/usr/src/pciem-$version/dkms.conf" 2>/dev/null)"
		"pciem-plugin.pc=$(PKG_CONFIG_LIBDIR="$root/usr/lib/$multiarch/pkgconfig" pkg-config --modversion pciem-plugin)"
		"pciemd --version=$("$root/usr/bin/pciemd" --version | sed -n 's/^pciemd \([^ ]*\) .*/\1/p')"
	)
	for what in "${got[@]}"; do
		echo "$what"
		[ "${what#*=}" = "$version" ] || { echo "VERSION says $version"; return 1; }
	done
}
check "one version everywhere: VERSION, changelog, packages, DKMS, .pc, pciemd --version" same_version
version_guarded() { # the build stops when VERSION and the changelog differ
	local dir=$work/version-guard
	mkdir -p "$dir"
	cp -r "$work/src/debian" "$dir/"
	echo "$version.1" >"$dir/VERSION"
	! (cd "$dir" && debian/rules execute_before_dh_auto_build)
}
check "debian/rules refuses to build when VERSION is not the changelog's version" version_guarded

# Contents -------------------------------------------------------------------
has_paths() { # has_paths PACKAGE PATH...
	local pkg=$1 p missing=0
	shift
	for p in "$@"; do
		grep -qxF "./${p#/}" "$work/$pkg.contents" || { echo "$pkg lacks /${p#/}"; missing=1; }
	done
	return "$missing"
}
# Each example as devices/ holds it: NAME.yaml with NAME.c or NAME/*.[ch].
examples=()
for f in "$top"/devices/*.yaml "$top"/devices/*.c "$top"/devices/*/*.[ch]; do
	examples+=("/usr/share/doc/pciemd/examples/${f#"$top"/devices/}")
done
check "pciemd holds the daemon, its unit, plugins, config directory, examples and man pages" \
	has_paths pciemd /usr/bin/pciemd "$unitdir/pciemd@.service" \
	"/usr/lib/$multiarch/pciem/handlers/counter.so" "/usr/lib/$multiarch/pciem/handlers/nvme.so" \
	/etc/pciem.d/README "${examples[@]}" \
	/usr/share/doc/pciemd/pciemd.md.gz /usr/share/doc/pciemd/copyright \
	/usr/share/man/man8/pciemd.8.gz /usr/share/man/man5/pciem.yaml.5.gz
check "libpciem-dev holds the headers, pciem-plugin.pc and pciem-plugin(7)" \
	has_paths libpciem-dev /usr/include/pciem.h /usr/include/pciem/plugin.h \
	"/usr/lib/$multiarch/pkgconfig/pciem-plugin.pc" /usr/share/man/man7/pciem-plugin.7.gz
module_files=()
for f in "$top"/module/{Kbuild,Makefile,*.[ch],x86/*.[ch]}; do
	module_files+=("${f#"$top"/module/}")
done
check "pciem-dkms holds the module's sources, uapi/pciem.h and dkms.conf in /usr/src/pciem-$version" \
	has_paths pciem-dkms "${module_files[@]/#//usr/src/pciem-$version/}" \
	"/usr/src/pciem-$version/uapi/pciem.h" "/usr/src/pciem-$version/dkms.conf"
no_strays() {
	! cat "$work"/*.contents | grep -E 'modules-load\.d|\.(o|ko|cmd|mod)$|/build/'
}
check "no package holds a modules-load file or build products" no_strays
dkms_conf_ok() {
	local conf=$root/usr/src/pciem-$version/dkms.conf
	grep -qx 'AUTOINSTALL="yes"' "$conf" && grep -qx 'PACKAGE_NAME="pciem"' "$conf" &&
		grep -qx 'BUILT_MODULE_NAME\[0\]="pciem"' "$conf"
}
check "dkms.conf: pciem, AUTOINSTALL" dkms_conf_ok
no_unit_started() {
	local ctl=$work/pciemd.control
	local -a scripts=()
	dpkg-deb -e "$deb_pciemd" "$ctl"
	for f in "$ctl"/{pre,post}{inst,rm}; do
		if [ -f "$f" ]; then scripts+=("$f"); fi
	done
	[ ${#scripts[@]} -eq 0 ] ||
		! grep -E 'deb-systemd-helper (enable|unmask)|deb-systemd-invoke|systemctl (enable|start|restart)' \
			"${scripts[@]}"
}
check "pciemd's maintainer scripts enable and start no unit" no_unit_started
unit_verifies() {
	local dir=$work/unit
	mkdir -p "$dir"
	sed "s|/usr/bin/pciemd|$root/usr/bin/pciemd|" "$root$unitdir/pciemd@.service" >"$dir/pciemd@.service"
	(cd "$dir" && systemd-analyze verify "$dir/pciemd@counter.service") >"$dir/verify.log" 2>&1
	cat "$dir/verify.log"
	[ ! -s "$dir/verify.log" ]
}
check "systemd-analyze verify: the packaged unit, quiet" unit_verifies

# Plugins built from the packages -------------------------------------------
# Each example's source as packaged (NAME.c, or NAME/*.c), in a directory of
# its own, built with the flags of the unpacked pciem-plugin.pc: nothing
# from the tree.  The unpacked pciemd then accepts each example with it.
plugin_cflags=$(PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR="$root/usr/lib/$multiarch/pkgconfig" \
	pkg-config --cflags pciem-plugin) || plugin_cflags=
plugin_builds() { # plugin_builds NAME
	local dir=$work/plugin src=$root/usr/share/doc/pciemd/examples
	mkdir -p "$dir/$1"
	echo "cflags: $plugin_cflags"
	[[ $plugin_cflags == *"-I$root/usr/include"* ]] || return 1
	if [ -d "$src/$1" ]; then cp "$src/$1"/*.[ch] "$dir/$1/"; else cp "$src/$1.c" "$dir/$1/"; fi
	# shellcheck disable=SC2086 # pkg-config's flags, one word each
	(cd "$dir/$1" && cc -std=c11 -Wall -Wextra -Werror $plugin_cflags -shared -fPIC \
		-fvisibility=hidden -o "$dir/$1.so" ./*.c)
}
plugin_accepted() { # plugin_accepted NAME
	"$root/usr/bin/pciemd" --plugin-dir "$work/plugin" \
		--check "$root/usr/share/doc/pciemd/examples/$1.yaml"
}
for f in "$top"/devices/*.yaml; do
	name=${f##*/}
	name=${name%.yaml}
	check "example $name as packaged builds with pkg-config --cflags pciem-plugin, unpacked headers only" \
		plugin_builds "$name"
	check "the unpacked pciemd --check accepts example $name with that plugin" plugin_accepted "$name"
done
plugindir_right() {
	local dir
	dir=$(PKG_CONFIG_LIBDIR="$root/usr/lib/$multiarch/pkgconfig" pkg-config --variable=plugindir pciem-plugin)
	echo "plugindir=$dir"
	[ "$dir" = "/usr/lib/$multiarch/pciem/handlers" ] &&
		"$root/usr/bin/pciemd" --help | grep -qF "$dir"
}
check "pciem-plugin.pc's plugindir is the directory pciemd searches" plugindir_right

# The module from the DKMS tree ---------------------------------------------
# As DKMS does it: dkms.conf read with kernel_source_dir set, then its
# MAKE[0] run in (a copy of) the tree.
dkms_make() { # dkms_make TREE KERNEL-BUILD-DIR
	(
		# shellcheck disable=SC2034 # dkms.conf's MAKE[0] uses it
		kernel_source_dir=$2
		# shellcheck source=/dev/null
		. "$1/dkms.conf"
		cd "$1"
		echo "${MAKE[0]}"
		MAKEFLAGS=-j$(nproc) eval "${MAKE[0]}"
	)
}
for kver in $kvers; do
	tree=$work/dkms-$kver
	cp -a "$root/usr/src/pciem-$version" "$tree"
	desc="the DKMS tree builds pciem.ko for $kver with dkms.conf's MAKE[0]"
	if dkms_make "$tree" "${KDIR:-/lib/modules/$kver/build}" >"$tree.log" 2>&1 &&
		[ -f "$tree/pciem.ko" ] &&
		[ "$(modinfo -F vermagic "$tree/pciem.ko" | cut -d' ' -f1)" = "$kver" ]; then
		result OK "$desc"
	else
		result FAIL "$desc" "$tree.log"
	fi
done

finish
