// SPDX-License-Identifier: GPL-2.0
/*
 * A guest's description (docs/guest-config.md) turned into its vCPU count
 * and affinities and its machine: RAM, ROMs, host devices passed through,
 * emulated devices with their interrupts. Every range is checked before
 * anything uses it, and every refusal names the guest, the node and why.
 */
#include <keel/bitops.h>
#include <keel/bundle.h>
#include <keel/cpu.h>
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/heap.h>
#include <keel/memory.h>
#include <keel/page_alloc.h>
#include <keel/printf.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <arch/mmu.h>
#include "guest_priv.h"

void guest_config_error(const struct guest *g, const struct devtree_node *node,
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
		guest_config_error(g, node, "%s at 0x%llx is empty", what,
				   (unsigned long long)base);
		return -EINVAL;
	}
	if (base + size < base) {
		guest_config_error(
			g, node,
			"%s 0x%llx + 0x%llx wraps past the end of the "
			"address space",
			what, (unsigned long long)base,
			(unsigned long long)size);
		return -ERANGE;
	}
	if (limit && (base >= limit || size > limit - base)) {
		guest_config_error(
			g, node,
			"%s 0x%llx-0x%llx is beyond the %u-bit physical "
			"address space",
			what, (unsigned long long)base,
			(unsigned long long)(base + size - 1), bits);
		return -ERANGE;
	}
	return 0;
}

static bool mask_has_online_cpu(u64 mask)
{
	unsigned int c;

	for_each_online_cpu(c)
		if ((mask >> c) & 1)
			return true;
	return false;
}

int guest_config_vcpus(struct guest *g, u64 *affinity)
{
	u32 count, len;

	if (devtree_prop_read_u32(g->config, "vcpus", &count)) {
		guest_config_error(g, NULL,
				   "missing \"vcpus\" (the number of vCPUs)");
		return -EINVAL;
	}
	if (count == 0 || count > GUEST_MAX_VCPUS) {
		guest_config_error(g, NULL, "vcpus = %u: must be 1 to %u",
				   count, GUEST_MAX_VCPUS);
		return -EINVAL;
	}
	g->nr_vcpus = count;
	for (u32 i = 0; i < count; i++)
		affinity[i] = CPU_MASK_ALL;
	if (devtree_prop_get(g->config, "vcpu-affinity", &len)) {
		if (len != count * 4) {
			guest_config_error(
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
				guest_config_error(
					g, NULL,
					"vcpu-affinity of vCPU%u is empty", i);
				return -EINVAL;
			}
			if (!mask_has_online_cpu(mask)) {
				guest_config_error(
					g, NULL,
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

/* ---- the machine node ---- */

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
		guest_config_error(
			g, node, "%s must be page-aligned and non-empty", kind);
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
			guest_config_error(
				g, node,
				err == -EEXIST ?
					"%s at 0x%llx overlaps another region" :
					"too many regions (%s at 0x%llx)",
				kind, (unsigned long long)gpa);
			return err;
		}
		added->host = page_alloc_zeroed(order);
		if (!added->host) {
			guest_config_error(
				g, node, "out of memory for %llu KiB of %s",
				(unsigned long long)(r.size >> 10), kind);
			return -ENOMEM;
		}
		err = arch_guest_map(
			g, gpa, arch_virt_to_phys(added->host), r.size,
			type == REGION_ROM ? GUEST_MEM_ROM : GUEST_MEM_RAM);
		if (err) {
			guest_config_error(
				g, node, "cannot map %s at 0x%llx: %s", kind,
				(unsigned long long)gpa, error_name(err));
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
		guest_config_error(g, node, "missing \"reg\"");
		return -EINVAL;
	}
	err = check_range(g, node, "ROM", base, size, arch_guest_pa_bits());
	if (err)
		return err;
	if (devtree_prop_read_string(node, "file", &file)) {
		guest_config_error(g, node,
				   "no \"file\" for the ROM's contents");
		return -EINVAL;
	}
	if (bundle_find(file, &f)) {
		guest_config_error(
			g, node, "file \"%s\" is not in the boot bundle", file);
		return -ENOENT;
	}
	if (f.size > size) {
		guest_config_error(g, node,
				   "\"%s\" (%zu bytes) is larger than the ROM",
				   file, f.size);
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
		guest_config_error(g, node, "missing or empty \"reg\"");
		return -EINVAL;
	}
	if (devtree_prop_read_u32_index(node, "host-address", 0, &hi) ||
	    devtree_prop_read_u32_index(node, "host-address", 1, &lo)) {
		guest_config_error(g, node,
				   "needs \"host-address\" (two cells)");
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
		guest_config_error(g, node,
				   "addresses and size must be page-aligned");
		return -EINVAL;
	}
	hr.start = hpa;
	hr.end = hpa + size;
	for (unsigned int i = 0; map && i < map->nr_banks; i++) {
		if (ranges_overlap(hr.start, hr.end, map->banks[i].start,
				   map->banks[i].end)) {
			guest_config_error(
				g, node, "host range 0x%llx-0x%llx is host RAM",
				(unsigned long long)hr.start,
				(unsigned long long)hr.end - 1);
			return -EPERM;
		}
	}
	hr.owner = NULL;
	driver_for_each_binding(check_binding, &hr);
	if (hr.owner) {
		guest_config_error(
			g, node,
			"host range 0x%llx-0x%llx is in use by Keel's "
			"%s driver",
			(unsigned long long)hr.start,
			(unsigned long long)hr.end - 1, hr.owner);
		return -EBUSY;
	}
	err = guest_map_host_device(g, node->name, base, hpa, size);
	if (err)
		guest_config_error(
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
				guest_config_error(
					g, node,
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
		guest_config_error(g, node,
				   "\"interrupts\" without an "
				   "interrupt-parent");
		return -EINVAL;
	}
	emu = devemu_find_for_node(ic);
	if (!emu || !emu->xlate) {
		guest_config_error(
			g, node,
			"interrupt-parent %s is no interrupt controller "
			"Keel emulates",
			ic->name);
		return -EINVAL;
	}
	if (devtree_prop_read_u32(ic, "#interrupt-cells", &cells)) {
		guest_config_error(
			g, node, "interrupt-parent %s has no #interrupt-cells",
			ic->name);
		return -EINVAL;
	}
	if (cells != emu->irq_cells || cells > DEVEMU_MAX_IRQ_CELLS) {
		guest_config_error(
			g, node,
			"#interrupt-cells = %u in %s: the %s interrupt "
			"controller takes %u",
			cells, ic->name, emu->name, emu->irq_cells);
		return -EINVAL;
	}
	if (!len || len % (4 * cells)) {
		guest_config_error(
			g, node,
			"\"interrupts\" is %u bytes, not a whole number "
			"of %u-cell specifiers",
			len, cells);
		return -EINVAL;
	}
	count = len / (4 * cells);
	if (count > DEVEMU_MAX_IRQS) {
		guest_config_error(g, node,
				   "%u interrupts: a device has at most %u",
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
			guest_config_error(g, node, "interrupt %u: %s", i, why);
			return err;
		}
		inst->irqs[inst->nr_irqs++] = line;
	}
	return 0;
}

/*
 * Where a device's registers are: the first "reg" entry, in guest-
 * physical space or, for a device on an ISA bus whose entry names the
 * I/O space, in the guest's port space (the ISA binding's first address
 * cell: 1 I/O, 0 memory). 0 and base, size, *in_ports; or a refusal
 * already reported.
 */
static int device_window(struct guest *g, const struct devtree_node *node,
			 bool on_isa, u64 *base, u64 *size, bool *in_ports)
{
	u32 space;

	*in_ports = false;
	if (devtree_read_reg(node, 0, base, size) || !*size) {
		guest_config_error(g, node, "missing or empty \"reg\"");
		return -EINVAL;
	}
	if (!on_isa)
		return check_range(g, node, "registers", *base, *size,
				   arch_guest_pa_bits());
	space = (u32)(*base >> 32);
	*base &= 0xffffffffULL;
	if (space > 1) {
		guest_config_error(g, node,
				   "ISA address space %u: neither memory (0) "
				   "nor I/O (1)",
				   space);
		return -EINVAL;
	}
	if (!space)
		return check_range(g, node, "registers", *base, *size,
				   arch_guest_pa_bits());
	if (*base >= PORT_SPACE_SIZE || *size > PORT_SPACE_SIZE - *base) {
		guest_config_error(g, node,
				   "ports 0x%llx + 0x%llx are beyond port "
				   "0xffff",
				   (unsigned long long)*base,
				   (unsigned long long)*size);
		return -ERANGE;
	}
	*in_ports = true;
	return 0;
}

static int add_device(struct guest *g, const struct devtree_node *node,
		      bool on_isa)
{
	const char *compat = NULL;
	const struct emulator *emu = NULL;
	struct devemu_instance *inst;
	struct region r = { .type = REGION_EMULATED };
	struct region *added;
	u64 base, size;
	bool in_ports;
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
		guest_config_error(g, node, "no emulator for compatible \"%s\"",
				   compat ? compat : "");
		return -ENODEV;
	}
	err = device_window(g, node, on_isa, &base, &size, &in_ports);
	if (err)
		return err;
	inst = keel_zalloc(sizeof(*inst));
	if (!inst)
		return -ENOMEM;
	inst->emu = emu;
	inst->guest = g;
	inst->base = base;
	inst->size = size;
	inst->in_ports = in_ports;
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
	err = aspace_insert(in_ports ? &g->ports : &g->aspace, &r, &added);
	if (err) {
		inst->emu = NULL; /* never probed: nothing to remove */
		guest_config_error(
			g, node,
			err == -EEXIST ? "%s at 0x%llx overlap another region" :
					 "too many regions (%s at 0x%llx)",
			in_ports ? "ports" : "registers",
			(unsigned long long)base);
		return err;
	}
	err = devemu_probe(inst, node);
	if (err) {
		/* Probe failed: the instance holds nothing to remove. */
		inst->emu = NULL;
		guest_config_error(g, node, "%s emulator refused it: %s",
				   emu->name, error_name(err));
		return err;
	}
	return 0;
}

/*
 * An ISA bus: its devices in the I/O-port space or in memory, as each
 * one's "reg" says (the bus itself is only an address space).
 */
static int add_isa_bus(struct guest *g, const struct devtree_node *bus)
{
	struct devtree_node *n;
	u32 ac, sc;

	if (devtree_prop_read_u32(bus, "#address-cells", &ac) ||
	    devtree_prop_read_u32(bus, "#size-cells", &sc) || ac != 2 ||
	    sc != 1) {
		guest_config_error(g, bus,
				   "an ISA bus has #address-cells = <2> "
				   "(space, address) and #size-cells = <1>");
		return -EINVAL;
	}
	devtree_for_each_child(n, bus) {
		int err;

		if (!devtree_is_available(n) ||
		    !devtree_prop_find(n, "compatible"))
			continue;
		err = add_device(g, n, true);
		if (err)
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

int guest_config_machine(struct guest *g, const struct devtree_node *machine)
{
	struct devtree_node *n;
	int err;

	devtree_for_each_child(n, machine) {
		if (!devtree_is_available(n))
			continue;
		if (is_memory_node(n)) {
			int count = devtree_reg_count(n);

			if (count <= 0) {
				guest_config_error(
					g, n, "memory node without \"reg\"");
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
		} else if (devtree_is_compatible(n, "isa")) {
			err = add_isa_bus(g, n);
			if (err)
				return err;
		} else if (devtree_prop_find(n, "compatible")) {
			err = add_device(g, n, false);
			if (err)
				return err;
		}
		/* Nodes without compatible (aliases, chosen) are data only. */
	}
	return 0;
}
