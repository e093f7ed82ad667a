/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live device tree (core/devtree.c): a flattened blob unflattened into
 * heap-allocated nodes and properties that can be looked up, changed,
 * added and removed at run time, and flattened again. The host tree is the
 * single source of configuration; guests' trees use the same code.
 */
#ifndef KEEL_DEVTREE_H
#define KEEL_DEVTREE_H

#include <keel/list.h>
#include <keel/string.h>
#include <keel/types.h>

struct devtree_prop {
	struct list_head link; /* in devtree_node.props, in blob order */
	char *name;
	void *value; /* big-endian cells, as in the blob */
	u32 len;
};

struct devtree_node {
	struct list_head link; /* in parent's children, in blob order */
	struct list_head children;
	struct list_head props;
	struct devtree_node *parent;
	char *name; /* with unit address: "uart@9000000"; "" for the root */
	u32 phandle; /* 0 when none */
};

#define devtree_for_each_child(child, node) \
	list_for_each_entry(child, &(node)->children, link)
#define devtree_for_each_prop(prop, node) \
	list_for_each_entry(prop, &(node)->props, link)

struct kfdt_fault;

/*
 * Build a live tree from a blob of size bytes (any alignment: a misaligned
 * one is copied) after checking all of it (kfdt_check_full()). *root is
 * NULL on failure: -EINVAL when it is not a blob Keel reads (bad magic,
 * version), -EBADMSG when it is damaged, -ENOMEM; then *fault (if not
 * NULL) says what was wrong and where.
 */
int devtree_unflatten_blob(const void *fdt, size_t size,
			   struct devtree_node **root,
			   struct kfdt_fault *fault);
/* The same for a blob at an 8-byte aligned address, trusted for its size. */
int devtree_unflatten(const void *fdt, struct devtree_node **root);
/* A fault as text: "<reason> (at byte 0x<offset>)", into buf. */
const char *devtree_fault_text(const struct kfdt_fault *fault, char *buf,
			       size_t len);
/*
 * Write the tree as a blob (version 17) into buf. *used receives the blob
 * size. -ENOSPC when buf is too small, with *used the size needed.
 */
int devtree_flatten(const struct devtree_node *root, void *buf, size_t size,
		    size_t *used);
/*
 * A deep copy of node and everything below it, as a tree of its own whose
 * root is the copy of node (through a blob, so the copy is checked as any
 * blob is). -ENOMEM, or the error of flattening or reading it back.
 */
int devtree_copy(const struct devtree_node *node, struct devtree_node **out);
/* Free a whole (sub)tree, which must already be unlinked from any parent. */
void devtree_free(struct devtree_node *root);

/*
 * Whether a NULL-terminated list of compatible strings (a driver's or an
 * emulator's; the list itself may be NULL) holds compat.
 */
static inline bool compatible_list_has(const char *const *list,
				       const char *compat)
{
	for (const char *const *c = list; c && *c; c++)
		if (!strcmp(*c, compat))
			return true;
	return false;
}

/* The host's tree, set once at boot. */
struct devtree_node *devtree_host_root(void);
void devtree_set_host_root(struct devtree_node *root);

/*
 * Look up "/a/b@1/c". A component without "@unit" matches a node whose
 * name without its unit address is equal, as libfdt does. A path not
 * starting with '/' is resolved through /aliases.
 */
struct devtree_node *devtree_find_path(struct devtree_node *root,
				       const char *path);
struct devtree_node *devtree_find_phandle(struct devtree_node *root,
					  u32 phandle);
/*
 * The next node after `from` (depth-first, NULL = start at root) whose
 * compatible list contains `compat`.
 */
struct devtree_node *devtree_find_compatible(struct devtree_node *root,
					     struct devtree_node *from,
					     const char *compat);
struct devtree_node *devtree_child(const struct devtree_node *node,
				   const char *name);
/* Depth-first successor of node within root's tree; NULL at the end. */
struct devtree_node *devtree_next(struct devtree_node *root,
				  struct devtree_node *node);

struct devtree_prop *devtree_prop_find(const struct devtree_node *node,
				       const char *name);
/* The value and its length, or NULL when absent. */
const void *devtree_prop_get(const struct devtree_node *node, const char *name,
			     u32 *len);
/* -ENOENT when absent, -EINVAL when the value has the wrong size. */
int devtree_prop_read_u32(const struct devtree_node *node, const char *name,
			  u32 *out);
int devtree_prop_read_u64(const struct devtree_node *node, const char *name,
			  u64 *out);
/* The index-th u32 cell of a property. */
int devtree_prop_read_u32_index(const struct devtree_node *node,
				const char *name, unsigned int index, u32 *out);
/* A NUL-terminated string property; -EINVAL if not terminated. */
int devtree_prop_read_string(const struct devtree_node *node, const char *name,
			     const char **out);
/* The index-th string of a string-list property. */
int devtree_prop_read_string_index(const struct devtree_node *node,
				   const char *name, unsigned int index,
				   const char **out);

bool devtree_is_compatible(const struct devtree_node *node, const char *compat);
/* True unless a "status" property says other than "okay"/"ok". */
bool devtree_is_available(const struct devtree_node *node);

/* #address-cells / #size-cells that apply to node's "reg" (its parent's). */
u32 devtree_addr_cells(const struct devtree_node *node);
u32 devtree_size_cells(const struct devtree_node *node);
/* The index-th (address, size) pair of "reg"; -ENOENT past the end. */
int devtree_read_reg(const struct devtree_node *node, unsigned int index,
		     u64 *addr, u64 *size);
/* The number of (address, size) pairs in "reg". */
int devtree_reg_count(const struct devtree_node *node);

/* Full path into buf; -ENOSPC when it does not fit. */
int devtree_node_path(const struct devtree_node *node, char *buf, size_t len);

/*
 * Changing the tree. Names are validated (non-empty, no '/', unique among
 * siblings: -EEXIST). Values are copied.
 */
/* A tree of its own: a root ("") without properties or children. */
int devtree_root_new(struct devtree_node **out);
int devtree_node_add(struct devtree_node *parent, const char *name,
		     struct devtree_node **out);
/*
 * A deep copy of src (from any tree) as a new child of parent, called
 * name (NULL: src's own name). Phandle values are copied as they are:
 * references stay right when src and parent come from one tree, or src
 * refers to nothing outside itself.
 */
int devtree_node_copy_into(struct devtree_node *parent, const char *name,
			   const struct devtree_node *src,
			   struct devtree_node **out);
/* Unlink and free node and everything under it; the root is refused. */
int devtree_node_remove(struct devtree_node *node);
int devtree_prop_set(struct devtree_node *node, const char *name,
		     const void *value, u32 len);
int devtree_prop_set_u32(struct devtree_node *node, const char *name,
			 u32 value);
int devtree_prop_set_string(struct devtree_node *node, const char *name,
			    const char *value);
int devtree_prop_remove(struct devtree_node *node, const char *name);

/*
 * Render a property value as DTS source would show it: "string",
 * "a", "b" lists, <0x1 0x2> cells, or [01 02] bytes. Output is truncated
 * to len (always NUL-terminated); returns the full length.
 */
int devtree_format_value(const struct devtree_prop *prop, char *buf,
			 size_t len);
/*
 * Write node and everything under it as DTS source ("name {", one
 * "prop = value;" per line, tab-indented from depth), in pieces through
 * write. A root ("") is written as "/". Values come whole (no truncation);
 * -ENOMEM when one cannot be formatted, after what came before it.
 */
int devtree_write_dts(const struct devtree_node *node, unsigned int depth,
		      void (*write)(void *arg, const char *text), void *arg);

#endif
