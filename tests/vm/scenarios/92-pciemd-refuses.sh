#!/bin/sh
# pciemd refuses a description with an error, a plugin that lacks a
# handler, a plugin of another API version, a plugin it cannot find and
# registers it cannot watch, each with one line naming file, line and
# column, and exits non-zero with nothing created: no new PCI device, and
# the module holds no device.  A refusal by the kernel itself (no debug
# register left) is reported the same way and leaves nothing behind.
# timeout: 180
# shellcheck disable=SC1091
. /pciem/lib.sh

ndevices() {
	set -- /sys/bus/pci/devices/*
	echo $#
}

load_pciem
devices_before=$(ndevices)

# refused NAME STATUS EXPECTED-LINE: pciemd --config /tmp/NAME.yaml exits
# STATUS, its only output is EXPECTED-LINE, and nothing was created.
refused() {
	rc=0
	out=$(pciemd --plugin-dir /pciem/test-plugins --config "/tmp/$1.yaml" 2>&1) || rc=$?
	is "$1: pciemd exits $2" "$rc" "$2"
	is "$1: says what is wrong, where" "$out" "$3"
	is "$1: no new PCI device" "$(ndevices)" "$devices_before"
	is "$1: the module holds no device" "$(cat /sys/module/pciem/refcnt)" 0
}

head='name: bad
identity: { vendor: 0x1234, device: 0x5679, class: 0xff0000 }
bars:
  - { index: 0, size: 4K }'

printf '%s\n%s\n' "$head" 'registers:
  - { name: CONTROL, offset: 0x2, width: 4 }' >/tmp/misaligned.yaml
refused misaligned 6 \
	"<3>/tmp/misaligned.yaml:6:30: error: register 'CONTROL' offset 0x2 is not aligned to its width (4 bytes); expected a multiple of 4"

printf '%s\n%s\n' "$head" 'registers:
  - name: CONTROL
    offset: 0
    write: no_such_handler
plugin: good' >/tmp/nosym.yaml
refused nosym 6 \
	"<3>/tmp/nosym.yaml:8:12: error: handler 'no_such_handler' (write handler of register CONTROL) is not in plugin /pciem/test-plugins/good.so: export a function of that name from it"

printf '%s\n%s\n' "$head" 'plugin: abi_mismatch' >/tmp/abi.yaml
refused abi 6 \
	"<3>/tmp/abi.yaml:5:9: error: plugin /pciem/test-plugins/abi_mismatch.so was built for plugin API version 3, but this pciemd provides version 2: rebuild it against this pciemd's pciem/plugin.h"

printf '%s\n%s\n' "$head" 'plugin: absent' >/tmp/absent.yaml
refused absent 6 \
	"<3>/tmp/absent.yaml:5:9: error: plugin 'absent' not found; tried /pciem/test-plugins/absent.so (install it there, or name its directory with --plugin-dir or PCIEM_PLUGIN_DIR)"

printf '%s\n%s\n' "$head" 'registers:
  - { name: DOORBELL, offset: 0x0, write: good_write, watch: true }
  - { name: STATUS, offset: 0x4, access: ro }
plugin: good' >/tmp/watchpage.yaml
refused watchpage 6 \
	"<3>/tmp/watchpage.yaml:6:5: error: register DOORBELL: watch: true cannot see writes on page 0x0 of BAR 0, which the kernel traps for register STATUS (its write mask, line 7): drop watch: true, or move one of them to another page"

# Four watched registers take every debug register; a second such device
# is refused by the kernel when it asks for its first.
cat >/tmp/watch4.yaml <<'YAML'
name: watch4
identity: { vendor: 0x1234, device: 0x5679, class: 0xff0000 }
bars:
  - { index: 0, size: 16K }
registers:
  - { name: W0, offset: 0x0000, write: good_write, watch: true }
  - { name: W1, offset: 0x1000, write: good_write, watch: true }
  - { name: W2, offset: 0x2000, write: good_write, watch: true }
  - { name: W3, offset: 0x3000, write: good_write, watch: true }
plugin: good
YAML
pciemd --plugin-dir /pciem/test-plugins --config /tmp/watch4.yaml >/tmp/first.log 2>&1 &
pid=$!
wait_for "a device with four watchpoints runs" 20 grep -q 'ready at' /tmp/first.log
devices_before=$((devices_before + 1))
rc=0
out=$(pciemd --plugin-dir /pciem/test-plugins --config /tmp/watch4.yaml 2>&1) || rc=$?
is "second: pciemd exits 1" "$rc" 1
is "second: the kernel's refusal, with the register asking" "$out" \
	"<3>/tmp/watch4.yaml:6:5: error: SET_WATCHPOINT: No space left on device (watch: true of register W0): no free hardware debug register (x86 has four, shared with debuggers and other devices)"
is "second: no new PCI device" "$(ndevices)" "$devices_before"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
is "the first one stops cleanly" "$rc" 0
is "the module holds no device" "$(cat /sys/module/pciem/refcnt)" 0
check "rmmod pciem" rmmod pciem
done_testing
