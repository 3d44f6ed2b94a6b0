#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# gen_insn_vectors.sh VECTORS.S OUT.h
#
# Assembles the decoder's test vectors and writes them as C initializers
# for test_insn_decode.c.  Each vector line gets a label on the same line
# (so assembler messages keep their line numbers); a vector's bytes run from
# its label to the next one, so its length is the assembler's.  The
# expectations after '#' (mmio_decode()'s, then after '|' mmio_decode_any()'s)
# are checked for form here, and the register's size against the width, so
# that a typo fails the build instead of a test.

set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 VECTORS.S OUT.h" >&2
	exit 2
fi
src=$1
out=$2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# named as the source, so that assembler messages name it
s="$tmp/$(basename "$src")"

# Vector lines: indented, not inside the comment block, with a '#'.
awk -v expect="$tmp/expect" '
	/^[ \t]+[a-z.]/ && index($0, "#") {
		n++
		i = index($0, "#")
		text = substr($0, 1, i - 1)
		gsub(/[ \t]+/, " ", text)
		sub(/^ /, "", text)
		sub(/ $/, "", text)
		print FNR "\t" n "\t" substr($0, i + 1) "\t" text > expect
		print "insn_vec_" n ": " $0
		next
	}
	{ print }
	END { print "insn_vec_" n + 1 ":" }
' "$src" > "$s"

as --64 -o "$tmp/v.o" "$s"
nm "$tmp/v.o" | awk '$3 ~ /^insn_vec_/ { print $3, $1 }' > "$tmp/syms"
objcopy -O binary -j .text "$tmp/v.o" "$tmp/v.bin"
od -An -v -tx1 "$tmp/v.bin" | tr -s ' ' '\n' | sed '/^$/d' > "$tmp/bytes"

awk -v src="$src" -v syms="$tmp/syms" -v bytes="$tmp/bytes" '
function fail(msg) {
	printf "%s:%d: %s\n", src, line, msg > "/dev/stderr"
	err = 1
	exit 1
}
function hex2num(h,    i, v) {
	v = 0
	h = tolower(h)
	sub(/^0x/, "", h)
	for (i = 1; i <= length(h); i++)
		v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
	return v
}
function cstr(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	return "\"" s "\""
}
function regs(names, size,    a, k, n) {
	n = split(names, a, " ")
	for (k = 1; k <= n; k++) {
		regnum[a[k]] = k - 1
		regsize[a[k]] = size
	}
}
BEGIN {
	regs("rax rcx rdx rbx rsp rbp rsi rdi r8 r9 r10 r11 r12 r13 r14 r15", 8)
	regs("eax ecx edx ebx esp ebp esi edi r8d r9d r10d r11d r12d r13d r14d r15d", 4)
	regs("ax cx dx bx sp bp si di r8w r9w r10w r11w r12w r13w r14w r15w", 2)
	regs("al cl dl bl spl bpl sil dil r8b r9b r10b r11b r12b r13b r14b r15b", 1)
	regs("ah ch dh bh", 1)
	for (k in regsize)
		high[k] = 0
	high["ah"] = high["ch"] = high["dh"] = high["bh"] = 1
	while ((getline l < syms) > 0) {
		split(l, f, " ")
		addr[substr(f[1], 10)] = hex2num(f[2])
	}
	nb = 0
	while ((getline l < bytes) > 0)
		byte[nb++] = l
	print "/* Generated from " src " by gen_insn_vectors.sh. */"
}
{
	split($0, f, "\t")
	line = f[1]; n = f[2]; text = f[4]
	bar = index(f[3], "|")
	na = bar ? split(substr(f[3], bar + 1), a, " ") : 0
	if (bar && !na)
		fail("nothing after |")
	ne = split(bar ? substr(f[3], 1, bar - 1) : f[3], e, " ")
	if (!(n in addr) || !((n + 1) in addr))
		fail("no label for this vector")
	start = addr[n]; len = addr[n + 1] - start
	if (len < 1 || len > 16 || start + len > nb)
		fail("length " len " out of range")
	b = ""
	for (k = 0; k < len; k++)
		b = b (k ? ", " : "") "0x" byte[start + k]

	op = e[1]; width = e[2] + 0
	valid = "true"; reg = -1; hi = "false"; hasimm = "false"; imm = "0x0"
	ext = "MMIO_EXT_NONE"; dstw = width; rep = "false"
	if (op == "X") {
		if (ne != 1)
			fail("X takes no arguments")
		valid = "false"; width = 0; dstw = 0
	} else if (op == "R" || op == "W") {
		if (ne < 3 || !(e[3] in regnum))
			fail("expected " op " <width> <register>")
		reg = regnum[e[3]]
		hi = high[e[3]] ? "true" : "false"
		op = op == "R" ? "MMIO_OP_READ" : "MMIO_OP_WRITE"
		if (ne == 4 && op == "MMIO_OP_READ" && e[4] ~ /^[zs]x=[248]$/) {
			ext = e[4] ~ /^z/ ? "MMIO_EXT_ZERO" : "MMIO_EXT_SIGN"
			dstw = substr(e[4], 4) + 0
		} else if (ne != 3) {
			fail("unexpected " e[4])
		}
		if (regsize[e[3]] != dstw)
			fail(e[3] " is not " dstw " bytes wide")
	} else if (op == "I") {
		if (ne != 3 || e[3] !~ /^0x[0-9a-f]+$/)
			fail("expected I <width> <0xhex>")
		op = "MMIO_OP_WRITE"; hasimm = "true"; imm = e[3]
	} else if (op == "MOVS" || op == "STOS") {
		if (ne > 3 || (ne == 3 && e[3] != "rep"))
			fail("expected " op " <width> [rep]")
		if (op == "STOS")
			reg = 0
		rep = ne == 3 ? "true" : "false"
		op = "MMIO_OP_" op
	} else {
		fail("unknown expectation " op)
	}
	if (valid == "true" && width != 1 && width != 2 && width != 4 && width != 8)
		fail("bad width " e[2])

	# mmio_decode_any(): stated, or else what mmio_decode() implies
	anyexp = na ? "true" : "false"
	avalid = "true"; areg = -1; awidth = 0; ahi = "false"
	if (!na) {
		if (valid == "false")
			fail("X needs \"| <mmio_decode_any() expectation>\"")
		if (op == "MMIO_OP_READ") {
			areg = reg; awidth = dstw; ahi = hi
		}
	} else if (a[1] == "X" && na == 1) {
		avalid = "false"
	} else if (a[1] == "L" && na == 2 && (a[2] in regnum)) {
		areg = regnum[a[2]]; awidth = regsize[a[2]]
		ahi = high[a[2]] ? "true" : "false"
	} else if (a[1] != "N" || na != 1) {
		fail("expected | X, | N or | L <register>")
	}

	printf "{ .line = %d, .text = %s, .len = %d, .bytes = { %s },\n", line, cstr(text), len, b
	if (valid == "true")
		printf "  .valid = true, .op = %s, .width = %d, .reg = %d, .high_byte = %s,\n  .has_imm = %s, .imm = %sULL, .ext = %s, .dst_width = %d, .rep = %s,\n", op, width, reg, hi, hasimm, imm, ext, dstw, rep
	else
		printf "  .valid = false,\n"
	printf "  .any_explicit = %s, .any_valid = %s, .any_reg = %d, .any_width = %d, .any_high_byte = %s },\n", anyexp, avalid, areg, awidth, ahi
	count++
}
END {
	if (err)
		exit 1
	if (addr[count + 1] != nb) {
		printf "%s: vectors cover %d of %d bytes\n", src, addr[count + 1], nb > "/dev/stderr"
		exit 1
	}
}
' "$tmp/expect" > "$tmp/out.h"

mv "$tmp/out.h" "$out"
