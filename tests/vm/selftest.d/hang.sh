#!/bin/sh
# Must fail: never finishes, so the host's wall-clock limit stops it.
# timeout: 15
# shellcheck source-path=SCRIPTDIR source=../guest/lib.sh disable=SC1091
. /pciem/lib.sh
ok "about to hang"
sleep 1000
done_testing
