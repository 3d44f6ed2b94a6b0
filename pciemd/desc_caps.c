// SPDX-License-Identifier: MIT
/* capabilities: MSI, MSI-X (placed in a BAR), power management, PCIe. */
#include <linux/pci_regs.h>
#include <stdio.h>
#include <string.h>

#include "desc_error.h"
#include "desc_keys.h"
#include "desc_number.h"
#include "desc_parse.h"
#include "desc_value.h"

#define NKEYS(k) (sizeof(k) / sizeof((k)[0]))

static const struct desc_key cap_keys[] = {
	{ "msi", NULL }, { "msix", NULL }, { "pm", NULL }, { "pcie", NULL },
};

static const struct desc_key msi_keys[] = {
	{ "vectors", NULL }, { "64bit", NULL }, { "masking", NULL },
};

static const struct desc_key msix_keys[] = {
	{ "vectors", "the number of vectors, e.g. vectors: 4" },
	{ "bar", NULL },
	{ "table", "the table's offset in the BAR, e.g. table: 0x800" },
	{ "pba", "the pending bit array's offset in the BAR, e.g. pba: 0xc00" },
};

static const struct desc_key pm_keys[] = {
	{ "d1", NULL }, { "d2", NULL }, { "pme", NULL }, { "no_soft_reset", NULL },
};

static const struct desc_key pcie_keys[] = {
	{ "type", NULL }, { "max_payload", NULL }, { "link_speed", NULL },
	{ "link_width", NULL }, { "flr", NULL },
};

/* Optional boolean key of map into *out (left alone when absent). */
static int opt_bool(struct desc_error *err, const struct ynode *map,
		    const char *key, const char *what, bool *out)
{
	const struct ynode *n = ynode_get(map, key);

	return n ? desc_value_bool(err, n, what, out) : 0;
}

static int is_cap_map(struct desc_error *err, const struct ynode *v,
		      const char *what, const char *keys,
		      const struct desc_key *table, size_t n)
{
	char expect[160], where[32];

	snprintf(expect, sizeof(expect), "a mapping of %s", keys);
	snprintf(where, sizeof(where), "in %s", what);
	return desc_value_map(err, v, what, expect) ||
	       desc_keys_check(err, v, where, table, n);
}

static int parse_msi(struct desc_error *err, struct desc_msi *msi,
		     const struct ynode *v)
{
	const struct ynode *n;
	uint64_t vectors = 1;

	if (is_cap_map(err, v, "msi", "vectors, 64bit, masking", msi_keys, NKEYS(msi_keys)))
		return -1;
	n = ynode_get(v, "vectors");
	if (n && desc_value_u64(err, n, "msi vectors", 0, UINT64_MAX, "1, 2, 4, 8, 16 or 32", &vectors))
		return -1;
	/* Multiple Message Capable is a power of two. */
	if (!vectors || vectors > 32 || (vectors & (vectors - 1)))
		return desc_fail(err, n->pos, "msi vectors " DESC_QUOTE " is not valid; expected 1, 2, 4, 8, 16 or 32",
				 n->text);
	msi->present = true;
	msi->pos = v->pos;
	msi->vectors = (unsigned int)vectors;
	msi->is_64bit = true;
	return opt_bool(err, v, "64bit", "msi 64bit", &msi->is_64bit) ||
	       opt_bool(err, v, "masking", "msi masking", &msi->masking);
}

/* An MSI-X structure of len bytes at off: aligned and inside its BAR. */
static int check_msix_part(struct desc_error *err, const struct desc_device *dev,
			   const struct ynode *n, const char *what, uint64_t off,
			   uint64_t len, const char *layout)
{
	const struct desc_msix *x = &dev->msix;
	char size[24];

	if (off % 8)
		return desc_fail(err, n->pos,
				 "MSI-X %s offset " DESC_QUOTE " is not 8-byte aligned; expected a multiple of 8",
				 what, n->text);
	if (off + len > dev->bars[x->bar].size) {
		num_format_size(dev->bars[x->bar].size, size, sizeof(size));
		return desc_fail(err, n->pos,
				 "MSI-X %s 0x%llx..0x%llx (%s) does not fit in BAR %u (size %s); expected it inside the BAR",
				 what, (unsigned long long)off,
				 (unsigned long long)(off + len - 1), layout, x->bar, size);
	}
	return 0;
}

static int parse_msix(struct desc_error *err, struct desc_device *dev,
		      const struct ynode *v)
{
	const struct ynode *bar_node, *table_node, *pba_node;
	struct desc_msix *x = &dev->msix;
	uint64_t vectors, bar = 0, table, pba, table_len, pba_len;
	char layout[64];

	if (is_cap_map(err, v, "msix", "vectors, bar, table, pba", msix_keys, NKEYS(msix_keys)))
		return -1;
	bar_node = ynode_get(v, "bar");
	table_node = ynode_get(v, "table");
	pba_node = ynode_get(v, "pba");
	if (desc_value_u64(err, ynode_get(v, "vectors"), "msix vectors", 1, 2048, "1..2048", &vectors) ||
	    (bar_node && desc_value_u64(err, bar_node, "msix bar", 0, 5, "0..5", &bar)) ||
	    desc_value_u64(err, table_node, "msix table", 0, UINT32_MAX,
			   "a byte offset in the BAR", &table) ||
	    desc_value_u64(err, pba_node, "msix pba", 0, UINT32_MAX,
			   "a byte offset in the BAR", &pba) ||
	    desc_check_bar_ref(err, dev, (unsigned int)bar,
			       bar_node ? bar_node->pos : v->pos, "the MSI-X table"))
		return -1;
	x->present = true;
	x->pos = v->pos;
	x->vectors = (unsigned int)vectors;
	x->bar = (unsigned int)bar;
	x->table_offset = (uint32_t)table;
	x->pba_offset = (uint32_t)pba;
	table_len = 16 * vectors;
	pba_len = 8 * ((vectors + 63) / 64);
	snprintf(layout, sizeof(layout), "%llu vectors x 16 bytes", (unsigned long long)vectors);
	if (check_msix_part(err, dev, table_node, "table", table, table_len, layout))
		return -1;
	snprintf(layout, sizeof(layout), "%llu 64-bit word%s", (unsigned long long)(pba_len / 8),
		 pba_len > 8 ? "s" : "");
	if (check_msix_part(err, dev, pba_node, "PBA", pba, pba_len, layout))
		return -1;
	if (pba < table + table_len && table < pba + pba_len)
		return desc_fail(err, pba_node->pos,
				 "MSI-X PBA 0x%llx..0x%llx overlaps the MSI-X table 0x%llx..0x%llx; expected them apart",
				 (unsigned long long)pba, (unsigned long long)(pba + pba_len - 1),
				 (unsigned long long)table, (unsigned long long)(table + table_len - 1));
	return 0;
}

static int parse_pme(struct desc_error *err, struct desc_pm *pm,
		     const struct ynode *v)
{
	static const char *const states[] = { "d0", "d1", "d2", "d3hot", "d3cold" };

	if (desc_value_seq(err, v, "pm pme", "a list of states, e.g. [d0, d3hot]"))
		return -1;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *item = v->kids[i];
		unsigned int s;

		if (desc_value_choice(err, item, "pme state", states, 5, &s))
			return -1;
		if (pm->pme_support & (1u << s))
			return desc_fail(err, item->pos,
					 "pme state '%s' is listed twice; expected each state once",
					 states[s]);
		/* PME# from a state the function cannot enter means nothing. */
		if ((s == 1 && !pm->d1) || (s == 2 && !pm->d2))
			return desc_fail(err, item->pos,
					 "pme from %s needs %s: true; expected %s: true, or %s left out of pme",
					 states[s], states[s], states[s], states[s]);
		pm->pme_support |= (uint8_t)(1u << s);
	}
	return 0;
}

static int parse_pm(struct desc_error *err, struct desc_pm *pm,
		    const struct ynode *v)
{
	const struct ynode *pme;

	if (is_cap_map(err, v, "pm", "d1, d2, pme, no_soft_reset", pm_keys, NKEYS(pm_keys)) ||
	    opt_bool(err, v, "d1", "pm d1", &pm->d1) ||
	    opt_bool(err, v, "d2", "pm d2", &pm->d2) ||
	    opt_bool(err, v, "no_soft_reset", "pm no_soft_reset", &pm->no_soft_reset))
		return -1;
	pme = ynode_get(v, "pme");
	if (pme && !ynode_is_null(pme) && parse_pme(err, pm, pme))
		return -1;
	pm->present = true;
	pm->pos = v->pos;
	return 0;
}

static int parse_pcie(struct desc_error *err, struct desc_pcie *pcie,
		      const struct ynode *v)
{
	static const char *const types[] = { "endpoint", "legacy-endpoint", "rc-endpoint" };
	static const uint8_t type_codes[] = { PCI_EXP_TYPE_ENDPOINT, PCI_EXP_TYPE_LEG_END,
					      PCI_EXP_TYPE_RC_END };
	static const char *const speeds[] = { "2.5GT", "5GT", "8GT", "16GT", "32GT" };
	static const char *const widths[] = { "1", "2", "4", "8", "12", "16", "32" };
	static const uint8_t width_codes[] = { 1, 2, 4, 8, 12, 16, 32 };
	const struct ynode *n, *speed, *width;
	unsigned int type = 0, s = 0, w = 0;
	uint64_t payload = 128;

	if (is_cap_map(err, v, "pcie", "type, max_payload, link_speed, link_width, flr",
		       pcie_keys, NKEYS(pcie_keys)))
		return -1;
	speed = ynode_get(v, "link_speed");
	width = ynode_get(v, "link_width");
	n = ynode_get(v, "type");
	if (n && desc_value_choice(err, n, "pcie type", types, 3, &type))
		return -1;
	n = ynode_get(v, "max_payload");
	if (n && desc_value_u64(err, n, "pcie max_payload", 0, UINT64_MAX,
				"128, 256, 512, 1024, 2048 or 4096 (bytes)", &payload))
		return -1;
	if (payload < 128 || payload > 4096 || (payload & (payload - 1)))
		return desc_fail(err, n->pos,
				 "pcie max_payload " DESC_QUOTE " is not valid; expected 128, 256, 512, 1024, 2048 or 4096 (bytes)",
				 n->text);
	if ((speed && desc_value_choice(err, speed, "pcie link_speed", speeds, 5, &s)) ||
	    (width && desc_value_choice(err, width, "pcie link_width", widths, 7, &w)))
		return -1;
	/* A root-complex integrated endpoint has no link registers at all. */
	if (type == 2 && (speed || width))
		return desc_fail(err, speed ? speed->pos : width->pos,
				 "%s does not apply to an rc-endpoint (it has no link); expected it left out, or type: endpoint",
				 speed ? "link_speed" : "link_width");
	pcie->present = true;
	pcie->pos = v->pos;
	pcie->port_type = type_codes[type];
	pcie->max_payload = (uint8_t)(__builtin_ctzll(payload) - 7);
	pcie->link_speed = (uint8_t)(s + 1);
	pcie->link_width = width_codes[w];
	return opt_bool(err, v, "flr", "pcie flr", &pcie->flr);
}

int desc_parse_capabilities(struct desc_error *err, struct desc_device *dev,
			    const struct ynode *v)
{
	const struct ynode *n;

	if (!v || ynode_is_null(v))
		return 0;
	if (is_cap_map(err, v, "capabilities", "msi, msix, pm, pcie", cap_keys, NKEYS(cap_keys)))
		return -1;
	n = ynode_get(v, "msi");
	if (n && parse_msi(err, &dev->msi, n))
		return -1;
	n = ynode_get(v, "msix");
	if (n && parse_msix(err, dev, n))
		return -1;
	n = ynode_get(v, "pm");
	if (n && parse_pm(err, &dev->pm, n))
		return -1;
	n = ynode_get(v, "pcie");
	return n ? parse_pcie(err, &dev->pcie, n) : 0;
}
