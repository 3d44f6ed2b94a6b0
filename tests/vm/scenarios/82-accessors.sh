#!/bin/sh
# Every MMIO accessor a driver uses, on a direct, a write-trapped and a
# fully trapped page: the driver reads what it should, and the device sees
# exactly the accesses made, in order, with their values.
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

acc() { # ADDR COMMAND -> result
	drv "$1" access "$2" && drv_read "$1" access
}
events() { # NAME -> "R|W offset size data;" per MMIO event since the last clear
	dev_cmd "$1" "dump /tmp/$1.ev" >/dev/null
	awk '$2 == 1 || $2 == 2 { printf "%s %s %s %s;", ($2 == 1 ? "R" : "W"), $4, $5, $6 }' "/tmp/$1.ev"
}
bytes() { # NAME OFF LEN -> the device's bytes, in hex, read one by one
	_j=0
	while [ $_j -lt "$3" ]; do
		_v=$(dev_cmd "$1" "read 0 $(printf '0x%x' $(($2 + _j))) 1")
		printf '%02x' "$((${_v#ok }))"
		_j=$((_j + 1))
	done
}
covered() { # NAME TYPE -> bytes covered by that type's events
	awk -v t="$2" '$2 == t { n += $5 } END { print n + 0 }' "/tmp/$1.ev"
}
# string_events NAME TYPE -> "offset/size" of each event of TYPE, in order
string_events() {
	awk -v t="$2" '$2 == t { printf "%s/%s ", $4, $5 }' "/tmp/$1.ev"
}
# values_match NAME TYPE: each event's value is what device memory holds
# at its offset and size (nothing rewrites them afterwards), read byte by
# byte so that accesses at any alignment can be compared.
values_match() {
	awk -v t="$2" '$2 == t { print $4, $5, $6 }' "/tmp/$1.ev" >"/tmp/$1.vals"
	while read -r _off _size _data; do
		_le=$(bytes "$1" "$_off" "$_size")
		_mem=
		while [ -n "$_le" ]; do
			_rest=${_le#??}
			_mem=${_le%"$_rest"}$_mem
			_le=$_rest
		done
		_mem=0x$(echo "$_mem" | sed 's/^0*//; s/^$/0/')
		[ "$_mem" = "$_data" ] || { echo "$_off/$_size: event $_data, memory $_mem"; return 1; }
	done <"/tmp/$1.vals"
}

# How this kernel's memset_io() stores, which depends on the kernel and
# on the CPU.  On x86, memset_io() is memset() (arch/x86/lib/iomem.c), and
# which memset runs is patched in at boot from CPU features
# (arch/x86/lib/memset_64.S):
#   6.1:        ERMS: rep stosb; else REP_GOOD: rep stosq, rep stosb; else memset_orig
#   6.3 and on: FSRS: rep stosb; else memset_orig
# ERMS and REP_GOOD come from cpuinfo, the kernel's own view; FSRS from
# CPUID (cpu_string_features), since 6.12's cpuinfo does not list it.
# (QEMU's TCG "max" CPU has ERMS but not FSRS: 6.1 takes rep stosb, 6.12
# memset_orig.)
memset_strategy() {
	_cpuid=$(cpu_string_features | tr '\n' ' ')
	_cpuinfo=" $(sed -n 's/^flags[[:space:]]*: //p' /proc/cpuinfo | head -n 1) "
	_r=$(uname -r)
	_major=${_r%%.*}
	_minor=${_r#*.}
	_minor=${_minor%%[!0-9]*}
	if [ "$_major" -gt 6 ] || { [ "$_major" -eq 6 ] && [ "$_minor" -ge 3 ]; }; then
		case $_cpuid in *"fsrs=1"*) echo stosb ;; *) echo orig ;; esac
	else
		case $_cpuinfo in
		*" erms "*) echo stosb ;;
		*" rep_good "*) echo stosq ;;
		*) echo orig ;;
		esac
	fi
}
# memset_stores START LEN STRATEGY -> "offset/size " for each store, in order.
# rep stosq stores LEN/8 quadwords from START, then rep stosb the rest.
# memset_orig: a start off 8-byte alignment with more than 7 bytes to go
# takes one unaligned 8-byte store and moves on to the next 8-byte
# boundary; then quadwords while 8 bytes or more remain; then single bytes.
memset_stores() {
	_a=$1 _n=$2
	case $3 in
	stosq)
		while [ "$_n" -ge 8 ]; do
			printf '0x%x/8 ' "$_a"
			_a=$((_a + 8)) _n=$((_n - 8))
		done
		;;
	orig)
		if [ $((_a & 7)) -ne 0 ] && [ "$_n" -gt 7 ]; then
			printf '0x%x/8 ' "$_a"
			_k=$((8 - (_a & 7)))
			_a=$((_a + _k)) _n=$((_n - _k))
		fi
		while [ "$_n" -ge 8 ]; do
			printf '0x%x/8 ' "$_a"
			_a=$((_a + 8)) _n=$((_n - 8))
		done
		;;
	esac
	while [ "$_n" -gt 0 ]; do
		printf '0x%x/1 ' "$_a"
		_a=$((_a + 1)) _n=$((_n - 1))
	done
}
# bytes_stored "offset/size ..." -> how many bytes those stores write
bytes_stored() {
	echo "$1" | tr ' ' '\n' | awk -F/ 'NF == 2 { n += $2 } END { print n + 0 }'
}

strategy=$(memset_strategy)
diag "memset_io on $(uname -r) with this CPU: $strategy"

load_pciem
load_driver pciem_test
a=$(dev_start x --bar 0:16K)
dev_cmd x 'region 0 0x1000 0x1000 1 0 1 0xff 0' >/dev/null
dev_cmd x 'region 0 0x2000 0x1000 1 0 3 0xff 0' >/dev/null
wait_for "driver binds" 10 bound "$a" pciem_test

for page in 0 1 2; do
	b=$((page * 0x1000))
	h() { printf '0x%x' $((b + $1)); }
	case $page in
	0) name="direct page" ;;
	1) name="write-trapped page" ;;
	2) name="trapped page" ;;
	esac
	dev_cmd x clear >/dev/null
	acc "$a" "writeb 0 $(h 0x0) 0x11" >/dev/null
	acc "$a" "writew 0 $(h 0x2) 0x2222" >/dev/null
	acc "$a" "writel 0 $(h 0x4) 0x33333333" >/dev/null
	acc "$a" "writeq 0 $(h 0x8) 0x4444444444444444" >/dev/null
	acc "$a" "iowrite8 0 $(h 0x10) 0x55" >/dev/null
	acc "$a" "iowrite16 0 $(h 0x12) 0x6666" >/dev/null
	acc "$a" "iowrite32 0 $(h 0x14) 0x77777777" >/dev/null
	got="$(acc "$a" "readb 0 $(h 0x0)") $(acc "$a" "readw 0 $(h 0x2)")"
	got="$got $(acc "$a" "readl 0 $(h 0x4)") $(acc "$a" "readq 0 $(h 0x8)")"
	got="$got $(acc "$a" "ioread8 0 $(h 0x10)") $(acc "$a" "ioread16 0 $(h 0x12)")"
	got="$got $(acc "$a" "ioread32 0 $(h 0x14)")"
	is "$name: readb/w/l/q and ioread8/16/32 return what was written" "$got" \
		"0x11 0x2222 0x33333333 0x4444444444444444 0x55 0x6666 0x77777777"
	w="W $(h 0x0) 1 0x11;W $(h 0x2) 2 0x2222;W $(h 0x4) 4 0x33333333;W $(h 0x8) 8 0x4444444444444444;W $(h 0x10) 1 0x55;W $(h 0x12) 2 0x6666;W $(h 0x14) 4 0x77777777;"
	r="R $(h 0x0) 1 0x11;R $(h 0x2) 2 0x2222;R $(h 0x4) 4 0x33333333;R $(h 0x8) 8 0x4444444444444444;R $(h 0x10) 1 0x55;R $(h 0x12) 2 0x6666;R $(h 0x14) 4 0x77777777;"
	case $page in
	0) want= ;;
	1) want=$w ;;
	2) want=$w$r ;;
	esac
	is "$name: the device saw exactly those accesses" "$(events x)" "$want"

	dev_cmd x clear >/dev/null
	acc "$a" "iowrite32_rep 0 $(h 0x20) 3 7" >/dev/null
	last=$(dev_cmd x "read 0 $(h 0x20) 4")
	is "$name: ioread32_rep reads the last of iowrite32_rep's values 3 times" \
		"$(acc "$a" "ioread32_rep 0 $(h 0x20) 3")" \
		"${last#ok },${last#ok },${last#ok }"
	n=$([ $page = 0 ] && echo 0 || echo 3)
	m=$([ $page = 2 ] && echo 3 || echo 0)
	events x >/dev/null
	is "$name: rep accessors seen as 3 writes and 3 reads of 4 bytes" \
		"$(awk '$2 == 2 { w++ } $2 == 1 { r++ } END { print w + 0, r + 0 }' /tmp/x.ev)" \
		"$n $m"

	dev_cmd x clear >/dev/null
	acc "$a" "memcpy_toio 0 $(h 0x101) 23 9" >/dev/null
	back=$(acc "$a" "memcpy_fromio 0 $(h 0x101) 23")
	acc "$a" "memset_io 0 $(h 0x201) 13 0x5a" >/dev/null
	is "$name: memcpy_fromio returns what memcpy_toio stored (unaligned, 23 bytes)" \
		"$back" "$(bytes x $((b + 0x101)) 23)"
	is "$name: memset_io filled 13 bytes, unaligned" \
		"$(bytes x $((b + 0x201)) 13)" "5a5a5a5a5a5a5a5a5a5a5a5a5a"
	events x >/dev/null
	# memcpy_toio/fromio at 0x101: movsb, movsw to align, then rep movsl
	# (arch/x86/lib/iomem.c, the same in 6.1 and 6.12).
	copy="$(h 0x101)/1 $(h 0x102)/2 $(h 0x104)/4 $(h 0x108)/4 $(h 0x10c)/4 $(h 0x110)/4 $(h 0x114)/4 "
	set_=$(memset_stores $((b + 0x201)) 13 "$strategy")
	n=$([ $page = 0 ] && echo 0 || echo $((23 + $(bytes_stored "$set_"))))
	m=$([ $page = 2 ] && echo 23 || echo 0)
	is "$name: string accessors seen byte for byte (written, read)" \
		"$(covered x 2) $(covered x 1)" "$n $m"
	if [ $page != 0 ]; then
		is "$name: memcpy_toio's then memset_io's writes, exactly" \
			"$(string_events x 2)" "$copy$set_"
		check "$name: each string write event carries the value stored" \
			values_match x 2
		[ $page != 2 ] || is "$name: memcpy_fromio's reads, exactly" \
			"$(string_events x 1)" "$copy"
	fi
done
dev_stop x KILL
done_testing
