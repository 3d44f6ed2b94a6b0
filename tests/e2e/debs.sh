#!/bin/bash
# tests/e2e/debs.sh RELEASE OUTDIR: the Debian packages built from this
# tree with dpkg-buildpackage -us -uc -b on Debian RELEASE (bookworm or
# trixie), into OUTDIR.  On a machine of that release, on the machine;
# otherwise in a minimal RELEASE build root (mmdebstrap's buildd variant
# with the build dependencies of debian/control), cached like the test
# roots in PCIEM_E2E_CACHE and entered with chroot in a mount namespace
# of its own.  The build's log is OUTDIR/build.log.  lintian of that
# release then checks the .changes (OUTDIR/lintian.log): an error or a
# warning exits 3.
# tests/e2e/debs.sh --prepare RELEASE: only make (or find) that build root.
set -euo pipefail

usage="usage: debs.sh RELEASE OUTDIR, or debs.sh --prepare RELEASE (RELEASE: bookworm or trixie)"
prepare=0
if [ "${1:-}" = --prepare ]; then
	prepare=1
	shift
fi
release=${1:?$usage}
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
mirror=$(e2e_mirror)
cache=$(e2e_cache)
# shellcheck disable=SC1091
here=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")

# build_root: sets root to the cached RELEASE build root, made if needed.
build_root() {
	local bdeps key
	# The build dependencies, read from debian/control.
	mapfile -t bdeps < <(sed -n '/^Build-Depends:/,/^[A-Za-z-]*:/p' "$top/debian/control" |
		sed '1s/^Build-Depends://; $d' | tr ',' '\n' |
		sed 's/[|(].*//; s/^[[:space:]]*//; s/[[:space:]]*$//' | grep -v '^$')
	bdeps+=(lintian)
	key=$(cat "$0" - <<<"$release $mirror ${bdeps[*]}" | sha256sum | cut -c1-12)
	root=$cache/build-$release-$key
	mkdir -p "$cache"
	exec 9>"$cache/.lock-build-$release"
	flock -w 1500 9 || { echo "debs.sh: another run has been making the $release build root for 25 minutes" >&2; exit 1; }
	[ ! -f "$root.done" ] || return 0
	find "$cache" -mindepth 1 -maxdepth 1 -name "build-$release-*" ! -name "build-$release-$key*" \
		-exec rm -rf {} +
	rm -rf "$root"
	if ! timeout 1200 mmdebstrap --variant=buildd --include="$(
		IFS=,
		echo "${bdeps[*]}"
	)" "$release" "$root" "$mirror" >"$root.log" 2>&1; then
		tail -n 30 "$root.log" >&2
		echo "debs.sh: mmdebstrap failed for the $release build root (log: $root.log)" >&2
		exit 1
	fi
	touch "$root.done"
}

if [ "$prepare" = 1 ]; then
	[ "$here" = "$release" ] || build_root
	exit 0
fi
out=${2:?$usage}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
"$top/scripts/copy-tree.sh" "$work/src"

# shellcheck disable=SC2016 # expanded by the shell that runs it
build_cmd='cd "$1" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL dpkg-buildpackage -us -uc -b -j2'
# shellcheck disable=SC2016
lintian_cmd='cd "$1/.." && lintian --fail-on error,warning ./*.changes'

# lintian_clean LOG: lintian's output (run by the command given after) in
# LOG has no error or warning, and it exited 0.
lintian_clean() {
	local log=$1 rc=0
	shift
	"$@" >"$log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ] || grep -q '^[EW]: ' "$log"; then
		echo "debs.sh: lintian on $release:" >&2
		grep -v '^running with root' "$log" >&2
		exit 3
	fi
}

if [ "$here" = "$release" ]; then
	sh -c "$build_cmd" sh "$work/src" >"$out/build.log" 2>&1 ||
		{ tail -n 30 "$out/build.log" >&2; exit 1; }
	cp "$work"/*.deb "$out/"
	lintian_clean "$out/lintian.log" sh -c "$lintian_cmd" sh "$work/src"
	exit 0
fi

build_root
rm -rf "$root/build"
mkdir -p "$root/build"
cp -a "$work/src" "$root/build/src"
# shellcheck disable=SC2016
if ! unshare --mount --fork sh -c '
	mount --rbind /dev "$1/dev" && mount -t proc proc "$1/proc" &&
	exec chroot "$1" sh -c "$2" sh /build/src' sh "$root" "$build_cmd" >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	echo "debs.sh: dpkg-buildpackage failed on $release (log: $out/build.log)" >&2
	exit 1
fi
cp "$root"/build/*.deb "$out/"
# shellcheck disable=SC2016
lintian_clean "$out/lintian.log" unshare --mount --fork sh -c '
	mount --rbind /dev "$1/dev" && mount -t proc proc "$1/proc" &&
	exec chroot "$1" sh -c "$2" sh /build/src' sh "$root" "$lintian_cmd"
rm -rf "$root/build"
