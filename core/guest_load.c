// SPDX-License-Identifier: GPL-2.0
/*
 * What goes into a guest's memory before it runs: the kernel where the
 * arch's boot protocol places it, the initrd and the guest's own device
 * tree (its machine node, plus /chosen and what the arch adds).
 */
#include <keel/bundle.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/fdt.h>
#include <keel/guest.h>
#include <keel/heap.h>
#include <keel/page_alloc.h>
#include <keel/printf.h>
#include <keel/string.h>
#include "guest_priv.h"

/* ---- boot images and the guest's own device tree ---- */

static const struct region *lowest_ram(struct guest *g)
{
	for (unsigned int i = 0; i < g->aspace.nr; i++)
		if (g->aspace.regions[i].type == REGION_RAM)
			return &g->aspace.regions[i];
	return NULL;
}

/* End of the RAM that is contiguous from the lowest RAM region. */
static u64 first_bank_end(struct guest *g, const struct region *first)
{
	u64 end = first->gpa + first->size;

	for (unsigned int i = 0; i < g->aspace.nr; i++) {
		const struct region *r = &g->aspace.regions[i];

		if (r->type == REGION_RAM && r->gpa == end)
			end += r->size;
	}
	return end;
}

/*
 * The bundle file a description names in `prop`. An optional image that is
 * not named leaves `file` empty and is no error; one that is named must be
 * in the bundle and hold something, or the guest would boot without it.
 */
static int find_image(struct guest *g, const char *prop,
		      struct bundle_file *file, bool required)
{
	const char *name;

	if (devtree_prop_read_string(g->config, prop, &name)) {
		if (!required)
			return 0;
		guest_config_error(g, NULL, "no \"%s\" image named", prop);
		return -EINVAL;
	}
	if (bundle_find(name, file)) {
		guest_config_error(g, NULL,
				   "%s \"%s\" is not in the boot bundle", prop,
				   name);
		return -ENOENT;
	}
	if (!file->size) {
		guest_config_error(g, NULL, "%s \"%s\" is an empty file", prop,
				   name);
		return -EINVAL;
	}
	return 0;
}

/*
 * Where the arch's boot protocol puts the kernel in the first bank
 * [base, base + size). A placement below the bank is the arch's mistake,
 * refused all the same: the fit checks count from the bank's base.
 */
static int place_kernel(struct guest *g, const struct bundle_file *kernel,
			u64 base, u64 size, struct arch_kernel_placement *place)
{
	char why[96];
	int err;

	err = arch_guest_place_kernel(kernel->data, kernel->size, base, size,
				      place, why, sizeof(why));
	if (!err && place->load < base) {
		snprintf(why, sizeof(why),
			 "placed at 0x%llx, below RAM at 0x%llx",
			 (unsigned long long)place->load,
			 (unsigned long long)base);
		err = -EINVAL;
	}
	if (err)
		guest_config_error(g, NULL, "kernel \"%s\": %s", kernel->name,
				   why);
	return err;
}

/* The guest's device tree: its machine node, plus CPUs and /chosen. */
static int build_guest_fdt(struct guest *g, u64 initrd_start, u64 initrd_end,
			   void **blob, size_t *size)
{
	struct devtree_node *machine = devtree_child(g->config, "machine");
	struct devtree_node *root = NULL, *chosen;
	const char *bootargs, *console;
	size_t need = 0;
	int err;

	err = devtree_copy(machine, &root);
	if (err)
		return err;

	chosen = devtree_child(root, "chosen");
	if (!chosen)
		err = devtree_node_add(root, "chosen", &chosen);
	if (!err && !devtree_prop_read_string(g->config, "bootargs", &bootargs))
		err = devtree_prop_set_string(chosen, "bootargs", bootargs);
	if (!err && !devtree_prop_read_string(g->config, "console", &console)) {
		char path[64];

		snprintf(path, sizeof(path), "/%s", console);
		err = devtree_prop_set_string(chosen, "stdout-path", path);
	}
	if (!err && initrd_end > initrd_start) {
		u64 s = cpu_to_kfdt64(initrd_start),
		    e = cpu_to_kfdt64(initrd_end);

		err = devtree_prop_set(chosen, "linux,initrd-start", &s, 8);
		if (!err)
			err = devtree_prop_set(chosen, "linux,initrd-end", &e,
					       8);
	}
	if (!err)
		err = arch_guest_fdt_fixup(g, root);
	if (!err) {
		devtree_flatten(root, NULL, 0, &need);
		*blob = keel_malloc(need);
		err = *blob ? devtree_flatten(root, *blob, need, size) :
			      -ENOMEM;
		if (err) {
			keel_free(*blob);
			*blob = NULL;
		}
	}
	devtree_free(root);
	return err;
}

/*
 * Put kernel, initrd and device tree into guest RAM. Where each goes
 * follows from the RAM layout: kernel where the arch's boot protocol
 * places it in the first bank (an Image header's text_offset), the device
 * tree in the last 2 MiB of the first bank, the initrd below it.
 */
int guest_load_images(struct guest *g)
{
	const struct region *ram = lowest_ram(g);
	struct bundle_file kernel, initrd = { 0 };
	struct arch_kernel_placement place;
	struct arch_boot_images boot;
	u64 kernel_offset, bank_end, dtb_gpa, initrd_gpa = 0, below;
	char why[128];
	void *blob = NULL;
	size_t blob_size = 0;
	int err;

	if (!ram) {
		guest_config_error(g, NULL,
				   "no RAM (a memory node in \"machine\")");
		return -EINVAL;
	}
	err = find_image(g, "kernel", &kernel, true);
	if (!err)
		err = find_image(g, "initrd", &initrd, false);
	if (err)
		return err;
	bank_end = first_bank_end(g, ram);
	err = place_kernel(g, &kernel, ram->gpa, bank_end - ram->gpa, &place);
	if (err)
		return err;
	kernel_offset = place.load - ram->gpa;
	dtb_gpa = ALIGN_DOWN(bank_end - 1, MiB(2));
	/*
	 * Sizes are compared with the room left rather than summed into end
	 * addresses: an image header's offset is the image's to choose, and
	 * a sum could wrap.
	 */
	below = dtb_gpa > ram->gpa ? dtb_gpa - ram->gpa : 0;
	if (initrd.size && initrd.size <= below) {
		initrd_gpa = ALIGN_DOWN(dtb_gpa - initrd.size, PAGE_SIZE);
		below = initrd_gpa > ram->gpa ? initrd_gpa - ram->gpa : 0;
	} else if (initrd.size) {
		below = 0;
	}
	if (kernel_offset > below || kernel.size > below - kernel_offset) {
		guest_config_error(g, NULL,
				   "kernel%s (%zu bytes, the kernel at offset "
				   "0x%llx) does not fit below 0x%llx",
				   initrd.size ? " and initrd" : "",
				   kernel.size + initrd.size,
				   (unsigned long long)kernel_offset,
				   (unsigned long long)dtb_gpa);
		return -E2BIG;
	}
	err = build_guest_fdt(g, initrd_gpa, initrd_gpa + initrd.size, &blob,
			      &blob_size);
	if (err) {
		guest_config_error(g, NULL, "cannot build its device tree: %s",
				   error_name(err));
		return err;
	}
	/* The device tree has the rest of the bank, at most 2 MiB. */
	if (blob_size > bank_end - dtb_gpa) {
		guest_config_error(
			g, NULL,
			"its device tree (%zu bytes) does not fit in "
			"the %llu bytes at 0x%llx",
			blob_size, (unsigned long long)(bank_end - dtb_gpa),
			(unsigned long long)dtb_gpa);
		keel_free(blob);
		return -E2BIG;
	}
	err = guest_memory_write(g, place.load, kernel.data, kernel.size);
	if (!err && initrd.size)
		err = guest_memory_write(g, initrd_gpa, initrd.data,
					 initrd.size);
	if (!err)
		err = guest_memory_write(g, dtb_gpa, blob, blob_size);
	keel_free(blob);
	if (err)
		return err;
	boot = (struct arch_boot_images){
		.kernel = kernel.data,
		.kernel_size = kernel.size,
		.kernel_load = place.load,
		.initrd = initrd_gpa,
		.initrd_size = initrd.size,
		.fdt = dtb_gpa,
		.fdt_size = blob_size,
		.entry = place.entry,
		.arg = dtb_gpa,
	};
	err = arch_guest_boot_prepare(g, &boot, why, sizeof(why));
	if (err) {
		guest_config_error(g, NULL, "%s", why);
		return err;
	}
	g->entry = boot.entry;
	g->boot_arg = boot.arg;
	return 0;
}
