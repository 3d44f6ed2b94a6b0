// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 decoder for the instructions that touch MMIO.
 *
 * Accepted (64-bit mode, memory operands only):
 *   88/89 mov r/m, reg          8A/8B mov reg, r/m
 *   C6 /0 mov r/m8, imm8        C7 /0 mov r/m, imm16/imm32
 *   A0-A3 mov with a 64-bit absolute address (movabs)
 *   0F B6/B7 movzx              0F BE/BF movsx       REX.W 63 movsxd
 *   A4/A5 movs, AA/AB stos, with or without rep (F3)
 * with the prefixes 66 (operand size), REX, F3 (string forms only), the
 * null segment overrides 26/2E/36/3E and FS/GS overrides 64/65 (ModRM and
 * absolute forms only).
 *
 * Refused, because no accessor emits them and emulating them would take
 * more than a load or a store: lock (F0), F2, address size (67), FS/GS on
 * movs/stos (the non-BAR side would need the segment base), a REX not
 * directly before the opcode, register-only ModRM (mod 11: no memory
 * access), C6/C7 with reg != 0 (xabort/xbegin), movsxd without REX.W,
 * VEX/EVEX, and every other opcode.
 */
#include "insn_decode.h"

#define REX_W	0x08
#define REX_R	0x04

struct cursor {
	const u8 *bytes;
	size_t avail;
	unsigned int pos;
};

/*
 * Consume n bytes, returning them little-endian in *val if val is given.
 * Overrunning the architectural length limit makes the encoding invalid
 * whatever follows; running out of bytes only means it is truncated.
 */
static int take(struct cursor *c, unsigned int n, u64 *val)
{
	u64 v = 0;
	unsigned int i;

	if (c->pos + n > MMIO_INSN_MAX_LEN)
		return MMIO_DECODE_INVALID;
	if (n > c->avail || c->pos > c->avail - n)
		return MMIO_DECODE_TRUNCATED;
	for (i = 0; i < n; i++)
		v |= (u64)c->bytes[c->pos + i] << (8 * i);
	c->pos += n;
	if (val)
		*val = v;
	return 0;
}

static int take_byte(struct cursor *c, u8 *b)
{
	u64 v;
	int ret = take(c, 1, &v);

	if (!ret)
		*b = (u8)v;
	return ret;
}

/*
 * Consume ModRM, SIB and displacement.  Only the length matters: the
 * address is the fault's.  Sets *reg to ModRM.reg extended by REX.R.
 */
static int take_modrm(struct cursor *c, u8 rex, int *reg)
{
	unsigned int mod, rm, disp = 0;
	u8 modrm, sib;
	int ret;

	ret = take_byte(c, &modrm);
	if (ret)
		return ret;
	mod = modrm >> 6;
	rm = modrm & 7;
	if (mod == 3)
		return MMIO_DECODE_INVALID;
	*reg = ((modrm >> 3) & 7) | (rex & REX_R ? 8 : 0);

	if (rm == 4) {
		ret = take_byte(c, &sib);
		if (ret)
			return ret;
		/* base 101 with mod 00: no base register, disp32 */
		if (mod == 0 && (sib & 7) == 5)
			disp = 4;
	} else if (mod == 0 && rm == 5) {
		disp = 4;	/* RIP-relative */
	}
	if (mod == 1)
		disp = 1;
	else if (mod == 2)
		disp = 4;
	return take(c, disp, NULL);
}

/* Register operand of a byte instruction: without REX, 4-7 are AH..BH. */
static void byte_reg(struct mmio_insn *insn, u8 rex, int reg)
{
	if (!rex && reg >= 4 && reg <= 7) {
		insn->reg = reg - 4;
		insn->high_byte = true;
	} else {
		insn->reg = reg;
	}
}

int mmio_decode(const u8 *bytes, size_t avail, struct mmio_insn *out)
{
	struct cursor c = { .bytes = bytes, .avail = avail };
	struct mmio_insn insn = { .reg = -1 };
	bool opsize = false, rep = false, fsgs = false;
	unsigned int width;
	u8 rex = 0, op;
	u64 imm;
	int ret, reg;

	for (;;) {
		ret = take_byte(&c, &op);
		if (ret)
			return ret;
		if ((op & 0xf0) == 0x40) {
			if (rex)
				return MMIO_DECODE_INVALID;
			rex = op;
			continue;
		}
		switch (op) {
		case 0x66:
			opsize = true;
			break;
		case 0xf3:
			rep = true;
			break;
		case 0x26:
		case 0x2e:
		case 0x36:
		case 0x3e:
			/* no effect in 64-bit mode */
			break;
		case 0x64:
		case 0x65:
			fsgs = true;
			break;
		default:
			goto opcode;
		}
		/* a legacy prefix after REX voids the REX: never emitted */
		if (rex)
			return MMIO_DECODE_INVALID;
	}

opcode:
	/* rep means something only to the string instructions */
	if (rep && op != 0xa4 && op != 0xa5 && op != 0xaa && op != 0xab)
		return MMIO_DECODE_INVALID;

	width = rex & REX_W ? 8 : opsize ? 2 : 4;
	insn.width = width;

	switch (op) {
	case 0x88:
	case 0x8a:
		ret = take_modrm(&c, rex, &reg);
		if (ret)
			return ret;
		insn.op = op == 0x88 ? MMIO_OP_WRITE : MMIO_OP_READ;
		insn.width = 1;
		byte_reg(&insn, rex, reg);
		break;
	case 0x89:
	case 0x8b:
		ret = take_modrm(&c, rex, &reg);
		if (ret)
			return ret;
		insn.op = op == 0x89 ? MMIO_OP_WRITE : MMIO_OP_READ;
		insn.reg = reg;
		break;
	case 0xc6:
	case 0xc7:
		ret = take_modrm(&c, rex, &reg);
		if (ret)
			return ret;
		if (reg & 7)
			return MMIO_DECODE_INVALID;
		if (op == 0xc6)
			insn.width = 1;
		/* the immediate is at most 4 bytes, sign-extended for 8 */
		ret = take(&c, insn.width == 8 ? 4 : insn.width, &imm);
		if (ret)
			return ret;
		if (insn.width == 8 && (imm & 0x80000000))
			imm |= 0xffffffff00000000ULL;
		insn.op = MMIO_OP_WRITE;
		insn.has_imm = true;
		insn.imm = imm;
		break;
	case 0xa0:
	case 0xa1:
	case 0xa2:
	case 0xa3:
		/* moffs64: the absolute address, not needed */
		ret = take(&c, 8, NULL);
		if (ret)
			return ret;
		insn.op = op & 2 ? MMIO_OP_WRITE : MMIO_OP_READ;
		if (!(op & 1))
			insn.width = 1;
		insn.reg = 0;
		break;
	case 0x63:
		/* movsxd: only the REX.W form sign-extends */
		if (!(rex & REX_W))
			return MMIO_DECODE_INVALID;
		ret = take_modrm(&c, rex, &reg);
		if (ret)
			return ret;
		insn.op = MMIO_OP_READ;
		insn.width = 4;
		insn.ext = MMIO_EXT_SIGN;
		insn.reg = reg;
		break;
	case 0x0f:
		ret = take_byte(&c, &op);
		if (ret)
			return ret;
		if (op != 0xb6 && op != 0xb7 && op != 0xbe && op != 0xbf)
			return MMIO_DECODE_INVALID;
		ret = take_modrm(&c, rex, &reg);
		if (ret)
			return ret;
		insn.op = MMIO_OP_READ;
		insn.width = op & 1 ? 2 : 1;
		insn.ext = op & 8 ? MMIO_EXT_SIGN : MMIO_EXT_ZERO;
		insn.reg = reg;
		break;
	case 0xa4:
	case 0xa5:
	case 0xaa:
	case 0xab:
		if (fsgs)
			return MMIO_DECODE_INVALID;
		if (!(op & 1))
			insn.width = 1;
		if (op & 8) {
			insn.op = MMIO_OP_STOS;
			insn.reg = 0;
		} else {
			insn.op = MMIO_OP_MOVS;
		}
		insn.rep = rep;
		break;
	default:
		return MMIO_DECODE_INVALID;
	}

	insn.dst_width = insn.ext == MMIO_EXT_NONE ? insn.width : width;
	insn.len = c.pos;
	*out = insn;
	return 0;
}
