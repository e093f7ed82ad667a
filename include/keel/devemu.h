/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device emulation (core/devemu.c). An emulator models one kind of device
 * for guests and registers by the compatible strings it serves; each device
 * node of a guest's machine description gets an instance. Guest accesses
 * to the instance's register window arrive as read/write calls with an
 * offset into the window and an access size of 1, 2, 4 or 8 bytes.
 *
 * Emulators know nothing of the CPU architecture: they raise interrupt
 * lines through devemu_irq_set(), which the guest's interrupt controller
 * (itself an emulator) delivers.
 */
#ifndef KEEL_DEVEMU_H
#define KEEL_DEVEMU_H

#include <keel/list.h>
#include <keel/spinlock.h>
#include <keel/types.h>

struct guest;
struct devtree_node;
struct devemu_instance;

#define DEVEMU_MAX_IRQS 4

struct emulator {
	const char *name;
	const char *const *compatible; /* NULL-terminated */
	/*
	 * Set up inst->priv from the device's node (registers window and
	 * interrupts are already parsed into inst). Errors are reported with
	 * devemu_error() naming what was wrong and returned as -errno.
	 */
	int (*probe)(struct devemu_instance *inst,
		     const struct devtree_node *node);
	/*
	 * A guest access. offset < inst->size, size in {1, 2, 4, 8}. Return 0,
	 * or -EINVAL for an access the device does not support (the guest
	 * then gets an external abort).
	 */
	int (*read)(struct devemu_instance *inst, u64 offset, unsigned int size,
		    u64 *value);
	int (*write)(struct devemu_instance *inst, u64 offset,
		     unsigned int size, u64 value);
	/* Back to the power-on state (guest reset). */
	void (*reset)(struct devemu_instance *inst);
	/* Free inst->priv. */
	void (*remove)(struct devemu_instance *inst);
};

#define EMULATOR_REGISTER(var)                                          \
	static const struct emulator *const __emulator_ptr_##var __used \
		__section(".keel.emulators." #var) = &(var)

struct devemu_instance {
	const struct emulator *emu;
	struct guest *guest;
	char name[48]; /* the node's name, e.g. "pl011@9000000" */
	u64 base, size; /* the register window in guest-physical space */
	unsigned int irqs[DEVEMU_MAX_IRQS]; /* guest interrupt numbers */
	unsigned int nr_irqs;
	void *priv;
	spinlock_t lock; /* taken around read/write/reset by core */
	struct list_head link; /* in the guest's device list */
	u64 reads, writes; /* accesses seen, for statistics */
};

/* The emulator serving a compatible string, or NULL. */
const struct emulator *devemu_find(const char *compatible);

/*
 * Raise (level true) or lower an interrupt line of the instance; index
 * picks among inst->irqs. Safe from any context.
 */
void devemu_irq_set(struct devemu_instance *inst, unsigned int index,
		    bool level);

/*
 * Report why a device could not be set up; shown to the user with the
 * guest and node names.
 */
void devemu_error(const struct devemu_instance *inst, const char *fmt, ...)
	__printf(2, 3);

/* Host wall-clock time for emulated clocks (RTC): seconds since 1970. */
u64 devemu_wallclock_seconds(void);
/* A host real-time clock driver tells the time once it knows it. */
void devemu_set_wallclock(u64 seconds_now);

#endif
