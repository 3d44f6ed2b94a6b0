#!/bin/bash
# Adds up the "NAME: N passed, N failed" lines of each test log given and
# prints the total as "N passed, N failed".  A log without its line means
# that part did not run to the end: it counts as one failure.
set -uo pipefail

passed=0
failed=0
for log in "$@"; do
	line=$(grep -E '^[a-z-]+: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "summary: $(basename "$log" .log) ended without a result line"
		failed=$((failed + 1))
		continue
	fi
	echo "summary: $line"
	read -r _ p _ f _ <<<"$line"
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
