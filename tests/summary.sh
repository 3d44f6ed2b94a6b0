#!/bin/bash
# Adds up the "NAME: N passed, N failed" (or "NAME (KERNEL): ...") lines of
# each test log given and prints the total as "N passed, N failed".  A log
# without its line means that part did not run to the end: it counts as one
# failure.  Beside each part: its seconds, when LOG's .secs file has them.
set -uo pipefail

passed=0
failed=0
for log in "$@"; do
	line=$(grep -E '^[a-z-]+( \([^)]+\))?: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	secs=${log%.log}.secs
	took=
	if [ -f "$secs" ]; then took=" ($(cat "$secs") s)"; fi
	if [ -z "$line" ]; then
		echo "summary: $(basename "$log" .log) ended without a result line$took"
		failed=$((failed + 1))
		continue
	fi
	echo "summary: $line$took"
	[[ $line =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]
	passed=$((passed + BASH_REMATCH[1]))
	failed=$((failed + BASH_REMATCH[2]))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
