// SPDX-License-Identifier: GPL-2.0
/*
 * RISC-V Platform-Level Interrupt Controller. Each hart has contexts, one
 * per privilege mode it takes external interrupts in; Keel uses each
 * hart's supervisor context, found from "interrupts-extended" (entry i is
 * context i: a hart's interrupt controller and cause 9, supervisor
 * external). Device interrupts go to the boot hart, as on the GIC.
 */
#include <drivers/riscv-intc.h>
#include <hw/plic.h>
#include <keel/cpu.h>
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/io.h>
#include <keel/irq.h>
#include <keel/printk.h>
#include <keel/spinlock.h>
#include <asm/csr.h>

/* Any non-zero priority above threshold 0 raises the interrupt. */
#define PLIC_DEFAULT_PRIORITY 1

static char *plic_base;
static unsigned int nr_sources;
static struct riscv_intc_target *harts; /* index: the S-mode context */
static unsigned int nr_harts;
static int context_of_cpu[CONFIG_MAX_CPUS];
static unsigned int boot_context;
static DEFINE_SPINLOCK(enable_lock);

static void plic_handle(void)
{
	char *claim = plic_base + PLIC_CLAIM(context_of_cpu[cpu_id()]);

	for (;;) {
		u32 source = readl(claim);

		if (!source)
			break;
		irq_dispatch(RISCV_IRQ_EXT_BASE + source);
		writel(source, claim);
	}
}

static void set_enable(unsigned int context, unsigned int source, bool on)
{
	char *word = plic_base + PLIC_ENABLE(context, source / 32);
	unsigned long flags;
	u32 v;

	spin_lock_irqsave(&enable_lock, flags);
	v = readl(word);
	v = on ? v | (1U << (source % 32)) : v & ~(1U << (source % 32));
	writel(v, word);
	spin_unlock_irqrestore(&enable_lock, flags);
}

static void plic_enable(unsigned int source)
{
	if (source >= 1 && source <= nr_sources)
		set_enable(boot_context, source, true);
}

static void plic_disable(unsigned int source)
{
	if (source >= 1 && source <= nr_sources)
		set_enable(boot_context, source, false);
}

static int plic_translate(const u32 *cells, unsigned int ncells,
			  unsigned int *source)
{
	if (ncells != 1 || cells[0] < 1 || cells[0] > nr_sources)
		return -EINVAL;
	*source = cells[0];
	return 0;
}

static int find_context(u64 hartid, unsigned int *context)
{
	return riscv_intc_target_index(harts, nr_harts, hartid, context);
}

static int plic_cpu_init(void)
{
	unsigned int context;

	if (find_context(arch_cpu_hwid(), &context)) {
		printk(KERN_ERR "plic: no supervisor context for hart %llu\n",
		       (unsigned long long)arch_cpu_hwid());
		return -ENODEV;
	}
	context_of_cpu[cpu_id()] = (int)context;
	writel(0, plic_base + PLIC_THRESHOLD(context));
	return 0;
}

static const struct riscv_ext_irqchip plic_chip = {
	.name = "plic",
	.handle = plic_handle,
	.enable = plic_enable,
	.disable = plic_disable,
	.translate = plic_translate,
	.cpu_init = plic_cpu_init,
};

static int find_supervisor_contexts(const struct devtree_node *node)
{
	int err = riscv_intc_supervisor_targets(node, PLIC_MAX_CONTEXTS, &harts,
						&nr_harts);

	return err ? err : nr_harts ? 0 : -ENODEV;
}

static int plic_probe(struct devtree_node *node)
{
	u64 addr, size;
	u32 ndev;
	int err;

	if (devtree_prop_read_u32(node, "riscv,ndev", &ndev) || !ndev ||
	    ndev > PLIC_MAX_SOURCES)
		return -EINVAL;
	if (devtree_read_reg(node, 0, &addr, &size) || !size)
		return -EINVAL;
	err = find_supervisor_contexts(node);
	if (err)
		goto free;
	err = find_context(arch_cpu_hwid(), &boot_context);
	if (err) {
		printk(KERN_ERR
		       "plic: the boot hart has no supervisor context\n");
		goto free;
	}
	plic_base = ioremap(addr, size);
	if (!plic_base) {
		err = -ENOMEM;
		goto free;
	}
	nr_sources = ndev;

	/* Nothing enabled anywhere until a handler asks for it. */
	for (unsigned int h = 0; h < nr_harts; h++) {
		unsigned int ctx = harts[h].index;

		for (unsigned int s = 0; s <= nr_sources; s += 32)
			writel(0, plic_base + PLIC_ENABLE(ctx, s / 32));
		writel(0, plic_base + PLIC_THRESHOLD(ctx));
	}
	for (unsigned int s = 1; s <= nr_sources; s++)
		writel(PLIC_DEFAULT_PRIORITY, plic_base + PLIC_PRIORITY(s));

	err = riscv_intc_attach_external(&plic_chip);
	if (err)
		goto free;
	printk(KERN_INFO "plic: %u sources, %u supervisor contexts\n",
	       nr_sources, nr_harts);
	return 0;
free:
	keel_free(harts);
	harts = NULL;
	nr_harts = 0;
	return err;
}

static const char *const plic_compatible[] = { "sifive,plic-1.0.0",
					       "riscv,plic0", NULL };

static const struct driver plic_driver = {
	.name = "plic",
	.compatible = plic_compatible,
	.stage = DRIVER_STAGE_IRQCHIP,
	.probe = plic_probe,
};
DRIVER_REGISTER(plic_driver);
