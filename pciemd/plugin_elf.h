/* SPDX-License-Identifier: MIT */
/*
 * A plugin's exported symbols, read from its file without loading it:
 * checking a plugin (pciemd --check) must not run its code, and loading
 * one runs its constructors.  Reads the ELF dynamic symbol table of a
 * shared object of this machine; every offset and size in the file is
 * bounds-checked, and the file is read, not mapped, so any file is safe
 * to read, even one rewritten meanwhile.
 */
#ifndef PCIEMD_PLUGIN_ELF_H
#define PCIEMD_PLUGIN_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pd_elf;

enum pd_elf_kind {
	PD_ELF_FUNC,		/* code: a function, or an indirect one */
	PD_ELF_OBJECT,		/* data */
	PD_ELF_OTHER,		/* anything else defined (TLS, a section, ...) */
};

struct pd_elf_sym {
	enum pd_elf_kind kind;
	uint64_t size;		/* st_size */
	/*
	 * An object's initial bytes as the file holds them (before
	 * relocation: pointers in it are not usable), valid until the next
	 * lookup; NULL when the file holds none (.bss), they are not where
	 * the symbol says, or the object is larger than 4 KiB.
	 */
	const void *data;
};

/*
 * Open path and read its dynamic symbol table.  0 with *out set, or -1
 * with what is wrong in why ("is not an ELF file", ...), to follow the
 * path in a message.
 */
int pd_elf_open(const char *path, struct pd_elf **out, char *why, size_t len);

/*
 * The symbol name as the file defines and exports it: false when it is
 * absent, only referenced (defined by another library) or not global.
 */
bool pd_elf_lookup(struct pd_elf *elf, const char *name,
		   struct pd_elf_sym *sym);

void pd_elf_close(struct pd_elf *elf);

#endif /* PCIEMD_PLUGIN_ELF_H */
