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
 * (itself an emulator) delivers. What a device's "interrupts" mean is that
 * controller's business too: its emulator translates each specifier into
 * one of its line numbers (emulator.xlate), as Linux's irq domains do, so
 * core knows a device's interrupts only as "line N of its controller".
 */
#ifndef KEEL_DEVEMU_H
#define KEEL_DEVEMU_H

#include <keel/list.h>
#include <keel/spinlock.h>
#include <keel/errno.h>
#include <keel/timer.h>
#include <keel/types.h>

struct guest;
struct vcpu;
struct devtree_node;
struct devemu_instance;

#define DEVEMU_MAX_IRQS 4
/* The most cells an interrupt specifier has (GIC: 3, x86 IOAPIC: 2). */
#define DEVEMU_MAX_IRQ_CELLS 4

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
	 * A guest access at offset = gpa - inst->base (below inst->size for
	 * the main window), size in {1, 2, 4, 8}. Return 0,
	 * or -EINVAL for an access the device does not support (the guest
	 * then gets an external abort). A write may also return
	 * DEVEMU_POWER_OFF or DEVEMU_RESET: done, and the guest asks to be
	 * powered off (halted, with inst->power_why if set) or reset.
	 */
	int (*read)(struct devemu_instance *inst, u64 offset, unsigned int size,
		    u64 *value);
	int (*write)(struct devemu_instance *inst, u64 offset,
		     unsigned int size, u64 value);
	/* Back to the power-on state (guest reset). */
	void (*reset)(struct devemu_instance *inst);
	/*
	 * Let go of what probe acquired (timers, serial ports, memory of its
	 * own); core frees the private state it gave (priv_size).
	 */
	void (*remove)(struct devemu_instance *inst);
	/*
	 * What core does for every emulator, so that each keeps only its
	 * device logic (devemu_probe(), devemu_remove()). priv_size: probe
	 * finds inst->priv pointing at that many zeroed bytes, which core
	 * frees after remove or a failed probe (inst->priv is then core's:
	 * the emulator never replaces it). min_window: a main register
	 * window smaller than this is refused before probe, naming the
	 * emulator and both sizes. 0: the emulator needs neither (or works
	 * it out itself: a window that depends on the node, state of
	 * varying size).
	 */
	size_t priv_size;
	u64 min_window;
	/*
	 * Interrupt controllers only (NULL otherwise): the number of cells of
	 * their interrupt specifiers, which their node's "#interrupt-cells"
	 * must give (at most DEVEMU_MAX_IRQ_CELLS), and the translation of
	 * one specifier of a device's "interrupts" into the line the device
	 * then raises (inst->irqs[], guest_irqchip.set_line). node is the
	 * controller's description node: it may not be probed yet, so xlate
	 * reads what it needs from there. Returns 0 and *line, or -EINVAL
	 * with the reason in why ("SPI 5000 is out of range (0-987)"; core
	 * adds the device and the interrupt's index).
	 */
	unsigned int irq_cells;
	int (*xlate)(const struct devtree_node *node, const u32 *cells,
		     unsigned int *line, char *why, size_t why_size);
};

/* What a write may return besides 0 and -errno (struct emulator). */
#define DEVEMU_POWER_OFF 1
#define DEVEMU_RESET 2

#define EMULATOR_REGISTER(var)                                          \
	static const struct emulator *const __emulator_ptr_##var __used \
		__section(".keel.emulators." #var) = &(var)

struct devemu_instance {
	const struct emulator *emu;
	struct guest *guest;
	char name[48]; /* the node's name, e.g. "pl011@9000000" */
	/*
	 * The register window, in guest-physical space or (in_ports) in the
	 * guest's I/O-port space, where its other windows go too.
	 */
	u64 base, size;
	bool in_ports;
	unsigned int irqs[DEVEMU_MAX_IRQS]; /* guest interrupt numbers */
	unsigned int nr_irqs;
	void *priv;
	spinlock_t lock; /* taken around read/write/reset by core */
	struct list_head link; /* in the guest's device list */
	u64 reads, writes; /* accesses seen, for statistics */
	/* Why the guest halts on this device's DEVEMU_POWER_OFF ("": none). */
	char power_why[64];
	/*
	 * The exit profile: host counter cycles from the exits of those
	 * accesses to their vCPUs' next entries, and the part of that in ns
	 * when a vCPU's thread was switched out (added without the lock).
	 */
	u64 prof_cycles;
	u64 prof_off_cpu_ns;
};

/*
 * Give an instance a second register window (a GIC's redistributors, say).
 * Accesses to it reach the same read/write operations with
 * offset = gpa - inst->base, so offsets beyond inst->size tell the window
 * apart. -EEXIST when it overlaps a region, -ENOSPC when none is left.
 */
int devemu_add_window(struct devemu_instance *inst, u64 base, u64 size);

/*
 * The index-th "reg" entry of the instance's node, for a window of its
 * own (devemu_add_window): an entry of a device on an ISA bus loses its
 * space cell and must be in the space of the first (-EINVAL, reported).
 * -ENOENT past the end.
 */
int devemu_read_reg(const struct devemu_instance *inst,
		    const struct devtree_node *node, unsigned int index,
		    u64 *base, u64 *size);

/*
 * Devices with 32-bit registers that also take 8- and 16-bit accesses to
 * their byte lanes (PrimeCell peripherals and the like): a narrow access
 * reads or writes only its lanes of the register it falls in.
 */
struct reg32_lanes {
	u64 reg; /* offset of the 32-bit register */
	unsigned int shift; /* bit position of the access within it */
	u32 mask; /* the lanes accessed, in register position */
};

/* Sizes 1, 2, 4, naturally aligned: 0 and *l filled, else -EINVAL. */
static inline int devemu_reg32_lanes(u64 offset, unsigned int size,
				     struct reg32_lanes *l)
{
	if ((size != 1 && size != 2 && size != 4) || (offset & (size - 1)))
		return -EINVAL;
	l->reg = offset & ~3ULL;
	l->shift = (unsigned int)(offset & 3) * 8;
	l->mask = (size == 4 ? 0xffffffffU : (1U << (size * 8)) - 1)
		  << l->shift;
	return 0;
}

/*
 * Set up a new instance (inst->emu, guest, name, window and interrupts
 * filled in) for its emulator: the window-size check and the private
 * state (emulator.min_window, priv_size), then emulator.probe. Returns 0,
 * or -errno with the reason reported and nothing left to remove
 * (inst->priv NULL).
 */
int devemu_probe(struct devemu_instance *inst, const struct devtree_node *node);
/*
 * For the remove() of an emulator with a timer event whose callback takes
 * inst->lock and looks at inst->priv: under the lock ev is stopped and
 * inst->priv cleared, so a callback waiting for the lock finds no state;
 * then, the lock dropped, it waits for that callback to finish, after
 * which core may free the state ev lives in. Under the device's lock an
 * emulator moves and stops its events with the _nowait calls of
 * keel/timer.h, which never wait for that lock's holder.
 */
void devemu_remove_timer(struct devemu_instance *inst, struct timer_event *ev);
/* Undo devemu_probe(): emulator.remove, then the private state core gave. */
void devemu_remove(struct devemu_instance *inst);

/* The emulator serving a compatible string, or NULL. */
const struct emulator *devemu_find(const char *compatible);
/* The emulator serving the first of node's compatible strings it can. */
const struct emulator *devemu_find_for_node(const struct devtree_node *node);

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

/*
 * The guest's interrupt controller: the emulator that is one registers
 * its lines here when probed (and NULL, NULL when removed); device lines
 * (devemu_irq_set) and the vCPUs' questions reach it through these.
 */
struct guest_irqchip {
	/* irq: a line as the controller's xlate gave it. */
	void (*set_line)(void *priv, unsigned int irq, bool level);
	/* Something is pending for v: WFI must not sleep. */
	bool (*pending)(void *priv, struct vcpu *v);
	/*
	 * Optional: where the controller keeps its interrupt output to v,
	 * for the arch to read at every entry without a call (the riscv
	 * hart's external interrupt, hvip.VSEIP); NULL: it keeps none.
	 * Valid until the controller is removed, after the vCPUs stopped.
	 */
	const volatile bool *(*output)(void *priv, struct vcpu *v);
	/*
	 * Optional: the interrupt acknowledge cycle of CPUs that take the
	 * vector from the controller when they take the interrupt (x86's
	 * INTA): the vector for v, the controller's state moving as the
	 * chip's does; -1 when it has none for v.
	 */
	int (*acknowledge)(void *priv, struct vcpu *v);
};
void guest_set_irqchip(struct guest *g, const struct guest_irqchip *chip,
		       void *priv);
/* Until a controller has registered, a raised line is only counted. */
void guest_irq_set(struct guest *g, unsigned int irq, bool level);
bool guest_irq_pending(struct vcpu *v);
/* The controller's output to v (guest_irqchip.output), or NULL. */
const volatile bool *guest_irq_output(struct vcpu *v);
/*
 * v takes an interrupt from a controller that names its vector
 * (guest_irqchip.acknowledge): the vector, or -1 when it has none for v
 * (or the controller gives no vectors).
 */
int guest_irq_acknowledge(struct vcpu *v);

/* Host wall-clock time for emulated clocks (RTC): seconds since 1970. */
u64 devemu_wallclock_seconds(void);
/* A host real-time clock driver tells the time once it knows it. */
void devemu_set_wallclock(u64 seconds_now);

/*
 * A second boundary may pass between reading the two clocks; this many
 * tries find two readings on the same side of one.
 */
#define DEVEMU_CLOCK_SAMPLE_TRIES 3

/*
 * Host time in nanoseconds since 1970: whole seconds from the wall clock,
 * the fraction from Keel's clock, which the wall clock's seconds count
 * with (core/devemu.c derives one from the other).
 */
static inline u64 devemu_wallclock_ns(void)
{
	u64 before, wall = 0, after = 0;

	for (unsigned int i = 0; i < DEVEMU_CLOCK_SAMPLE_TRIES; i++) {
		before = timer_now_ns();
		wall = devemu_wallclock_seconds();
		after = timer_now_ns();
		if (before / NSEC_PER_SEC == after / NSEC_PER_SEC)
			break;
	}
	return wall * NSEC_PER_SEC + after % NSEC_PER_SEC;
}

#endif
