#!/bin/sh
# A plugin handler that crashes takes down only pciemd: the kernel sees a
# surprise removal, the bound driver's remove() runs, the device leaves
# the bus, nothing oopses, and a new pciemd can build the device again.
# timeout: 180
# shellcheck disable=SC1091
. /pciem/lib.sh
. /pciem/pciem.sh

cat >/tmp/crash.yaml <<'YAML'
name: crash
identity: { vendor: 0x1234, device: 0x5679, class: 0xff0000 }
bars:
  - { index: 0, size: 4K }
capabilities:
  msi: { vectors: 1 }
registers:
  - { name: BOOM, offset: 0x0, write: crash_write }
  - { name: ANSWER, offset: 0x4, read: crash_read }
plugin: crash
YAML

load_pciem
load_driver pciem_test
start() { # LOG: start pciemd and wait for its device; sets pid and addr
	pciemd --plugin-dir /pciem/test-plugins --config /tmp/crash.yaml >"$1" 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 200 ] && ! grep -q 'ready at' "$1"; do
		sleep 0.1
		i=$((i + 1))
	done
	addr=$(sed -n 's/.* ready at \([^ ]*\) .*/\1/p' "$1")
}
start /tmp/first.log
check "pciemd built the device" test -n "$addr"
wait_for "pciem_test binds" 10 bound "$addr" pciem_test
check "driver enables MSI" drv "$addr" vectors "alloc msi 1"
drv "$addr" mmio "r 0 4 4"
is "the plugin answers a read before it crashes" "$(drv_read "$addr" mmio)" 0x2a
removed=$(param pciem_test removed)
check "driver writes the register whose handler crashes" drv "$addr" mmio "w 0 0 4 1"
rc=0
wait "$pid" || rc=$?
is "pciemd died of SIGSEGV" "$rc" 139
wait_for "driver remove() ran" 10 \
	sh -c "[ \$(cat /sys/module/pciem_test/parameters/removed) -eq $((removed + 1)) ]"
wait_for "device gone from the bus" 10 gone "$addr"
is "the module holds no device" "$(cat /sys/module/pciem/refcnt)" 0

start /tmp/second.log
check "a new pciemd builds it again" test -n "$addr"
wait_for "and the driver binds again" 10 bound "$addr" pciem_test
drv "$addr" mmio "r 0 4 4"
is "and it answers" "$(drv_read "$addr" mmio)" 0x2a
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
is "SIGTERM stops that one with status 0" "$rc" 0
wait_for "and removes its device" 10 gone "$addr"
done_testing
