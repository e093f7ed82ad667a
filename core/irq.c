// SPDX-License-Identifier: GPL-2.0
/* Host interrupt registration, dispatch and statistics. */
#include <keel/cpu.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/irq.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/spinlock.h>

struct irq_desc {
	irq_handler_fn fn;
	void *arg;
	const char *name;
	unsigned int flags;
	u64 counts[CONFIG_MAX_CPUS];
};

static const struct irqchip *chip;
static struct irq_desc **descs;
static DEFINE_SPINLOCK(desc_lock);
static u64 spurious;

int irqchip_register(const struct irqchip *c, const struct devtree_node *node)
{
	if (!c || !c->handle || !c->enable || !c->disable || !c->nr_irqs)
		return -EINVAL;
	if (chip)
		return -EBUSY;
	descs = keel_calloc(c->nr_irqs, sizeof(*descs));
	if (!descs)
		return -ENOMEM;
	chip = c;
	return 0;
}

const char *irqchip_name(void)
{
	return chip ? chip->name : "none";
}

int irq_ipi_number(enum ipi_type ipi, unsigned int *irq)
{
	if (!chip || !chip->ipi_irq || !chip->send_ipi)
		return -ENODEV;
	*irq = chip->ipi_irq(ipi);
	return 0;
}

/* Banked per-CPU interrupts are enabled separately on every CPU. */
int irq_cpu_init(void)
{
	int err;

	if (!chip)
		return -ENODEV;
	err = chip->cpu_init ? chip->cpu_init() : 0;
	if (err)
		return err;
	for (unsigned int i = 0; i < chip->nr_irqs; i++)
		if (descs[i] && (descs[i]->flags & IRQ_FLAG_PERCPU))
			chip->enable(i);
	return 0;
}

static void enable_here(void *arg)
{
	chip->enable((unsigned int)(uintptr_t)arg);
}

/* A banked interrupt is enabled in each CPU's own interface. */
static void enable_on_all_cpus(unsigned int irq)
{
	unsigned int c;

	chip->enable(irq);
	for_each_online_cpu(c)
		if (c != cpu_id())
			smp_call_on_cpu(c, enable_here, (void *)(uintptr_t)irq);
}

int irq_register(unsigned int irq, irq_handler_fn fn, void *arg,
		 const char *name, unsigned int flags)
{
	struct irq_desc *d;
	unsigned long lock_flags;

	if (!chip)
		return -ENODEV;
	if (irq >= chip->nr_irqs || !fn)
		return -EINVAL;
	d = keel_zalloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->fn = fn;
	d->arg = arg;
	d->name = name;
	d->flags = flags;
	spin_lock_irqsave(&desc_lock, lock_flags);
	if (descs[irq]) {
		spin_unlock_irqrestore(&desc_lock, lock_flags);
		keel_free(d);
		return -EBUSY;
	}
	descs[irq] = d;
	spin_unlock_irqrestore(&desc_lock, lock_flags);
	if (flags & IRQ_FLAG_PERCPU)
		enable_on_all_cpus(irq);
	else
		chip->enable(irq);
	return 0;
}

void irq_unregister(unsigned int irq)
{
	struct irq_desc *d;
	unsigned long flags;

	if (!chip || irq >= chip->nr_irqs)
		return;
	chip->disable(irq);
	spin_lock_irqsave(&desc_lock, flags);
	d = descs[irq];
	descs[irq] = NULL;
	spin_unlock_irqrestore(&desc_lock, flags);
	keel_free(d);
}

void irq_enable(unsigned int irq)
{
	if (chip && irq < chip->nr_irqs)
		chip->enable(irq);
}

void irq_disable(unsigned int irq)
{
	if (chip && irq < chip->nr_irqs)
		chip->disable(irq);
}

int devtree_irq_get(const struct devtree_node *node, unsigned int index,
		    unsigned int *irq)
{
	const struct devtree_node *p;
	u32 len, cells = 0;
	const u32 *spec;
	u32 tmp[4];

	if (!chip || !chip->translate)
		return -ENODEV;
	/* #interrupt-cells of the controller: interrupt-parent or ancestor. */
	for (p = node; p; p = p->parent) {
		u32 ph;

		if (devtree_prop_read_u32(p, "interrupt-parent", &ph) == 0) {
			const struct devtree_node *ctl =
				devtree_find_phandle(devtree_host_root(), ph);

			if (!ctl || devtree_prop_read_u32(
					    ctl, "#interrupt-cells", &cells))
				return -EINVAL;
			break;
		}
	}
	if (!cells || cells > ARRAY_SIZE(tmp))
		return -EINVAL;
	spec = devtree_prop_get(node, "interrupts", &len);
	if (!spec)
		return -ENOENT;
	if ((index + 1) * cells * 4 > len)
		return -ENOENT;
	for (u32 i = 0; i < cells; i++)
		tmp[i] = __builtin_bswap32(spec[index * cells + i]);
	return chip->translate(tmp, cells, irq);
}

void irq_dispatch(unsigned int irq)
{
	struct irq_desc *d = irq < chip->nr_irqs ? descs[irq] : NULL;
	struct thread *t;

	if (!d) {
		spurious++;
		return;
	}
	d->counts[cpu_id()]++;
	t = this_cpu()->sched.current;
	if (t)
		t->irqs_seen |= d->flags;
	d->fn(irq, d->arg);
}

void irq_handle_entry(void)
{
	this_cpu()->irqs_taken++;
	if (chip)
		chip->handle();
	sched_irq_exit();
}

void ipi_send(unsigned int cpu, enum ipi_type ipi)
{
	if (chip && chip->send_ipi && cpu < cpus_possible)
		chip->send_ipi(cpu, ipi);
}

int irq_for_each(int (*fn)(const struct irq_stat *st, void *arg), void *arg)
{
	if (!chip)
		return 0;
	for (unsigned int i = 0; i < chip->nr_irqs; i++) {
		struct irq_desc *d = descs[i];
		struct irq_stat st;
		int ret;

		if (!d)
			continue;
		st.irq = i;
		st.name = d->name;
		st.counts = d->counts;
		st.percpu = d->flags & IRQ_FLAG_PERCPU;
		ret = fn(&st, arg);
		if (ret)
			return ret;
	}
	return 0;
}

u64 irq_spurious_count(void)
{
	return spurious;
}
