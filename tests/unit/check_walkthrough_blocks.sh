#!/bin/sh
# The walkthrough's program must be the walkthrough's code: every ```c block
# of docs/walkthrough.md has to appear in tests/progs/walkthrough.c as a run
# of consecutive lines, byte for byte.  A block edited on one side only, or
# dropped, fails here rather than leaving the document and the tested
# program telling different stories.
#
# Usage: check_walkthrough_blocks.sh [DOC [PROGRAM]]
# Prints one TAP line per block ("ok N - ..." / "not ok N - ...", details on
# "#" lines) and exits 1 if any block is missing or changed.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
doc=${1:-$root/docs/walkthrough.md}
prog=${2:-$root/tests/progs/walkthrough.c}

for f in "$doc" "$prog"; do
	if [ ! -r "$f" ]; then
		echo "not ok 1 - cannot read $f"
		exit 1
	fi
done

# POSIX awk only (mawk is enough).  The document is read first, then the
# program; blocks are searched for at every start line of the program.
awk -v doc="$doc" -v prog="$prog" -v root="$root/" '
# Paths in messages are shown relative to the tree.
function short(p) {
	return index(p, root) == 1 ? substr(p, length(root) + 1) : p
}
FILENAME == doc {
	if (!inb && $0 ~ /^#+ /)
		heading = $0
	if (!inb && $0 ~ /^```c[ \t]*$/) {
		nb++
		inb = 1
		first[nb] = FNR + 1
		len[nb] = 0
		title[nb] = heading
		next
	}
	if (inb && $0 ~ /^```[ \t]*$/) {
		inb = 0
		closed[nb] = 1
		next
	}
	if (inb)
		line[nb, ++len[nb]] = $0
	next
}
{ pl[++np] = $0 }
END {
	d = short(doc)
	pr = short(prog)
	if (nb == 0) {
		print "not ok 1 - no ```c block found in " d
		exit 1
	}
	bad = 0
	for (b = 1; b <= nb; b++) {
		name = "block " b " (" d ":" first[b] (title[b] != "" ? ", " title[b] : "") ")"
		if (!closed[b]) {
			print "not ok " b " - " name ": not closed by ```"
			bad++
			continue
		}
		# Longest run of the block matched from its first line; a full
		# match ends the search.
		best = -1
		at = 0
		for (s = 1; s + len[b] - 1 <= np && best < len[b]; s++) {
			k = 0
			while (k < len[b] && pl[s + k] == line[b, k + 1])
				k++
			if (k > best) {
				best = k
				at = s
			}
		}
		if (best == len[b]) {
			print "ok " b " - " name ": " pr ":" at "-" (at + len[b] - 1)
			continue
		}
		bad++
		print "not ok " b " - " name ": not found unchanged in " pr
		if (best <= 0) {
			print "#   its first line appears nowhere: \"" line[b, 1] "\""
		} else {
			print "#   " best " of " len[b] " lines match from " pr ":" at ", then"
			print "#   " d ":" (first[b] + best) ": \"" line[b, best + 1] "\""
			if (at + best <= np)
				print "#   " pr ":" (at + best) ": \"" pl[at + best] "\""
			else
				print "#   " pr " ends there"
		}
	}
	exit bad ? 1 : 0
}
' "$doc" "$prog"
