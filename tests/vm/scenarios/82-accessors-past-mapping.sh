#!/bin/sh
# A driver bug PCIem must not make worse: memset_io() that starts on a
# write-trapped page and runs 16 bytes past the end of its 4 KiB mapping.
# On hardware that is a clean oops on the guard page after the mapping;
# under PCIem too, not a CPU spinning on its own lock (the emulation's
# access past the mapping faults again while it is running).
# expect: oops
# timeout: 90
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

load_pciem
load_driver pciem_test unchecked_access=1
a=$(dev_start x --bar 0:16K)
wait_for "driver binds" 10 bound "$a" pciem_test
is "page 0 write-trapped" "$(dev_cmd x 'region 0 0 0x1000 1 1 0 0xff 0')" "ok"
check "driver maps just the first 4 KiB of BAR 0" drv "$a" map "0 ioremap 0 0x1000"
check "memset_io inside the mapping works" drv "$a" access "memset_io 0 0xfe0 32 0x5a"
is "and the device saw it" "$(dev_cmd x 'read 0 0xff8 8')" "ok 0x5a5a5a5a5a5a5a5a"
expect_oops
drv "$a" access "memset_io 0 0xff0 32 0x5a"
not_ok "memset_io 16 bytes past the mapping returned"
done_testing
