#!/bin/sh
# Must fail: the kernel panics after a passing test.
# shellcheck source-path=SCRIPTDIR source=../guest/lib.sh disable=SC1091
. /pciem/lib.sh
ok "about to crash the kernel"
echo c >/proc/sysrq-trigger
done_testing
