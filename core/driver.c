// SPDX-License-Identifier: GPL-2.0
/* The driver registry: bind device-tree nodes to drivers by compatible. */
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/list.h>
#include <keel/printk.h>
#include <keel/string.h>

extern const struct driver *const _drivers_start[], *const _drivers_end[];

struct binding {
	struct list_head link;
	struct driver_binding b;
};

static LIST_HEAD(bindings);

const struct driver *driver_find(const char *compatible)
{
	size_t n = LINKER_TABLE_COUNT(_drivers_start, _drivers_end);

	for (size_t i = 0; i < n; i++)
		if (compatible_list_has(_drivers_start[i]->compatible,
					compatible))
			return _drivers_start[i];
	return NULL;
}

/*
 * The driver of this stage for node. The node's most specific compatible
 * entry that any driver serves decides; several drivers may serve that
 * same string at different stages (a RISC-V hart: its timer, then its
 * firmware interface), and each binds at its own stage.
 */
static const struct driver *match_node(const struct devtree_node *node,
				       enum driver_stage stage)
{
	size_t n = LINKER_TABLE_COUNT(_drivers_start, _drivers_end);
	const char *compat;

	for (unsigned int i = 0;
	     !devtree_prop_read_string_index(node, "compatible", i, &compat);
	     i++) {
		bool served = false;

		for (size_t d = 0; d < n; d++) {
			const struct driver *drv = _drivers_start[d];

			if (!compatible_list_has(drv->compatible, compat))
				continue;
			if (drv->stage == stage)
				return drv;
			served = true;
		}
		if (served)
			return NULL;
	}
	return NULL;
}

static void record(const struct driver *drv, const struct devtree_node *node,
		   int result)
{
	struct binding *b = keel_zalloc(sizeof(*b));

	if (!b)
		return;
	b->b.driver = drv;
	b->b.node = node;
	b->b.result = result;
	list_add_tail(&b->link, &bindings);
}

void driver_probe_all(void)
{
	struct devtree_node *root = devtree_host_root();

	for (unsigned int stage = 0; stage < DRIVER_STAGE_COUNT; stage++) {
		for (struct devtree_node *n = root; n;
		     n = devtree_next(root, n)) {
			const struct driver *drv;
			int err;

			if (!devtree_is_available(n))
				continue;
			drv = match_node(n, stage);
			if (!drv || !drv->probe)
				continue;
			err = drv->probe(n);
			if (err == DRIVER_PROBE_ABSENT)
				continue;
			record(drv, n, err);
			if (err)
				printk(KERN_ERR "%s: probe of %s failed: %s\n",
				       drv->name, n->name, error_name(err));
		}
	}
}

int driver_for_each_binding(int (*fn)(const struct driver_binding *b,
				      void *arg),
			    void *arg)
{
	struct binding *b;

	list_for_each_entry(b, &bindings, link) {
		int ret = fn(&b->b, arg);

		if (ret)
			return ret;
	}
	return 0;
}
