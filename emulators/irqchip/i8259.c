// SPDX-License-Identifier: GPL-2.0
/*
 * The PC's 8259A interrupt controller pair for guests (hw/i8259.h): the
 * initialization sequence (ICW1-4), masks, IRR/ISR reads, poll mode,
 * every EOI and rotation command of OCW2, special mask and special fully
 * nested modes, automatic EOI, edge and level inputs (ICW1 LTIM, and the
 * chipset's ELCR when the node gives its window), and the interrupt
 * acknowledge cycle through the cascade.
 *
 * The node's "reg" gives the master's two ports, the slave's and,
 * optionally, the ELCR's. The pair starts as a PC's firmware leaves it
 * for Linux: initialized (vectors 0x08 and 0x70, slave on IR2) with every
 * input masked. With "interrupt-controller" in its node it is the
 * guest's interrupt controller: devices name ISA IRQs 0-15 (not 2) and
 * its output is vCPU 0's interrupt (guest_irqchip, acknowledge giving
 * the vector); without, it is only its registers, for a platform whose
 * interrupts go through I/O APICs.
 */
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/printf.h>
#include <keel/spinlock.h>

#include <hw/i8259.h>

#define MASTER 0
#define SLAVE 1
#define NO_IRQ (-1)
#define NR_PRIORITIES 8
/* Where a PC BIOS leaves the vectors. */
#define BIOS_MASTER_BASE 0x08
#define BIOS_SLAVE_BASE 0x70

struct pic_chip {
	u8 irr, isr, imr;
	u8 input; /* input levels, for edge detection */
	u8 elcr; /* level-triggered inputs */
	u8 vector_base;
	u8 priority_add; /* the input with the highest priority */
	u8 init_step; /* 0 ready, 1-3 waiting for ICW2-4 */
	bool icw4_needed, single, ltim;
	bool auto_eoi, rotate_on_aeoi, special_mask, special_nested;
	bool read_isr, poll;
};

struct i8259 {
	spinlock_t lock; /* device lines arrive under other devices' locks */
	struct guest *guest;
	struct pic_chip chip[2];
	u64 slave_offset, elcr_offset; /* from the master's ports */
	bool has_elcr;
	bool is_irqchip;
	bool output; /* INT, to vCPU 0 */
	bool kick;
};

static bool level_triggered(const struct pic_chip *c, unsigned int line)
{
	return c->ltim || (c->elcr & (1U << line));
}

static void set_input(struct pic_chip *c, unsigned int line, bool level)
{
	u8 bit = (u8)(1U << line);

	if (level_triggered(c, line)) {
		if (level)
			c->irr |= bit;
		else
			c->irr &= (u8)~bit;
	} else if (level && !(c->input & bit)) {
		c->irr |= bit; /* a rising edge */
	}
	if (level)
		c->input |= bit;
	else
		c->input &= (u8)~bit;
}

/* The priority (0 highest) of the best input in mask, or NR_PRIORITIES. */
static unsigned int best_priority(const struct pic_chip *c, u8 mask)
{
	for (unsigned int p = 0; p < NR_PRIORITIES; p++)
		if (mask & (1U << ((p + c->priority_add) & 7)))
			return p;
	return NR_PRIORITIES;
}

/* The input the chip would interrupt for now, or NO_IRQ. */
static int chip_irq(const struct pic_chip *c, bool master)
{
	unsigned int p = best_priority(c, c->irr & (u8)~c->imr), line, busy;
	u8 in_service = c->isr;

	if (p == NR_PRIORITIES)
		return NO_IRQ;
	line = (p + c->priority_add) & 7;
	if (c->special_mask)
		in_service &= (u8)~c->imr;
	busy = best_priority(c, in_service);
	if (p < busy)
		return (int)line;
	/*
	 * Special fully nested mode: the slave's own higher requests come
	 * through IR2 while IR2 is in service; lower master inputs still
	 * wait for it.
	 */
	if (master && c->special_nested && p == busy &&
	    line == I8259_CASCADE_IRQ)
		return (int)line;
	return NO_IRQ;
}

static bool cascaded(const struct i8259 *s)
{
	return !s->chip[MASTER].single;
}

/* The slave's output into the master, then the master's to the CPU. */
static void update(struct i8259 *s)
{
	bool out;

	if (cascaded(s))
		set_input(&s->chip[MASTER], I8259_CASCADE_IRQ,
			  chip_irq(&s->chip[SLAVE], false) != NO_IRQ);
	out = chip_irq(&s->chip[MASTER], true) != NO_IRQ;
	if (out && !s->output)
		s->kick = true;
	WRITE_ONCE(s->output, out);
}

static void unlock_and_kick(struct i8259 *s, unsigned long flags)
{
	bool kick;

	update(s);
	kick = s->kick && s->is_irqchip;
	s->kick = false;
	spin_unlock_irqrestore(&s->lock, flags);
	if (kick) {
		struct vcpu *v = READ_ONCE(s->guest->vcpus[0]);

		if (v)
			vcpu_kick(v);
	}
}

/* The CPU takes line's interrupt from chip c. */
static void take(struct pic_chip *c, unsigned int line)
{
	if (c->auto_eoi) {
		if (c->rotate_on_aeoi)
			c->priority_add = (u8)((line + 1) & 7);
	} else {
		c->isr |= (u8)(1U << line);
	}
	/* A level input's request stays while the input does. */
	if (!level_triggered(c, line))
		c->irr &= (u8) ~(1U << line);
}

/* INTA: the vector, the spurious IRQ 7 (or 15) one when nothing is left. */
static int acknowledge_locked(struct i8259 *s)
{
	struct pic_chip *m = &s->chip[MASTER], *sl = &s->chip[SLAVE];
	int irq = chip_irq(m, true), irq2;

	if (irq == NO_IRQ)
		return m->vector_base + 7;
	take(m, (unsigned int)irq);
	if (irq != I8259_CASCADE_IRQ || !cascaded(s))
		return m->vector_base + irq;
	irq2 = chip_irq(sl, false);
	if (irq2 == NO_IRQ)
		return sl->vector_base + 7;
	take(sl, (unsigned int)irq2);
	return sl->vector_base + irq2;
}

static void eoi(struct pic_chip *c, u8 v)
{
	unsigned int cmd = v >> 5, line = v & 7, p;

	switch (cmd) {
	case OCW2_CLEAR_ROTATE_AEOI:
	case OCW2_SET_ROTATE_AEOI:
		c->rotate_on_aeoi = cmd == OCW2_SET_ROTATE_AEOI;
		break;
	case OCW2_EOI:
	case OCW2_ROTATE_EOI:
		p = best_priority(c, c->isr);
		if (p == NR_PRIORITIES)
			break;
		line = (p + c->priority_add) & 7;
		c->isr &= (u8) ~(1U << line);
		if (cmd == OCW2_ROTATE_EOI)
			c->priority_add = (u8)((line + 1) & 7);
		break;
	case OCW2_SPECIFIC_EOI:
	case OCW2_ROTATE_SPECIFIC_EOI:
		c->isr &= (u8) ~(1U << line);
		if (cmd == OCW2_ROTATE_SPECIFIC_EOI)
			c->priority_add = (u8)((line + 1) & 7);
		break;
	case OCW2_SET_PRIORITY:
		c->priority_add = (u8)((line + 1) & 7);
		break;
	default: /* OCW2_NOP */
		break;
	}
}

static void icw1(struct pic_chip *c, u8 v)
{
	/* Masks, in-service bits and edge memory go; the ELCR stays. */
	c->imr = 0;
	c->isr = 0;
	c->irr &= c->elcr & c->input;
	c->input = 0;
	c->priority_add = 0;
	c->special_mask = false;
	c->read_isr = false;
	c->poll = false;
	c->ltim = v & ICW1_LTIM;
	c->single = v & ICW1_SNGL;
	c->icw4_needed = v & ICW1_IC4;
	if (!c->icw4_needed) {
		c->auto_eoi = false;
		c->special_nested = false;
	}
	c->rotate_on_aeoi = false;
	c->init_step = 1;
}

static void command_write(struct pic_chip *c, u8 v)
{
	if (v & ICW1_INIT) {
		icw1(c, v);
	} else if (v & OCW3_SELECT) {
		if (v & OCW3_POLL)
			c->poll = true;
		if (v & OCW3_RR)
			c->read_isr = v & OCW3_RIS;
		if (v & OCW3_ESMM)
			c->special_mask = v & OCW3_SMM;
	} else {
		eoi(c, v);
	}
}

static void data_write(struct pic_chip *c, u8 v)
{
	switch (c->init_step) {
	case 1: /* ICW2 */
		c->vector_base = v & 0xf8;
		c->init_step = !c->single ? 2 : c->icw4_needed ? 3 : 0;
		break;
	case 2: /* ICW3: the cascade wiring, fixed on a PC */
		c->init_step = c->icw4_needed ? 3 : 0;
		break;
	case 3: /* ICW4 */
		c->special_nested = v & ICW4_SFNM;
		c->auto_eoi = v & ICW4_AEOI;
		c->init_step = 0;
		break;
	default: /* OCW1 */
		c->imr = v;
		break;
	}
}

/* A poll read: acknowledges the best request like INTA, without a vector. */
static u8 poll_read(struct i8259 *s, unsigned int n)
{
	struct pic_chip *c = &s->chip[n];
	int irq = chip_irq(c, n == MASTER);

	c->poll = false;
	if (irq == NO_IRQ)
		return 0;
	take(c, (unsigned int)irq);
	return I8259_POLL_INT | (u8)irq;
}

/* Which chip and register an offset reaches: 0 and *chip, *reg; or -1. */
static int decode(const struct i8259 *s, u64 offset, unsigned int *chip,
		  unsigned int *reg, bool *elcr)
{
	*elcr = false;
	if (offset < I8259_WINDOW) {
		*chip = MASTER;
		*reg = (unsigned int)offset;
	} else if (offset - s->slave_offset < I8259_WINDOW) {
		*chip = SLAVE;
		*reg = (unsigned int)(offset - s->slave_offset);
	} else if (s->has_elcr && offset - s->elcr_offset < I8259_WINDOW) {
		*chip = (unsigned int)(offset - s->elcr_offset);
		*reg = 0;
		*elcr = true;
	} else {
		return -1;
	}
	return 0;
}

static int i8259_read(struct devemu_instance *inst, u64 offset,
		      unsigned int size, u64 *value)
{
	struct i8259 *s = inst->priv;
	unsigned int n, reg;
	unsigned long flags;
	struct pic_chip *c;
	bool elcr;

	if (size != 1)
		return -EINVAL;
	if (decode(s, offset, &n, &reg, &elcr)) {
		*value = 0xff;
		return 0;
	}
	spin_lock_irqsave(&s->lock, flags);
	c = &s->chip[n];
	if (elcr)
		*value = c->elcr;
	else if (reg == I8259_DATA)
		*value = c->imr;
	else if (c->poll)
		*value = poll_read(s, n);
	else
		*value = c->read_isr ? c->isr : c->irr;
	unlock_and_kick(s, flags);
	return 0;
}

static int i8259_write(struct devemu_instance *inst, u64 offset,
		       unsigned int size, u64 value)
{
	struct i8259 *s = inst->priv;
	unsigned int n, reg;
	unsigned long flags;
	bool elcr;

	if (size != 1)
		return -EINVAL;
	if (decode(s, offset, &n, &reg, &elcr))
		return 0;
	spin_lock_irqsave(&s->lock, flags);
	if (elcr)
		s->chip[n].elcr = (u8)value & (n == MASTER ? ELCR_MASTER_MASK :
							     ELCR_SLAVE_MASK);
	else if (reg == I8259_DATA)
		data_write(&s->chip[n], (u8)value);
	else
		command_write(&s->chip[n], (u8)value);
	unlock_and_kick(s, flags);
	return 0;
}

/* As a PC's firmware hands the pair to an OS: set up, all masked. */
static void firmware_state(struct i8259 *s)
{
	for (unsigned int n = 0; n < 2; n++) {
		struct pic_chip *c = &s->chip[n];

		*c = (struct pic_chip){
			.imr = 0xff,
			.icw4_needed = true,
			.vector_base = n == MASTER ? BIOS_MASTER_BASE :
						     BIOS_SLAVE_BASE,
		};
	}
	s->output = false;
	s->kick = false;
}

/* ---- the guest's interrupt controller, when the node makes it so ---- */

static void i8259_set_line(void *priv, unsigned int irq, bool level)
{
	struct i8259 *s = priv;
	unsigned long flags;

	if (irq >= 16 || irq == I8259_CASCADE_IRQ)
		return;
	spin_lock_irqsave(&s->lock, flags);
	set_input(&s->chip[irq / 8], irq % 8, level);
	unlock_and_kick(s, flags);
}

static bool i8259_pending(void *priv, struct vcpu *v)
{
	struct i8259 *s = priv;

	return v && v->index == 0 && READ_ONCE(s->output);
}

static const volatile bool *i8259_output(void *priv, struct vcpu *v)
{
	struct i8259 *s = priv;

	return v && v->index == 0 ? &s->output : NULL;
}

static int i8259_acknowledge(void *priv, struct vcpu *v)
{
	struct i8259 *s = priv;
	unsigned long flags;
	int vector;

	if (!v || v->index != 0)
		return -1;
	spin_lock_irqsave(&s->lock, flags);
	vector = acknowledge_locked(s);
	unlock_and_kick(s, flags);
	return vector;
}

static const struct guest_irqchip i8259_irqchip_ops = {
	.set_line = i8259_set_line,
	.pending = i8259_pending,
	.output = i8259_output,
	.acknowledge = i8259_acknowledge,
};

/* ---- the emulator ---- */

/* reg[index]: a two-port window past the master's ports. */
static int extra_window(struct devemu_instance *inst,
			const struct devtree_node *node, unsigned int index,
			const char *what, u64 *offset)
{
	u64 base, size;
	int err;

	err = devemu_read_reg(inst, node, index, &base, &size);
	if (err)
		return err;
	if (size != I8259_WINDOW || base < inst->base + I8259_WINDOW) {
		devemu_error(inst,
			     "\"reg\" entry %u (%s) must be two ports past the "
			     "master's",
			     index, what);
		return -EINVAL;
	}
	err = devemu_add_window(inst, base, size);
	if (err)
		return err;
	*offset = base - inst->base;
	return 0;
}

static int i8259_probe(struct devemu_instance *inst,
		       const struct devtree_node *node)
{
	struct i8259 *s = inst->priv;
	struct guest *g = inst->guest;
	int err;

	if (inst->size != I8259_WINDOW) {
		devemu_error(inst, "the master's \"reg\" must be two ports");
		return -EINVAL;
	}
	err = extra_window(inst, node, 1, "the slave", &s->slave_offset);
	if (err == -ENOENT)
		devemu_error(inst, "\"reg\" entry 1 (the slave) is missing");
	if (err)
		return err;
	err = extra_window(inst, node, 2, "the ELCR", &s->elcr_offset);
	if (err && err != -ENOENT)
		return err;
	s->has_elcr = !err;
	if (devtree_prop_find(node, "interrupt-controller")) {
		if (g->irqchip) {
			devemu_error(inst, "the guest already has an interrupt "
					   "controller");
			return -EBUSY;
		}
		s->is_irqchip = true;
	}
	spin_lock_init(&s->lock);
	s->guest = g;
	firmware_state(s);
	if (s->is_irqchip)
		guest_set_irqchip(g, &i8259_irqchip_ops, s);
	return 0;
}

static void i8259_reset(struct devemu_instance *inst)
{
	struct i8259 *s = inst->priv;
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	firmware_state(s);
	spin_unlock_irqrestore(&s->lock, flags);
}

static void i8259_remove(struct devemu_instance *inst)
{
	struct i8259 *s = inst->priv;

	if (s->is_irqchip && s->guest->irqchip_priv == s)
		guest_set_irqchip(s->guest, NULL, NULL);
}

/* One cell: the ISA IRQ, 0-15 but the cascade's 2. */
static int i8259_xlate(const struct devtree_node *node, const u32 *cells,
		       unsigned int *line, char *why, size_t why_size)
{
	if (cells[0] >= 16 || cells[0] == I8259_CASCADE_IRQ) {
		snprintf(why, why_size,
			 "IRQ %u is not an input (0-15, not the cascade's 2)",
			 cells[0]);
		return -EINVAL;
	}
	*line = cells[0];
	return 0;
}

static const char *const i8259_compatible[] = { "intel,8259", NULL };

static const struct emulator i8259_emulator = {
	.name = "i8259",
	.compatible = i8259_compatible,
	.probe = i8259_probe,
	.read = i8259_read,
	.write = i8259_write,
	.reset = i8259_reset,
	.remove = i8259_remove,
	.priv_size = sizeof(struct i8259),
	.min_window = I8259_WINDOW,
	.irq_cells = 1,
	.xlate = i8259_xlate,
};
EMULATOR_REGISTER(i8259_emulator);
