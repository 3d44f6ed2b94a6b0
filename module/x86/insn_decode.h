/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 decoder for the instructions that touch MMIO.
 *
 * A kernel access to a trapped BAR page faults; the fault handler decodes the
 * faulting instruction with mmio_decode(), performs the access itself and
 * resumes after it.  Only the forms that the kernel's MMIO accessors and the
 * *_io string helpers compile to are accepted; anything else is refused so
 * that the caller can fail the access safely, which mmio_decode_any() makes
 * possible: it finds the length of any instruction, so that it can be
 * skipped, and the register it loads, if any, so that it can read all-ones.
 *
 * The decoder never looks at the address operand: the fault supplies the
 * address.  It only needs the length of the encoding to find the next
 * instruction.
 *
 * No kernel headers beyond the basic types, so the same file also runs in
 * user-space unit tests.
 */
#ifndef PCIEM_X86_INSN_DECODE_H
#define PCIEM_X86_INSN_DECODE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
/* The kernel's names: <stdint.h>'s uint8_t, uint16_t, uint64_t. */
typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT64_TYPE__ u64;
#endif

/* The longest encoding the CPU accepts. */
#define MMIO_INSN_MAX_LEN	15

/* mmio_decode() results besides 0. */
#define MMIO_DECODE_INVALID	(-1)	/* not an instruction we emulate */
#define MMIO_DECODE_TRUNCATED	(-2)	/* needs more than the bytes given */

enum mmio_op {
	/* memory -> register (reg), possibly extended to dst_width */
	MMIO_OP_READ,
	/* register (reg) or immediate (imm) -> memory */
	MMIO_OP_WRITE,
	/*
	 * movs: [RSI] -> [RDI], then RSI and RDI step by width (down if
	 * EFLAGS.DF), RCX times if rep.  Which side is the BAR is known only
	 * from the fault address.
	 */
	MMIO_OP_MOVS,
	/* stos: rAX (low width bytes) -> [RDI], RDI steps as for movs */
	MMIO_OP_STOS,
};

/*
 * The memory operand of a READ or WRITE: base + (index << scale) + disp,
 * modulo 2^64.  The fault address is only the first byte that faulted; an
 * access that starts on one page and runs onto a trapped one faults
 * there, past its own start.
 */
#define MMIO_EA_NONE	(-1)	/* no base, or no index register */
#define MMIO_EA_RIP	16	/* base: the address of the next instruction */

struct mmio_ea {
	bool known;		/* false for movs/stos and fs/gs-relative operands */
	int base;		/* 0..15 numbered as reg, MMIO_EA_RIP or MMIO_EA_NONE */
	int index;		/* 0..15 (never RSP), or MMIO_EA_NONE */
	unsigned int scale;	/* index shifted left by 0..3 */
	u64 disp;		/* sign-extended displacement, or moffs64 */
};

enum mmio_ext {
	MMIO_EXT_NONE,		/* dst_width == width */
	MMIO_EXT_ZERO,		/* movzx */
	MMIO_EXT_SIGN,		/* movsx, movsxd */
};

struct mmio_insn {
	unsigned int len;	/* bytes of the instruction, prefixes included */
	enum mmio_op op;
	unsigned int width;	/* memory access size: 1, 2, 4 or 8 */
	/*
	 * General register read (writes, stos) or written (reads), numbered
	 * as in ModRM with REX: RAX=0 ... RDI=7, R8=8 ... R15=15; -1 when the
	 * source is an immediate and for movs.  With high_byte set, the
	 * operand is bits 15:8 of reg (AH, CH, DH, BH: reg is 0..3).
	 */
	int reg;
	bool high_byte;
	/*
	 * Immediate to store, already as the CPU stores it: the low width
	 * bytes of imm, with imm32 sign-extended for an 8-byte store.
	 */
	bool has_imm;
	u64 imm;
	/*
	 * Reads: the value read (width bytes) is extended to dst_width bytes
	 * as ext says before landing in reg.  The usual register rules then
	 * apply: a 4-byte destination clears bits 63:32, a 1- or 2-byte one
	 * leaves the rest of the register alone.  dst_width == width for all
	 * other instructions.
	 */
	enum mmio_ext ext;
	unsigned int dst_width;
	bool rep;		/* movs/stos with rep: RCX iterations */
	struct mmio_ea ea;	/* READ and WRITE: where the access starts */
};

/*
 * Decode the instruction at bytes[0..avail).  Returns 0 and fills *out,
 * MMIO_DECODE_INVALID for anything not emulated, or MMIO_DECODE_TRUNCATED
 * when avail ends before the instruction does.  Never reads bytes[avail]
 * or beyond; *out is left alone on error.
 */
int mmio_decode(const u8 *bytes, size_t avail, struct mmio_insn *out);

/*
 * What mmio_decode_any() finds out about any instruction: enough to skip
 * it, and to make the register a load writes read as all-ones, which is
 * how an access that cannot be emulated fails safely.
 */
struct mmio_any_insn {
	unsigned int len;	/* bytes of the instruction, prefixes included */
	/*
	 * The general register that the instruction sets from a memory
	 * operand, numbered as mmio_insn.reg; -1 if there is none: a store,
	 * CMP, TEST, a register operand, an instruction that sets several
	 * registers, and whatever is not listed in insn_decode.c.
	 */
	int load_reg;
	/*
	 * Bytes of load_reg written: 1, 2, 4 or 8 (0 without load_reg).  4
	 * means the CPU also clears bits 63:32; 1 and 2 leave the rest of the
	 * register alone.  With load_high_byte, the byte is bits 15:8 (AH..BH:
	 * load_reg 0..3).
	 */
	unsigned int load_width;
	bool load_high_byte;
};

/*
 * Find the length of any x86-64 (64-bit mode) instruction at
 * bytes[0..avail), and whether it loads a general register from memory.
 * Returns 0 and fills *out, MMIO_DECODE_INVALID for an encoding the CPU
 * does not accept in 64-bit mode (or one not decoded, see insn_decode.c),
 * or MMIO_DECODE_TRUNCATED when avail ends before the instruction does.
 * Never reads bytes[avail] or beyond; *out is left alone on error.
 */
int mmio_decode_any(const u8 *bytes, size_t avail, struct mmio_any_insn *out);

#endif /* PCIEM_X86_INSN_DECODE_H */
