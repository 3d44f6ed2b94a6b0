# shellcheck shell=bash
# What root.sh and debs.sh share: where the roots come from and where they
# are kept.

# The Debian mirror: PCIEM_E2E_MIRROR, else the one this machine's apt
# uses for bookworm main (it serves every release), else deb.debian.org.
# shellcheck disable=SC2016 # apt's own $(FIELD) placeholders
e2e_mirror() {
	local m=${PCIEM_E2E_MIRROR:-}
	[ -n "$m" ] || m=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' 2>/dev/null |
		awk '$2 == "bookworm" && $3 == "main" { print $1; exit }')
	m=${m:-http://deb.debian.org/debian}
	echo "${m%/}"
}

# The cache of roots, made and reused across runs.
e2e_cache() {
	echo "${PCIEM_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pciem/e2e}"
}
