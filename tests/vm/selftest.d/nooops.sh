#!/bin/sh
# Must fail: it expects an oops that never comes.
# expect: oops
# shellcheck source-path=SCRIPTDIR source=../guest/lib.sh disable=SC1091
. /pciem/lib.sh
ok "about to do something harmless"
expect_oops
true
done_testing
