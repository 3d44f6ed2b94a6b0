#!/bin/bash
# tests/summary.sh, the last thing make check prints: the totals add up,
# a part without its result line counts as a failure, and a failed part's
# "not ok" lines come back at the end with the comment lines after them
# (and nothing from the parts that passed).  TAP on stdout.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
n=0
bad=0

t() { # t DESCRIPTION COMMAND...
	n=$((n + 1))
	if "${@:2}"; then
		echo "ok $n - summary: $1"
	else
		echo "not ok $n - summary: $1"
		bad=1
		sed 's/^/# /' "$dir/out"
	fi
}

# shellcheck disable=SC2317 # called through t
has() { grep -qxF -- "$1" "$dir/out"; }
# shellcheck disable=SC2317
lacks() { ! grep -qF -- "$1" "$dir/out"; }

printf '%s\n' 'ok 1 - a: fine' 'unit: 4 passed, 0 failed' >"$dir/unit.log"
echo 12 >"$dir/unit.secs"
printf '%s\n' 'ok 1 - 10-x: insmod' '# 10-x: passed in 1s' \
	'not ok 2 - 83-y: no tests run' 'not ok 3 - 83-y: kernel log clean' \
	'#   rcu: INFO: rcu_preempt detected stalls' '# 83-y: last lines of the console log:' \
	'#   [ 9.1] the last line' 'ok 4 - 84-z: next' '# 84-z: unrelated comment' \
	'vm (6.12.1): 2 passed, 2 failed' >"$dir/vm.log"
printf '%s\n' 'ok 1 - started' 'make: *** [x] Error 2' >"$dir/cut.log"

"$top/tests/summary.sh" "$dir/unit.log" >"$dir/out" 2>&1
rc=$?
t "a passing part: status 0" test "$rc" = 0
t "a passing part: its line with its seconds" has "summary: unit: 4 passed, 0 failed (12 s)"
t "a passing part: the total is the last line" \
	test "$(tail -n 1 "$dir/out")" = "4 passed, 0 failed"
t "a passing part: no failure details" lacks "failed:"

"$top/tests/summary.sh" "$dir/unit.log" "$dir/vm.log" "$dir/cut.log" >"$dir/out" 2>&1
rc=$?
t "failures: status 1" test "$rc" = 1
t "failures: totals add up, a part cut short counts once" \
	test "$(tail -n 1 "$dir/out")" = "6 passed, 3 failed"
t "failures: the part cut short is named" has "summary: cut ended without a result line"
t "failures: each failed check comes back" has "  not ok 2 - 83-y: no tests run"
t "failures: with the lines the harness printed after it" \
	has "  #   rcu: INFO: rcu_preempt detected stalls"
t "failures: the console's last lines too" has "  #   [ 9.1] the last line"
t "failures: but not the comments after a passing check" lacks "unrelated comment"
t "failures: nor the passing checks" lacks "ok 4 - 84-z"
t "failures: a part cut short shows its last words" has "  make: *** [x] Error 2"
t "failures: the details come before the total" \
	test "$(grep -n 'failed: vm' "$dir/out" | cut -d: -f1)" -lt "$(wc -l <"$dir/out")"

SUMMARY_DETAIL_LINES=3 "$top/tests/summary.sh" "$dir/vm.log" >"$dir/out" 2>&1
t "the details are capped (SUMMARY_DETAIL_LINES)" \
	test "$(grep -c '^  ' "$dir/out")" = 2
echo "1..$n"
exit "$bad"
