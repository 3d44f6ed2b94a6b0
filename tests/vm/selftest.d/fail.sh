#!/bin/sh
# Must fail: one test reports not ok; the others pass.
# shellcheck source-path=SCRIPTDIR source=../guest/lib.sh disable=SC1091
. /pciem/lib.sh
ok "a passing test"
check "a failing command" sh -c 'echo "some output"; exit 3'
is "a passing comparison" "$(printf a)" a
done_testing
