// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 I/O APIC for guests (hw/apic.h), as the 82093AA data sheet
 * describes it and QEMU's q35 offers it: 24 pins whose redirection
 * entries turn device lines into interrupt messages to the local APICs
 * (keel/vlapic.h), behind the index and data registers of its window.
 *
 * Device lines arrive as GSIs at the local APICs, the guest's interrupt
 * controller, which hand them to the I/O APIC whose pins hold them
 * (set_pin) and report the EOIs of level-triggered vectors (eoi), which
 * end the entries' remote IRR. Version 0x11 has no EOI register: guests
 * that know it (Linux) end a stuck remote IRR by switching the entry to
 * edge and back, which clears it here as on the chipsets.
 *
 * Messages go out at once, so delivery status always reads idle.
 */
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/printf.h>
#include <keel/spinlock.h>
#include <keel/vlapic.h>

#include <hw/apic.h>

#define NR_PINS 24
/* The 82093AA's version, with the last entry's index in bits 23:16. */
#define IOAPIC_VERSION_VALUE (0x11U | ((NR_PINS - 1U) << 16))
#define IOAPIC_ID_SHIFT 24
#define IOAPIC_ID_MASK 0xfU
#define ROUTE_DELIVERY(e) (((e) >> ROUTE_DELIVERY_SHIFT) & 7U)
/* What the guest may write in an entry's low word; bits 55:17 reserved. */
#define ROUTE_LOW_WRITABLE                                                  \
	(ROUTE_VECTOR_MASK | (7U << ROUTE_DELIVERY_SHIFT) | ROUTE_LOGICAL | \
	 ROUTE_ACTIVE_LOW | ROUTE_LEVEL | ROUTE_MASKED)
#define ROUTE_DEST_MASK (0xffULL << ROUTE_DEST_SHIFT)

struct ioapic {
	/*
	 * Pins change in other devices' contexts and EOIs come from the
	 * vCPUs', besides the guest's accesses under the instance's lock.
	 */
	spinlock_t lock;
	struct vlapic *vl;
	u64 route[NR_PINS];
	u32 pins; /* the lines' levels, as their devices set them */
	u8 select; /* IOREGSEL */
	u8 id, node_id;
	unsigned int gsi_base;
};

/*
 * Level-triggered as the local APICs see it: the data sheet treats NMI,
 * INIT, SMI and ExtINT as edges whatever the trigger mode says, and no
 * EOI would ever end their remote IRR.
 */
static bool route_level(u64 e)
{
	unsigned int dm = ROUTE_DELIVERY(e);

	return (e & ROUTE_LEVEL) &&
	       (dm == APIC_DM_FIXED || dm == APIC_DM_LOWEST);
}

/* Under s->lock: the lock order is ours, then the local APICs'. */
static void send(struct ioapic *s, unsigned int pin)
{
	u64 e = s->route[pin];
	struct vlapic_msg m = {
		.vector = (u8)(e & ROUTE_VECTOR_MASK),
		.delivery = (u8)ROUTE_DELIVERY(e),
		.logical = e & ROUTE_LOGICAL,
		.level = route_level(e),
		.dest = (u8)(e >> ROUTE_DEST_SHIFT),
	};

	if (m.level)
		s->route[pin] |= ROUTE_REMOTE_IRR;
	vlapic_deliver(s->vl, &m);
}

/*
 * A level entry sends while its pin is high, unmasked and not waiting
 * for an EOI; each change that can make that so (the pin, an unmask, an
 * EOI, a new trigger mode) comes here, so none is missed.
 */
static void level_check(struct ioapic *s, unsigned int pin)
{
	u64 e = s->route[pin];

	if (route_level(e) && !(e & (ROUTE_MASKED | ROUTE_REMOTE_IRR)) &&
	    (s->pins & (1U << pin)))
		send(s, pin);
}

static void write_route(struct ioapic *s, unsigned int pin, bool high,
			u32 value)
{
	u64 e = s->route[pin];

	if (high) {
		s->route[pin] = (e & ~ROUTE_DEST_MASK) |
				((u64)value << 32 & ROUTE_DEST_MASK);
		return;
	}
	e = (e & ~0xffffffffULL) | (e & ROUTE_REMOTE_IRR) |
	    (value & ROUTE_LOW_WRITABLE);
	/* The chipsets' way out of a lost EOI, which Linux takes. */
	if (!route_level(e))
		e &= ~(u64)ROUTE_REMOTE_IRR;
	s->route[pin] = e;
	/*
	 * An edge entry waits for the next rising edge: a pin already high
	 * makes none.
	 */
	level_check(s, pin);
}

static u32 read_indirect(const struct ioapic *s)
{
	unsigned int index = s->select, pin;

	switch (index) {
	case IOAPIC_ID:
	case IOAPIC_ARB:
		return (u32)s->id << IOAPIC_ID_SHIFT;
	case IOAPIC_VERSION:
		return IOAPIC_VERSION_VALUE;
	}
	if (index < IOAPIC_ROUTE(0) || index >= IOAPIC_ROUTE(NR_PINS))
		return 0;
	pin = (index - IOAPIC_ROUTE(0)) / 2;
	return (u32)(index & 1 ? s->route[pin] >> 32 : s->route[pin]);
}

static void write_indirect(struct ioapic *s, u32 value)
{
	unsigned int index = s->select;

	if (index == IOAPIC_ID) {
		s->id = (value >> IOAPIC_ID_SHIFT) & IOAPIC_ID_MASK;
		return;
	}
	if (index < IOAPIC_ROUTE(0) || index >= IOAPIC_ROUTE(NR_PINS))
		return;
	write_route(s, (index - IOAPIC_ROUTE(0)) / 2, index & 1, value);
}

static int ioapic_read(struct devemu_instance *inst, u64 offset,
		       unsigned int size, u64 *value)
{
	struct ioapic *s = inst->priv;
	unsigned long flags;

	if (size != 4)
		return -EINVAL;
	spin_lock_irqsave(&s->lock, flags);
	if (offset == IOAPIC_SELECT)
		*value = s->select;
	else if (offset == IOAPIC_DATA)
		*value = read_indirect(s);
	else
		*value = 0;
	spin_unlock_irqrestore(&s->lock, flags);
	return 0;
}

static int ioapic_write(struct devemu_instance *inst, u64 offset,
			unsigned int size, u64 value)
{
	struct ioapic *s = inst->priv;
	unsigned long flags;

	if (size != 4)
		return -EINVAL;
	spin_lock_irqsave(&s->lock, flags);
	if (offset == IOAPIC_SELECT)
		s->select = (u8)value;
	else if (offset == IOAPIC_DATA)
		write_indirect(s, (u32)value);
	spin_unlock_irqrestore(&s->lock, flags);
	return 0;
}

/* The pins' levels stay: they are the devices'. */
static void power_on_state(struct ioapic *s)
{
	for (unsigned int pin = 0; pin < NR_PINS; pin++)
		s->route[pin] = ROUTE_MASKED;
	s->select = 0;
	s->id = s->node_id;
}

/* ---- what the local APICs call (vlapic_ioapic_ops) ---- */

/*
 * Polarity is the entry's record only: a device raises its line when it
 * asserts its interrupt, whatever the wire's active level on a PC.
 */
static void ioapic_set_pin(void *priv, unsigned int pin, bool level)
{
	struct ioapic *s = priv;
	unsigned long flags;
	bool was;

	if (pin >= NR_PINS)
		return;
	spin_lock_irqsave(&s->lock, flags);
	was = s->pins & (1U << pin);
	if (level)
		s->pins |= 1U << pin;
	else
		s->pins &= ~(1U << pin);
	if (route_level(s->route[pin]))
		level_check(s, pin);
	/*
	 * An edge on a masked pin is lost, not held pending, as the data
	 * sheet says of the 82093AA's mask bit.
	 */
	else if (level && !was && !(s->route[pin] & ROUTE_MASKED))
		send(s, pin);
	spin_unlock_irqrestore(&s->lock, flags);
}

static void ioapic_eoi(void *priv, u8 vector)
{
	struct ioapic *s = priv;
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	for (unsigned int pin = 0; pin < NR_PINS; pin++) {
		u64 e = s->route[pin];

		if (!(e & ROUTE_REMOTE_IRR) ||
		    (e & ROUTE_VECTOR_MASK) != vector)
			continue;
		s->route[pin] = e & ~(u64)ROUTE_REMOTE_IRR;
		level_check(s, pin);
	}
	spin_unlock_irqrestore(&s->lock, flags);
}

static const struct vlapic_ioapic_ops ioapic_ops = {
	.set_pin = ioapic_set_pin,
	.eoi = ioapic_eoi,
};

/* ---- the emulator ---- */

static unsigned int node_gsi_base(const struct devtree_node *node)
{
	u32 base;

	return devtree_prop_read_u32(node, "keel,gsi-base", &base) ? 0 : base;
}

static int ioapic_probe(struct devemu_instance *inst,
			const struct devtree_node *node)
{
	struct ioapic *s = inst->priv;
	u32 id = 0;
	int err;

	s->gsi_base = node_gsi_base(node);
	if (s->gsi_base > ~0U - NR_PINS) {
		devemu_error(inst,
			     "\"keel,gsi-base\" %u leaves no room for %u GSIs",
			     s->gsi_base, NR_PINS);
		return -EINVAL;
	}
	(void)devtree_prop_read_u32(node, "keel,apic-id", &id);
	if (id > IOAPIC_ID_MASK) {
		devemu_error(
			inst,
			"\"keel,apic-id\" %u does not fit the ID register (0-%u)",
			id, IOAPIC_ID_MASK);
		return -EINVAL;
	}
	s->vl = vlapic_of(inst->guest);
	if (!s->vl) {
		devemu_error(inst, "needs the guest's local APIC (a "
				   "\"keel,x86-lapic\" node before it)");
		return -ENODEV;
	}
	spin_lock_init(&s->lock);
	s->node_id = (u8)id;
	power_on_state(s);
	err = vlapic_add_ioapic(s->vl, s->gsi_base, NR_PINS, &ioapic_ops, s);
	if (err == -EBUSY)
		devemu_error(inst, "GSIs %u-%u overlap another I/O APIC's",
			     s->gsi_base, s->gsi_base + NR_PINS - 1);
	else if (err == -ENOSPC)
		devemu_error(inst, "the local APICs take no more I/O APICs");
	else if (err)
		devemu_error(inst, "the local APICs refused it (error %d)",
			     err);
	return err;
}

static void ioapic_reset(struct devemu_instance *inst)
{
	struct ioapic *s = inst->priv;
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	power_on_state(s);
	spin_unlock_irqrestore(&s->lock, flags);
}

static void ioapic_remove(struct devemu_instance *inst)
{
	struct ioapic *s = inst->priv;

	/*
	 * A guest's devices go last first (core/guest.c), so the local
	 * APICs, probed before us, are still there; the check keeps a
	 * remove in another order from touching their freed state.
	 */
	if (vlapic_of(inst->guest) == s->vl)
		vlapic_remove_ioapic(s->vl, s);
}

/*
 * Two cells: the GSI, which is the line (the local APICs route GSIs to
 * their I/O APIC), and the trigger type. The type only describes the
 * device: as on a PC, the guest programs the trigger in the entry from
 * its own tables (ACPI's, the same description).
 */
static int ioapic_xlate(const struct devtree_node *node, const u32 *cells,
			unsigned int *line, char *why, size_t why_size)
{
	unsigned int base = node_gsi_base(node);

	if (cells[0] - base >= NR_PINS) {
		snprintf(why, why_size,
			 "GSI %u is not one of this I/O APIC's (%u-%u)",
			 cells[0], base, base + NR_PINS - 1);
		return -EINVAL;
	}
	switch (cells[1]) {
	case IRQ_TYPE_EDGE_RISING:
	case IRQ_TYPE_EDGE_FALLING:
	case IRQ_TYPE_LEVEL_HIGH:
	case IRQ_TYPE_LEVEL_LOW:
		break;
	default:
		snprintf(why, why_size,
			 "trigger type %u is none of 1, 2, 4, 8 "
			 "(dt-bindings irq.h)",
			 cells[1]);
		return -EINVAL;
	}
	*line = cells[0];
	return 0;
}

static const char *const ioapic_compatible[] = { "keel,x86-ioapic", NULL };

static const struct emulator ioapic_emulator = {
	.name = "ioapic",
	.compatible = ioapic_compatible,
	.probe = ioapic_probe,
	.read = ioapic_read,
	.write = ioapic_write,
	.reset = ioapic_reset,
	.remove = ioapic_remove,
	.priv_size = sizeof(struct ioapic),
	.min_window = IOAPIC_WINDOW,
	.irq_cells = 2,
	.xlate = ioapic_xlate,
};
EMULATOR_REGISTER(ioapic_emulator);
