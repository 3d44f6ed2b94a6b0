# shellcheck shell=sh
# Helpers for scenarios that run PCIem device processes (POSIX sh).
# Source after lib.sh:  . /pciem/pciem.sh
#
# A device process is pciem_dev (tests/progs/pciem_dev.c) in the
# background, known by a NAME: its commands go to /tmp/NAME.cmd (a FIFO),
# its answers to /tmp/NAME.out, its pid to /tmp/NAME.pid.

# dev_start NAME PCIEM_DEV_ARGS...: start a device process and print the
# new device's PCI address; prints nothing if it failed to register.
dev_start() {
	_ds_name=$1
	shift
	rm -f "/tmp/$_ds_name.cmd"
	mkfifo "/tmp/$_ds_name.cmd"
	: >"/tmp/$_ds_name.out"
	pciem_dev --cmd "/tmp/$_ds_name.cmd" "$@" >>"/tmp/$_ds_name.out" 2>&1 &
	_ds_pid=$!
	echo "$_ds_pid" >"/tmp/$_ds_name.pid"
	_ds_i=0
	while [ $_ds_i -lt 300 ]; do
		if grep -q '^registered ' "/tmp/$_ds_name.out"; then
			sed -n 's/^registered //p' "/tmp/$_ds_name.out"
			return 0
		fi
		kill -0 "$_ds_pid" 2>/dev/null || break
		sleep 0.1
		_ds_i=$((_ds_i + 1))
	done
	diag "device process $_ds_name did not register: $(cat "/tmp/$_ds_name.out")"
	return 1
}

# dev_cmd NAME COMMAND: send one command, print its one-line answer.
dev_cmd() {
	_dc_out=/tmp/$1.out
	_dc_n=$(wc -l <"$_dc_out")
	echo "$2" >"/tmp/$1.cmd"
	_dc_i=0
	while [ $_dc_i -lt 1200 ]; do
		if [ "$(wc -l <"$_dc_out")" -gt "$_dc_n" ]; then
			tail -n 1 "$_dc_out"
			return 0
		fi
		sleep 0.05
		_dc_i=$((_dc_i + 1))
	done
	echo "timeout waiting for '$2'"
	return 1
}

# dev_pid NAME
dev_pid() {
	cat "/tmp/$1.pid"
}

# dev_stop NAME [SIGNAL]: kill the device process and wait until it is gone.
dev_stop() {
	_dk_pid=$(dev_pid "$1")
	kill "-${2:-TERM}" "$_dk_pid" 2>/dev/null
	_dk_i=0
	while kill -0 "$_dk_pid" 2>/dev/null && [ $_dk_i -lt 300 ]; do
		sleep 0.1
		_dk_i=$((_dk_i + 1))
	done
	wait "$_dk_pid" 2>/dev/null
	! kill -0 "$_dk_pid" 2>/dev/null
}

# dev_pause NAME: SIGSTOP the device process and wait until every one of
# its threads has stopped (kill returns before they do).
dev_pause() {
	_dp_pid=$(dev_pid "$1")
	kill -STOP "$_dp_pid"
	_dp_i=0
	while [ $_dp_i -lt 100 ]; do
		# field 3 of each thread's stat: its state; T when stopped
		if ! cat "/proc/$_dp_pid"/task/*/stat 2>/dev/null |
			sed 's/^.*) //' | cut -d' ' -f1 | grep -qv '^[Tt]$'; then
			return 0
		fi
		sleep 0.05
		_dp_i=$((_dp_i + 1))
	done
	diag "device process $1 did not stop"
	return 1
}

# drv ADDR FILE VALUE: write a command to one of pciem_test's sysfs files.
drv() {
	echo "$3" >"/sys/bus/pci/devices/$1/$2"
}

# drv_read ADDR FILE
drv_read() {
	cat "/sys/bus/pci/devices/$1/$2"
}

# drv_field ADDR FILE NAME: NAME's value in the file's "NAME=VALUE ..." line.
drv_field() {
	drv_read "$1" "$2" | tr ' ' '\n' | sed -n "s/^$3=//p"
}

# irq_counts ADDR: pciem_test's handler calls per vector, "c0,c1,...".
irq_counts() {
	_ic=$(drv_read "$1" vectors)
	_ic=${_ic#*counts=}
	echo "${_ic%% *}"
}

# irq_counts_are ADDR EXPECTED: a condition for wait_for.
irq_counts_are() {
	[ "$(irq_counts "$1")" = "$2" ]
}

# handlers_in_irq_context ADDR: every call of pciem_test's handlers on ADDR
# ran where genirq runs them: in hard-irq context, or, on a kernel that
# forces irq threads (PREEMPT_RT, threadirqs), each in its thread.
handlers_in_irq_context() {
	_hv=$(drv_read "$1" vectors)
	_hnot=${_hv#*nothardirq=}
	_hnot=${_hnot%% *}
	_hall=0
	for _hc in $(irq_counts "$1" | tr ',' ' '); do _hall=$((_hall + _hc)); done
	if [ -e /sys/kernel/realtime ] || grep -qw threadirqs /proc/cmdline; then
		[ "$_hnot" = "$_hall" ] && [ "$_hall" -gt 0 ]
	else
		[ "$_hnot" = 0 ]
	fi
}

# bound ADDR DRIVER: true once DRIVER is bound to the device at ADDR.
bound() {
	[ "$(basename "$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null)")" = "$2" ]
}

# gone ADDR: true once no device is at ADDR.
gone() {
	[ ! -e "/sys/bus/pci/devices/$1" ]
}

# param MODULE NAME: a module parameter's value.
param() {
	cat "/sys/module/$1/parameters/$2"
}
