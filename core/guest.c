// SPDX-License-Identifier: GPL-2.0
/*
 * Guests: built from a description node (docs/guest-config.md), run by
 * their vCPU threads, and managed from the terminal. All management goes
 * through one mutex, so that create, reset and destroy never interleave.
 */
#include <keel/bitops.h>
#include <keel/bundle.h>
#include <keel/cpu.h>
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/fdt.h>
#include <keel/guest.h>
#include <keel/heap.h>
#include <keel/memory.h>
#include <keel/mutex.h>
#include <keel/page_alloc.h>
#include <keel/printf.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <arch/mmu.h>

static LIST_HEAD(guests);
static DEFINE_MUTEX(guests_mutex);
static unsigned int next_guest_id;

static const char *const guest_state_names[] = {
	[GUEST_CREATED] = "created",
	[GUEST_RUNNING] = "running",
	[GUEST_PAUSED] = "paused",
	[GUEST_HALTED] = "halted",
};

const char *guest_state_name(enum guest_state s)
{
	return (unsigned int)s < ARRAY_SIZE(guest_state_names) ?
		       guest_state_names[s] :
		       "?";
}

const char *guest_name(const struct guest *g)
{
	return g->name;
}

/* Report a problem with a guest description, naming guest and node. */
static void __printf(3, 4)
	config_error(const struct guest *g, const struct devtree_node *node,
		     const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (node && node->name[0])
		printk(KERN_ERR "guest %s: %s: %s\n", g->name, node->name, msg);
	else
		printk(KERN_ERR "guest %s: %s\n", g->name, msg);
}

/*
 * Every address range a description gives is checked before anything
 * else looks at it: an end past 2^64 would wrap to low addresses and slip
 * past the overlap checks, and an address beyond what the second stage
 * translates cannot be mapped. `bits` is the width of the address space
 * the range lives in (guest-physical or host-physical).
 */
static int check_range(const struct guest *g, const struct devtree_node *node,
		       const char *what, u64 base, u64 size, unsigned int bits)
{
	u64 limit = bits < 64 ? 1ULL << bits : 0;

	if (!size) {
		config_error(g, node, "%s at 0x%llx is empty", what,
			     (unsigned long long)base);
		return -EINVAL;
	}
	if (base + size < base) {
		config_error(g, node,
			     "%s 0x%llx + 0x%llx wraps past the end of the "
			     "address space",
			     what, (unsigned long long)base,
			     (unsigned long long)size);
		return -ERANGE;
	}
	if (limit && (base >= limit || size > limit - base)) {
		config_error(g, node,
			     "%s 0x%llx-0x%llx is beyond the %u-bit physical "
			     "address space",
			     what, (unsigned long long)base,
			     (unsigned long long)(base + size - 1), bits);
		return -ERANGE;
	}
	return 0;
}

/* ---- guest memory ---- */

static int guest_memory_copy(struct guest *g, u64 gpa, void *buf, size_t len,
			     bool to_guest)
{
	while (len) {
		struct region *r = aspace_find(&g->aspace, gpa);
		size_t chunk;

		if (!r || (r->type != REGION_RAM && r->type != REGION_ROM))
			return -EFAULT;
		chunk = MIN(len, r->gpa + r->size - gpa);
		if (to_guest)
			memcpy((char *)r->host + (gpa - r->gpa), buf, chunk);
		else
			memcpy(buf, (char *)r->host + (gpa - r->gpa), chunk);
		gpa += chunk;
		buf = (char *)buf + chunk;
		len -= chunk;
	}
	return 0;
}

int guest_memory_write(struct guest *g, u64 gpa, const void *src, size_t len)
{
	return guest_memory_copy(g, gpa, (void *)src, len, true);
}

int guest_memory_read(struct guest *g, u64 gpa, void *dst, size_t len)
{
	return guest_memory_copy(g, gpa, dst, len, false);
}

/* ---- building a guest ---- */

/*
 * Back [gpa, gpa + size) with host pages in power-of-two blocks (RAM, or
 * ROM mapped read-only: the guest's writes to it then fault).
 */
static int add_memory(struct guest *g, const struct devtree_node *node, u64 gpa,
		      u64 size, enum region_type type)
{
	const char *kind = type == REGION_ROM ? "ROM" : "RAM";
	int err = check_range(g, node, kind, gpa, size, arch_guest_pa_bits());

	if (err)
		return err;
	if (!IS_ALIGNED(gpa | size, PAGE_SIZE)) {
		config_error(g, node, "%s must be page-aligned and non-empty",
			     kind);
		return -EINVAL;
	}
	while (size) {
		unsigned int order = MIN(fls64(size / PAGE_SIZE) - 1,
					 (unsigned int)PAGE_MAX_ORDER);
		struct region r = { .gpa = gpa, .type = type };
		struct region *added;

		/* Blocks aligned in guest space too, for 2 MiB mappings. */
		while (order && !IS_ALIGNED(gpa, PAGE_SIZE << order))
			order--;
		r.size = PAGE_SIZE << order;
		r.order = order;
		snprintf(r.name, sizeof(r.name), "%s", node->name);
		err = aspace_insert(&g->aspace, &r, &added);
		if (err) {
			config_error(
				g, node,
				err == -EEXIST ?
					"%s at 0x%llx overlaps another region" :
					"too many regions (%s at 0x%llx)",
				kind, (unsigned long long)gpa);
			return err;
		}
		added->host = page_alloc_zeroed(order);
		if (!added->host) {
			config_error(g, node,
				     "out of memory for %llu KiB of %s",
				     (unsigned long long)(r.size >> 10), kind);
			return -ENOMEM;
		}
		err = arch_guest_map(
			g, gpa, arch_virt_to_phys(added->host), r.size,
			type == REGION_ROM ? GUEST_MEM_ROM : GUEST_MEM_RAM);
		if (err) {
			config_error(g, node, "cannot map %s at 0x%llx: %s",
				     kind, (unsigned long long)gpa,
				     error_name(err));
			return err;
		}
		gpa += r.size;
		size -= r.size;
	}
	return 0;
}

/* A ROM: read-only pages holding a bundle file (the rest reads as 0). */
static int add_rom(struct guest *g, const struct devtree_node *node)
{
	struct bundle_file f;
	const char *file;
	u64 base, size;
	int err;

	if (devtree_read_reg(node, 0, &base, &size)) {
		config_error(g, node, "missing \"reg\"");
		return -EINVAL;
	}
	err = check_range(g, node, "ROM", base, size, arch_guest_pa_bits());
	if (err)
		return err;
	if (devtree_prop_read_string(node, "file", &file)) {
		config_error(g, node, "no \"file\" for the ROM's contents");
		return -EINVAL;
	}
	if (bundle_find(file, &f)) {
		config_error(g, node, "file \"%s\" is not in the boot bundle",
			     file);
		return -ENOENT;
	}
	if (f.size > size) {
		config_error(g, node,
			     "\"%s\" (%zu bytes) is larger than the ROM", file,
			     f.size);
		return -E2BIG;
	}
	err = add_memory(g, node, base, size, REGION_ROM);
	return err ? err : guest_memory_write(g, base, f.data, f.size);
}

int guest_map_host_device(struct guest *g, const char *name, u64 gpa,
			  paddr_t hpa, u64 size)
{
	struct region r = {
		.gpa = gpa, .size = size, .type = REGION_PASSTHROUGH, .hpa = hpa
	};
	int err;

	if (!size || !IS_ALIGNED(gpa | hpa | size, PAGE_SIZE))
		return -EINVAL;
	strlcpy(r.name, name, sizeof(r.name));
	/* On failure the guest is being built and is destroyed whole. */
	err = aspace_insert(&g->aspace, &r, NULL);
	return err ? err : arch_guest_map(g, gpa, hpa, size, GUEST_MEM_DEVICE);
}

struct host_range {
	paddr_t start, end;
	const char *owner; /* the driver using an overlapped device */
};

static bool ranges_overlap(paddr_t a, paddr_t a_end, paddr_t b, paddr_t b_end)
{
	return a < b_end && b < a_end;
}

static int check_binding(const struct driver_binding *b, void *arg)
{
	struct host_range *hr = arg;
	int count = devtree_reg_count(b->node);

	if (b->result)
		return 0;
	for (int i = 0; i < count; i++) {
		u64 base, size;

		if (!devtree_read_reg(b->node, i, &base, &size) &&
		    ranges_overlap(hr->start, hr->end, base, base + size)) {
			hr->owner = b->driver->name;
			return 1;
		}
	}
	return 0;
}

/*
 * A host device handed to the guest: "reg" is where the guest sees it and
 * "host-address" (64 bits) where it is. Host RAM and the devices Keel's
 * own drivers use are refused: a guest owning either could take Keel down.
 */
static int add_passthrough(struct guest *g, const struct devtree_node *node)
{
	const struct memory_map *map = memory_get_map();
	struct host_range hr;
	u64 base, size, hpa;
	u32 hi, lo;
	int err;

	if (devtree_read_reg(node, 0, &base, &size) || !size) {
		config_error(g, node, "missing or empty \"reg\"");
		return -EINVAL;
	}
	if (devtree_prop_read_u32_index(node, "host-address", 0, &hi) ||
	    devtree_prop_read_u32_index(node, "host-address", 1, &lo)) {
		config_error(g, node, "needs \"host-address\" (two cells)");
		return -EINVAL;
	}
	hpa = (u64)hi << 32 | lo;
	err = check_range(g, node, "guest range", base, size,
			  arch_guest_pa_bits());
	if (!err)
		err = check_range(g, node, "host range", hpa, size,
				  arch_host_pa_bits());
	if (err)
		return err;
	if (!IS_ALIGNED(base | hpa | size, PAGE_SIZE)) {
		config_error(g, node,
			     "addresses and size must be page-aligned");
		return -EINVAL;
	}
	hr.start = hpa;
	hr.end = hpa + size;
	for (unsigned int i = 0; map && i < map->nr_banks; i++) {
		if (ranges_overlap(hr.start, hr.end, map->banks[i].start,
				   map->banks[i].end)) {
			config_error(g, node,
				     "host range 0x%llx-0x%llx is host RAM",
				     (unsigned long long)hr.start,
				     (unsigned long long)hr.end - 1);
			return -EPERM;
		}
	}
	hr.owner = NULL;
	driver_for_each_binding(check_binding, &hr);
	if (hr.owner) {
		config_error(g, node,
			     "host range 0x%llx-0x%llx is in use by Keel's "
			     "%s driver",
			     (unsigned long long)hr.start,
			     (unsigned long long)hr.end - 1, hr.owner);
		return -EBUSY;
	}
	err = guest_map_host_device(g, node->name, base, hpa, size);
	if (err)
		config_error(
			g, node,
			err == -EEXIST ?
				"registers at 0x%llx overlap another region" :
				"cannot map 0x%llx: %s",
			(unsigned long long)base, error_name(err));
	return err;
}

/*
 * A device's "interrupts", as lines of its interrupt controller: core
 * finds the controller (the nearest "interrupt-parent") and cuts the
 * property into specifiers of its "#interrupt-cells"; what the cells mean
 * is the controller's emulator's to say (emulator.xlate). Anything the
 * controller could not deliver is refused here, so that emulators only
 * ever see lines that exist.
 */
static int parse_interrupts(const struct guest *g,
			    const struct devtree_node *node,
			    struct devemu_instance *inst)
{
	const struct devtree_node *p, *ic = NULL;
	const struct emulator *emu;
	u32 cells, len, ph, count;

	for (p = node; p; p = p->parent) {
		if (!devtree_prop_read_u32(p, "interrupt-parent", &ph)) {
			ic = devtree_find_phandle(g->config, ph);
			if (!ic) {
				config_error(g, node,
					     "interrupt-parent <%u> names no "
					     "node",
					     ph);
				return -EINVAL;
			}
			break;
		}
	}
	if (!devtree_prop_get(node, "interrupts", &len))
		return 0;
	if (!ic) {
		config_error(g, node,
			     "\"interrupts\" without an "
			     "interrupt-parent");
		return -EINVAL;
	}
	emu = devemu_find_for_node(ic);
	if (!emu || !emu->xlate) {
		config_error(g, node,
			     "interrupt-parent %s is no interrupt controller "
			     "Keel emulates",
			     ic->name);
		return -EINVAL;
	}
	if (devtree_prop_read_u32(ic, "#interrupt-cells", &cells)) {
		config_error(g, node,
			     "interrupt-parent %s has no #interrupt-cells",
			     ic->name);
		return -EINVAL;
	}
	if (cells != emu->irq_cells || cells > DEVEMU_MAX_IRQ_CELLS) {
		config_error(g, node,
			     "#interrupt-cells = %u in %s: the %s interrupt "
			     "controller takes %u",
			     cells, ic->name, emu->name, emu->irq_cells);
		return -EINVAL;
	}
	if (!len || len % (4 * cells)) {
		config_error(g, node,
			     "\"interrupts\" is %u bytes, not a whole number "
			     "of %u-cell specifiers",
			     len, cells);
		return -EINVAL;
	}
	count = len / (4 * cells);
	if (count > DEVEMU_MAX_IRQS) {
		config_error(g, node, "%u interrupts: a device has at most %u",
			     count, DEVEMU_MAX_IRQS);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < count; i++) {
		u32 spec[DEVEMU_MAX_IRQ_CELLS];
		char why[96];
		unsigned int line;
		int err;

		for (unsigned int c = 0; c < cells; c++)
			devtree_prop_read_u32_index(node, "interrupts",
						    i * cells + c, &spec[c]);
		err = emu->xlate(ic, spec, &line, why, sizeof(why));
		if (err) {
			config_error(g, node, "interrupt %u: %s", i, why);
			return err;
		}
		inst->irqs[inst->nr_irqs++] = line;
	}
	return 0;
}

static int add_device(struct guest *g, const struct devtree_node *node)
{
	const char *compat = NULL;
	const struct emulator *emu = NULL;
	struct devemu_instance *inst;
	struct region r = { .type = REGION_EMULATED };
	struct region *added;
	u64 base, size;
	int err;

	for (unsigned int i = 0;
	     !emu &&
	     !devtree_prop_read_string_index(node, "compatible", i, &compat);
	     i++)
		emu = devemu_find(compat);
	/* No registers and nothing to emulate: data (a clock, say). */
	if (!emu && !devtree_prop_find(node, "reg"))
		return 0;
	if (!emu) {
		config_error(g, node, "no emulator for compatible \"%s\"",
			     compat ? compat : "");
		return -ENODEV;
	}
	if (devtree_read_reg(node, 0, &base, &size) || !size) {
		config_error(g, node, "missing or empty \"reg\"");
		return -EINVAL;
	}
	err = check_range(g, node, "registers", base, size,
			  arch_guest_pa_bits());
	if (err)
		return err;
	inst = keel_zalloc(sizeof(*inst));
	if (!inst)
		return -ENOMEM;
	inst->emu = emu;
	inst->guest = g;
	inst->base = base;
	inst->size = size;
	spin_lock_init(&inst->lock);
	strlcpy(inst->name, node->name, sizeof(inst->name));
	list_add_tail(&inst->link, &g->devices);
	err = parse_interrupts(g, node, inst);
	if (err) {
		inst->emu = NULL; /* never probed: nothing to remove */
		return err;
	}
	r.gpa = base;
	r.size = size;
	r.dev = inst;
	strlcpy(r.name, node->name, sizeof(r.name));
	err = aspace_insert(&g->aspace, &r, &added);
	if (err) {
		inst->emu = NULL; /* never probed: nothing to remove */
		config_error(
			g, node,
			err == -EEXIST ?
				"registers at 0x%llx overlap another region" :
				"too many regions (at 0x%llx)",
			(unsigned long long)base);
		return err;
	}
	err = emu->probe ? emu->probe(inst, node) : 0;
	if (err) {
		/* Probe failed: the emulator holds nothing to remove. */
		inst->emu = NULL;
		config_error(g, node, "%s emulator refused it: %s", emu->name,
			     error_name(err));
		return err;
	}
	return 0;
}

static bool is_memory_node(const struct devtree_node *n)
{
	const char *type;

	return !devtree_prop_read_string(n, "device_type", &type) &&
	       !strcmp(type, "memory");
}

static int build_machine(struct guest *g, const struct devtree_node *machine)
{
	struct devtree_node *n;
	int err;

	devtree_for_each_child(n, machine) {
		if (!devtree_is_available(n))
			continue;
		if (is_memory_node(n)) {
			int count = devtree_reg_count(n);

			if (count <= 0) {
				config_error(g, n,
					     "memory node without \"reg\"");
				return -EINVAL;
			}
			for (int i = 0; i < count; i++) {
				u64 base, size;

				devtree_read_reg(n, i, &base, &size);
				err = add_memory(g, n, base, size, REGION_RAM);
				if (err)
					return err;
			}
		} else if (devtree_is_compatible(n, "keel,rom")) {
			err = add_rom(g, n);
			if (err)
				return err;
		} else if (devtree_is_compatible(n, "keel,passthrough")) {
			err = add_passthrough(g, n);
			if (err)
				return err;
		} else if (devtree_prop_find(n, "compatible")) {
			err = add_device(g, n);
			if (err)
				return err;
		}
		/* Nodes without compatible (aliases, chosen) are data only. */
	}
	return 0;
}

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
		config_error(g, NULL, "no \"%s\" image named", prop);
		return -EINVAL;
	}
	if (bundle_find(name, file)) {
		config_error(g, NULL, "%s \"%s\" is not in the boot bundle",
			     prop, name);
		return -ENOENT;
	}
	if (!file->size) {
		config_error(g, NULL, "%s \"%s\" is an empty file", prop, name);
		return -EINVAL;
	}
	return 0;
}

/* The guest's device tree: its machine node, plus CPUs and /chosen. */
static int build_guest_fdt(struct guest *g, u64 initrd_start, u64 initrd_end,
			   void **blob, size_t *size)
{
	struct devtree_node *machine = devtree_child(g->config, "machine");
	struct devtree_node *root = NULL, *chosen;
	const char *bootargs, *console;
	size_t need = 0;
	void *buf;
	int err;

	devtree_flatten(machine, NULL, 0, &need);
	buf = keel_malloc(need);
	if (!buf)
		return -ENOMEM;
	err = devtree_flatten(machine, buf, need, &need);
	if (!err)
		err = devtree_unflatten(buf, &root);
	keel_free(buf);
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
 * follows from the RAM layout: kernel where its image header asks, the
 * device tree in the last 2 MiB of the first bank, the initrd below it.
 */
static int load_images(struct guest *g)
{
	const struct region *ram = lowest_ram(g);
	struct bundle_file kernel, initrd = { 0 };
	u64 kernel_offset, bank_end, dtb_gpa, initrd_gpa = 0, below;
	void *blob = NULL;
	size_t blob_size = 0;
	int err;

	if (!ram) {
		config_error(g, NULL, "no RAM (a memory node in \"machine\")");
		return -EINVAL;
	}
	err = find_image(g, "kernel", &kernel, true);
	if (!err)
		err = find_image(g, "initrd", &initrd, false);
	if (err)
		return err;
	kernel_offset = arch_guest_kernel_offset(kernel.data, kernel.size);
	bank_end = first_bank_end(g, ram);
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
		config_error(g, NULL,
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
		config_error(g, NULL, "cannot build its device tree: %s",
			     error_name(err));
		return err;
	}
	/* The device tree has the rest of the bank, at most 2 MiB. */
	if (blob_size > bank_end - dtb_gpa) {
		config_error(g, NULL,
			     "its device tree (%zu bytes) does not fit in "
			     "the %llu bytes at 0x%llx",
			     blob_size,
			     (unsigned long long)(bank_end - dtb_gpa),
			     (unsigned long long)dtb_gpa);
		keel_free(blob);
		return -E2BIG;
	}
	err = guest_memory_write(g, ram->gpa + kernel_offset, kernel.data,
				 kernel.size);
	if (!err && initrd.size)
		err = guest_memory_write(g, initrd_gpa, initrd.data,
					 initrd.size);
	if (!err)
		err = guest_memory_write(g, dtb_gpa, blob, blob_size);
	keel_free(blob);
	if (err)
		return err;
	g->entry = ram->gpa + kernel_offset;
	g->boot_arg = dtb_gpa;
	return 0;
}

/* ---- life cycle ---- */

static void free_guest(struct guest *g)
{
	struct devemu_instance *d, *tmp;

	/* A guest refused half-built may have fewer vCPUs than described. */
	for (unsigned int i = 0; i < g->nr_vcpus; i++)
		if (g->vcpus[i])
			vcpu_destroy(g->vcpus[i]);
	list_for_each_entry_safe(d, tmp, &g->devices, link) {
		if (d->emu && d->emu->remove)
			d->emu->remove(d);
		list_del(&d->link);
		keel_free(d);
	}
	arch_guest_destroy(g);
	for (unsigned int i = 0; i < g->aspace.nr; i++) {
		struct region *r = &g->aspace.regions[i];

		if (r->type != REGION_EMULATED && r->host)
			page_free(r->host, r->order);
	}
	devtree_free(g->config);
	keel_free(g);
}

static struct guest *find_locked(const char *name)
{
	struct guest *g;

	list_for_each_entry(g, &guests, link)
		if (!strcmp(g->name, name))
			return g;
	return NULL;
}

struct guest *guest_find(const char *name)
{
	return find_locked(name);
}

static int copy_config(const struct devtree_node *desc,
		       struct devtree_node **out)
{
	size_t need = 0;
	void *buf;
	int err;

	devtree_flatten(desc, NULL, 0, &need);
	buf = keel_malloc(need);
	if (!buf)
		return -ENOMEM;
	err = devtree_flatten(desc, buf, need, &need);
	if (!err)
		err = devtree_unflatten(buf, out);
	keel_free(buf);
	return err;
}

static bool mask_has_online_cpu(u64 mask)
{
	unsigned int c;

	for_each_online_cpu(c)
		if ((mask >> c) & 1)
			return true;
	return false;
}

static int parse_vcpus(struct guest *g, u64 *affinity)
{
	u32 count, len;

	if (devtree_prop_read_u32(g->config, "vcpus", &count)) {
		config_error(g, NULL,
			     "missing \"vcpus\" (the number of vCPUs)");
		return -EINVAL;
	}
	if (count == 0 || count > GUEST_MAX_VCPUS) {
		config_error(g, NULL, "vcpus = %u: must be 1 to %u", count,
			     GUEST_MAX_VCPUS);
		return -EINVAL;
	}
	g->nr_vcpus = count;
	for (u32 i = 0; i < count; i++)
		affinity[i] = CPU_MASK_ALL;
	if (devtree_prop_get(g->config, "vcpu-affinity", &len)) {
		if (len != count * 4) {
			config_error(
				g, NULL,
				"vcpu-affinity needs one mask per vCPU (%u)",
				count);
			return -EINVAL;
		}
		for (u32 i = 0; i < count; i++) {
			u32 mask;

			devtree_prop_read_u32_index(g->config, "vcpu-affinity",
						    i, &mask);
			if (!mask) {
				config_error(g, NULL,
					     "vcpu-affinity of vCPU%u is empty",
					     i);
				return -EINVAL;
			}
			if (!mask_has_online_cpu(mask)) {
				config_error(g, NULL,
					     "vcpu-affinity of vCPU%u (0x%x) "
					     "names no online host CPU",
					     i, mask);
				return -EINVAL;
			}
			affinity[i] = mask;
		}
	}
	return 0;
}

static int build_guest(struct guest *g)
{
	u64 affinity[GUEST_MAX_VCPUS];
	struct devtree_node *machine;
	int err;

	if (!devtree_is_compatible(g->config, "keel,guest")) {
		config_error(g, NULL,
			     "not a guest (compatible \"keel,guest\")");
		return -EINVAL;
	}
	err = parse_vcpus(g, affinity);
	if (err)
		return err;
	machine = devtree_child(g->config, "machine");
	if (!machine) {
		config_error(g, NULL,
			     "no \"machine\" node describing its hardware");
		return -EINVAL;
	}
	err = arch_guest_init(g);
	if (err) {
		config_error(g, NULL, "cannot set up translation: %s",
			     error_name(err));
		return err;
	}
	err = build_machine(g, machine);
	if (err)
		return err;
	for (unsigned int i = 0; i < g->nr_vcpus; i++) {
		err = vcpu_create(g, i, affinity[i], &g->vcpus[i]);
		if (err) {
			g->nr_vcpus = i;
			config_error(g, NULL, "cannot create vCPU%u: %s", i,
				     error_name(err));
			return err;
		}
	}
	/* Last: the guest's device tree lists the vCPUs. */
	return load_images(g);
}

int guest_create(const struct devtree_node *desc, struct guest **out)
{
	struct guest *g;
	int err;

	if (!desc->name[0] || strlen(desc->name) >= GUEST_NAME_LEN) {
		printk(KERN_ERR "guest: bad guest name \"%s\"\n", desc->name);
		return -EINVAL;
	}
	g = keel_zalloc(sizeof(*g));
	if (!g)
		return -ENOMEM;
	strlcpy(g->name, desc->name, sizeof(g->name));
	list_init(&g->devices);
	spin_lock_init(&g->lock);
	err = copy_config(desc, &g->config);
	if (err) {
		keel_free(g);
		return err;
	}
	mutex_lock(&guests_mutex);
	if (find_locked(g->name)) {
		mutex_unlock(&guests_mutex);
		config_error(g, NULL, "a guest with this name exists");
		devtree_free(g->config);
		keel_free(g);
		return -EEXIST;
	}
	err = build_guest(g);
	if (err) {
		mutex_unlock(&guests_mutex);
		free_guest(g);
		return err;
	}
	g->id = next_guest_id++;
	g->state = GUEST_CREATED;
	list_add_tail(&g->link, &guests);
	mutex_unlock(&guests_mutex);
	printk(KERN_INFO "guest %s: created, %u vCPU(s)\n", g->name,
	       g->nr_vcpus);
	if (out)
		*out = g;
	return 0;
}

/* Wait until every vCPU sleeps outside guest mode. */
static int wait_parked(struct guest *g)
{
	u64 deadline = timer_now_ns() + 2 * NSEC_PER_SEC;

	for (unsigned int i = 0; i < g->nr_vcpus; i++) {
		struct vcpu *v = g->vcpus[i];

		while (!READ_ONCE(v->parked)) {
			if (timer_now_ns() > deadline)
				return -ETIMEDOUT;
			vcpu_kick(v);
			thread_sleep_ms(1);
		}
	}
	return 0;
}

/* Every vCPU to `to` (those in `from` states only); then wait. */
static int set_all_vcpus(struct guest *g, enum vcpu_state to, bool wait)
{
	for (unsigned int i = 0; i < g->nr_vcpus; i++) {
		struct vcpu *v = g->vcpus[i];
		unsigned long flags;

		spin_lock_irqsave(&v->wait.lock, flags);
		if (to == VCPU_PAUSED) {
			if (v->state != VCPU_PAUSED) {
				v->state_before_pause = v->state;
				v->state = VCPU_PAUSED;
			}
		} else {
			v->state = to;
		}
		spin_unlock_irqrestore(&v->wait.lock, flags);
		vcpu_kick(v);
	}
	return wait ? wait_parked(g) : 0;
}

static int start_locked(struct guest *g)
{
	int err;

	if (g->state == GUEST_RUNNING || g->state == GUEST_PAUSED)
		return -EALREADY;
	if (g->state == GUEST_HALTED) {
		err = set_all_vcpus(g, VCPU_OFF, true);
		if (!err)
			err = load_images(g);
		if (err)
			return err;
	}
	err = vcpu_power_on(g->vcpus[0], g->entry, g->boot_arg);
	if (err)
		return err;
	g->state = GUEST_RUNNING;
	return 0;
}

int guest_start(struct guest *g)
{
	int err;

	mutex_lock(&guests_mutex);
	err = start_locked(g);
	mutex_unlock(&guests_mutex);
	return err;
}

int guest_pause(struct guest *g)
{
	int err = -EINVAL;

	mutex_lock(&guests_mutex);
	if (g->state == GUEST_RUNNING) {
		err = set_all_vcpus(g, VCPU_PAUSED, true);
		if (!err)
			g->state = GUEST_PAUSED;
	}
	mutex_unlock(&guests_mutex);
	return err;
}

int guest_resume(struct guest *g)
{
	int err = -EINVAL;

	mutex_lock(&guests_mutex);
	if (g->state == GUEST_PAUSED) {
		for (unsigned int i = 0; i < g->nr_vcpus; i++) {
			struct vcpu *v = g->vcpus[i];
			unsigned long flags;

			spin_lock_irqsave(&v->wait.lock, flags);
			if (v->state == VCPU_PAUSED)
				/* A paused WFI simply returns: allowed. */
				v->state = v->state_before_pause == VCPU_OFF ?
						   VCPU_OFF :
						   VCPU_RUNNING;
			spin_unlock_irqrestore(&v->wait.lock, flags);
			waitqueue_wake_all(&v->wait);
		}
		g->state = GUEST_RUNNING;
		err = 0;
	}
	mutex_unlock(&guests_mutex);
	return err;
}

static int reset_locked(struct guest *g)
{
	struct devemu_instance *d;
	int err = set_all_vcpus(g, VCPU_OFF, true);

	if (err)
		return err;
	list_for_each_entry(d, &g->devices, link) {
		unsigned long flags;

		if (!d->emu || !d->emu->reset)
			continue;
		spin_lock_irqsave(&d->lock, flags);
		d->emu->reset(d);
		spin_unlock_irqrestore(&d->lock, flags);
	}
	err = load_images(g);
	if (err)
		return err;
	g->state = GUEST_HALTED;
	return start_locked(g);
}

int guest_reset(struct guest *g)
{
	int err;

	mutex_lock(&guests_mutex);
	err = reset_locked(g);
	mutex_unlock(&guests_mutex);
	return err;
}

int guest_halt(struct guest *g)
{
	int err;

	mutex_lock(&guests_mutex);
	err = set_all_vcpus(g, VCPU_OFF, true);
	if (!err)
		g->state = GUEST_HALTED;
	mutex_unlock(&guests_mutex);
	return err;
}

int guest_destroy(struct guest *g)
{
	mutex_lock(&guests_mutex);
	list_del(&g->link);
	mutex_unlock(&guests_mutex);
	printk(KERN_INFO "guest %s: destroyed\n", g->name);
	free_guest(g);
	return 0;
}

int guest_for_each(int (*fn)(struct guest *g, void *arg), void *arg)
{
	struct guest *g;
	int ret = 0;

	mutex_lock(&guests_mutex);
	list_for_each_entry(g, &guests, link) {
		ret = fn(g, arg);
		if (ret)
			break;
	}
	mutex_unlock(&guests_mutex);
	return ret;
}

/* ---- requests from the guest itself (vCPU context) ---- */

void guest_request_halt(struct guest *g, const char *why)
{
	set_all_vcpus(g, VCPU_OFF, false);
	g->state = GUEST_HALTED;
	printk(KERN_INFO "guest %s: halted (%s)\n", g->name, why);
}

static void reset_worker(void *arg)
{
	unsigned int id = (unsigned int)(uintptr_t)arg;
	struct guest *g;

	mutex_lock(&guests_mutex);
	list_for_each_entry(g, &guests, link) {
		if (g->id == id) {
			int err = reset_locked(g);

			if (err)
				printk(KERN_ERR "guest %s: reset failed: %s\n",
				       g->name, error_name(err));
			break;
		}
	}
	mutex_unlock(&guests_mutex);
}

/*
 * The requesting vCPU cannot wait for itself to stop, so a helper thread
 * does the reset once every vCPU is parked.
 */
void guest_request_reset(struct guest *g)
{
	struct thread *t;

	set_all_vcpus(g, VCPU_OFF, false);
	t = thread_create("guest-reset", reset_worker, (void *)(uintptr_t)g->id,
			  THREAD_PRIO_NORMAL, CPU_MASK_ALL);
	if (!t || thread_start(t))
		guest_request_halt(g, "reset failed: out of memory");
}

/* ---- guests described at boot ---- */

static int create_all_in(struct devtree_node *guests_node, bool autostart_only)
{
	struct devtree_node *n;
	int created = 0;

	devtree_for_each_child(n, guests_node) {
		bool autostart = devtree_prop_find(n, "autostart") != NULL;
		struct guest *g;

		if (autostart_only && !autostart)
			continue;
		if (guest_create(n, &g))
			continue;
		created++;
		if (autostart && guest_start(g) == 0)
			printk(KERN_INFO "guest %s: started\n", g->name);
	}
	return created;
}

/*
 * Unflatten a blob from anywhere (a misaligned one is copied) after the
 * full check; a damaged one is refused, naming `what` and the fault.
 */
static int unflatten_copy(const char *what, const void *data, size_t size,
			  struct devtree_node **root)
{
	struct kfdt_fault fault;
	char why[128];
	int err;

	if (size > MiB(4)) {
		printk(KERN_ERR "%s: bad device tree: larger than 4 MiB\n",
		       what);
		return -E2BIG;
	}
	err = devtree_unflatten_blob(data, size, root, &fault);
	if (err && err != -ENOMEM)
		printk(KERN_ERR "%s: bad device tree: %s\n", what,
		       devtree_fault_text(&fault, why, sizeof(why)));
	return err;
}

int guest_create_from_fdt(const char *file, const void *fdt, size_t size,
			  struct guest **out)
{
	struct devtree_node *root, *node, *n;
	int err;

	err = unflatten_copy(file, fdt, size, &root);
	if (err)
		return err;
	node = devtree_child(root, "guests");
	if (!node || list_empty(&node->children)) {
		printk(KERN_ERR "%s: no /guests/<name> node\n", file);
		devtree_free(root);
		return -ENOENT;
	}
	devtree_for_each_child(n, node) {
		err = guest_create(n, out);
		if (err)
			break;
	}
	devtree_free(root);
	return err;
}

static int autostart_bundle_dtb(const struct bundle_file *f, void *arg)
{
	size_t len = strlen(f->name);
	struct devtree_node *root, *node;

	if (len < 4 || strcmp(f->name + len - 4, ".dtb"))
		return 0;
	if (unflatten_copy(f->name, f->data, f->size, &root))
		return 0;
	node = devtree_child(root, "guests");
	if (node)
		create_all_in(node, true);
	devtree_free(root);
	return 0;
}

/*
 * /chosen/keel,guests: a device-tree blob whose /guests nodes are created
 * as if they were in the host tree. For loaders that read every node of
 * the tree they pass on (OpenSBI initialises each PLIC it finds, a
 * guest's included): inside a property, the guests' devices are bytes.
 */
static void create_chosen_guests(void)
{
	struct devtree_node *chosen =
		devtree_find_path(devtree_host_root(), "/chosen");
	struct devtree_node *root, *node;
	const void *blob;
	u32 len;

	blob = chosen ? devtree_prop_get(chosen, "keel,guests", &len) : NULL;
	if (!blob)
		return;
	if (unflatten_copy("/chosen/keel,guests", blob, len, &root))
		return;
	node = devtree_child(root, "guests");
	if (node)
		create_all_in(node, false);
	devtree_free(root);
}

void guest_create_boot_guests(void)
{
	struct devtree_node *node =
		devtree_find_path(devtree_host_root(), "/guests");

	if (node)
		create_all_in(node, false);
	create_chosen_guests();
	bundle_for_each(autostart_bundle_dtb, NULL);
}
