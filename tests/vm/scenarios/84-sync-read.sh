#!/bin/sh
# Synchronous reads: each driver read of the register is answered by the
# device process.  With the process stopped, reads return all-ones after
# the completion timeout, the kernel says so once, and the system stays
# responsive; after SIGCONT the process answers again.
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

rd() { # ADDR OFF -> the driver's readl
	drv "$1" access "readl 0 $2" && drv_read "$1" access
}

load_pciem
load_driver pciem_test
a=$(dev_start s --bar 0:4K)
# region BAR OFF SIZE WIDTH MODE FLAGS WMASK W1C; flags 4: synchronous reads
is "a synchronous-read register" \
	"$(dev_cmd s 'region 0 0x100 4 4 0 4 0xffffffff 0')" ok
is "the process answers it" "$(dev_cmd s 'answer 0 0x100')" ok
wait_for "driver binds" 10 bound "$a" pciem_test
is "each read gets the next number from the process" \
	"$(rd "$a" 0x100) $(rd "$a" 0x100) $(rd "$a" 0x100)" "0x1 0x2 0x3"
is "readw of the same register asks too" \
	"$(drv "$a" access "readw 0 0x100" && drv_read "$a" access)" 0x4
dev_cmd s "write 0 0x100 4 0x55aa" >/dev/null
is "its memory is not what the driver reads" "$(rd "$a" 0x100)" 0x5
is "a plain register beside it reads memory, no round trip" \
	"$(rd "$a" 0x104)" 0x0

pid=$(dev_pid s)
dev_pause s
got=
i=0
while [ $i -lt 10 ]; do
	got="$got$(rd "$a" 0x100) "
	i=$((i + 1))
done
is "process stopped: ten reads return all-ones after the timeout" "$got" \
	"0xffffffff 0xffffffff 0xffffffff 0xffffffff 0xffffffff 0xffffffff 0xffffffff 0xffffffff 0xffffffff 0xffffffff "
check "the system stays responsive meanwhile" sh -c 'ls /sys/bus/pci/devices >/dev/null'
is "the kernel reported the timeout once, naming device and offset" \
	"$(dmesg | grep -c "$a: no answer to a read of BAR 0 offset 0x100 within 50 ms")" 1
kill -CONT "$pid"
is "after SIGCONT the process answers again, late answers discarded" \
	"$(rd "$a" 0x100)" 0x6
dev_cmd s "dump /tmp/s.ev" >/dev/null
check "each timed-out read has its READ_TIMEOUT event naming its seq" \
	awk '$2 == 1 && $4 == "0x100" { r[sprintf("0x%x", $1)] = 1 } $2 == 17 { t++; if (!($6 in r)) bad = 1 } END { exit !(t == 10 && !bad) }' /tmp/s.ev
is "answers counted by the process" "$(dev_cmd s answered)" "ok 6"

# A dead process: the read ends at once when the device is removed.
kill -STOP "$pid"
(rd "$a" 0x100 >/tmp/late.out 2>&1) &
reader=$!
sleep 0.01
kill -KILL "$pid"
wait_for "device removed while a read waited" 10 gone "$a"
wait "$reader"
check "that read completed" test -s /tmp/late.out
done_testing
