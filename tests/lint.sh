#!/bin/bash
# Static checks: the module and test drivers build without warnings at
# W=1, checkpatch --strict (from Debian's linux-source-6.1) finds nothing in
# module/ and tests/drivers/, and shell scripts pass shellcheck.  Prints one
# TAP line per check and ends with "lint: N passed, N failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build/lint
kdir=${KDIR:?KDIR must name the kernel build tree}
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

# W=1 with -Werror, on a copy so the tree's own objects are left alone.
rm -rf "$build/module" "$build/uapi"
cp -r "$top/module" "$build/module"
cp -r "$top/uapi" "$build/uapi"
make -C "$build/module" clean KDIR="$kdir" >/dev/null 2>&1
if make -C "$kdir" M="$build/module" W=1 KCFLAGS=-Werror modules \
	>"$build/w1.log" 2>&1 && ! grep -q 'warning:' "$build/w1.log"; then
	result OK "module builds with W=1 and no warnings"
else
	result FAIL "module builds with W=1 and no warnings" "$build/w1.log"
fi
if make -C "$kdir" M="$top/tests/drivers" W=1 KCFLAGS=-Werror modules \
	>"$build/drivers-w1.log" 2>&1 && ! grep -q 'warning:' "$build/drivers-w1.log"; then
	result OK "test drivers build with W=1 and no warnings"
else
	result FAIL "test drivers build with W=1 and no warnings" "$build/drivers-w1.log"
fi

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
mapfile -t ksrc < <(cd "$top" && git ls-files 'module/*.[ch]' 'module/**/*.[ch]' 'tests/drivers/*.c' | sort -u)
for f in "${ksrc[@]}"; do
	if (cd "$top" && perl "$cp_dir/scripts/checkpatch.pl" --strict --no-tree \
		--show-types -f "$f") >"$build/cp.log" 2>&1 &&
		grep -q "total: 0 errors, 0 warnings, 0 checks" "$build/cp.log"; then
		result OK "checkpatch --strict: $f"
	else
		result FAIL "checkpatch --strict: $f" "$build/cp.log"
	fi
done

mapfile -t scripts < <(cd "$top" && git ls-files '*.sh' 'tests/vm/run' 'tests/vm/selftest' 'tests/vm/guest/init' '.ci/run')
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
