#!/bin/bash
# scripts/link-tree.sh DEST DIR...: mirrors each DIR of the checkout under
# DEST as directories of symbolic links to its source files (C, headers,
# Kbuild, Makefile).  Kbuild writes its objects beside the links, so every
# kernel gets its own object tree while the sources stay in one place, and
# make's timestamps (which follow links) still rebuild only what changed.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
dest=$1
shift
for dir in "$@"; do
	mkdir -p "$dest/$dir"
	(cd "$top/$dir" && find . -type f \( -name '*.[chS]' -o -name Kbuild -o -name Makefile \) \
		! -name '*.mod.c' -printf '%P\n') |
		while IFS= read -r f; do
			mkdir -p "$dest/$dir/$(dirname "$f")"
			[ -L "$dest/$dir/$f" ] || ln -sfn "$top/$dir/$f" "$dest/$dir/$f"
		done
	# A source deleted from the checkout leaves a dangling link: drop it.
	find "$dest/$dir" -xtype l -delete
done
