// SPDX-License-Identifier: GPL-2.0
/*
 * The services emulators use: error reports, extra register windows,
 * interrupt lines and the guest's interrupt controller they go to,
 * wall-clock time. The registry of emulators is devemu_registry.c.
 */
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/guest.h>
#include <keel/printf.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <keel/timer.h>

void devemu_error(const struct devemu_instance *inst, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk(KERN_ERR "guest %s: %s: %s\n",
	       inst->guest ? inst->guest->name : "?", inst->name, msg);
}

/*
 * A window must lie in the guest-physical address space like the main
 * one, which the description parser checked: an end past 2^64 would wrap
 * and slip past aspace_insert()'s overlap checks.
 */
static int check_window(const struct devemu_instance *inst, u64 base, u64 size)
{
	unsigned int bits = arch_guest_pa_bits();
	u64 limit = inst->in_ports ? PORT_SPACE_SIZE :
		    bits < 64	   ? 1ULL << bits :
				     0;

	if (!size) {
		devemu_error(inst, "window at 0x%llx is empty",
			     (unsigned long long)base);
		return -EINVAL;
	}
	if (base + size < base) {
		devemu_error(inst,
			     "window 0x%llx + 0x%llx wraps past the end of the "
			     "address space",
			     (unsigned long long)base,
			     (unsigned long long)size);
		return -ERANGE;
	}
	if (limit && (base >= limit || size > limit - base)) {
		if (inst->in_ports)
			devemu_error(inst,
				     "ports 0x%llx-0x%llx are beyond port "
				     "0xffff",
				     (unsigned long long)base,
				     (unsigned long long)(base + size - 1));
		else
			devemu_error(inst,
				     "window 0x%llx-0x%llx is beyond the "
				     "%u-bit physical address space",
				     (unsigned long long)base,
				     (unsigned long long)(base + size - 1),
				     bits);
		return -ERANGE;
	}
	return 0;
}

int devemu_add_window(struct devemu_instance *inst, u64 base, u64 size)
{
	struct region r = {
		.gpa = base, .size = size, .type = REGION_EMULATED, .dev = inst
	};
	int err;

	if (base < inst->base)
		return -EINVAL; /* offsets are counted from inst->base */
	err = check_window(inst, base, size);
	if (err)
		return err;
	snprintf(r.name, sizeof(r.name), "%s", inst->name);
	err = aspace_insert(inst->in_ports ? &inst->guest->ports :
					     &inst->guest->aspace,
			    &r, NULL);
	if (err)
		devemu_error(inst, "window at 0x%llx %s",
			     (unsigned long long)base,
			     err == -EEXIST ? "overlaps another region" :
					      "does not fit");
	return err;
}

int devemu_read_reg(const struct devemu_instance *inst,
		    const struct devtree_node *node, unsigned int index,
		    u64 *base, u64 *size)
{
	int err = devtree_read_reg(node, index, base, size);
	u32 space;

	if (err || !node->parent || !devtree_is_compatible(node->parent, "isa"))
		return err;
	space = (u32)(*base >> 32);
	*base &= 0xffffffffULL;
	if (space != (inst->in_ports ? 1U : 0U)) {
		devemu_error(inst,
			     "\"reg\" entry %u is in ISA space %u, the first "
			     "in %u",
			     index, space, inst->in_ports ? 1U : 0U);
		return -EINVAL;
	}
	return 0;
}

/* ---- the guest's interrupt controller ---- */

void guest_set_irqchip(struct guest *g, const struct guest_irqchip *chip,
		       void *priv)
{
	g->irqchip_priv = priv;
	g->irqchip = chip;
}

void guest_irq_set(struct guest *g, unsigned int irq, bool level)
{
	if (g->irqchip)
		g->irqchip->set_line(g->irqchip_priv, irq, level);
	else if (level)
		g->irq_raised++;
}

bool guest_irq_pending(struct vcpu *v)
{
	struct guest *g = v->guest;

	return g->irqchip && g->irqchip->pending(g->irqchip_priv, v);
}

const volatile bool *guest_irq_output(struct vcpu *v)
{
	struct guest *g = v->guest;

	if (!g->irqchip || !g->irqchip->output)
		return NULL;
	return g->irqchip->output(g->irqchip_priv, v);
}

int guest_irq_acknowledge(struct vcpu *v)
{
	struct guest *g = v->guest;

	if (!g->irqchip || !g->irqchip->acknowledge)
		return -1;
	return g->irqchip->acknowledge(g->irqchip_priv, v);
}

/*
 * Interrupt lines go to the guest's interrupt controller once one is
 * emulated; until then a raised line is only counted.
 */
void devemu_irq_set(struct devemu_instance *inst, unsigned int index,
		    bool level)
{
	if (index >= inst->nr_irqs || !inst->guest)
		return;
	guest_irq_set(inst->guest, inst->irqs[index], level);
}

static u64 wallclock_at_boot;

void devemu_set_wallclock(u64 seconds_now)
{
	wallclock_at_boot = seconds_now - timer_now_ns() / NSEC_PER_SEC;
}

/*
 * Seconds since 1970 as the host's real-time clock told at boot (0 plus
 * uptime when the host has none), advancing with Keel's own clock.
 */
u64 devemu_wallclock_seconds(void)
{
	return wallclock_at_boot + timer_now_ns() / NSEC_PER_SEC;
}
