#!/bin/bash
# scripts/copy-tree.sh DEST: copies the source tree into DEST (which must
# exist) as git sees it: tracked and new files, not ignored ones.  A tree
# that is no git checkout is copied whole but for build/ and .git.  The
# package builds (tests/package/check.sh, tests/e2e/debs.sh) work on such a
# copy, so nothing is written in the tree itself.
set -euo pipefail

dest=${1:?usage: copy-tree.sh DEST}
top=$(cd "$(dirname "$0")/.." && pwd)
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$top" && git ls-files -z -c -o --exclude-standard |
		xargs -0 cp --parents -t "$dest")
else
	tar -C "$top" --exclude=./build --exclude=./.git -cf - . | tar -C "$dest" -xf -
fi
