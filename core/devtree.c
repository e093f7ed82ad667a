// SPDX-License-Identifier: GPL-2.0
/*
 * The live device tree: unflattening a blob into heap nodes, looking
 * things up, changing the tree and flattening it again.
 *
 * Every walk here is iterative (parent pointers and list links stand in
 * for a stack) because a blob can nest nodes arbitrarily deep and Keel's
 * thread stacks are small.
 *
 * The memory reservation block is not kept, since struct devtree_node
 * has no place for it: whoever needs the reservations reads them from the
 * original blob (kfdt_get_mem_rsv()). A flattened tree has an empty
 * reservation block and boot_cpuid_phys 0.
 */
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/fdt.h>
#include <keel/heap.h>
#include <keel/printf.h>
#include <keel/string.h>

#define DEVTREE_NAME_MAX 255
#define DEVTREE_INT_MAX 0x7fffffff

/*
 * Sizes for estimating a flattened tree. The header, its alignment and
 * the reservation block's terminator take 56 to 64 bytes depending on the
 * writer; the rest is room to spare.
 */
#define FDT_HEAD_BYTES 128
#define FDT_TAG_BYTES 4
#define FDT_PROP_HEADER_BYTES 12

static struct devtree_node *host_root;

/*
 * Empty values point here rather than being NULL, so that
 * devtree_prop_get() can tell an empty property from a missing one.
 */
static u8 empty_value;

struct devtree_node *devtree_host_root(void)
{
	return host_root;
}

void devtree_set_host_root(struct devtree_node *root)
{
	host_root = root;
}

static bool name_valid_len(const char *name, size_t len)
{
	return len > 0 && len <= DEVTREE_NAME_MAX && !memchr(name, '/', len);
}

static bool name_valid(const char *name)
{
	if (!name)
		return false;
	return name_valid_len(name, strnlen(name, DEVTREE_NAME_MAX + 1));
}

static u32 be32_at(const void *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return kfdt32_to_cpu(v);
}

/* Names live in the same allocation as the node: they never change. */
static struct devtree_node *node_alloc(const char *name, size_t len)
{
	struct devtree_node *node = keel_zalloc(sizeof(*node) + len + 1);

	if (!node)
		return NULL;
	list_init(&node->link);
	list_init(&node->children);
	list_init(&node->props);
	node->name = (char *)(node + 1);
	memcpy(node->name, name, len);
	node->name[len] = '\0';
	return node;
}

static void *value_dup(const void *value, u32 len)
{
	void *copy;

	if (!len)
		return &empty_value;
	copy = keel_malloc(len);
	if (copy)
		memcpy(copy, value, len);
	return copy;
}

static void value_free(void *value)
{
	if (value != &empty_value)
		keel_free(value);
}

static struct devtree_prop *prop_alloc(const char *name, size_t nlen,
				       const void *value, u32 len)
{
	struct devtree_prop *prop = keel_malloc(sizeof(*prop) + nlen + 1);

	if (!prop)
		return NULL;
	prop->value = value_dup(value, len);
	if (!prop->value) {
		keel_free(prop);
		return NULL;
	}
	list_init(&prop->link);
	prop->name = (char *)(prop + 1);
	memcpy(prop->name, name, nlen);
	prop->name[nlen] = '\0';
	prop->len = len;
	return prop;
}

static void prop_free(struct devtree_prop *prop)
{
	value_free(prop->value);
	keel_free(prop);
}

static void node_free_props(struct devtree_node *node)
{
	struct devtree_prop *prop, *tmp;

	list_for_each_entry_safe(prop, tmp, &node->props, link) {
		list_del(&prop->link);
		prop_free(prop);
	}
}

void devtree_free(struct devtree_node *root)
{
	struct devtree_node *node = root, *parent;

	if (!root)
		return;
	/* Post-order: free the deepest first child until root is a leaf. */
	for (;;) {
		while (!list_empty(&node->children))
			node = list_first_entry(&node->children,
						struct devtree_node, link);
		node_free_props(node);
		if (node == root) {
			keel_free(node);
			return;
		}
		parent = node->parent;
		list_del(&node->link);
		keel_free(node);
		node = parent;
	}
}

static bool is_phandle_name(const char *name)
{
	return !strcmp(name, "phandle") || !strcmp(name, "linux,phandle");
}

/* As libfdt: "phandle" wins when it is one cell, else "linux,phandle". */
static u32 node_phandle(const struct devtree_node *node)
{
	u32 v;

	if (devtree_prop_read_u32(node, "phandle", &v) &&
	    devtree_prop_read_u32(node, "linux,phandle", &v))
		return 0;
	/* 0xffffffff is libfdt's "no phandle" marker, never a real one. */
	return v == 0xffffffffU ? 0 : v;
}

/* The pre-order successor of node, which is in root's tree. */
static struct devtree_node *successor(const struct devtree_node *root,
				      const struct devtree_node *node)
{
	if (!list_empty(&node->children))
		return list_first_entry(&node->children, struct devtree_node,
					link);
	while (node != root && node->parent) {
		if (node->link.next != &node->parent->children)
			return list_entry(node->link.next, struct devtree_node,
					  link);
		node = node->parent;
	}
	return NULL;
}

/* ---- unflattening ---- */

/* Not a blob (or not one this code reads) is -EINVAL; a broken one -EBADMSG. */
static int header_error(int err)
{
	if (err == -KFDT_ERR_BADMAGIC || err == -KFDT_ERR_BADVERSION ||
	    err == -KFDT_ERR_ALIGNMENT)
		return -EINVAL;
	return -EBADMSG;
}

/*
 * kfdt validates offsets as it walks; the checks against the blob's
 * bounds here are a second line of defence, since a blob handed over by a
 * guest is hostile input and a bad pointer here would be a hypervisor
 * crash.
 */
static bool in_blob(const char *base, const char *end, const void *p,
		    size_t len)
{
	const char *c = p;

	return c >= base && c <= end && len <= (size_t)(end - c);
}

static bool blob_string_ok(const char *base, const char *end, const char *s)
{
	return in_blob(base, end, s, 1) && memchr(s, '\0', (size_t)(end - s));
}

/* The blob's address of a structure-block offset (fdt is 8-aligned). */
static const void *kfdt_at_struct(const void *fdt, int offset)
{
	return (const char *)fdt + kfdt32_to_cpu(((const u32 *)fdt)[2]) +
	       (u32)offset;
}

/* Record what was wrong and where, for the caller to print. */
static int fault_at(struct kfdt_fault *fault, const void *fdt, const void *p,
		    const char *reason)
{
	if (fault) {
		fault->reason = reason;
		fault->offset = (long)((const char *)p - (const char *)fdt);
	}
	return -EBADMSG;
}

static int unflatten_props(const void *fdt, int offset, const char *end,
			   struct devtree_node *node, struct kfdt_fault *fault)
{
	const char *base = fdt, *name;
	struct devtree_prop *prop;
	const void *value;
	int poff, len;

	for (poff = kfdt_first_property_offset(fdt, offset); poff >= 0;
	     poff = kfdt_next_property_offset(fdt, poff)) {
		name = NULL;
		value = kfdt_getprop_by_offset(fdt, poff, &name, &len);
		if (!value || !name || len < 0 ||
		    !in_blob(base, end, value, (size_t)len) ||
		    !blob_string_ok(base, end, name))
			return fault_at(fault, fdt, kfdt_at_struct(fdt, poff),
					"property unreadable");
		if (!name_valid(name))
			return fault_at(fault, fdt, kfdt_at_struct(fdt, poff),
					"property name empty, containing '/' "
					"or longer than 255 bytes");
		prop = prop_alloc(name, strlen(name), value, (u32)len);
		if (!prop)
			return -ENOMEM;
		list_add_tail(&prop->link, &node->props);
	}
	if (poff != -KFDT_ERR_NOTFOUND)
		return fault_at(fault, fdt, kfdt_at_struct(fdt, offset),
				"properties of a node unreadable");
	return 0;
}

static struct devtree_node *unflatten_node(const void *fdt, int offset,
					   const char *end, bool is_root,
					   int *err, struct kfdt_fault *fault)
{
	const char *base = fdt, *name;
	struct devtree_node *node;
	int len;

	name = kfdt_get_name(fdt, offset, &len);
	if (!name || len < 0 || !in_blob(base, end, name, (size_t)len + 1) ||
	    name[len] != '\0') {
		*err = fault_at(fault, fdt, kfdt_at_struct(fdt, offset),
				"node name unreadable");
		return NULL;
	}
	/* The root is "" in every v16+ blob; older ones may say "/". */
	if (is_root)
		len = 0;
	else if (!name_valid_len(name, (size_t)len)) {
		*err = fault_at(fault, fdt, kfdt_at_struct(fdt, offset),
				"node name empty, containing '/' or longer "
				"than 255 bytes");
		return NULL;
	}
	node = node_alloc(name, (size_t)len);
	if (!node) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = unflatten_props(fdt, offset, end, node, fault);
	if (*err) {
		devtree_free(node);
		return NULL;
	}
	node->phandle = node_phandle(node);
	return node;
}

/* Unflatten a blob that passed kfdt_check_full(). */
static int unflatten_checked(const void *fdt, struct devtree_node **rootp,
			     struct kfdt_fault *fault)
{
	struct devtree_node *root = NULL, *cur = NULL, *node;
	int offset, depth = -1, cur_depth = -1, err;
	const char *end;

	end = (const char *)fdt + kfdt_totalsize(fdt);

	for (offset = kfdt_next_node(fdt, -1, &depth);;
	     offset = kfdt_next_node(fdt, offset, &depth)) {
		/* The walk ends when the root's END_NODE takes depth to -1. */
		if (offset >= 0 && depth < 0 && root)
			break;
		/*
		 * Out of blob with the root still open, a blob that starts
		 * by closing a node, or a second root.
		 */
		if (offset < 0 || depth < 0 || depth > cur_depth + 1 ||
		    (!depth && root)) {
			err = fault_at(
				fault, fdt,
				kfdt_at_struct(fdt, offset < 0 ? 0 : offset),
				"nodes unreadable");
			goto fail;
		}
		while (cur_depth >= depth) {
			cur = cur->parent;
			cur_depth--;
		}
		node = unflatten_node(fdt, offset, end, !root, &err, fault);
		if (!node)
			goto fail;
		if (cur) {
			node->parent = cur;
			list_add_tail(&node->link, &cur->children);
		} else {
			root = node;
		}
		cur = node;
		cur_depth = depth;
	}
	*rootp = root;
	return 0;

fail:
	devtree_free(root);
	return err;
}

int devtree_unflatten_blob(const void *fdt, size_t size,
			   struct devtree_node **rootp,
			   struct kfdt_fault *fault)
{
	struct kfdt_fault none;
	void *copy = NULL;
	int err;

	if (!fault)
		fault = &none;
	fault->reason = NULL;
	fault->offset = -1;
	if (!rootp)
		return -EINVAL;
	*rootp = NULL;
	if (!fdt) {
		fault->reason = "no blob";
		return -EINVAL;
	}
	/* The format wants 8-byte alignment; files in a bundle have 4. */
	if ((uintptr_t)fdt & 7) {
		copy = keel_malloc(size ? size : 1);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, fdt, size);
		fdt = copy;
	}
	err = kfdt_check_full(fdt, size, fault);
	if (err)
		err = header_error(err);
	else
		err = unflatten_checked(fdt, rootp, fault);
	keel_free(copy);
	return err;
}

int devtree_unflatten(const void *fdt, struct devtree_node **rootp)
{
	int err = fdt ? kfdt_check_header(fdt) : 0;

	if (err) {
		if (rootp)
			*rootp = NULL;
		return header_error(err);
	}
	/* The blob's own totalsize is taken for the buffer's size. */
	return devtree_unflatten_blob(fdt, fdt ? kfdt_totalsize(fdt) : 0, rootp,
				      NULL);
}

const char *devtree_fault_text(const struct kfdt_fault *fault, char *buf,
			       size_t len)
{
	const char *reason =
		fault && fault->reason ? fault->reason : "unreadable";

	if (fault && fault->offset >= 0)
		snprintf(buf, len, "%s (at byte 0x%llx)", reason,
			 (unsigned long long)fault->offset);
	else
		snprintf(buf, len, "%s", reason);
	return buf;
}

/* ---- flattening ---- */

/*
 * At least the flattened size as long as kfdt lays the blob out as libfdt
 * does: the strings block is counted as if no name were shared.
 */
static size_t flat_size_estimate(const struct devtree_node *root)
{
	size_t size = FDT_HEAD_BYTES + FDT_TAG_BYTES;
	const struct devtree_prop *prop;
	const struct devtree_node *node;

	for (node = root; node; node = successor(root, node)) {
		size += 2 * FDT_TAG_BYTES + ALIGN_UP(strlen(node->name) + 1, 4);
		devtree_for_each_prop(prop, node) {
			size += FDT_PROP_HEADER_BYTES + ALIGN_UP(prop->len, 4);
			size += strlen(prop->name) + 1;
		}
	}
	return size;
}

/* The blob's size, or a negative KFDT_ERR_* code. */
static int flatten_into(const struct devtree_node *root, void *buf, int size)
{
	const struct devtree_node *node = root;
	const struct devtree_prop *prop;
	int err;

	err = kfdt_create(buf, size);
	if (!err)
		err = kfdt_finish_reservemap(buf);
	if (err)
		return err;
	for (;;) {
		/* A subtree flattens into a blob whose root is "", as any. */
		err = kfdt_begin_node(buf, node == root ? "" : node->name);
		if (err)
			return err;
		devtree_for_each_prop(prop, node) {
			if (prop->len > DEVTREE_INT_MAX)
				return -KFDT_ERR_BADVALUE;
			err = kfdt_property(buf, prop->name, prop->value,
					    (int)prop->len);
			if (err)
				return err;
		}
		if (!list_empty(&node->children)) {
			node = list_first_entry(&node->children,
						struct devtree_node, link);
			continue;
		}
		/* Close nodes until one has a next sibling. */
		for (;;) {
			err = kfdt_end_node(buf);
			if (err)
				return err;
			if (node == root)
				goto done;
			if (node->link.next != &node->parent->children) {
				node = list_entry(node->link.next,
						  struct devtree_node, link);
				break;
			}
			node = node->parent;
		}
	}
done:
	err = kfdt_finish(buf);
	if (err)
		return err;
	return (int)kfdt_totalsize(buf);
}

static int flatten_error(int err)
{
	if (err == -KFDT_ERR_NOSPACE)
		return -ENOSPC;
	return -EINVAL;
}

int devtree_flatten(const struct devtree_node *root, void *buf, size_t size,
		    size_t *used)
{
	size_t scratch;
	void *tmp;
	int ret;

	if (!root || !used)
		return -EINVAL;
	*used = 0;
	if (buf && size) {
		ret = flatten_into(root, buf, (int)MIN(size, DEVTREE_INT_MAX));
		if (ret >= 0) {
			*used = (size_t)ret;
			return 0;
		}
		if (ret != -KFDT_ERR_NOSPACE)
			return flatten_error(ret);
	}
	/*
	 * The exact size depends on kfdt's layout and on how it shares names
	 * in the strings block, so measure it by flattening into scratch
	 * memory, growing that should the estimate be short. Without memory
	 * for it, the caller is told the scratch size, which almost surely
	 * suffices.
	 */
	for (scratch = flat_size_estimate(root);; scratch *= 2) {
		if (scratch > DEVTREE_INT_MAX)
			return -EOVERFLOW;
		*used = scratch;
		tmp = keel_malloc(scratch);
		if (!tmp)
			return -ENOSPC;
		ret = flatten_into(root, tmp, (int)scratch);
		keel_free(tmp);
		if (ret >= 0) {
			*used = (size_t)ret;
			return -ENOSPC;
		}
		if (ret != -KFDT_ERR_NOSPACE)
			return flatten_error(ret);
	}
}

int devtree_copy(const struct devtree_node *node, struct devtree_node **out)
{
	size_t need = 0;
	void *buf;
	int err;

	devtree_flatten(node, NULL, 0, &need);
	buf = keel_malloc(need);
	if (!buf)
		return -ENOMEM;
	err = devtree_flatten(node, buf, need, &need);
	if (!err)
		err = devtree_unflatten(buf, out);
	keel_free(buf);
	return err;
}

/* ---- lookup ---- */

/*
 * libfdt's rule: "name" matches "name" and "name@unit"; a wanted name
 * that has a unit address matches only exactly.
 */
static bool node_name_matches(const char *node_name, const char *want,
			      size_t len)
{
	if (strncmp(node_name, want, len))
		return false;
	if (node_name[len] == '\0')
		return true;
	return node_name[len] == '@' && !memchr(want, '@', len);
}

static struct devtree_node *child_n(const struct devtree_node *node,
				    const char *name, size_t len)
{
	struct devtree_node *child;

	devtree_for_each_child(child, node) {
		if (node_name_matches(child->name, name, len))
			return child;
	}
	return NULL;
}

struct devtree_node *devtree_child(const struct devtree_node *node,
				   const char *name)
{
	if (!node || !name)
		return NULL;
	return child_n(node, name, strlen(name));
}

static const char *component_end(const char *p)
{
	const char *q = strchr(p, '/');

	return q ? q : p + strlen(p);
}

static struct devtree_node *walk_path(struct devtree_node *node, const char *p)
{
	const char *q;

	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			return node;
		q = component_end(p);
		node = child_n(node, p, (size_t)(q - p));
		if (!node)
			return NULL;
		p = q;
	}
}

static const char *alias_path(const struct devtree_node *root, const char *name,
			      size_t len)
{
	const struct devtree_node *aliases = child_n(root, "aliases", 7);
	const struct devtree_prop *prop;
	const char *value;

	if (!aliases)
		return NULL;
	devtree_for_each_prop(prop, aliases) {
		if (strlen(prop->name) != len || memcmp(prop->name, name, len))
			continue;
		value = prop->value;
		/*
		 * Only absolute targets: an alias naming another alias
		 * could otherwise send the lookup round in a circle.
		 */
		if (!prop->len || value[0] != '/' ||
		    !memchr(value, '\0', prop->len))
			return NULL;
		return value;
	}
	return NULL;
}

struct devtree_node *devtree_find_path(struct devtree_node *root,
				       const char *path)
{
	struct devtree_node *node = root;
	const char *q, *target;

	if (!root || !path || !*path)
		return NULL;
	if (*path != '/') {
		q = component_end(path);
		target = alias_path(root, path, (size_t)(q - path));
		if (!target)
			return NULL;
		node = walk_path(root, target);
		if (!node)
			return NULL;
		path = q;
	}
	return walk_path(node, path);
}

struct devtree_node *devtree_next(struct devtree_node *root,
				  struct devtree_node *node)
{
	if (!root)
		return NULL;
	if (!node)
		return root;
	return successor(root, node);
}

struct devtree_node *devtree_find_phandle(struct devtree_node *root,
					  u32 phandle)
{
	struct devtree_node *node;

	if (!phandle || phandle == 0xffffffffU)
		return NULL;
	for (node = root; node; node = devtree_next(root, node)) {
		if (node->phandle == phandle)
			return node;
	}
	return NULL;
}

struct devtree_node *devtree_find_compatible(struct devtree_node *root,
					     struct devtree_node *from,
					     const char *compat)
{
	struct devtree_node *node;

	if (!compat)
		return NULL;
	for (node = devtree_next(root, from); node;
	     node = devtree_next(root, node)) {
		if (devtree_is_compatible(node, compat))
			return node;
	}
	return NULL;
}

/* ---- properties ---- */

struct devtree_prop *devtree_prop_find(const struct devtree_node *node,
				       const char *name)
{
	struct devtree_prop *prop;

	if (!node || !name)
		return NULL;
	devtree_for_each_prop(prop, node) {
		if (!strcmp(prop->name, name))
			return prop;
	}
	return NULL;
}

const void *devtree_prop_get(const struct devtree_node *node, const char *name,
			     u32 *len)
{
	const struct devtree_prop *prop = devtree_prop_find(node, name);

	if (!prop)
		return NULL;
	if (len)
		*len = prop->len;
	return prop->value;
}

int devtree_prop_read_u32(const struct devtree_node *node, const char *name,
			  u32 *out)
{
	const void *v;
	u32 len;

	v = devtree_prop_get(node, name, &len);
	if (!v)
		return -ENOENT;
	if (len != 4)
		return -EINVAL;
	*out = be32_at(v);
	return 0;
}

int devtree_prop_read_u64(const struct devtree_node *node, const char *name,
			  u64 *out)
{
	const u8 *v;
	u32 len;

	v = devtree_prop_get(node, name, &len);
	if (!v)
		return -ENOENT;
	if (len != 8)
		return -EINVAL;
	*out = (u64)be32_at(v) << 32 | be32_at(v + 4);
	return 0;
}

/*
 * The indexed readers say -ENOENT for "no index-th entry" (as
 * devtree_read_reg() does), so a caller can iterate until -ENOENT and
 * still see -EINVAL for a malformed value.
 */
int devtree_prop_read_u32_index(const struct devtree_node *node,
				const char *name, unsigned int index, u32 *out)
{
	const u8 *v;
	u32 len;

	v = devtree_prop_get(node, name, &len);
	if (!v)
		return -ENOENT;
	if (len % 4)
		return -EINVAL;
	if (index >= len / 4)
		return -ENOENT;
	*out = be32_at(v + 4 * (size_t)index);
	return 0;
}

int devtree_prop_read_string(const struct devtree_node *node, const char *name,
			     const char **out)
{
	const char *v;
	u32 len;

	v = devtree_prop_get(node, name, &len);
	if (!v)
		return -ENOENT;
	if (!len || !memchr(v, '\0', len))
		return -EINVAL;
	*out = v;
	return 0;
}

int devtree_prop_read_string_index(const struct devtree_node *node,
				   const char *name, unsigned int index,
				   const char **out)
{
	const char *s, *end, *nul;
	unsigned int i;
	u32 len;

	s = devtree_prop_get(node, name, &len);
	if (!s)
		return -ENOENT;
	end = s + len;
	for (i = 0;; i++) {
		if (s == end)
			return -ENOENT;
		nul = memchr(s, '\0', (size_t)(end - s));
		if (!nul)
			return -EINVAL;
		if (i == index) {
			*out = s;
			return 0;
		}
		s = nul + 1;
	}
}

/* Exact and case-sensitive, as libfdt's fdt_node_check_compatible(). */
bool devtree_is_compatible(const struct devtree_node *node, const char *compat)
{
	const char *s, *end, *nul;
	u32 len;

	if (!compat)
		return false;
	s = devtree_prop_get(node, "compatible", &len);
	if (!s)
		return false;
	for (end = s + len; s < end; s = nul + 1) {
		nul = memchr(s, '\0', (size_t)(end - s));
		if (!nul)
			return false;
		if (!strcmp(s, compat))
			return true;
	}
	return false;
}

bool devtree_is_available(const struct devtree_node *node)
{
	const char *status;
	u32 len;

	if (!node)
		return false;
	status = devtree_prop_get(node, "status", &len);
	if (!status)
		return true;
	if (!len || !memchr(status, '\0', len))
		return false;
	return !strcmp(status, "okay") || !strcmp(status, "ok");
}

/*
 * The spec's defaults when the parent says nothing. The root has no
 * parent; its own properties are the best answer there is.
 */
static u32 reg_cells(const struct devtree_node *node, const char *name,
		     u32 dflt)
{
	u32 v;

	if (!node)
		return dflt;
	if (node->parent)
		node = node->parent;
	return devtree_prop_read_u32(node, name, &v) ? dflt : v;
}

u32 devtree_addr_cells(const struct devtree_node *node)
{
	return reg_cells(node, "#address-cells", 2);
}

u32 devtree_size_cells(const struct devtree_node *node)
{
	return reg_cells(node, "#size-cells", 1);
}

static u64 read_cells(const u8 *p, u32 n)
{
	u64 v = 0;
	u32 i;

	for (i = 0; i < n; i++)
		v = v << 32 | be32_at(p + 4 * i);
	return v;
}

/* The (address, size) pair stride in bytes, or -EINVAL for shapes u64 cannot hold. */
static int reg_stride(const struct devtree_node *node, u32 *ac, u32 *sc)
{
	*ac = devtree_addr_cells(node);
	*sc = devtree_size_cells(node);
	if (*ac < 1 || *ac > 2 || *sc > 2)
		return -EINVAL;
	return (int)(4 * (*ac + *sc));
}

int devtree_read_reg(const struct devtree_node *node, unsigned int index,
		     u64 *addr, u64 *size)
{
	int stride;
	const u8 *reg;
	u32 ac, sc, len;

	stride = reg_stride(node, &ac, &sc);
	if (stride < 0)
		return stride;
	reg = devtree_prop_get(node, "reg", &len);
	if (!reg)
		return -ENOENT;
	if (len % (u32)stride)
		return -EINVAL;
	if (index >= len / (u32)stride)
		return -ENOENT;
	reg += (size_t)index * (u32)stride;
	if (addr)
		*addr = read_cells(reg, ac);
	if (size)
		*size = read_cells(reg + 4 * ac, sc);
	return 0;
}

int devtree_reg_count(const struct devtree_node *node)
{
	int stride;
	u32 ac, sc, len;

	stride = reg_stride(node, &ac, &sc);
	if (stride < 0)
		return stride;
	if (!devtree_prop_get(node, "reg", &len))
		return 0;
	if (len % (u32)stride)
		return -EINVAL;
	return (int)(len / (u32)stride);
}

int devtree_node_path(const struct devtree_node *node, char *buf, size_t len)
{
	const struct devtree_node *n;
	size_t need = 0, pos, l;

	if (!node)
		return -EINVAL;
	for (n = node; n->parent; n = n->parent)
		need += 1 + strlen(n->name);
	if (!need)
		need = 1;
	if (!buf || need >= len) {
		if (buf && len)
			buf[0] = '\0';
		return -ENOSPC;
	}
	buf[0] = '/';
	buf[need] = '\0';
	pos = need;
	for (n = node; n->parent; n = n->parent) {
		l = strlen(n->name);
		pos -= l;
		memcpy(buf + pos, n->name, l);
		buf[--pos] = '/';
	}
	return 0;
}

/* ---- changing the tree ---- */

int devtree_root_new(struct devtree_node **out)
{
	*out = node_alloc("", 0);
	return *out ? 0 : -ENOMEM;
}

int devtree_node_add(struct devtree_node *parent, const char *name,
		     struct devtree_node **out)
{
	struct devtree_node *node;

	if (out)
		*out = NULL;
	if (!parent || !name_valid(name))
		return -EINVAL;
	devtree_for_each_child(node, parent) {
		if (!strcmp(node->name, name))
			return -EEXIST;
	}
	node = node_alloc(name, strlen(name));
	if (!node)
		return -ENOMEM;
	node->parent = parent;
	list_add_tail(&node->link, &parent->children);
	if (out)
		*out = node;
	return 0;
}

int devtree_node_copy_into(struct devtree_node *parent, const char *name,
			   const struct devtree_node *src,
			   struct devtree_node **out)
{
	struct devtree_node *copy, *node, *child;
	int err;

	if (out)
		*out = NULL;
	if (!parent || !src)
		return -EINVAL;
	err = devtree_node_add(parent, name ? name : src->name, &node);
	if (err)
		return err;
	/*
	 * devtree_copy() makes a tree whose root is called "": its
	 * properties and children move to the named node.
	 */
	err = devtree_copy(src, &copy);
	if (err) {
		devtree_node_remove(node);
		return err;
	}
	while (!list_empty(&copy->props)) {
		struct devtree_prop *p = list_first_entry(
			&copy->props, struct devtree_prop, link);

		list_del(&p->link);
		list_add_tail(&p->link, &node->props);
	}
	while (!list_empty(&copy->children)) {
		child = list_first_entry(&copy->children, struct devtree_node,
					 link);
		list_del(&child->link);
		list_add_tail(&child->link, &node->children);
		child->parent = node;
	}
	node->phandle = copy->phandle;
	devtree_free(copy);
	if (out)
		*out = node;
	return 0;
}

int devtree_node_remove(struct devtree_node *node)
{
	if (!node || !node->parent)
		return -EINVAL;
	list_del(&node->link);
	devtree_free(node);
	return 0;
}

int devtree_prop_set(struct devtree_node *node, const char *name,
		     const void *value, u32 len)
{
	struct devtree_prop *prop;
	void *copy;

	if (!node || !name_valid(name) || (!value && len))
		return -EINVAL;
	prop = devtree_prop_find(node, name);
	if (!prop) {
		prop = prop_alloc(name, strlen(name), value, len);
		if (!prop)
			return -ENOMEM;
		list_add_tail(&prop->link, &node->props);
	} else if (len == prop->len) {
		/* value may point into the old value. */
		if (len)
			memmove(prop->value, value, len);
	} else {
		copy = value_dup(value, len);
		if (!copy)
			return -ENOMEM;
		value_free(prop->value);
		prop->value = copy;
		prop->len = len;
	}
	if (is_phandle_name(name))
		node->phandle = node_phandle(node);
	return 0;
}

int devtree_prop_set_u32(struct devtree_node *node, const char *name, u32 value)
{
	u32 be = cpu_to_kfdt32(value);

	return devtree_prop_set(node, name, &be, sizeof(be));
}

int devtree_prop_set_string(struct devtree_node *node, const char *name,
			    const char *value)
{
	size_t len;

	if (!value)
		return -EINVAL;
	len = strlen(value) + 1;
	if (len > DEVTREE_INT_MAX)
		return -EINVAL;
	return devtree_prop_set(node, name, value, (u32)len);
}

int devtree_prop_remove(struct devtree_node *node, const char *name)
{
	struct devtree_prop *prop;

	if (!node || !name)
		return -EINVAL;
	prop = devtree_prop_find(node, name);
	if (!prop)
		return -ENOENT;
	list_del(&prop->link);
	prop_free(prop);
	if (is_phandle_name(name))
		node->phandle = node_phandle(node);
	return 0;
}

/* ---- formatting ---- */

struct fmt_out {
	char *buf;
	size_t len;
	size_t pos;
};

static void out_char(struct fmt_out *o, char c)
{
	if (o->pos + 1 < o->len)
		o->buf[o->pos] = c;
	o->pos++;
}

static void out_str(struct fmt_out *o, const char *s)
{
	while (*s)
		out_char(o, *s++);
}

static void out_hex(struct fmt_out *o, u32 v, int min_digits)
{
	static const char digits[] = "0123456789abcdef";
	int n = 8;

	while (n > min_digits && !(v >> (4 * (n - 1))))
		n--;
	while (n--)
		out_char(o, digits[(v >> (4 * n)) & 0xf]);
}

static bool is_print(char c)
{
	return c >= 0x20 && c < 0x7f;
}

/* dtc's test: every string non-empty and printable, the last terminated. */
static bool is_string_list(const char *s, u32 len)
{
	const char *end = s + len, *start;

	if (!len || end[-1] != '\0')
		return false;
	while (s < end) {
		start = s;
		while (*s && is_print(*s))
			s++;
		if (*s || s == start)
			return false;
		s++;
	}
	return true;
}

int devtree_format_value(const struct devtree_prop *prop, char *buf, size_t len)
{
	struct fmt_out o = { buf, buf ? len : 0, 0 };
	const char *s;
	const u8 *b;
	u32 i;

	if (o.len)
		buf[0] = '\0';
	if (!prop)
		return -EINVAL;
	s = prop->value;
	b = prop->value;
	/* An empty property shows no value at all in DTS. */
	if (!prop->len)
		return 0;
	if (is_string_list(s, prop->len)) {
		for (i = 0; i < prop->len; i++) {
			if (i == 0 || s[i - 1] == '\0')
				out_str(&o, i ? ", \"" : "\"");
			if (s[i] == '\0') {
				out_char(&o, '"');
				continue;
			}
			if (s[i] == '"' || s[i] == '\\')
				out_char(&o, '\\');
			out_char(&o, s[i]);
		}
	} else if (prop->len % 4 == 0) {
		out_char(&o, '<');
		for (i = 0; i < prop->len; i += 4) {
			if (i)
				out_char(&o, ' ');
			out_str(&o, "0x");
			out_hex(&o, be32_at(b + i), 1);
		}
		out_char(&o, '>');
	} else {
		out_char(&o, '[');
		for (i = 0; i < prop->len; i++) {
			if (i)
				out_char(&o, ' ');
			out_hex(&o, b[i], 2);
		}
		out_char(&o, ']');
	}
	if (o.len)
		buf[MIN(o.pos, o.len - 1)] = '\0';
	return o.pos > DEVTREE_INT_MAX ? DEVTREE_INT_MAX : (int)o.pos;
}

static void write_indent(unsigned int depth,
			 void (*write)(void *arg, const char *text), void *arg)
{
	for (unsigned int i = 0; i < depth; i++)
		write(arg, "\t");
}

static int write_dts_props(const struct devtree_node *node, unsigned int depth,
			   void (*write)(void *arg, const char *text),
			   void *arg)
{
	const struct devtree_prop *p;
	char *value;
	int len;

	devtree_for_each_prop(p, node) {
		write_indent(depth, write, arg);
		write(arg, p->name);
		if (!p->len) {
			write(arg, ";\n");
			continue;
		}
		len = devtree_format_value(p, NULL, 0);
		value = keel_malloc((size_t)len + 1);
		if (!value)
			return -ENOMEM;
		devtree_format_value(p, value, (size_t)len + 1);
		write(arg, " = ");
		write(arg, value);
		write(arg, ";\n");
		keel_free(value);
	}
	return 0;
}

int devtree_write_dts(const struct devtree_node *top, unsigned int depth,
		      void (*write)(void *arg, const char *text), void *arg)
{
	const struct devtree_node *node = top;
	int err;

	if (!top || !write)
		return -EINVAL;
	for (;;) {
		write_indent(depth, write, arg);
		write(arg, node->name[0] ? node->name : "/");
		write(arg, " {\n");
		err = write_dts_props(node, depth + 1, write, arg);
		if (err)
			return err;
		if (!list_empty(&node->children)) {
			node = list_first_entry(&node->children,
						struct devtree_node, link);
			depth++;
			continue;
		}
		/* Close nodes until one has a next sibling. */
		for (;;) {
			write_indent(depth, write, arg);
			write(arg, "};\n");
			if (node == top)
				return 0;
			if (node->link.next != &node->parent->children) {
				node = list_entry(node->link.next,
						  struct devtree_node, link);
				break;
			}
			node = node->parent;
			depth--;
		}
	}
}
