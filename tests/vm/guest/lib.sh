# shellcheck shell=sh
# TAP helpers for VM scenarios (busybox sh). A scenario starts with
#   . /pciem/lib.sh
# and prints its results with the helpers below; the host renumbers them.
# Every helper that reports a test returns 0 if it passed and 1 if not.
#
# Environment set by /init: PCIEM_SCENARIO (this scenario's name),
# PCIEM_KVER (the kernel release the host meant to boot) and
# PCIEM_TIME_SCALE (how many times slower than usual this kernel is taken to
# be: wait_for's limits are multiplied by it).

# The count lives in a file so tests reported from subshells and pipelines
# still add up in the plan.
_tap_file=/tmp/.pciem-tap-count
[ -f "$_tap_file" ] || echo 0 >"$_tap_file"

_tap_next() {
	_tap_n=$(($(cat "$_tap_file") + 1))
	echo "$_tap_n" >"$_tap_file"
}

# diag TEXT...: print TEXT as "# " diagnostic lines.
diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

# ok DESC: report a passed test.
ok() {
	_tap_next
	echo "ok $_tap_n - $*"
	return 0
}

# not_ok DESC: report a failed test.
not_ok() {
	_tap_next
	echo "not ok $_tap_n - $*"
	return 1
}

# skip DESC REASON: report a test that could not run here.
skip() {
	_tap_next
	echo "ok $_tap_n - $1 # SKIP ${2:-}"
	return 0
}

# bail_out REASON: stop the scenario; the host reports it as a failure.
bail_out() {
	echo "Bail out! $*"
	exit 1
}

# check DESC CMD [ARG...]: run CMD; pass if it exits 0. On failure its
# output and exit status are printed as diagnostics.
check() {
	_chk_desc=$1
	shift
	if _chk_out=$("$@" 2>&1); then
		ok "$_chk_desc"
	else
		_chk_rc=$?
		not_ok "$_chk_desc"
		diag "command: $* (exit status $_chk_rc)"
		[ -z "$_chk_out" ] || diag "$_chk_out"
		return 1
	fi
}

# is DESC GOT EXPECTED: pass if the two strings are equal.
is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "got:      '$2'"
		diag "expected: '$3'"
		return 1
	fi
}

# Centiseconds since boot, for deadlines.
_uptime_cs() {
	read -r _up _ </proc/uptime
	_up_s=${_up%.*}
	_up_f=${_up#*.}
	echo $((_up_s * 100 + ${_up_f#0}))
}

# wait_for DESC TIMEOUT_S CMD [ARG...]: poll CMD every 0.1 s until it exits
# 0 (pass) or TIMEOUT_S seconds have passed (fail, with CMD's last output).
wait_for() {
	_wf_desc=$1
	_wf_deadline=$(($(_uptime_cs) + $2 * 100 * ${PCIEM_TIME_SCALE:-1}))
	shift 2
	while :; do
		if _wf_out=$("$@" 2>&1); then
			ok "$_wf_desc"
			return 0
		else
			_wf_rc=$?
		fi
		[ "$(_uptime_cs)" -lt "$_wf_deadline" ] || break
		sleep 0.1
	done
	not_ok "$_wf_desc"
	diag "timed out; last try: $* (exit status $_wf_rc)"
	[ -z "$_wf_out" ] || diag "$_wf_out"
	return 1
}

# done_testing: print the plan. Call it last.
done_testing() {
	echo "1..$(cat "$_tap_file")"
}

# _insmod DESC FILE [ARGS...]: load a module or end the scenario, since
# nothing after it can work.
_insmod() {
	_im_desc=$1
	_im_file=$2
	shift 2
	[ -f "$_im_file" ] || bail_out "$_im_file is not in the initramfs (was it built?)"
	if _im_out=$(insmod "$_im_file" "$@" 2>&1); then
		ok "$_im_desc"
		return 0
	fi
	not_ok "$_im_desc"
	[ -z "$_im_out" ] || diag "$_im_out"
	diag "last kernel messages:"
	diag "$(dmesg | tail -n 20)"
	bail_out "cannot load $_im_file"
}

# load_pciem [PARAM=VALUE...]: insmod /pciem/pciem.ko.
load_pciem() {
	_insmod "insmod pciem.ko${*:+ $*}" /pciem/pciem.ko "$@"
}

# load_driver NAME [PARAM=VALUE...]: insmod /pciem/drivers/NAME.ko.
load_driver() {
	_ld_name=$1
	shift
	_insmod "insmod $_ld_name.ko${*:+ $*}" "/pciem/drivers/$_ld_name.ko" "$@"
}

# load_kmod NAME...: load stock kernel modules listed in the host's VM_KMODS,
# dependencies first, skipping those already loaded.
load_kmod() {
	for _lk_name in "$@"; do
		_lk_files=$(sed -n "s/^$_lk_name //p" /pciem/kmods.dep)
		[ -n "$_lk_files" ] || bail_out "kernel module $_lk_name is not in the initramfs (add it to VM_KMODS)"
		for _lk_f in $_lk_files; do
			_lk_mod=$(basename "$_lk_f" .ko | tr - _)
			[ ! -e "/sys/module/$_lk_mod/initstate" ] || continue
			_insmod "insmod $(basename "$_lk_f")" "$_lk_f"
		done
	done
}

# expect_oops: the next step is a driver bug that oopses the kernel, in a
# scenario with the header "# expect: oops"; the host then checks that the
# kernel oopsed after this point and nothing hung.
# Straight to the console as well: a quiet console (make check-debug)
# shows only the oops, and the kernel log dump never comes.
expect_oops() {
	echo "pciem-vm: an oops is expected now" >/dev/kmsg
	echo "pciem-vm: an oops is expected now" >/dev/console
}
