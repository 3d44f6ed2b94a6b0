# shellcheck shell=sh
# Helpers for the benchmark scenarios (tests/bench/scenarios); source after
# lib.sh.

# bench_arg NAME DEFAULT: pciembench.NAME= on the kernel command line.
bench_arg() {
	_bs_v=$2
	read -r _bs_cmdline </proc/cmdline
	for _bs_arg in $_bs_cmdline; do
		case $_bs_arg in
		"pciembench.$1="*) _bs_v=${_bs_arg#*=} ;;
		esac
	done
	echo "$_bs_v"
}

# bench_samples: samples per figure: pciembench.n= on the kernel command
# line (make bench BENCH_N=...), 10000 by default.
bench_samples() {
	bench_arg n 10000
}

# bench_seconds: seconds per timed job: pciembench.secs= (make bench
# BENCH_SECS=...), 10 by default.
bench_seconds() {
	bench_arg secs 10
}

# field LINE NAME: the value of NAME=... in a line of NAME=VALUE words.
field() {
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# ratio A B: A / B as "1.23x".
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'
}
