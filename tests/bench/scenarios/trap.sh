#!/bin/sh
# timeout: 900
# Cost of trapped accesses, driver side, in one VM boot: a write to a
# trapped register (emulated, reported as an event) and a synchronous read
# (answered by the process), beside a plain write to a direct page and an
# eventfd round trip between two processes.
# The checks only say that each benchmark ran; the figures are reports.
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh
. /pciem/bench.sh

n=$(bench_samples)
per() { # "n=N ns=T" -> ns per access
	awk -v n="$(field "$1" n)" -v t="$(field "$1" ns)" 'BEGIN { printf "%.0f", t / n }'
}

load_pciem
load_driver pciem_test
pp=$(bench_pingpong "$n")
check "eventfd ping-pong: $n round trips" test "$(field "$pp" n)" = "$n"

a=$(dev_start b --bar 0:16K)
# region BAR OFF SIZE WIDTH MODE FLAGS WMASK W1C
dev_cmd b 'region 0 0x1000 4 4 0 1 0xffffffff 0' >/dev/null
dev_cmd b 'region 0 0x2000 4 4 0 4 0xffffffff 0' >/dev/null
dev_cmd b 'answer 0 0x2000' >/dev/null
wait_for "driver binds" 10 bound "$a" pciem_test

drv "$a" timeloop "write $((n * 10)) 0 0x10"
direct=$(drv_read "$a" timeloop)
dev_cmd b clear >/dev/null
drv "$a" timeloop "write $((n * 10)) 0 0x1000"
trapped=$(drv_read "$a" timeloop)
is "trapped writes: all $((n * 10)) reported" \
	"$(dev_cmd b "wait $((n * 10)) 60000")" ok
drv "$a" timeloop "read $n 0 0x2000"
sync=$(drv_read "$a" timeloop)
is "synchronous reads: all $n answered" "$(dev_cmd b answered)" "ok $n"
dev_stop b KILL

d=$(per "$direct")
t=$(per "$trapped")
s=$(per "$sync")
rtt=$(field "$pp" rtt_p50)
diag ""
diag "PCIem trap engine, driver side: $(nproc) vCPUs, QEMU TCG, $(uname -r)"
diag ""
diag "plain write, direct page          $d ns/op"
diag "trapped write (emulated + event)  $t ns/op    $(ratio "$t" "$d") of a direct write, $(ratio "$t" "$rtt") of an eventfd round trip"
diag "synchronous read (process answers) $s ns/op    $(ratio "$s" "$rtt") of an eventfd round trip"
diag "eventfd round trip (p50)          $rtt ns"
diag ""
done_testing
