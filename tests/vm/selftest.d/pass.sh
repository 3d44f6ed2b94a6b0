#!/bin/sh
# Must pass: the simplest healthy scenario.
# shellcheck source-path=SCRIPTDIR source=../guest/lib.sh disable=SC1091
. /pciem/lib.sh
check "lspci lists the q35 host bridge" sh -c 'lspci -n | grep "00:00.0 0600: 8086:29c0"'
is "uname -r" "$(uname -r)" "$PCIEM_KVER"
done_testing
