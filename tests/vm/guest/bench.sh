# shellcheck shell=sh
# Helpers for the benchmark scenarios (tests/bench/scenarios); source after
# lib.sh.

# bench_samples: samples per figure: pciembench.n= on the kernel command
# line (make bench BENCH_N=...), 10000 by default.
bench_samples() {
	_bs_n=10000
	read -r _bs_cmdline </proc/cmdline
	for _bs_arg in $_bs_cmdline; do
		case $_bs_arg in
		pciembench.n=*) _bs_n=${_bs_arg#*=} ;;
		esac
	done
	echo "$_bs_n"
}

# field LINE NAME: the value of NAME=... in a line of NAME=VALUE words.
field() {
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# ratio A B: A / B as "1.23x".
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'
}
