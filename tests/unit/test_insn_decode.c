/*
 * The MMIO instruction decoders (module/x86/insn_decode.c), against the
 * assembler.
 *
 * The vectors come from insn_vectors.S: each one is the assembler's bytes
 * for one instruction, so lengths are the assembler's, and carries the
 * decoding mmio_decode() must get (or that it must be refused), and the
 * length and load mmio_decode_any() must find.  Every valid vector is also
 * cut short at every length, in a heap buffer of exactly that length, so
 * that reading past the end is caught by the address sanitizer rather than
 * passing by luck.  Seeded random runs check that nothing at all can make
 * either decoder misbehave, and that they agree on lengths.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "insn_decode.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct vector {
	int line;
	const char *text;
	unsigned int len;
	u8 bytes[16];
	bool valid;
	enum mmio_op op;
	unsigned int width;
	int reg;
	bool high_byte;
	bool has_imm;
	u64 imm;
	enum mmio_ext ext;
	unsigned int dst_width;
	bool rep;
	/* mmio_decode_any(); explicit unless implied by the above */
	bool any_explicit;
	bool any_valid;
	int any_reg;
	unsigned int any_width;
	bool any_high_byte;
};

static const struct vector vectors[] = {
#include "insn_vectors.h"
};

/* Indices of the vectors that must decode, for the truncation loops. */
static unsigned int valid_idx[ARRAY_SIZE(vectors)];
static unsigned int n_valid;
static unsigned int any_valid_idx[ARRAY_SIZE(vectors)];
static unsigned int n_any_valid;

static void index_vectors(void)
{
	unsigned int i;

	n_valid = 0;
	n_any_valid = 0;
	for (i = 0; i < ARRAY_SIZE(vectors); i++) {
		if (vectors[i].valid)
			valid_idx[n_valid++] = i;
		if (vectors[i].any_valid)
			any_valid_idx[n_any_valid++] = i;
	}
}

/* A copy of len bytes in a buffer of exactly len bytes. */
static u8 *exact_copy(const u8 *bytes, size_t len)
{
	u8 *p = malloc(len ? len : 1);

	ck_assert_ptr_nonnull(p);
	memcpy(p, bytes, len);
	return p;
}

/* Filled with a pattern, to see that failed decodes leave *out alone. */
static void poison(struct mmio_insn *insn)
{
	memset(insn, 0xa5, sizeof(*insn));
}

static bool poisoned(const struct mmio_insn *insn)
{
	struct mmio_insn p;

	poison(&p);
	return memcmp(&p, insn, sizeof(p)) == 0;
}

static void poison_any(struct mmio_any_insn *insn)
{
	memset(insn, 0xa5, sizeof(*insn));
}

static bool poisoned_any(const struct mmio_any_insn *insn)
{
	struct mmio_any_insn p;

	poison_any(&p);
	return memcmp(&p, insn, sizeof(p)) == 0;
}

static const char *const op_names[] = {
	[MMIO_OP_READ] = "read", [MMIO_OP_WRITE] = "write",
	[MMIO_OP_MOVS] = "movs", [MMIO_OP_STOS] = "stos",
};

static void check_decoded(const struct vector *v, const struct mmio_insn *d,
			  const char *how)
{
#define FIELD_EQ(f, fmt, cast)						\
	ck_assert_msg(d->f == v->f,					\
		      "insn_vectors.S:%d: %s (%s): " #f " " fmt		\
		      ", want " fmt, v->line, v->text, how,		\
		      (cast)d->f, (cast)v->f)
	FIELD_EQ(len, "%u", unsigned int);
	ck_assert_msg(d->op == v->op,
		      "insn_vectors.S:%d: %s (%s): op %s, want %s", v->line,
		      v->text, how,
		      (unsigned int)d->op < ARRAY_SIZE(op_names) ?
		      op_names[d->op] : "?", op_names[v->op]);
	FIELD_EQ(width, "%u", unsigned int);
	FIELD_EQ(reg, "%d", int);
	FIELD_EQ(high_byte, "%d", int);
	FIELD_EQ(has_imm, "%d", int);
	FIELD_EQ(imm, "%#llx", unsigned long long);
	FIELD_EQ(ext, "%d", int);
	FIELD_EQ(dst_width, "%u", unsigned int);
	FIELD_EQ(rep, "%d", int);
#undef FIELD_EQ
}

static void check_any(const struct vector *v, const struct mmio_any_insn *d,
		      const char *how)
{
	ck_assert_msg(d->len == v->len && d->load_reg == v->any_reg &&
		      d->load_width == v->any_width &&
		      d->load_high_byte == v->any_high_byte,
		      "insn_vectors.S:%d: %s (any, %s): len %u, load %d/%u%s; want len %u, load %d/%u%s",
		      v->line, v->text, how, d->len, d->load_reg,
		      d->load_width, d->load_high_byte ? " high" : "",
		      v->len, v->any_reg, v->any_width,
		      v->any_high_byte ? " high" : "");
}

/* ---------------------------------------------------------------------- */

/* Each vector, alone in a buffer of its exact length. */
START_TEST(vector_exact)
{
	const struct vector *v = &vectors[_i];
	struct mmio_insn d;
	u8 *buf = exact_copy(v->bytes, v->len);
	int ret;

	poison(&d);
	ret = mmio_decode(buf, v->len, &d);
	free(buf);
	if (!v->valid) {
		ck_assert_msg(ret == MMIO_DECODE_INVALID,
			      "insn_vectors.S:%d: %s: returned %d, want %d",
			      v->line, v->text, ret, MMIO_DECODE_INVALID);
		ck_assert_msg(poisoned(&d),
			      "insn_vectors.S:%d: %s: output written on error",
			      v->line, v->text);
		return;
	}
	ck_assert_msg(ret == 0, "insn_vectors.S:%d: %s: returned %d",
		      v->line, v->text, ret);
	check_decoded(v, &d, "exact");
}
END_TEST

/*
 * Each vector followed by bytes that would extend it if the decoder took
 * them (prefixes, ModRM-looking bytes): the result must not change.
 */
START_TEST(vector_followed)
{
	static const u8 tails[][4] = {
		{ 0x66, 0x66, 0x66, 0x66 }, { 0x48, 0x8b, 0x07, 0x90 },
		{ 0xff, 0xff, 0xff, 0xff }, { 0x00, 0x00, 0x00, 0x00 },
	};
	const struct vector *v = &vectors[_i];
	u8 buf[sizeof(v->bytes) + 32];
	struct mmio_insn d;
	unsigned int t;
	size_t k;
	int ret;

	for (t = 0; t < ARRAY_SIZE(tails); t++) {
		memcpy(buf, v->bytes, v->len);
		for (k = v->len; k < sizeof(buf); k++)
			buf[k] = tails[t][k % 4];
		poison(&d);
		ret = mmio_decode(buf, sizeof(buf), &d);
		if (!v->valid) {
			ck_assert_msg(ret == MMIO_DECODE_INVALID,
				      "insn_vectors.S:%d: %s: returned %d with tail %u",
				      v->line, v->text, ret, t);
			continue;
		}
		ck_assert_msg(ret == 0,
			      "insn_vectors.S:%d: %s: returned %d with tail %u",
			      v->line, v->text, ret, t);
		check_decoded(v, &d, "followed");
	}
}
END_TEST

/*
 * Every proper prefix of a valid vector is truncated, never invalid and
 * never read past its end; *out stays untouched.
 */
START_TEST(vector_truncated)
{
	const struct vector *v = &vectors[valid_idx[_i]];
	struct mmio_insn d;
	unsigned int k;
	u8 *buf;
	int ret;

	for (k = 0; k < v->len; k++) {
		buf = exact_copy(v->bytes, k);
		poison(&d);
		ret = mmio_decode(buf, k, &d);
		free(buf);
		ck_assert_msg(ret == MMIO_DECODE_TRUNCATED,
			      "insn_vectors.S:%d: %s: first %u of %u bytes: returned %d, want %d",
			      v->line, v->text, k, v->len, ret,
			      MMIO_DECODE_TRUNCATED);
		ck_assert_msg(poisoned(&d),
			      "insn_vectors.S:%d: %s: first %u bytes: output written",
			      v->line, v->text, k);
	}
}
END_TEST

/* No bytes at all, and no buffer. */
START_TEST(empty)
{
	struct mmio_insn d;

	poison(&d);
	ck_assert_int_eq(mmio_decode(NULL, 0, &d), MMIO_DECODE_TRUNCATED);
	ck_assert(poisoned(&d));
}
END_TEST

/* mmio_decode_any(): each vector, alone in a buffer of its exact length. */
START_TEST(any_exact)
{
	const struct vector *v = &vectors[_i];
	struct mmio_any_insn d;
	u8 *buf = exact_copy(v->bytes, v->len);
	int ret;

	poison_any(&d);
	ret = mmio_decode_any(buf, v->len, &d);
	free(buf);
	if (!v->any_valid) {
		ck_assert_msg(ret == MMIO_DECODE_INVALID,
			      "insn_vectors.S:%d: %s (any): returned %d, want %d",
			      v->line, v->text, ret, MMIO_DECODE_INVALID);
		ck_assert_msg(poisoned_any(&d),
			      "insn_vectors.S:%d: %s (any): output written on error",
			      v->line, v->text);
		return;
	}
	ck_assert_msg(ret == 0, "insn_vectors.S:%d: %s (any): returned %d",
		      v->line, v->text, ret);
	check_any(v, &d, "exact");
}
END_TEST

/* mmio_decode_any(): bytes after the instruction change nothing. */
START_TEST(any_followed)
{
	static const u8 tails[][4] = {
		{ 0x66, 0x66, 0x66, 0x66 }, { 0x48, 0x8b, 0x07, 0x90 },
		{ 0xff, 0xff, 0xff, 0xff }, { 0x00, 0x00, 0x00, 0x00 },
		{ 0x0f, 0x38, 0x0f, 0x3a }, { 0x84, 0x24, 0x05, 0x44 },
	};
	const struct vector *v = &vectors[_i];
	u8 buf[sizeof(v->bytes) + 32];
	struct mmio_any_insn d;
	unsigned int t;
	size_t k;
	int ret;

	for (t = 0; t < ARRAY_SIZE(tails); t++) {
		memcpy(buf, v->bytes, v->len);
		for (k = v->len; k < sizeof(buf); k++)
			buf[k] = tails[t][k % 4];
		ret = mmio_decode_any(buf, sizeof(buf), &d);
		if (!v->any_valid) {
			ck_assert_msg(ret == MMIO_DECODE_INVALID,
				      "insn_vectors.S:%d: %s (any): returned %d with tail %u",
				      v->line, v->text, ret, t);
			continue;
		}
		ck_assert_msg(ret == 0,
			      "insn_vectors.S:%d: %s (any): returned %d with tail %u",
			      v->line, v->text, ret, t);
		check_any(v, &d, "followed");
	}
}
END_TEST

/*
 * mmio_decode_any(): every proper prefix of a valid vector is truncated,
 * in a heap buffer of exactly its length; *out stays untouched.
 */
START_TEST(any_truncated)
{
	const struct vector *v = &vectors[any_valid_idx[_i]];
	struct mmio_any_insn d;
	unsigned int k;
	u8 *buf;
	int ret;

	for (k = 0; k < v->len; k++) {
		buf = exact_copy(v->bytes, k);
		poison_any(&d);
		ret = mmio_decode_any(buf, k, &d);
		free(buf);
		ck_assert_msg(ret == MMIO_DECODE_TRUNCATED,
			      "insn_vectors.S:%d: %s (any): first %u of %u bytes: returned %d, want %d",
			      v->line, v->text, k, v->len, ret,
			      MMIO_DECODE_TRUNCATED);
		ck_assert_msg(poisoned_any(&d),
			      "insn_vectors.S:%d: %s (any): first %u bytes: output written",
			      v->line, v->text, k);
	}
}
END_TEST

/*
 * Whatever mmio_decode() accepts, mmio_decode_any() finds the same length
 * (and, for a read, a load of the register read into).
 */
START_TEST(any_agrees)
{
	const struct vector *v = &vectors[valid_idx[_i]];
	struct mmio_any_insn a;
	struct mmio_insn d;

	ck_assert_int_eq(mmio_decode(v->bytes, v->len, &d), 0);
	ck_assert_msg(mmio_decode_any(v->bytes, v->len, &a) == 0 &&
		      a.len == d.len,
		      "insn_vectors.S:%d: %s: mmio_decode_any() disagrees on the length",
		      v->line, v->text);
	if (d.op == MMIO_OP_READ)
		ck_assert_msg(a.load_reg == d.reg &&
			      a.load_width == d.dst_width &&
			      a.load_high_byte == d.high_byte,
			      "insn_vectors.S:%d: %s: mmio_decode_any() disagrees on the register",
			      v->line, v->text);
}
END_TEST

/* No bytes at all, and no buffer. */
START_TEST(any_empty)
{
	struct mmio_any_insn d;

	poison_any(&d);
	ck_assert_int_eq(mmio_decode_any(NULL, 0, &d), MMIO_DECODE_TRUNCATED);
	ck_assert(poisoned_any(&d));
}
END_TEST

/*
 * mmio_decode_any() is tested on at least 200 vectors of its own, among
 * them loads, and refusals.
 */
START_TEST(any_coverage)
{
	unsigned int i, n = 0, n_load = 0, n_high = 0, n_invalid = 0;
	const struct vector *v;

	for (i = 0; i < ARRAY_SIZE(vectors); i++) {
		v = &vectors[i];
		if (!v->any_explicit)
			continue;
		n++;
		n_load += v->any_reg >= 0;
		n_high += v->any_high_byte;
		n_invalid += !v->any_valid;
	}
	ck_assert_uint_ge(n, 200);
	ck_assert_uint_ge(n_load, 50);
	ck_assert_uint_ge(n_high, 4);
	ck_assert_uint_ge(n_invalid, 30);
}
END_TEST

/*
 * The table keeps what the issue asks: 150 assembler encodings at least,
 * and a read and a write through every general register at every width
 * (byte registers through both encodings, REX and legacy high bytes).
 */
START_TEST(coverage)
{
	bool seen[2][9][16][2] = { { { { false } } } };
	unsigned int i, w, r, dir, n_bad = 0;
	const struct vector *v;

	ck_assert_uint_ge(n_valid, 150);
	for (i = 0; i < ARRAY_SIZE(vectors); i++) {
		v = &vectors[i];
		if (!v->valid || v->ext != MMIO_EXT_NONE || v->has_imm ||
		    v->reg < 0 ||
		    (v->op != MMIO_OP_READ && v->op != MMIO_OP_WRITE))
			continue;
		dir = v->op == MMIO_OP_WRITE;
		seen[dir][v->width][v->reg][v->high_byte] = true;
		if (v->width == 1 && !v->high_byte && v->reg >= 4 &&
		    v->reg <= 7)
			ck_assert_msg(v->bytes[0] >= 0x40 && v->bytes[0] <= 0x4f,
				      "insn_vectors.S:%d: %s: no REX",
				      v->line, v->text);
	}
	for (dir = 0; dir < 2; dir++) {
		for (w = 1; w <= 8; w *= 2) {
			for (r = 0; r < 16; r++) {
				if (!seen[dir][w][r][0])
					n_bad++;
				if (w == 1 && r < 4 && !seen[dir][w][r][1])
					n_bad++;
			}
		}
	}
	ck_assert_msg(n_bad == 0, "%u register/width/direction combinations without a vector",
		      n_bad);
}
END_TEST

/*
 * Random bytes, random lengths, exact heap buffers: the decoder returns one
 * of its three answers, an accepted length fits, the same bytes decode the
 * same with only that length available, and one byte less is truncated.
 */
static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

START_TEST(random_bytes)
{
	/* Bytes the decoder cares about, to reach deep paths often. */
	static const u8 interesting[] = {
		0x66, 0xf3, 0xf2, 0xf0, 0x67, 0x26, 0x2e, 0x36, 0x3e, 0x64,
		0x65, 0x40, 0x41, 0x44, 0x48, 0x4c, 0x4f, 0x88, 0x89, 0x8a,
		0x8b, 0xc6, 0xc7, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xaa,
		0xab, 0x0f, 0xb6, 0xb7, 0xbe, 0xbf, 0x63, 0x04, 0x05, 0x44,
		0x84, 0x25, 0x24, 0x00, 0xff, 0x80,
	};
	unsigned int iter, k, n_ok = 0;
	struct mmio_insn d, d2;
	struct mmio_any_insn a;
	u8 bytes[20];
	size_t avail;
	u8 *buf;
	int ret;

	for (iter = 0; iter < 200000; iter++) {
		avail = rng() % (sizeof(bytes) + 1);
		for (k = 0; k < avail; k++) {
			u64 r = rng();

			bytes[k] = r & 1 ? interesting[(r >> 8) %
						       sizeof(interesting)] :
					   (u8)(r >> 8);
		}
		buf = exact_copy(bytes, avail);
		ret = mmio_decode(buf, avail, &d);
		ck_assert_msg(ret == 0 || ret == MMIO_DECODE_INVALID ||
			      ret == MMIO_DECODE_TRUNCATED,
			      "iteration %u: returned %d", iter, ret);
		if (ret == MMIO_DECODE_TRUNCATED)
			ck_assert_uint_lt(avail, MMIO_INSN_MAX_LEN);
		if (ret == 0) {
			n_ok++;
			ck_assert_uint_ge(d.len, 1);
			ck_assert_uint_le(d.len, avail);
			ck_assert_uint_le(d.len, MMIO_INSN_MAX_LEN);
			ck_assert(d.width == 1 || d.width == 2 ||
				  d.width == 4 || d.width == 8);
			ck_assert(d.dst_width >= d.width && d.dst_width <= 8);
			ck_assert(d.reg >= -1 && d.reg <= 15);
			ck_assert(!d.high_byte || (d.reg >= 0 && d.reg <= 3));
			ck_assert(!d.rep || d.op == MMIO_OP_MOVS ||
				  d.op == MMIO_OP_STOS);
			ck_assert(d.has_imm == (d.reg < 0 &&
						d.op == MMIO_OP_WRITE));
			ret = mmio_decode(buf, d.len, &d2);
			ck_assert_int_eq(ret, 0);
			ck_assert(memcmp(&d, &d2, sizeof(d)) == 0);
			ret = mmio_decode(buf, d.len - 1, &d2);
			ck_assert_int_eq(ret, MMIO_DECODE_TRUNCATED);
			/* and the length is the one mmio_decode_any() finds */
			ret = mmio_decode_any(buf, avail, &a);
			ck_assert_int_eq(ret, 0);
			ck_assert_uint_eq(a.len, d.len);
		}
		free(buf);
	}
	/* the run must have exercised the accepting paths too */
	ck_assert_uint_gt(n_ok, 1000);
}
END_TEST

/* The same for mmio_decode_any(), which accepts far more. */
START_TEST(any_random_bytes)
{
	static const u8 interesting[] = {
		0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x64, 0x40, 0x41, 0x48,
		0x4c, 0x0f, 0x0f, 0x38, 0x3a, 0xc4, 0xc5, 0x62, 0x8f, 0xa0,
		0xa1, 0xb8, 0xf6, 0xf7, 0xe8, 0x78, 0x20, 0x8b, 0x04, 0x05,
		0x44, 0x84, 0x24, 0x25, 0x00, 0xff, 0x80,
	};
	unsigned int iter, k, n_ok = 0, n_load = 0;
	struct mmio_any_insn a, a2;
	bool ok;
	struct mmio_insn d;
	u8 bytes[20];
	size_t avail;
	u8 *buf;
	int ret;

	for (iter = 0; iter < 200000; iter++) {
		avail = rng() % (sizeof(bytes) + 1);
		for (k = 0; k < avail; k++) {
			u64 r = rng();

			bytes[k] = r & 1 ? interesting[(r >> 8) %
						       sizeof(interesting)] :
					   (u8)(r >> 8);
		}
		buf = exact_copy(bytes, avail);
		ret = mmio_decode_any(buf, avail, &a);
		ok = ret == 0;
		ck_assert_msg(ret == 0 || ret == MMIO_DECODE_INVALID ||
			      ret == MMIO_DECODE_TRUNCATED,
			      "iteration %u: returned %d", iter, ret);
		if (ret == MMIO_DECODE_TRUNCATED)
			ck_assert_uint_lt(avail, MMIO_INSN_MAX_LEN);
		if (ret == 0) {
			n_ok++;
			ck_assert_uint_ge(a.len, 1);
			ck_assert_uint_le(a.len, avail);
			ck_assert_uint_le(a.len, MMIO_INSN_MAX_LEN);
			ck_assert(a.load_reg >= -1 && a.load_reg <= 15);
			if (a.load_reg < 0) {
				ck_assert(a.load_width == 0 &&
					  !a.load_high_byte);
			} else {
				n_load++;
				ck_assert(a.load_width == 1 ||
					  a.load_width == 2 ||
					  a.load_width == 4 ||
					  a.load_width == 8);
			}
			ck_assert(!a.load_high_byte ||
				  (a.load_reg <= 3 && a.load_width == 1));
			ret = mmio_decode_any(buf, a.len, &a2);
			ck_assert_int_eq(ret, 0);
			ck_assert(memcmp(&a, &a2, sizeof(a)) == 0);
			ret = mmio_decode_any(buf, a.len - 1, &a2);
			ck_assert_int_eq(ret, MMIO_DECODE_TRUNCATED);
		}
		if (mmio_decode(buf, avail, &d) == 0)
			ck_assert(ok && a.len == d.len);
		free(buf);
	}
	ck_assert_uint_gt(n_ok, 50000);
	ck_assert_uint_gt(n_load, 1000);
}
END_TEST

/* Where the memory operand points, for each addressing form. */
START_TEST(effective_address)
{
	static const struct {
		const char *text;
		u8 bytes[12];
		size_t len;
		bool known;
		int base, index;
		unsigned int scale;
		u64 disp;
	} cases[] = {
		{ "mov %eax,0x10(%rbx)", { 0x89, 0x43, 0x10 }, 3,
		  true, 3, MMIO_EA_NONE, 0, 0x10 },
		{ "mov 0x8(%rax,%rcx,4),%edx", { 0x8b, 0x54, 0x88, 0x08 }, 4,
		  true, 0, 1, 2, 8 },
		{ "mov 0x100(%rip),%eax", { 0x8b, 0x05, 0x00, 0x01, 0, 0 }, 6,
		  true, MMIO_EA_RIP, MMIO_EA_NONE, 0, 0x100 },
		{ "mov %eax,-0x10(%r12)", { 0x41, 0x89, 0x44, 0x24, 0xf0 }, 5,
		  true, 12, MMIO_EA_NONE, 0, (u64)-0x10 },
		{ "mov 0x1000(,%r12,1),%eax",
		  { 0x42, 0x8b, 0x04, 0x25, 0x00, 0x10, 0, 0 }, 8,
		  true, MMIO_EA_NONE, 12, 0, 0x1000 },
		{ "movabs 0x1122334455667788,%rax",
		  { 0x48, 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 }, 10,
		  true, MMIO_EA_NONE, MMIO_EA_NONE, 0, 0x1122334455667788ULL },
		{ "movl $1,-0x12345678(%rax)",
		  { 0xc7, 0x80, 0x88, 0xa9, 0xcb, 0xed, 1, 0, 0, 0 }, 10,
		  true, 0, MMIO_EA_NONE, 0, (u64)-0x12345678 },
		{ "mov 0x80(%rsp),%eax", { 0x8b, 0x84, 0x24, 0x80, 0, 0, 0 }, 7,
		  true, 4, MMIO_EA_NONE, 0, 0x80 },
		{ "mov %gs:(%rbx),%eax", { 0x65, 0x8b, 0x03 }, 3, false, 0, 0, 0, 0 },
		{ "rep movsl", { 0xf3, 0xa5 }, 2, false, 0, 0, 0, 0 },
	};
	struct mmio_insn d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&d, 0, sizeof(d));
		ck_assert_msg(mmio_decode(cases[i].bytes, cases[i].len, &d) == 0,
			      "%s: not decoded", cases[i].text);
		ck_assert_msg(d.len == cases[i].len, "%s: length %u", cases[i].text,
			      d.len);
		ck_assert_msg(d.ea.known == cases[i].known, "%s: known %d",
			      cases[i].text, d.ea.known);
		if (!cases[i].known)
			continue;
		ck_assert_msg(d.ea.base == cases[i].base &&
			      d.ea.index == cases[i].index &&
			      d.ea.scale == cases[i].scale &&
			      d.ea.disp == cases[i].disp,
			      "%s: base %d index %d scale %u disp %#llx", cases[i].text,
			      d.ea.base, d.ea.index, d.ea.scale,
			      (unsigned long long)d.ea.disp);
	}
}
END_TEST

static Suite *insn_decode_suite(void)
{
	Suite *s = suite_create("insn_decode");
	TCase *tc;

	index_vectors();

	tc = tcase_create("vectors");
	tcase_add_loop_test(tc, vector_exact, 0, (int)ARRAY_SIZE(vectors));
	tcase_add_loop_test(tc, vector_followed, 0, (int)ARRAY_SIZE(vectors));
	tcase_add_loop_test(tc, vector_truncated, 0, (int)n_valid);
	tcase_add_loop_test(tc, any_exact, 0, (int)ARRAY_SIZE(vectors));
	tcase_add_loop_test(tc, any_followed, 0, (int)ARRAY_SIZE(vectors));
	tcase_add_loop_test(tc, any_truncated, 0, (int)n_any_valid);
	tcase_add_loop_test(tc, any_agrees, 0, (int)n_valid);
	suite_add_tcase(s, tc);

	tc = tcase_create("other");
	tcase_add_test(tc, empty);
	tcase_add_test(tc, effective_address);
	tcase_add_test(tc, coverage);
	tcase_add_test(tc, random_bytes);
	tcase_add_test(tc, any_empty);
	tcase_add_test(tc, any_coverage);
	tcase_add_test(tc, any_random_bytes);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(insn_decode_suite());
	int failed;

	/*
	 * 4,320 table-driven cases of a pure function: a fork each (Check's
	 * default) costs about 0.1 s under ASan, 8 minutes in all.  In one
	 * process a failed assertion still fails only its case, and a crash
	 * fails the run (make check-unit counts a non-zero exit).  Check's
	 * timeouts need a fork: an alarm stands in for them, so a decoder
	 * that loops forever kills the run instead of hanging it.
	 */
	srunner_set_fork_status(sr, CK_NOFORK);
	alarm(600);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
