// SPDX-License-Identifier: GPL-2.0
/*
 * Device-tree glue the host UART drivers share: the register layout of
 * the Linux 8250/16550 binding (reg-shift, reg-io-width, reg-offset), read
 * the same way from the flattened tree (early console, before the heap)
 * and from the live one (probe); and whether the registers are in an ISA
 * bus's I/O-port space (x86's COM ports).
 */
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/fdt.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "serial.h"

/* A node in the flattened tree (fdt, offset) or, when node is set, the live one. */
struct node_ref {
	const void *fdt;
	int offset;
	const struct devtree_node *node;
};

static const void *prop_get(const struct node_ref *n, const char *name,
			    u32 *len)
{
	const void *v;
	int flat_len;

	if (n->node)
		return devtree_prop_get(n->node, name, len);
	v = kfdt_getprop(n->fdt, n->offset, name, &flat_len);
	*len = v ? (u32)flat_len : 0;
	return v;
}

static const char *node_name(const struct node_ref *n)
{
	const char *name;

	if (n->node)
		return n->node->name;
	name = kfdt_get_name(n->fdt, n->offset, NULL);
	return name ? name : "?";
}

/* A one-cell property, or dflt when the node has none. */
static int read_u32(const struct node_ref *n, const char *name, u32 dflt,
		    u32 *out)
{
	const void *v;
	u32 len, be;

	v = prop_get(n, name, &len);
	if (!v) {
		*out = dflt;
		return 0;
	}
	if (len != sizeof(be)) {
		printk(KERN_ERR "%s: %s has %u bytes, not one 32-bit cell\n",
		       node_name(n), name, len);
		return -EINVAL;
	}
	memcpy(&be, v, sizeof(be));
	*out = kfdt32_to_cpu(be);
	return 0;
}

static int parse_layout(const struct node_ref *n, struct serial_layout *out)
{
	struct serial_layout l;
	int err;

	err = read_u32(n, "reg-shift", 0, &l.shift);
	if (!err)
		err = read_u32(n, "reg-io-width", 1, &l.width);
	if (!err)
		err = read_u32(n, "reg-offset", 0, &l.offset);
	if (err)
		return err;
	if (l.shift > SERIAL_REG_SHIFT_MAX) {
		printk(KERN_ERR "%s: reg-shift %u: registers are 1 to %u bytes "
				"apart (0 to %u)\n",
		       node_name(n), l.shift, 1U << SERIAL_REG_SHIFT_MAX,
		       SERIAL_REG_SHIFT_MAX);
		return -EINVAL;
	}
	if (l.width != 1 && l.width != 4) {
		printk(KERN_ERR "%s: reg-io-width %u: accesses are 1 or 4 "
				"bytes wide\n",
		       node_name(n), l.width);
		return -EINVAL;
	}
	/* Wider accesses than the stride would overlap the next register. */
	if (l.width > 1U << l.shift) {
		printk(KERN_ERR "%s: reg-io-width %u needs a reg-shift of 2 or "
				"more (registers 4 bytes apart), not %u\n",
		       node_name(n), l.width, l.shift);
		return -EINVAL;
	}
	*out = l;
	return 0;
}

/* The parent's "compatible" list has "isa" (the ISA bus binding). */
static bool parent_is_isa(const struct node_ref *n)
{
	struct node_ref p = { .fdt = n->fdt };
	const char *c;
	u32 len;

	if (n->node) {
		p.node = n->node->parent;
		if (!p.node)
			return false;
	} else {
		p.offset = kfdt_parent_offset(n->fdt, n->offset);
		if (p.offset < 0)
			return false;
	}
	c = prop_get(&p, "compatible", &len);
	for (u32 off = 0; c && off < len;
	     off += strnlen(c + off, len - off) + 1)
		if (!strcmp(c + off, "isa"))
			return true;
	return false;
}

/*
 * ISA "reg" entries are <space address size>, space 1 naming the I/O
 * ports (the Open Firmware ISA binding): 1 and the port then, 0 when the
 * registers are not there, -EINVAL for a port range past 0xffff.
 */
static int io_port(const struct node_ref *n, u16 *port)
{
	const u32 *reg;
	u32 len, space, addr, size;

	if (!parent_is_isa(n))
		return 0;
	reg = prop_get(n, "reg", &len);
	if (!reg || len < 3 * sizeof(u32))
		return 0;
	space = kfdt32_to_cpu(reg[0]);
	addr = kfdt32_to_cpu(reg[1]);
	size = kfdt32_to_cpu(reg[2]);
	if (space != 1)
		return 0;
	if (addr > 0xffff || size > 0x10000 - addr) {
		printk(KERN_ERR "%s: I/O ports 0x%x+%u: past port 0xffff\n",
		       node_name(n), addr, size);
		return -EINVAL;
	}
	*port = (u16)addr;
	return 1;
}

int serial_io_port_from_fdt(const void *fdt, int offset, u16 *port)
{
	struct node_ref n = { .fdt = fdt, .offset = offset };

	return io_port(&n, port);
}

int serial_io_port_from_node(const struct devtree_node *node, u16 *port)
{
	struct node_ref n = { .node = node };

	return io_port(&n, port);
}

int serial_layout_from_fdt(const void *fdt, int offset,
			   struct serial_layout *out)
{
	struct node_ref n = { .fdt = fdt, .offset = offset };

	return parse_layout(&n, out);
}

int serial_layout_from_node(const struct devtree_node *node,
			    struct serial_layout *out)
{
	struct node_ref n = { .node = node };

	return parse_layout(&n, out);
}
