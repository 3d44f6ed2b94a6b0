#!/bin/sh
# Must fail: every test passes but the scenario exits non-zero.
# shellcheck source-path=SCRIPTDIR source=../guest/lib.sh disable=SC1091
. /pciem/lib.sh
ok "a passing test"
exit 3
