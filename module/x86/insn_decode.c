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
 *
 * What is refused can still be skipped: mmio_decode_any(), further down,
 * finds the length of any instruction.
 */
#include "insn_decode.h"

#define REX_W	0x08
#define REX_R	0x04
#define REX_X	0x02
#define REX_B	0x01

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
 * Consume the SIB and displacement that follow modrm, if any.  In 64-bit
 * mode 67 narrows the address but keeps this layout.
 */
static int take_modrm_rest(struct cursor *c, u8 modrm)
{
	unsigned int mod = modrm >> 6, rm = modrm & 7, disp = 0;
	u8 sib;
	int ret;

	if (mod == 3)
		return 0;
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

/* ModRM.reg extended by REX.R. */
static int modrm_reg(u8 modrm, u8 rex)
{
	return ((modrm >> 3) & 7) | (rex & REX_R ? 8 : 0);
}

/*
 * Consume ModRM, SIB and displacement of a memory operand, noting where
 * it points in *ea.  Sets *reg to ModRM.reg extended by REX.R.
 */
static int take_modrm(struct cursor *c, u8 rex, int *reg, struct mmio_ea *ea)
{
	unsigned int mod, rm, dlen = 0;
	u64 disp = 0;
	u8 modrm, sib;
	int ret;

	ret = take_byte(c, &modrm);
	if (ret)
		return ret;
	mod = modrm >> 6;
	rm = modrm & 7;
	if (mod == 3)
		return MMIO_DECODE_INVALID;
	*reg = modrm_reg(modrm, rex);
	ea->known = true;
	ea->base = rm | (rex & REX_B ? 8 : 0);
	ea->index = MMIO_EA_NONE;
	ea->scale = 0;
	if (rm == 4) {
		ret = take_byte(c, &sib);
		if (ret)
			return ret;
		ea->scale = sib >> 6;
		/* index 100 is "none" unless REX.X makes it R12 */
		ea->index = ((sib >> 3) & 7) | (rex & REX_X ? 8 : 0);
		if (ea->index == 4)
			ea->index = MMIO_EA_NONE;
		ea->base = (sib & 7) | (rex & REX_B ? 8 : 0);
		/* base 101 with mod 00: no base register, disp32 */
		if (mod == 0 && (sib & 7) == 5) {
			ea->base = MMIO_EA_NONE;
			dlen = 4;
		}
	} else if (mod == 0 && rm == 5) {
		ea->base = MMIO_EA_RIP;
		dlen = 4;
	}
	if (mod == 1)
		dlen = 1;
	else if (mod == 2)
		dlen = 4;
	ret = take(c, dlen, &disp);
	if (ret)
		return ret;
	if (dlen == 1 && (disp & 0x80))
		disp |= ~0xffULL;
	else if (dlen == 4 && (disp & 0x80000000))
		disp |= ~0xffffffffULL;
	ea->disp = disp;
	return 0;
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
		ret = take_modrm(&c, rex, &reg, &insn.ea);
		if (ret)
			return ret;
		insn.op = op == 0x88 ? MMIO_OP_WRITE : MMIO_OP_READ;
		insn.width = 1;
		byte_reg(&insn, rex, reg);
		break;
	case 0x89:
	case 0x8b:
		ret = take_modrm(&c, rex, &reg, &insn.ea);
		if (ret)
			return ret;
		insn.op = op == 0x89 ? MMIO_OP_WRITE : MMIO_OP_READ;
		insn.reg = reg;
		break;
	case 0xc6:
	case 0xc7:
		ret = take_modrm(&c, rex, &reg, &insn.ea);
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
		/* moffs64: the absolute address */
		ret = take(&c, 8, &insn.ea.disp);
		if (ret)
			return ret;
		insn.ea.known = true;
		insn.ea.base = MMIO_EA_NONE;
		insn.ea.index = MMIO_EA_NONE;
		insn.op = op & 2 ? MMIO_OP_WRITE : MMIO_OP_READ;
		if (!(op & 1))
			insn.width = 1;
		insn.reg = 0;
		break;
	case 0x63:
		/* movsxd: only the REX.W form sign-extends */
		if (!(rex & REX_W))
			return MMIO_DECODE_INVALID;
		ret = take_modrm(&c, rex, &reg, &insn.ea);
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
		ret = take_modrm(&c, rex, &reg, &insn.ea);
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

	if (fsgs)
		insn.ea.known = false;	/* the segment base is not ours to add */
	insn.dst_width = insn.ext == MMIO_EXT_NONE ? insn.width : width;
	insn.len = c.pos;
	*out = insn;
	return 0;
}

/*
 * mmio_decode_any(): the length of any instruction, and the register it
 * loads from memory, so that an access mmio_decode() refuses can be
 * skipped, reading all-ones.
 *
 * Decoded: legacy prefixes in any number and order (up to the 15-byte
 * limit), REX (only directly before the opcode; an earlier one is ignored,
 * as by the CPU), the one-byte map, 0F, 0F 38 and 0F 3A, VEX (C4/C5) maps
 * 0F, 0F 38 and 0F 3A, EVEX (62) maps 0F, 0F 38, 0F 3A, 5 and 6, and AMD's
 * XOP (8F) maps 8-10.  Choices where CPUs or documents differ:
 *   - 66 does not shorten the rel32 of E8, E9 and 0F 80-8F (as Intel; AMD
 *     would take rel16, but no compiler emits 66 there).
 *   - 0F 20-23 (mov to/from CR, DR) ignore ModRM.mod: never SIB or disp.
 *   - 0F 0F (3DNow!) is ModRM then its opcode byte, like an imm8.
 *   - 66/F2 0F 78 (AMD's EXTRQ/INSERTQ) take two imm8; plain 0F 78 is
 *     vmread.
 *   - 0F A6/A7 take ModRM (VIA PadLock, used by its crypto driver).
 *   - Undefined opcodes of a decoded map take the map's usual form: the
 *     CPU raises #UD for them before any memory access, so they never
 *     reach a BAR fault.
 * Refused as invalid: opcodes not in 64-bit mode (06, 07, 0E, 16, 17, 1E,
 * 1F, 27, 2F, 37, 3F, 60, 61, 82, 9A, CE, D4-D6, EA; 0F 04, 0A, 0C, 24-27,
 * 36, 39, 3B-3F, 7A, 7B), 8F that is neither pop (ModRM.reg 0) nor XOP,
 * VEX, EVEX or XOP after 66, F2, F3, F0 or a REX (#UD), their reserved
 * maps, and, until the kernel uses it, APX (REX2 is D5; its EVEX maps are
 * 4 and 7).
 *
 * Loads reported (memory operand only; register is ModRM.reg unless said):
 *   02/03 0A/0B 12/13 1A/1B 22/23 2A/2B 32/33 (ALU reg, r/m),
 *   63 movsxd, 69/6B imul, 86/87 xchg, 8A/8B mov, A0/A1 mov (rAX),
 *   F6 /4-/7 mul, imul, div, idiv (AX);
 *   0F 40-4F cmovcc, 0F AF imul, 0F B0/B1 cmpxchg (rAX: loaded if the
 *   compare fails, already all-ones if not), 0F B6/B7/BE/BF movzx/movsx,
 *   F3 0F B8 popcnt, 0F BC/BD bsf/bsr/tzcnt/lzcnt, 0F C0/C1 xadd;
 *   0F 38 F0 movbe, F2 0F 38 F0/F1 crc32, 66/F3 0F 38 F6 adcx/adox;
 *   VEX BMI: andn, bextr, bzhi, pdep, pext, sarx, shlx, shrx, rorx, and
 *   blsi, blsmsk, blsr (VEX.vvvv).
 * Not reported: what sets more than one register (F7 mul/div, mulx,
 * cmpxchg8b/16b, lods and the other string forms, pop), and SSE/AVX
 * conversions to a general register: the kernel does not touch MMIO with
 * those.
 */

/* One bit per opcode: row op >> 4, bit op & 15. */
static bool op_in(const u16 *map, u8 op)
{
	return map[op >> 4] & (1U << (op & 15));
}

/* One-byte map: followed by ModRM (0F, 62, 8F, C4, C5 are decoded apart). */
static const u16 map0_modrm[16] = {
	[0x0] = 0x0f0f, [0x1] = 0x0f0f,	/* ALU r/m forms */
	[0x2] = 0x0f0f, [0x3] = 0x0f0f,
	[0x6] = 0x0a08,			/* movsxd, imul */
	[0x8] = 0xffff,			/* group 1, test, xchg, mov, lea */
	[0xc] = 0x00c3,			/* group 2, mov imm */
	[0xd] = 0xff0f,			/* group 2, x87 */
	[0xf] = 0xc0c0,			/* groups 3, 4, 5 */
};

/* One-byte map: imm8 (C8 adds it to its imm16) */
static const u16 map0_ib[16] = {
	[0x0] = 0x1010, [0x1] = 0x1010,	/* ALU al, imm8 */
	[0x2] = 0x1010, [0x3] = 0x1010,
	[0x6] = 0x0c00,			/* push, imul */
	[0x7] = 0xffff,			/* jcc rel8 */
	[0x8] = 0x0009,			/* group 1: 80, 83 */
	[0xa] = 0x0100,			/* test al */
	[0xb] = 0x00ff,			/* mov r8, imm8 */
	[0xc] = 0x2143,			/* group 2, mov, enter, int */
	[0xe] = 0x08ff,			/* loop, jrcxz, in, out, jmp rel8 */
};

/* One-byte map: imm32, imm16 with 66 (but not with REX.W) */
static const u16 map0_iz[16] = {
	[0x0] = 0x2020, [0x1] = 0x2020,	/* ALU eax, imm */
	[0x2] = 0x2020, [0x3] = 0x2020,
	[0x6] = 0x0300,			/* push, imul */
	[0x8] = 0x0002,			/* group 1: 81 */
	[0xa] = 0x0200,			/* test eax */
	[0xc] = 0x0080,			/* mov, xbegin */
};

/* One-byte map: not in 64-bit mode */
static const u16 map0_invalid[16] = {
	[0x0] = 0x40c0,			/* push/pop es, push cs */
	[0x1] = 0xc0c0,			/* push/pop ss, ds */
	[0x2] = 0x8080,			/* daa, das */
	[0x3] = 0x8080,			/* aaa, aas */
	[0x6] = 0x0003,			/* pusha, popa */
	[0x8] = 0x0004,			/* 82, alias of 80 */
	[0x9] = 0x0400,			/* far call */
	[0xc] = 0x4000,			/* into */
	[0xd] = 0x0070,			/* aam, aad (APX: REX2), salc */
	[0xe] = 0x0400,			/* far jmp */
};

/* 0F map: followed by ModRM (0F 38 and 0F 3A are decoded apart) */
static const u16 map1_modrm[16] = {
	[0x0] = 0xa00f,			/* groups 6, 7, lar, lsl, prefetch, 3DNow! */
	[0x1] = 0xffff,
	[0x2] = 0xff0f,			/* mov cr/dr, SSE */
	[0x4] = 0xffff,			/* cmovcc */
	[0x5] = 0xffff, [0x6] = 0xffff,
	[0x7] = 0xf37f,			/* not emms, 7a, 7b */
	[0x9] = 0xffff,			/* setcc */
	[0xa] = 0xf8f8,			/* bt, shld, PadLock, shrd, group 15, imul */
	[0xb] = 0xffff,
	[0xc] = 0x00ff,			/* not bswap */
	[0xd] = 0xffff, [0xe] = 0xffff, [0xf] = 0xffff,
};

/* 0F map, and map 0F of VEX and EVEX: imm8 */
static const u16 map1_ib[16] = {
	[0x0] = 0x8000,			/* 3DNow!: opcode byte */
	[0x7] = 0x000f,			/* pshuf, groups 12-14 */
	[0xa] = 0x1010,			/* shld, shrd */
	[0xb] = 0x0400,			/* group 8 */
	[0xc] = 0x0074,			/* cmpps, pinsrw, pextrw, shufps */
};

/* 0F map: undefined in 64-bit mode */
static const u16 map1_invalid[16] = {
	[0x0] = 0x1410,			/* 04, 0a, 0c */
	[0x2] = 0x00f0,			/* 24-27: test registers, gone */
	[0x3] = 0xfa40,			/* 36, 39, 3b-3f */
	[0x7] = 0x0c00,			/* 7a, 7b */
};

/* What came before the opcode. */
struct any_prefixes {
	u8 rex;		/* the REX directly before the opcode, else 0 */
	u8 rep;		/* the last F2 or F3 (the one that counts), else 0 */
	bool opsize;	/* 66 */
	bool adsize;	/* 67 */
	bool lock;	/* F0 */
};

/* Operand size of a non-byte instruction with a default of 32 bits. */
static unsigned int any_opsize(const struct any_prefixes *p)
{
	return p->rex & REX_W ? 8 : p->opsize ? 2 : 4;
}

/* Width of a 32/64-bit-only destination (crc32, adcx, BMI). */
static unsigned int rex_w_width(bool w)
{
	return w ? 8 : 4;
}

static void set_load(struct mmio_any_insn *insn, int reg, unsigned int width)
{
	insn->load_reg = reg;
	insn->load_width = width;
}

/* A byte destination: without REX, 4-7 are AH..BH. */
static void set_load_byte(struct mmio_any_insn *insn, u8 rex, int reg)
{
	insn->load_width = 1;
	if (!rex && reg >= 4 && reg <= 7) {
		insn->load_reg = reg - 4;
		insn->load_high_byte = true;
	} else {
		insn->load_reg = reg;
	}
}

/* ModRM, and the SIB and displacement it calls for. */
static int take_any_modrm(struct cursor *c, u8 *modrm)
{
	int ret = take_byte(c, modrm);

	return ret ? ret : take_modrm_rest(c, *modrm);
}

static bool modrm_mem(u8 modrm)
{
	return modrm >> 6 != 3;
}

static void any_map0_load(const struct any_prefixes *p, u8 op, u8 modrm,
			  struct mmio_any_insn *insn)
{
	unsigned int osize = any_opsize(p);
	int reg = modrm_reg(modrm, p->rex);

	/* ALU reg, r/m, but not cmp (3A, 3B) */
	if (op < 0x38 && (op & 6) == 2) {
		if (op & 1)
			set_load(insn, reg, osize);
		else
			set_load_byte(insn, p->rex, reg);
		return;
	}
	switch (op) {
	case 0x63:
	case 0x69:
	case 0x6b:
	case 0x87:
	case 0x8b:
		set_load(insn, reg, osize);
		break;
	case 0x86:
	case 0x8a:
		set_load_byte(insn, p->rex, reg);
		break;
	case 0xf6:
		/* mul, imul, div, idiv r/m8 set all of AX */
		if ((reg & 7) >= 4)
			set_load(insn, 0, 2);
		break;
	}
}

static int any_map0(struct cursor *c, const struct any_prefixes *p, u8 op,
		    struct mmio_any_insn *insn)
{
	unsigned int osize = any_opsize(p), imm = 0;
	bool has_modrm = op_in(map0_modrm, op);
	u8 modrm = 0;
	int ret;

	if (op_in(map0_invalid, op))
		return MMIO_DECODE_INVALID;
	if (has_modrm) {
		ret = take_any_modrm(c, &modrm);
		if (ret)
			return ret;
	}
	if (op_in(map0_ib, op))
		imm = 1;
	if (op_in(map0_iz, op))
		imm = osize == 2 ? 2 : 4;
	if ((op & 0xfc) == 0xa0)
		imm = p->adsize ? 4 : 8;	/* moffs: an address */
	else if ((op & 0xf8) == 0xb8)
		imm = osize;			/* the one imm64 */
	switch (op) {
	case 0xc2:
	case 0xca:
	case 0xc8:
		imm += 2;
		break;
	case 0xe8:
	case 0xe9:
		imm = 4;
		break;
	case 0xf6:
	case 0xf7:
		/* test /0 (and its alias /1) alone has an immediate */
		if (!(modrm & 0x30))
			imm = op & 1 ? (osize == 2 ? 2 : 4) : 1;
		break;
	}
	ret = take(c, imm, NULL);
	if (ret)
		return ret;

	if (op == 0xa0)
		set_load(insn, 0, 1);
	else if (op == 0xa1)
		set_load(insn, 0, osize);
	else if (has_modrm && modrm_mem(modrm))
		any_map0_load(p, op, modrm, insn);
	return 0;
}

static void any_0f_load(const struct any_prefixes *p, u8 op, u8 modrm,
			struct mmio_any_insn *insn)
{
	unsigned int osize = any_opsize(p);
	int reg = modrm_reg(modrm, p->rex);

	if ((op & 0xf0) == 0x40) {
		set_load(insn, reg, osize);	/* cmovcc */
		return;
	}
	switch (op) {
	case 0xb8:
		/* popcnt; without F3, jmpe, which 64-bit mode lacks */
		if (p->rep == 0xf3)
			set_load(insn, reg, osize);
		break;
	case 0xaf:
	case 0xb6:
	case 0xb7:
	case 0xbc:
	case 0xbd:
	case 0xbe:
	case 0xbf:
	case 0xc1:
		set_load(insn, reg, osize);
		break;
	case 0xc0:
		set_load_byte(insn, p->rex, reg);
		break;
	case 0xb0:
		set_load(insn, 0, 1);
		break;
	case 0xb1:
		set_load(insn, 0, osize);
		break;
	}
}

static void any_0f38_load(const struct any_prefixes *p, u8 op, u8 modrm,
			  struct mmio_any_insn *insn)
{
	int reg = modrm_reg(modrm, p->rex);
	bool w = p->rex & REX_W;

	switch (op) {
	case 0xf0:
	case 0xf1:
		if (p->rep == 0xf2)
			set_load(insn, reg, rex_w_width(w));	/* crc32 */
		else if (!p->rep && op == 0xf0)
			set_load(insn, reg, any_opsize(p));	/* movbe */
		break;
	case 0xf6:
		/* adox, adcx: 66 here selects, it does not resize */
		if (p->rep == 0xf3 || (!p->rep && p->opsize))
			set_load(insn, reg, rex_w_width(w));
		break;
	}
}

static int any_0f(struct cursor *c, const struct any_prefixes *p,
		  struct mmio_any_insn *insn)
{
	unsigned int imm = 0;
	u8 op, op3, modrm = 0;
	bool has_modrm;
	int ret;

	ret = take_byte(c, &op);
	if (ret)
		return ret;
	if (op == 0x38 || op == 0x3a) {
		ret = take_byte(c, &op3);
		if (!ret)
			ret = take_any_modrm(c, &modrm);
		if (!ret && op == 0x3a)
			ret = take(c, 1, NULL);
		if (!ret && op == 0x38 && modrm_mem(modrm))
			any_0f38_load(p, op3, modrm, insn);
		return ret;
	}
	if (op_in(map1_invalid, op))
		return MMIO_DECODE_INVALID;
	has_modrm = op_in(map1_modrm, op);
	if (has_modrm) {
		ret = take_byte(c, &modrm);
		/* mov cr/dr: always registers, whatever ModRM.mod says */
		if (!ret && (op & 0xfc) != 0x20)
			ret = take_modrm_rest(c, modrm);
		if (ret)
			return ret;
	}
	if (op_in(map1_ib, op))
		imm = 1;
	else if ((op & 0xf0) == 0x80)
		imm = 4;			/* jcc rel32 */
	else if (op == 0x78 && (p->rep == 0xf2 || (!p->rep && p->opsize)))
		imm = 2;			/* extrq, insertq */
	ret = take(c, imm, NULL);
	if (ret)
		return ret;
	if (has_modrm && modrm_mem(modrm) && (op & 0xfc) != 0x20)
		any_0f_load(p, op, modrm, insn);
	return 0;
}

/* The fields of a VEX or XOP prefix that matter here. */
struct vex {
	unsigned int map;
	unsigned int pp;	/* implied prefix: none, 66, F3, F2 */
	unsigned int vvvv;	/* second source or destination register */
	bool r, w, l;
};

/* BMI1/BMI2: general registers from memory, in VEX maps 0F 38, 0F 3A */
static void any_vex_load(const struct vex *v, u8 op, u8 modrm,
			 struct mmio_any_insn *insn)
{
	int reg = ((modrm >> 3) & 7) | (v->r ? 8 : 0);
	unsigned int width = rex_w_width(v->w);

	if (v->l)
		return;				/* #UD */
	if (v->map == 3) {
		if (op == 0xf0 && v->pp == 3)
			set_load(insn, reg, width);	/* rorx */
		return;
	}
	if (v->map != 2)
		return;
	switch (op) {
	case 0xf2:
		if (v->pp == 0)
			set_load(insn, reg, width);	/* andn */
		break;
	case 0xf3:
		/* blsr, blsmsk, blsi write vvvv */
		if (v->pp == 0 && (reg & 7) >= 1 && (reg & 7) <= 3)
			set_load(insn, v->vvvv, width);
		break;
	case 0xf5:
		if (v->pp != 1)
			set_load(insn, reg, width);	/* bzhi, pext, pdep */
		break;
	case 0xf7:
		set_load(insn, reg, width);	/* bextr, shlx, sarx, shrx */
		break;
	}
}

/* VEX (C4, C5), EVEX (62) or XOP (8F, its next byte given). */
static int any_vex(struct cursor *c, const struct any_prefixes *p, u8 op,
		   struct mmio_any_insn *insn)
{
	struct vex v = { .map = 1 };
	unsigned int imm;
	u8 b1, b2 = 0, opc, modrm;
	int ret;

	/* a REX or legacy SSE prefix before these makes them #UD */
	if (p->rex || p->rep || p->opsize || p->lock)
		return MMIO_DECODE_INVALID;
	ret = take_byte(c, &b1);
	if (ret)
		return ret;
	v.r = !(b1 & 0x80);
	if (op == 0x62) {
		v.map = b1 & 7;
		/* 0F, 0F 38, 0F 3A, and FP16's 5 and 6 */
		if (v.map == 0 || v.map == 4 || v.map == 7)
			return MMIO_DECODE_INVALID;
		ret = take(c, 2, NULL);
	} else if (op == 0xc4 || op == 0x8f) {
		v.map = b1 & 0x1f;
		if (op == 0xc4 ? v.map < 1 || v.map > 3 :
				 v.map < 8 || v.map > 10)
			return MMIO_DECODE_INVALID;
		ret = take_byte(c, &b2);
		v.w = b2 & 0x80;
	} else {
		b2 = b1;			/* C5: W0, map 0F */
	}
	if (ret)
		return ret;
	if (op != 0x62) {
		v.vvvv = (~b2 >> 3) & 15;
		v.l = b2 & 4;
		v.pp = b2 & 3;
	}
	ret = take_byte(c, &opc);
	if (ret)
		return ret;
	/* vzeroupper, vzeroall: no operands */
	if (op != 0x62 && v.map == 1 && opc == 0x77)
		return 0;
	ret = take_any_modrm(c, &modrm);
	if (ret)
		return ret;
	if (op == 0x8f)
		imm = v.map == 8 ? 1 : v.map == 10 ? 4 : 0;
	else
		imm = v.map == 3 || (v.map == 1 && op_in(map1_ib, opc));
	ret = take(c, imm, NULL);
	if (ret)
		return ret;
	if ((op == 0xc4 || op == 0xc5) && modrm_mem(modrm))
		any_vex_load(&v, opc, modrm, insn);
	return 0;
}

int mmio_decode_any(const u8 *bytes, size_t avail, struct mmio_any_insn *out)
{
	struct cursor c = { .bytes = bytes, .avail = avail };
	struct mmio_any_insn insn = { .load_reg = -1 };
	struct any_prefixes p = { 0 };
	u8 op, modrm;
	int ret;

	for (;;) {
		ret = take_byte(&c, &op);
		if (ret)
			return ret;
		if ((op & 0xf0) == 0x40) {
			p.rex = op;		/* replaces an earlier one */
			continue;
		}
		switch (op) {
		case 0x66:
			p.opsize = true;
			break;
		case 0x67:
			p.adsize = true;
			break;
		case 0xf0:
			p.lock = true;
			break;
		case 0xf2:
		case 0xf3:
			p.rep = op;
			break;
		case 0x26:
		case 0x2e:
		case 0x36:
		case 0x3e:
		case 0x64:
		case 0x65:
			break;
		default:
			goto opcode;
		}
		p.rex = 0;	/* a REX before a legacy prefix is ignored */
	}

opcode:
	switch (op) {
	case 0x0f:
		ret = any_0f(&c, &p, &insn);
		break;
	case 0x62:
	case 0xc4:
	case 0xc5:
		ret = any_vex(&c, &p, op, &insn);
		break;
	case 0x8f:
		/* pop r/m has ModRM.reg 0; XOP's map field overlaps it */
		if (c.pos < c.avail && (c.bytes[c.pos] & 0x1f) >= 8) {
			ret = any_vex(&c, &p, op, &insn);
			break;
		}
		ret = take_byte(&c, &modrm);
		if (!ret && (modrm & 0x38))
			ret = MMIO_DECODE_INVALID;
		if (!ret)
			ret = take_modrm_rest(&c, modrm);
		break;
	default:
		ret = any_map0(&c, &p, op, &insn);
		break;
	}
	if (ret)
		return ret;
	insn.len = c.pos;
	*out = insn;
	return 0;
}
