// SPDX-License-Identifier: MIT
/* identity: the IDs and class the device shows in config space. */
#include "desc_error.h"
#include "desc_keys.h"
#include "desc_parse.h"
#include "desc_value.h"

static const struct desc_key identity_keys[] = {
	{ "vendor", "the PCI vendor ID, e.g. vendor: 0x1234" },
	{ "device", "the device ID, e.g. device: 0x5678" },
	{ "subsystem_vendor", NULL },
	{ "subsystem_device", NULL },
	{ "revision", NULL },
	{ "class", "the 24-bit class code, e.g. class: 0xff0000 (base << 16 | sub << 8 | prog-if)" },
};

#define ID16 "a 16-bit ID from 0x0000 to 0xffff"

int desc_parse_identity(struct desc_error *err, struct desc_device *dev,
			const struct ynode *v)
{
	uint64_t vendor, device, sub_vendor, sub_device, revision = 0, class;
	const struct ynode *n;

	if (desc_value_map(err, v, "identity",
			   "a mapping of vendor, device, class and optionally subsystem_vendor, subsystem_device, revision") ||
	    desc_keys_check(err, v, "in identity", identity_keys,
			    sizeof(identity_keys) / sizeof(identity_keys[0])))
		return -1;
	/*
	 * 0x0000 and 0xffff read as "no device" to every PCI enumerator; 0x0001
	 * is the Configuration Request Retry Status answer ("not ready").
	 */
	if (desc_value_u64(err, ynode_get(v, "vendor"), "vendor", 0x0002, 0xfffe,
			   "a vendor ID from 0x0002 to 0xfffe (0x0000 and 0xffff mean no device, 0x0001 is the retry status)",
			   &vendor) ||
	    desc_value_u64(err, ynode_get(v, "device"), "device", 0, 0xffff, ID16, &device))
		return -1;
	sub_vendor = vendor;
	sub_device = device;
	n = ynode_get(v, "subsystem_vendor");
	if (n && desc_value_u64(err, n, "subsystem_vendor", 0, 0xffff, ID16, &sub_vendor))
		return -1;
	n = ynode_get(v, "subsystem_device");
	if (n && desc_value_u64(err, n, "subsystem_device", 0, 0xffff, ID16, &sub_device))
		return -1;
	n = ynode_get(v, "revision");
	if (n && desc_value_u64(err, n, "revision", 0, 255, "0..255", &revision))
		return -1;
	if (desc_value_u64(err, ynode_get(v, "class"), "class", 0, 0xffffff,
			   "a 24-bit class code from 0x000000 to 0xffffff (base << 16 | sub << 8 | prog-if)",
			   &class))
		return -1;
	dev->vendor_id = (uint16_t)vendor;
	dev->device_id = (uint16_t)device;
	dev->subsys_vendor_id = (uint16_t)sub_vendor;
	dev->subsys_device_id = (uint16_t)sub_device;
	dev->revision = (uint8_t)revision;
	dev->class_code = (uint32_t)class;
	return 0;
}
