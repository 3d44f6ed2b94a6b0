#!/bin/sh
# Regions added and cleared while the driver is hammering the page: a
# fault taken while the page was trapped is finished correctly even if the
# page became direct before the fault handler looked, in both directions,
# for reads (fully trapped page) and writes (write-trapped page), on both
# CPUs at once.
# timeout: 240
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

load_pciem
load_driver pciem_test
a=$(dev_start x --bar 0:16K)
wait_for "driver binds" 10 bound "$a" pciem_test

# loop_in_background CPU COMMAND: a timeloop on one CPU; its status in
# /tmp/loop.rc
loop_in_background() {
	rm -f /tmp/loop.rc
	taskset -c "$1" sh -c "echo '$2' >/sys/bus/pci/devices/$a/timeloop; echo \$? >/tmp/loop.rc" &
}
loop_done() { [ -f /tmp/loop.rc ]; }

# toggle_while_looping MODE FLAGS: ADD_REGION/CLEAR_REGIONS from CPU 1
# until the loop ends; prints "ok" or the first error, then the rounds.
toggle_while_looping() {
	_rounds=0
	_res=ok
	while ! loop_done; do
		_res=$(taskset -c 1 sh -c ". /pciem/lib.sh; . /pciem/pciem.sh; dev_cmd x 'regiontoggle 200 0 0x1000 0x1000 4 $1 $2 0xffffffff 0'")
		[ "$_res" = ok ] || break
		_rounds=$((_rounds + 1))
	done
	echo "$_res $((_rounds * 200))"
}

# A slower kernel (make check-debug) loops longer and needs fewer toggles.
scale=${PCIEM_TIME_SCALE:-1}
loop_ms=$((4000 * scale))
[ "$loop_ms" -le 10000 ] || loop_ms=10000	# the test driver's limit
for kind in "read 2 0" "write 1 0"; do
	# shellcheck disable=SC2086 # three words
	set -- $kind
	op=$1 mode=$2 flags=$3
	loop_in_background 0 "$op 4000000000 0 0x1000 $loop_ms"
	got=$(toggle_while_looping "$mode" "$flags")
	diag "$op loop: regions added and cleared $got times meanwhile"
	is "$op loop on CPU 0 while CPU 1 adds and clears a mode-$mode region" "${got%% *}" "ok"
	check "$op loop: at least $((1000 / scale)) toggles happened during it" test "${got#* }" -ge $((1000 / scale))
	wait_for "the $op loop finishes" 120 loop_done
	is "the $op loop completed, $((loop_ms / 1000)) s of accesses" "$(cat /tmp/loop.rc)" 0
	diag "$op loop: $(drv_read "$a" timeloop)"
done

# Both CPUs accessing, the region toggled from a third task.
loop_in_background 0 "write 4000000000 0 0x1000 3000"
taskset -c 1 sh -c "echo 'read 4000000000 0 0x1004 3000' >/sys/bus/pci/devices/$a/timeloop" 2>/dev/null &
reader=$!
is "reads and writes on both CPUs while a TRAP_ALL region comes and goes" \
	"$(dev_cmd x 'regiontoggle 3000 0 0x1000 0x1000 4 2 0 0xffffffff 0')" "ok"
wait_for "both loops finish" 120 loop_done
wait "$reader"
is "after the storm a trapped write is still emulated and seen" \
	"$(dev_cmd x 'region 0 0x1000 0x1000 4 0 1 0xffffffff 0'; drv "$a" mmio "w 0 0x1000 4 0x5a5a5a5a"; dev_cmd x 'read 0 0x1000 4')" \
	"ok
ok 0x5a5a5a5a"
dev_stop x KILL
wait_for "device removed" 10 gone "$a"
done_testing
