#!/bin/sh
# rmmod pciem while a device exists is refused; once the device process is
# gone it succeeds, and the module loads again.
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

load_pciem
load_driver pciem_test
addr=$(dev_start a --bar 0:4K)
wait_for "pciem_test binds" 10 bound "$addr" pciem_test
out=$(rmmod pciem 2>&1)
rc=$?
check "rmmod pciem with a device present fails" test "$rc" -ne 0
diag "rmmod said: $out"
check "and says the module is in use" sh -c "echo '$out' | grep -q 'in use'"
check "the device is untouched" bound "$addr" pciem_test
dev_stop a TERM
wait_for "device removed after SIGTERM" 10 gone "$addr"
check "rmmod pciem now succeeds" rmmod pciem
load_pciem
addr=$(dev_start b --bar 0:4K)
check "a device registers after reloading" test -n "$addr"
done_testing
