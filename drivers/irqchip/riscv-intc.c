// SPDX-License-Identifier: GPL-2.0
/*
 * The hart-local interrupt controller: sie/sip and scause. One software
 * interrupt per hart carries all IPI types: the sender sets the type in the
 * target's pending mask before raising it, the target clears sip.SSIP and
 * then takes the whole mask, so no request is lost between the two.
 */
#include <drivers/riscv-intc.h>
#include <keel/cpu.h>
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/irq.h>
#include <keel/printk.h>
#include <arch/barrier.h>
#include <asm/csr.h>

#define NR_LOCAL 16

static const struct riscv_ext_irqchip *ext;
static int (*ipi_sender)(u64 hartid);
static bool registered;

static unsigned long ipi_pending[CONFIG_MAX_CPUS];
static unsigned long ipi_enabled[CONFIG_MAX_CPUS];

static void handle_ipis(void)
{
	unsigned int cpu = cpu_id();
	unsigned long pending;

	csr_clear(CSR_SIP, SIE_SSIE);
	pending = __atomic_exchange_n(&ipi_pending[cpu], 0, __ATOMIC_ACQUIRE);
	for (unsigned int type = 0; type < IPI_COUNT; type++)
		if (pending & ipi_enabled[cpu] & (1UL << type))
			irq_dispatch(RISCV_IRQ_IPI_BASE + type);
}

static void intc_handle(void)
{
	unsigned long cause = SCAUSE_CODE(csr_read(CSR_SCAUSE));

	if (cause == IRQ_S_SOFT)
		handle_ipis();
	else if (cause == IRQ_S_EXT && ext)
		ext->handle();
	else if (cause < NR_LOCAL)
		irq_dispatch(RISCV_IRQ_LOCAL_BASE + cause);
	else
		irq_dispatch(~0U); /* counted as spurious */
}

static bool is_ipi(unsigned int irq)
{
	return irq - RISCV_IRQ_IPI_BASE < IPI_COUNT;
}

static bool is_local(unsigned int irq)
{
	return irq - RISCV_IRQ_LOCAL_BASE < NR_LOCAL;
}

static void intc_enable(unsigned int irq)
{
	if (is_ipi(irq))
		__atomic_fetch_or(&ipi_enabled[cpu_id()],
				  1UL << (irq - RISCV_IRQ_IPI_BASE),
				  __ATOMIC_RELAXED);
	else if (is_local(irq))
		csr_set(CSR_SIE, 1UL << (irq - RISCV_IRQ_LOCAL_BASE));
	else if (irq >= RISCV_IRQ_EXT_BASE && ext)
		ext->enable(irq - RISCV_IRQ_EXT_BASE);
}

static void intc_disable(unsigned int irq)
{
	if (is_ipi(irq))
		__atomic_fetch_and(&ipi_enabled[cpu_id()],
				   ~(1UL << (irq - RISCV_IRQ_IPI_BASE)),
				   __ATOMIC_RELAXED);
	else if (is_local(irq))
		csr_clear(CSR_SIE, 1UL << (irq - RISCV_IRQ_LOCAL_BASE));
	else if (irq >= RISCV_IRQ_EXT_BASE && ext)
		ext->disable(irq - RISCV_IRQ_EXT_BASE);
}

static void intc_send_ipi(unsigned int cpu, enum ipi_type ipi)
{
	__atomic_fetch_or(&ipi_pending[cpu], 1UL << ipi, __ATOMIC_RELEASE);
	/* The request is visible before the interrupt can be. */
	mb();
	if (ipi_sender(cpus[cpu].hwid))
		printk(KERN_ERR "riscv-intc: IPI to CPU%u not sent\n", cpu);
}

static unsigned int intc_ipi_irq(enum ipi_type ipi)
{
	return RISCV_IRQ_IPI_BASE + ipi;
}

/*
 * Every "interrupts" property on a riscv board names the platform
 * controller (devices never hang off a hart's own controller directly).
 */
static int intc_translate(const u32 *cells, unsigned int ncells,
			  unsigned int *irq)
{
	unsigned int source;
	int err;

	if (!ext)
		return -ENODEV;
	err = ext->translate(cells, ncells, &source);
	if (err)
		return err;
	if (source >= RISCV_IRQ_EXT_MAX_SOURCES)
		return -EINVAL;
	*irq = RISCV_IRQ_EXT_BASE + source;
	return 0;
}

static int intc_cpu_init(void)
{
	int err = ext && ext->cpu_init ? ext->cpu_init() : 0;

	if (err)
		return err;
	csr_set(CSR_SIE, SIE_SSIE | (ext ? SIE_SEIE : 0));
	return 0;
}

static struct irqchip intc_chip = {
	.name = "riscv-intc",
	.nr_irqs = RISCV_IRQ_EXT_BASE + RISCV_IRQ_EXT_MAX_SOURCES,
	.handle = intc_handle,
	.enable = intc_enable,
	.disable = intc_disable,
	.translate = intc_translate,
	.ipi_irq = intc_ipi_irq,
	.cpu_init = intc_cpu_init,
};

int riscv_intc_attach_external(const struct riscv_ext_irqchip *e)
{
	if (!e || !e->handle || !e->enable || !e->disable || !e->translate)
		return -EINVAL;
	if (ext)
		return -EBUSY;
	ext = e;
	intc_chip.name = e->name;
	return 0;
}

int riscv_intc_attach_ipi_sender(int (*send)(u64 hartid))
{
	if (!send)
		return -EINVAL;
	if (ipi_sender)
		return -EBUSY;
	ipi_sender = send;
	/* From now on core may look up and send IPIs. */
	intc_chip.send_ipi = intc_send_ipi;
	return 0;
}

/*
 * Every hart has a node; the first one probed registers the controller,
 * which is the same on every hart. The others only confirm its shape.
 */
static int intc_probe(struct devtree_node *node)
{
	u32 cells;
	int err;

	if (devtree_prop_read_u32(node, "#interrupt-cells", &cells) ||
	    cells != 1)
		return -EINVAL;
	if (registered)
		return 0;
	err = irqchip_register(&intc_chip, node);
	if (err)
		return err;
	registered = true;
	printk(KERN_INFO "riscv-intc: hart-local interrupts, IPIs on the "
			 "supervisor software interrupt\n");
	return 0;
}

static const char *const intc_compatible[] = { "riscv,cpu-intc", NULL };

static const struct driver intc_driver = {
	.name = "riscv-intc",
	.compatible = intc_compatible,
	.stage = DRIVER_STAGE_IRQCHIP,
	.probe = intc_probe,
};
DRIVER_REGISTER(intc_driver);

/* OpenSBI hides the M-mode contexts by writing this over their phandle. */
#define PHANDLE_NONE 0xffffffffU

/* The hart whose interrupt controller an interrupts-extended entry names. */
static int hart_of_intc(u32 phandle, u64 *hartid)
{
	struct devtree_node *intc;
	u64 size;

	if (phandle == PHANDLE_NONE)
		return -ENOENT;
	intc = devtree_find_phandle(devtree_host_root(), phandle);
	if (!intc || !intc->parent ||
	    !devtree_is_compatible(intc, "riscv,cpu-intc"))
		return -ENOENT;
	return devtree_read_reg(intc->parent, 0, hartid, &size);
}

int riscv_intc_supervisor_targets(const struct devtree_node *node,
				  unsigned int max,
				  struct riscv_intc_target **out,
				  unsigned int *count)
{
	u32 len;
	const u32 *cells = devtree_prop_get(node, "interrupts-extended", &len);
	unsigned int entries = len / 8, n = 0;
	struct riscv_intc_target *found;

	*out = NULL;
	*count = 0;
	if (!cells || len % 8 || !entries || entries > max)
		return -EINVAL;
	found = keel_calloc(entries, sizeof(*found));
	if (!found)
		return -ENOMEM;
	for (unsigned int i = 0; i < entries; i++) {
		u32 phandle = __builtin_bswap32(cells[2 * i]);
		u32 cause = __builtin_bswap32(cells[2 * i + 1]);
		u64 hartid;

		if (cause != IRQ_S_EXT || hart_of_intc(phandle, &hartid))
			continue;
		found[n].hartid = hartid;
		found[n].index = i;
		n++;
	}
	if (!n) {
		keel_free(found);
		return 0;
	}
	*out = found;
	*count = n;
	return 0;
}

int riscv_intc_target_index(const struct riscv_intc_target *t, unsigned int n,
			    u64 hartid, unsigned int *index)
{
	for (unsigned int i = 0; i < n; i++) {
		if (t[i].hartid == hartid) {
			*index = t[i].index;
			return 0;
		}
	}
	return -ENODEV;
}
