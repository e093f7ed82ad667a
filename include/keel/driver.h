/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host device drivers (core/driver.c). A driver declares the compatible
 * strings it serves and a probe stage; at boot, for each stage in order,
 * every available device-tree node whose compatible matches is probed.
 * Nothing else in Keel names a device.
 */
#ifndef KEEL_DRIVER_H
#define KEEL_DRIVER_H

#include <keel/types.h>

struct devtree_node;

enum driver_stage {
	DRIVER_STAGE_IRQCHIP, /* interrupt controllers first */
	DRIVER_STAGE_TIMER, /* then time: the scheduler needs it */
	DRIVER_STAGE_FIRMWARE, /* PSCI and the like: CPU bring-up, power */
	DRIVER_STAGE_CONSOLE,
	DRIVER_STAGE_DEVICE,
	DRIVER_STAGE_COUNT,
};

struct driver {
	const char *name;
	const char *const *compatible; /* NULL-terminated */
	enum driver_stage stage;
	/*
	 * 0 when bound, -errno when the device could not be driven (logged),
	 * or DRIVER_PROBE_ABSENT when the node describes a place where a
	 * device could be but none is (an empty virtio-mmio slot): not an
	 * error, and the node stays unbound (a guest may be given it).
	 */
	int (*probe)(struct devtree_node *node);
	/*
	 * Optional: polled output before interrupts and heap exist. base is
	 * the first "reg" address; fdt and node (the flattened tree and the
	 * console's node offset in it) give the driver its other properties.
	 */
	int (*early_console)(paddr_t base, const void *fdt, int node);
};

#define DRIVER_PROBE_ABSENT 1

#define DRIVER_REGISTER(var)                                                   \
	static const struct driver *const __driver_ptr_##var __used __section( \
		".keel.drivers." #var) = &(var)

/* Probe every stage; errors are logged per device and do not stop boot. */
void driver_probe_all(void);
/*
 * The first driver serving a compatible string, or NULL. Drivers of
 * different stages may serve the same string (a RISC-V hart node has a
 * timer driver and a firmware driver); a node then binds one per stage.
 */
const struct driver *driver_find(const char *compatible);
/* Visit every bound device. */
struct driver_binding {
	const struct driver *driver;
	const struct devtree_node *node;
	int result;
};
int driver_for_each_binding(int (*fn)(const struct driver_binding *b,
				      void *arg),
			    void *arg);

#endif
