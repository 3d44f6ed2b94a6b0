#!/bin/bash
# Static checks: the module and test drivers build without warnings at
# W=1 for every kernel in KVERS (default: every supported kernel installed),
# checkpatch --strict (from Debian's linux-source-6.1) finds nothing in
# module/ and tests/drivers/, and shell scripts pass shellcheck.  Prints one
# TAP line per check and ends with "lint: N passed, N failed".  KDIR, with a
# single kernel in KVERS, overrides its build tree.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build/lint
kvers=${KVERS:-$("$top/scripts/kernels.sh" all)}
src_tar=/usr/src/linux-source-6.1.tar.xz
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
		[ -z "${3:-}" ] || sed 's/^/# /' "$3" | head -n 60
	fi
}

mkdir -p "$build"

# W=1 with -Werror, in a tree of its own per kernel so the build's objects
# are left alone.
for kver in $kvers; do
	kdir=${KDIR:-/lib/modules/$kver/build}
	tree=$build/kernel/$kver
	"$top/scripts/link-tree.sh" "$tree" module uapi tests/drivers tests/progs/lib
	for what in module tests/drivers; do
		log=$build/w1-$kver-${what##*/}.log
		desc="${what##*/} builds with W=1 and no warnings on $kver"
		if make -C "$kdir" M="$tree/$what" W=1 KCFLAGS=-Werror modules >"$log" 2>&1 &&
			! grep -q 'warning:' "$log"; then
			result OK "$desc"
		else
			result FAIL "$desc" "$log"
		fi
	done
done

# checkpatch.pl and the data files it reads, from the kernel source package.
cp_dir=$build/checkpatch
if [ ! -x "$cp_dir/scripts/checkpatch.pl" ]; then
	rm -rf "$cp_dir"
	mkdir -p "$cp_dir"
	tar -xJf "$src_tar" -C "$cp_dir" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
fi
mapfile -t ksrc < <(cd "$top" && git ls-files 'module/*.[ch]' 'module/**/*.[ch]' 'tests/drivers/*.c' 'tests/drivers/*.h' | sort -u)
for f in "${ksrc[@]}"; do
	if (cd "$top" && perl "$cp_dir/scripts/checkpatch.pl" --strict --no-tree \
		--show-types -f "$f") >"$build/cp.log" 2>&1 &&
		grep -q "total: 0 errors, 0 warnings, 0 checks" "$build/cp.log"; then
		result OK "checkpatch --strict: $f"
	else
		result FAIL "checkpatch --strict: $f" "$build/cp.log"
	fi
done

mapfile -t scripts < <(cd "$top" && git ls-files '*.sh' 'tests/vm/run' 'tests/vm/selftest' 'tests/vm/guest/init' 'tests/debug/run' 'tests/e2e/run' '.ci/run')
for f in "${scripts[@]}"; do
	if (cd "$top" && shellcheck -x "$f") >"$build/sc.log" 2>&1; then
		result OK "shellcheck: $f"
	else
		result FAIL "shellcheck: $f" "$build/sc.log"
	fi
done

echo "1..$n"
echo "lint: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
