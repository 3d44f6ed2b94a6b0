// SPDX-License-Identifier: MIT
/*
 * Reading a shared object's exported symbols from its file: the ELF
 * header, the section headers, the dynamic symbol table and its strings,
 * copied into memory with pread().  The file is never mapped (a plugin
 * rewritten in place while pciemd runs would turn a mapped read into
 * SIGBUS) and never trusted: every offset, size and index is checked
 * before it is used, and a file that shrinks under us reads short.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugin_elf.h"

/* Larger is no plugin; it also keeps every sum below 2^64. */
#define PD_ELF_MAX_SIZE (1ULL << 32)
/* Larger tables than any plugin's: the copies stay small. */
#define PD_ELF_MAX_TABLE (64ULL << 20)
/* An object's bytes handed out by a lookup (a descriptor is 56). */
#define PD_ELF_MAX_OBJECT 4096

#if defined(__x86_64__)
#define PD_ELF_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define PD_ELF_MACHINE EM_AARCH64
#elif defined(__i386__)
#define PD_ELF_MACHINE EM_386
#elif defined(__arm__)
#define PD_ELF_MACHINE EM_ARM
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define PD_ELF_DATA ELFDATA2LSB
#else
#define PD_ELF_DATA ELFDATA2MSB
#endif

#define PD_ELF_CLASS (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32)

struct pd_elf {
	int fd;
	uint64_t size;
	ElfW(Shdr) *shdrs;
	size_t n_shdrs;
	ElfW(Sym) *syms;
	size_t n_syms;
	char *strs;
	size_t strs_size;
	uint8_t object[PD_ELF_MAX_OBJECT];	/* the last lookup's data */
};

/* [off, off + len) lies inside the file. */
static bool inside(const struct pd_elf *e, uint64_t off, uint64_t len)
{
	return off <= e->size && len <= e->size - off;
}

static int fail(char *why, size_t len, const char *text)
{
	snprintf(why, len, "%s", text);
	return -1;
}

/* len bytes at off, whole, into buf. */
static bool read_at(const struct pd_elf *e, void *buf, uint64_t len, uint64_t off)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(e->fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return true;
}

/* A malloc'd copy of the table at [off, off + len). */
static void *copy_table(const struct pd_elf *e, uint64_t off, uint64_t len)
{
	void *p;

	if (!len || len > PD_ELF_MAX_TABLE || !inside(e, off, len))
		return NULL;
	p = malloc(len);
	if (p && !read_at(e, p, len, off)) {
		free(p);
		p = NULL;
	}
	return p;
}

/* A position-independent executable: ET_DYN too, but dlopen() refuses it. */
static bool is_executable(const struct pd_elf *e)
{
	for (size_t i = 0; i < e->n_shdrs; i++) {
		const ElfW(Shdr) *sh = &e->shdrs[i];
		ElfW(Dyn) *dyn;
		bool pie = false;
		size_t n;

		if (sh->sh_type != SHT_DYNAMIC || sh->sh_entsize != sizeof(ElfW(Dyn)))
			continue;
		dyn = copy_table(e, sh->sh_offset, sh->sh_size);
		if (!dyn)
			return false;
		n = sh->sh_size / sizeof(ElfW(Dyn));
		for (size_t k = 0; k < n && dyn[k].d_tag != DT_NULL; k++)
			if (dyn[k].d_tag == DT_FLAGS_1 && (dyn[k].d_un.d_val & DF_1_PIE))
				pie = true;
		free(dyn);
		return pie;
	}
	return false;
}

static int read_headers(struct pd_elf *e, char *why, size_t len)
{
	const ElfW(Shdr) *dynsym = NULL, *strtab;
	ElfW(Ehdr) eh;

	if (!read_at(e, &eh, sizeof(eh), 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG))
		return fail(why, len, "is not an ELF file");
	if (eh.e_ident[EI_CLASS] != PD_ELF_CLASS || eh.e_ident[EI_DATA] != PD_ELF_DATA
#ifdef PD_ELF_MACHINE
	    || eh.e_machine != PD_ELF_MACHINE
#endif
	   )
		return fail(why, len, "was built for another kind of machine");
	if (eh.e_type != ET_DYN)
		return fail(why, len, "is not a shared object (build it with -shared -fPIC)");
	if (eh.e_shnum == 0 || eh.e_shentsize != sizeof(ElfW(Shdr)))
		return fail(why, len, "has no readable section headers (stripped beyond strip(1)?)");
	e->shdrs = copy_table(e, eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(ElfW(Shdr)));
	if (!e->shdrs)
		return fail(why, len, "has no readable section headers (stripped beyond strip(1)?)");
	e->n_shdrs = eh.e_shnum;
	if (is_executable(e))
		return fail(why, len, "is an executable, not a shared object (build it with -shared -fPIC)");

	for (size_t i = 0; i < e->n_shdrs && !dynsym; i++)
		if (e->shdrs[i].sh_type == SHT_DYNSYM)
			dynsym = &e->shdrs[i];
	if (!dynsym)
		return fail(why, len, "exports no symbols (it has no dynamic symbol table)");
	if (dynsym->sh_entsize != sizeof(ElfW(Sym)) ||
	    dynsym->sh_link == 0 || dynsym->sh_link >= e->n_shdrs)
		return fail(why, len, "has a damaged dynamic symbol table");
	e->syms = copy_table(e, dynsym->sh_offset, dynsym->sh_size);
	if (!e->syms)
		return fail(why, len, "has a damaged dynamic symbol table");
	e->n_syms = dynsym->sh_size / sizeof(ElfW(Sym));
	strtab = &e->shdrs[dynsym->sh_link];
	if (strtab->sh_type != SHT_STRTAB)
		return fail(why, len, "has a damaged dynamic string table");
	e->strs = copy_table(e, strtab->sh_offset, strtab->sh_size);
	if (!e->strs)
		return fail(why, len, "has a damaged dynamic string table");
	e->strs_size = strtab->sh_size;
	return 0;
}

int pd_elf_open(const char *path, struct pd_elf **out, char *why, size_t len)
{
	struct pd_elf *e;
	struct stat st;
	int fd;

	*out = NULL;
	/* O_NONBLOCK: a FIFO or a tty named as a plugin must not hang us. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		snprintf(why, len, "cannot be opened: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(why, len, "is not a regular file");
	}
	if (st.st_size < (off_t)sizeof(ElfW(Ehdr)) ||
	    (unsigned long long)st.st_size > PD_ELF_MAX_SIZE) {
		close(fd);
		return fail(why, len, st.st_size ? "is not an ELF file" : "is empty");
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		close(fd);
		return fail(why, len, "cannot be read: out of memory");
	}
	e->fd = fd;
	e->size = (uint64_t)st.st_size;
	if (read_headers(e, why, len)) {
		pd_elf_close(e);
		return -1;
	}
	*out = e;
	return 0;
}

/* The file bytes of a defined object, if its section holds them. */
static const void *object_data(struct pd_elf *e, const ElfW(Sym) *s)
{
	const ElfW(Shdr) *sh;
	uint64_t rel;

	if (s->st_shndx >= e->n_shdrs || s->st_shndx >= SHN_LORESERVE ||
	    s->st_size > sizeof(e->object))
		return NULL;
	sh = &e->shdrs[s->st_shndx];
	if (sh->sh_type == SHT_NOBITS || s->st_value < sh->sh_addr)
		return NULL;
	rel = s->st_value - sh->sh_addr;
	if (rel > sh->sh_size || s->st_size > sh->sh_size - rel ||
	    !inside(e, sh->sh_offset, sh->sh_size) ||
	    !read_at(e, e->object, s->st_size, sh->sh_offset + rel))
		return NULL;
	return e->object;
}

bool pd_elf_lookup(struct pd_elf *e, const char *name, struct pd_elf_sym *sym)
{
	size_t want = strlen(name);

	for (size_t i = 1; i < e->n_syms; i++) {
		const ElfW(Sym) *s = &e->syms[i];
		unsigned int bind = ELF64_ST_BIND(s->st_info);
		unsigned int vis = ELF64_ST_VISIBILITY(s->st_other);
		unsigned int type = ELF64_ST_TYPE(s->st_info);

		if (s->st_name >= e->strs_size || e->strs_size - s->st_name <= want ||
		    memcmp(e->strs + s->st_name, name, want + 1))
			continue;
		if (s->st_shndx == SHN_UNDEF ||
		    (bind != STB_GLOBAL && bind != STB_WEAK && bind != STB_GNU_UNIQUE) ||
		    (vis != STV_DEFAULT && vis != STV_PROTECTED))
			continue;
		sym->size = s->st_size;
		sym->data = NULL;
		if (type == STT_FUNC || type == STT_GNU_IFUNC) {
			sym->kind = PD_ELF_FUNC;
		} else if (type == STT_OBJECT) {
			sym->kind = PD_ELF_OBJECT;
			sym->data = object_data(e, s);
		} else {
			sym->kind = PD_ELF_OTHER;
		}
		return true;
	}
	return false;
}

void pd_elf_close(struct pd_elf *e)
{
	if (!e)
		return;
	close(e->fd);
	free(e->shdrs);
	free(e->syms);
	free(e->strs);
	free(e);
}
