#!/bin/sh
# Every kind of handler through the real kernel: a read handler answers
# synchronous reads (whole and narrower), a write-only register reads 0,
# a write handler sees trapped writes, a watched register's writes reach
# its handler through a hardware watchpoint, a plugin timer runs, and the
# plugin hears of config state changes (MSI-X, bus mastering) as they come.
# timeout: 180
# shellcheck disable=SC1091
. /pciem/lib.sh
. /pciem/pciem.sh

cat >/tmp/echo.yaml <<'YAML'
name: echo
identity: { vendor: 0x1234, device: 0x5679, class: 0xff0000 }
bars:
  - { index: 0, size: 16K }
capabilities:
  msix: { vectors: 2, bar: 0, table: 0x2000, pba: 0x2800 }
registers:
  - { name: SCRATCH, offset: 0x0, read: echo_read }
  - { name: DOORBELL, offset: 0x4, access: wo, write: echo_write }
  - { name: LAST, offset: 0x8, access: ro }
  - { name: WATCH_ECHO, offset: 0xc, access: ro }
  - { name: TICKS, offset: 0x10, access: ro }
  - { name: CONFIG, offset: 0x14, access: ro }
  - { name: WATCHED, offset: 0x1000, write: echo_watch, watch: true }
plugin: echo
params:
  tick_us: 20000
  greeting: hello
YAML

load_pciem
load_driver pciem_test
pciemd --plugin-dir /pciem/test-plugins --config /tmp/echo.yaml \
	>/tmp/pciemd.log 2>&1 &
pid=$!
wait_for "pciemd is ready" 20 grep -q 'echo: device 1234:5679 ready at ' /tmp/pciemd.log
addr=$(sed -n 's/^<6>echo: device .* ready at \([^ ]*\) .*/\1/p' /tmp/pciemd.log)
check "the plugin's init logged through pciemd, with its parameter" \
	grep -q "^<6>echo: echo ready at $addr, greeting 'hello'" /tmp/pciemd.log
wait_for "pciem_test binds" 10 bound "$addr" pciem_test

rd() { # OFF WIDTH: a driver read through BAR 0
	drv "$addr" mmio "r 0 $1 $2" && drv_read "$addr" mmio
}
is "a read handler answers the first read" "$(rd 0 4)" 0x11223301
is "and the next one" "$(rd 0 4)" 0x11223302
is "a one-byte read gets that byte of the answer" "$(rd 1 1)" 0x33
is "a write-only register reads 0" "$(rd 4 4)" 0x0
drv "$addr" mmio "w 0 4 4 0x5a5a"
wait_for "a write handler sees the driver's write" 5 \
	sh -c "[ \"\$(echo 'r 0 8 4' >/sys/bus/pci/devices/$addr/mmio; cat /sys/bus/pci/devices/$addr/mmio)\" = 0x5a5a ]"
drv "$addr" mmio "w 0 0x1000 4 0x41"
wait_for "a watched register's write reaches its handler" 5 \
	sh -c "[ \"\$(echo 'r 0 0xc 4' >/sys/bus/pci/devices/$addr/mmio; cat /sys/bus/pci/devices/$addr/mmio)\" = 0x42 ]"
is "and the watched write itself went to memory" "$(rd 0x1000 4)" 0x41
t1=$(rd 0x10 4)
sleep 0.3
t2=$(rd 0x10 4)
check "the plugin's periodic timer counts ($t1, then $t2)" \
	sh -c "[ \$(($t2)) -gt \$(($t1)) ] && [ \$(($t1)) -gt 0 ]"

# CONFIG follows the config state as the plugin hears of it.
cfg() { printf '0x%x' $(($(rd 0x14 4) & 0xffff)); }
cfg_is() { [ "$(cfg)" = "$1" ]; }
wait_for "the plugin heard the probe enable memory and bus mastering" 5 cfg_is 0x3
drv "$addr" vectors "alloc msix 1"
wait_for "and the driver enable MSI-X" 5 cfg_is 0xb
drv "$addr" vectors free
wait_for "and disable it" 5 cfg_is 0x3
setpci -s "$addr" COMMAND=0x0002
wait_for "and setpci turn bus mastering off" 5 cfg_is 0x1
check "each change heard once or more" sh -c "[ \$(($(rd 0x14 4) >> 16)) -ge 4 ]"
setpci -s "$addr" COMMAND=0x0006

kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
is "pciemd exits 0 on SIGTERM" "$rc" 0
wait_for "device gone" 10 gone "$addr"
check "no warnings or errors logged" sh -c '! grep "^<[0-4]>" /tmp/pciemd.log'
check "the module has no device left (rmmod pciem)" rmmod pciem
done_testing
