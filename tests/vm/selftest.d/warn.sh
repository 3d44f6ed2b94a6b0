#!/bin/sh
# Must fail: tests pass but the kernel logs a warning.
# shellcheck source-path=SCRIPTDIR source=../guest/lib.sh disable=SC1091
. /pciem/lib.sh
ok "about to log a kernel warning"
echo "WARNING: CPU: 0 PID: 1 at selftest" >/dev/kmsg
done_testing
