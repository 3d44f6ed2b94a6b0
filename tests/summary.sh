#!/bin/bash
# Adds up the "NAME: N passed, N failed" (or "NAME (KERNEL): ...") lines of
# each test log given and prints the total as "N passed, N failed".  A log
# without its line means that part did not run to the end: it counts as one
# failure.  Beside each part: its seconds, when LOG's .secs file has them.
#
# Then, before the total, what each failed check said: its "not ok" line and
# the "#" lines the harness printed right after it (kernel log matches, the
# console's last lines), so the end of a long run's output holds the
# diagnosis.  At most SUMMARY_DETAIL_LINES (default 150) lines in all.
set -uo pipefail

passed=0
failed=0
failed_logs=()
for log in "$@"; do
	line=$(grep -E '^[a-z-]+( \([^)]+\))?: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	secs=${log%.log}.secs
	took=
	if [ -f "$secs" ]; then took=" ($(cat "$secs") s)"; fi
	if [ -z "$line" ]; then
		echo "summary: $(basename "$log" .log) ended without a result line$took"
		failed=$((failed + 1))
		failed_logs+=("$log")
		continue
	fi
	echo "summary: $line$took"
	[[ $line =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]
	passed=$((passed + BASH_REMATCH[1]))
	failed=$((failed + BASH_REMATCH[2]))
	[ "${BASH_REMATCH[2]}" = 0 ] || failed_logs+=("$log")
done

if [ "${#failed_logs[@]}" -gt 0 ]; then
	for log in "${failed_logs[@]}"; do
		echo "failed: $(basename "$log" .log):"
		if ! grep -q '^not ok' "$log"; then
			# It stopped before its result line: its last words.
			tail -n 20 "$log" | sed 's/^/  /'
			continue
		fi
		# A "not ok" line and the comment lines right after it.
		awk '/^not ok/ { on = 1; print "  " $0; next }
			on && /^#/ { print "  " $0; next }
			{ on = 0 }' "$log"
	done | head -n "${SUMMARY_DETAIL_LINES:-150}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
