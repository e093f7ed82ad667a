// SPDX-License-Identifier: GPL-2.0
/*
 * Just enough flattened-device-tree reading for the firmware: RAM banks,
 * CPUs, /memreserve/ entries, and one property by path. The blob is
 * untrusted input from the hypervisor, so every offset is bounds-checked;
 * multi-byte fields are read a byte at a time because with the MMU off
 * unaligned loads fault.
 */
#include "basic.h"

#define FDT_MAGIC 0xd00dfeedU
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9
#define FDT_MAX_DEPTH 16

struct fdt_iter {
	const uint8_t *blob;
	uint32_t off;
	uint32_t end;
	const char *strings;
	uint32_t strings_size;
};

struct fdt_token {
	int type;
	const char *name;
	const uint8_t *data;
	uint32_t len;
};

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static uint64_t be64(const void *p)
{
	const uint8_t *b = p;

	return (uint64_t)be32(b) << 32 | be32(b + 4);
}

static uint64_t read_cells(const uint8_t *p, uint32_t cells)
{
	return cells == 2 ? be64(p) : be32(p);
}

/* Length of a NUL-terminated string within [s, s + max), or -1. */
static int bounded_strlen(const char *s, uint32_t max)
{
	uint32_t n;

	for (n = 0; n < max; n++) {
		if (!s[n])
			return (int)n;
	}
	return -1;
}

/* The blob's size if it looks like a usable device tree, else -1. */
static int fdt_open(const void *fdt, struct fdt_iter *it)
{
	const uint8_t *h = fdt;
	uint32_t total, off_struct, off_strings, size_strings, size_struct;

	if (!fdt || be32(h) != FDT_MAGIC)
		return -1;
	total = be32(h + 4);
	off_struct = be32(h + 8);
	off_strings = be32(h + 12);
	size_strings = be32(h + 32);
	size_struct = be32(h + 20) >= 17 ? be32(h + 36) : total - off_struct;
	if (total < 40 || total > 64 * MiB || off_struct >= total ||
	    size_struct > total - off_struct || off_strings > total ||
	    size_strings > total - off_strings)
		return -1;
	it->blob = h;
	it->off = off_struct;
	it->end = off_struct + size_struct;
	it->strings = (const char *)h + off_strings;
	it->strings_size = size_strings;
	return (int)total;
}

/* Next structure token; FDT_END also for a malformed blob. */
static int fdt_next(struct fdt_iter *it, struct fdt_token *t)
{
	for (;;) {
		uint32_t tag, nameoff;
		int n;

		if (it->end - it->off < 4)
			return t->type = FDT_END;
		tag = be32(it->blob + it->off);
		it->off += 4;
		switch (tag) {
		case FDT_NOP:
			continue;
		case FDT_BEGIN_NODE:
			t->name = (const char *)it->blob + it->off;
			n = bounded_strlen(t->name, it->end - it->off);
			if (n < 0)
				return t->type = FDT_END;
			it->off += ALIGN_UP((uint32_t)n + 1, 4);
			return t->type = FDT_BEGIN_NODE;
		case FDT_END_NODE:
			return t->type = FDT_END_NODE;
		case FDT_PROP:
			if (it->end - it->off < 8)
				return t->type = FDT_END;
			t->len = be32(it->blob + it->off);
			nameoff = be32(it->blob + it->off + 4);
			it->off += 8;
			if (t->len > it->end - it->off ||
			    nameoff >= it->strings_size ||
			    bounded_strlen(it->strings + nameoff,
					   it->strings_size - nameoff) < 0)
				return t->type = FDT_END;
			t->name = it->strings + nameoff;
			t->data = it->blob + it->off;
			it->off += ALIGN_UP(t->len, 4);
			if (it->off > it->end)
				return t->type = FDT_END;
			return t->type = FDT_PROP;
		default:
			return t->type = FDT_END;
		}
	}
}

bool fdt_prop_has_string(const void *prop, int len, const char *s)
{
	const char *p = prop;
	size_t n = strlen(s);

	while (len > 0) {
		int l = bounded_strlen(p, (uint32_t)len);

		if (l < 0)
			return false;
		if ((size_t)l == n && !memcmp(p, s, n))
			return true;
		p += l + 1;
		len -= l + 1;
	}
	return false;
}

/* Component "memory" matches "memory" and "memory@..."; "cpu@1" itself. */
static bool node_name_is(const char *name, const char *want, size_t n)
{
	size_t i;
	bool has_unit = false;

	if (strncmp(name, want, n))
		return false;
	for (i = 0; i < n; i++)
		has_unit |= want[i] == '@';
	return name[n] == '\0' || (name[n] == '@' && !has_unit);
}

/* A node as the walk sees it, with what either user needs of it. */
struct scan_node {
	const char *name;
	uint32_t address_cells; /* for its children */
	uint32_t size_cells;
	const uint8_t *reg, *irqs, *device_type, *compatible;
	uint32_t reg_len, irqs_len, device_type_len, compatible_len;
	bool disabled;
};

/*
 * Walk the tree, calling node_done(stack, depth, arg) as each node below
 * the root ends, its properties and its parent's cells known; a non-zero
 * return stops the walk with that value. 0 at the end, -1 if malformed.
 */
static int walk(struct fdt_iter *it,
		int (*node_done)(struct scan_node *stack, unsigned int depth,
				 void *arg),
		void *arg)
{
	struct scan_node stack[FDT_MAX_DEPTH];
	struct fdt_token t;
	int depth = -1, ret;

	while (fdt_next(it, &t) != FDT_END) {
		struct scan_node *n;

		if (t.type == FDT_BEGIN_NODE) {
			if (++depth >= FDT_MAX_DEPTH)
				return -1;
			n = &stack[depth];
			memset(n, 0, sizeof(*n));
			n->name = t.name;
			/* The defaults the specification gives. */
			n->address_cells = 2;
			n->size_cells = 1;
		} else if (t.type == FDT_END_NODE) {
			if (depth < 0)
				return -1;
			if (depth > 0) {
				ret = node_done(stack, (unsigned int)depth,
						arg);
				if (ret)
					return ret;
			}
			if (--depth < 0)
				break;
		} else if (t.type == FDT_PROP && depth >= 0) {
			n = &stack[depth];
			if (!strcmp(t.name, "#address-cells") && t.len == 4) {
				n->address_cells = be32(t.data);
			} else if (!strcmp(t.name, "#size-cells") &&
				   t.len == 4) {
				n->size_cells = be32(t.data);
			} else if (!strcmp(t.name, "reg")) {
				n->reg = t.data;
				n->reg_len = t.len;
			} else if (!strcmp(t.name, "interrupts")) {
				n->irqs = t.data;
				n->irqs_len = t.len;
			} else if (!strcmp(t.name, "device_type")) {
				n->device_type = t.data;
				n->device_type_len = t.len;
			} else if (!strcmp(t.name, "compatible")) {
				n->compatible = t.data;
				n->compatible_len = t.len;
			} else if (!strcmp(t.name, "status")) {
				n->disabled =
					!fdt_prop_has_string(t.data, (int)t.len,
							     "okay") &&
					!fdt_prop_has_string(t.data, (int)t.len,
							     "ok");
			}
		}
	}
	return 0;
}

static void add_range(struct basic_range *r, unsigned int *n, unsigned int max,
		      uint64_t base, uint64_t size)
{
	if (*n < max && size) {
		r[*n].base = base;
		r[*n].size = size;
		(*n)++;
	}
}

static bool is_type(const struct scan_node *n, const char *type)
{
	return n->device_type &&
	       fdt_prop_has_string(n->device_type, (int)n->device_type_len,
				   type);
}

/* A node is complete: keep it if it is a RAM bank or a CPU. */
static int scan_end_node(struct scan_node *stack, unsigned int depth, void *arg)
{
	struct basic_platform *p = arg;
	const struct scan_node *n = &stack[depth];
	const struct scan_node *parent = &stack[depth - 1];
	uint32_t ac = parent->address_cells, sc = parent->size_cells;
	uint32_t entry = (ac + sc) * 4, off;

	if (n->disabled || !n->reg || ac < 1 || ac > 2 || sc > 2)
		return 0;
	if (depth == 1 &&
	    (is_type(n, "memory") || node_name_is(n->name, "memory", 6))) {
		if (sc < 1)
			return 0;
		for (off = 0; off + entry <= n->reg_len; off += entry)
			add_range(p->ram, &p->nr_ram, BASIC_MAX_RAM,
				  read_cells(n->reg + off, ac),
				  read_cells(n->reg + off + ac * 4, sc));
	} else if (depth == 2 && !strcmp(parent->name, "cpus") &&
		   is_type(n, "cpu") && n->reg_len >= ac * 4) {
		if (p->nr_cpus < BASIC_MAX_CPUS)
			p->cpu_hwid[p->nr_cpus++] = read_cells(n->reg, ac);
	}
	return 0;
}

int fdt_scan(const void *fdt, struct basic_platform *p)
{
	struct fdt_iter it;
	const uint8_t *rsv;
	int total = fdt_open(fdt, &it);

	if (total < 0)
		return -1;
	p->fdt = fdt;
	p->fdt_size = (uint32_t)total;
	add_range(p->reserved, &p->nr_reserved, BASIC_MAX_RESERVED,
		  (uintptr_t)fdt, (uint32_t)total);

	/* /memreserve/: pairs of 64-bit address and size, ending in 0, 0. */
	rsv = it.blob + be32(it.blob + 16);
	while (rsv + 16 <= it.blob + total && be64(rsv + 8)) {
		add_range(p->reserved, &p->nr_reserved, BASIC_MAX_RESERVED,
			  be64(rsv), be64(rsv + 8));
		rsv += 16;
	}

	return walk(&it, scan_end_node, p);
}

const void *fdt_getprop_path(const void *fdt, const char *path,
			     const char *prop, int *len)
{
	struct fdt_iter it;
	struct fdt_token t;
	int depth = -1, matched = 0;
	const char *comp = path;

	if (fdt_open(fdt, &it) < 0 || path[0] != '/')
		return NULL;
	comp++;
	while (fdt_next(&it, &t) != FDT_END) {
		size_t n;

		switch (t.type) {
		case FDT_BEGIN_NODE:
			depth++;
			n = 0;
			while (comp[n] && comp[n] != '/')
				n++;
			if (depth == matched + 1 && n &&
			    node_name_is(t.name, comp, n)) {
				matched = depth;
				comp += n + (comp[n] == '/');
			}
			break;
		case FDT_END_NODE:
			/*
			 * Sibling names are unique: leaving a matched node
			 * without a hit means the path or property is absent.
			 */
			if (depth == matched && depth > 0)
				return NULL;
			if (--depth < 0)
				return NULL;
			break;
		case FDT_PROP:
			if (!*comp && depth == matched &&
			    !strcmp(t.name, prop)) {
				if (len)
					*len = (int)t.len;
				return t.data;
			}
			break;
		}
	}
	return NULL;
}

struct compat_search {
	const char *compat;
	int (*fn)(const char *name, const struct basic_range *reg, uint32_t irq,
		  void *arg);
	void *arg;
};

/* A node is complete: hand it to the caller if it is compatible. */
static int compat_found(struct scan_node *stack, unsigned int depth, void *arg)
{
	const struct scan_node *n = &stack[depth], *parent = &stack[depth - 1];
	uint32_t ac = parent->address_cells, sc = parent->size_cells;
	struct compat_search *cs = arg;
	struct basic_range reg;

	if (!n->compatible || n->disabled || !n->reg || ac < 1 || ac > 2 ||
	    sc > 2 || n->reg_len < (ac + sc) * 4 ||
	    !fdt_prop_has_string(n->compatible, (int)n->compatible_len,
				 cs->compat))
		return 0;
	reg.base = read_cells(n->reg, ac);
	reg.size = sc ? read_cells(n->reg + ac * 4, sc) : 0;
	return cs->fn(n->name, &reg, n->irqs_len >= 4 ? be32(n->irqs) : 0,
		      cs->arg);
}

int fdt_for_each_compatible(const void *fdt, const char *compat,
			    int (*fn)(const char *name,
				      const struct basic_range *reg,
				      uint32_t irq, void *arg),
			    void *arg)
{
	struct compat_search cs = { compat, fn, arg };
	struct fdt_iter it;

	if (fdt_open(fdt, &it) < 0)
		return -1;
	return walk(&it, compat_found, &cs);
}

struct first_found {
	struct basic_range *reg;
	uint32_t *irq;
};

static int take_first(const char *name, const struct basic_range *reg,
		      uint32_t irq, void *arg)
{
	struct first_found *ff = arg;

	*ff->reg = *reg;
	if (ff->irq)
		*ff->irq = irq;
	return 1;
}

int fdt_find_compatible(const void *fdt, const char *compat,
			struct basic_range *reg, uint32_t *irq)
{
	struct first_found ff = { reg, irq };

	return fdt_for_each_compatible(fdt, compat, take_first, &ff) == 1 ? 0 :
									    -1;
}
