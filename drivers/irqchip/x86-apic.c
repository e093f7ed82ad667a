// SPDX-License-Identifier: GPL-2.0
/*
 * x86 interrupts: each CPU's local APIC in xAPIC mode (its MMIO window)
 * takes every interrupt, names it by vector and is told of its end (EOI);
 * I/O APICs route the device lines (GSIs) to vectors, one fixed vector
 * per GSI (include/drivers/x86_apic.h), all to the boot CPU. The 8259
 * pair that firmware may leave in charge is masked for good.
 *
 * Register layouts: Intel SDM vol. 3A ch. 11 (local APIC) and the
 * 82093AA I/O APIC data sheet, which QEMU's q35 models.
 */
#include <keel/cpu.h>
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/irq.h>
#include <keel/printk.h>
#include <keel/timer.h>
#include <arch/irqflags.h>
#include <asm/pio.h>
#include <asm/vector.h>
#include <asm/x86.h>
#include <drivers/x86_apic.h>

#include <hw/apic.h>

#define ICR_WAIT_TRIES 100000
#define MAX_IOAPICS 8

#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_DATA 0xa1

struct ioapic {
	char *base;
	u32 gsi_base, nr_routes;
	spinlock_t lock; /* IOREGSEL, then IOWIN */
};

static char *lapic;
static u32 boot_apic_id;
static struct ioapic ioapics[MAX_IOAPICS];
static unsigned int nr_ioapics;

static u32 lapic_read(unsigned int reg)
{
	return readl(lapic + reg);
}

static void lapic_write(unsigned int reg, u32 v)
{
	writel(v, lapic + reg);
}

bool x86_apic_ready(void)
{
	return lapic != NULL;
}

static u32 ioapic_read(struct ioapic *io, u32 reg)
{
	writel(reg, io->base + IOAPIC_SELECT);
	return readl(io->base + IOAPIC_DATA);
}

static void ioapic_write(struct ioapic *io, u32 reg, u32 v)
{
	writel(reg, io->base + IOAPIC_SELECT);
	writel(v, io->base + IOAPIC_DATA);
}

static struct ioapic *ioapic_for_gsi(u32 gsi, u32 *pin)
{
	for (unsigned int i = 0; i < nr_ioapics; i++) {
		struct ioapic *io = &ioapics[i];

		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->nr_routes) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

static void route_set_masked(unsigned int vector, bool masked)
{
	u32 pin, v;
	struct ioapic *io;
	unsigned long flags;

	if (vector < X86_VECTOR_GSI_BASE ||
	    vector >= X86_VECTOR_GSI_BASE + X86_MAX_GSI)
		return;
	io = ioapic_for_gsi(vector - X86_VECTOR_GSI_BASE, &pin);
	if (!io)
		return;
	spin_lock_irqsave(&io->lock, flags);
	v = ioapic_read(io, IOAPIC_ROUTE(pin));
	v = masked ? v | ROUTE_MASKED : v & ~ROUTE_MASKED;
	ioapic_write(io, IOAPIC_ROUTE(pin), v);
	spin_unlock_irqrestore(&io->lock, flags);
}

/* The timer's LVT entry is its enable; IPIs need none. */
static void apic_enable(unsigned int vector)
{
	if (vector == X86_VECTOR_APIC_TIMER)
		lapic_write(LAPIC_LVT_TIMER, X86_VECTOR_APIC_TIMER);
	else
		route_set_masked(vector, false);
}

static void apic_disable(unsigned int vector)
{
	if (vector == X86_VECTOR_APIC_TIMER)
		lapic_write(LAPIC_LVT_TIMER,
			    X86_VECTOR_APIC_TIMER | LVT_MASKED);
	else
		route_set_masked(vector, true);
}

/*
 * The vector traps.c noted. The spurious vector is not an interrupt and
 * takes no EOI (SDM 11.9); every other one ends with an EOI, which for
 * a level-triggered line also tells its I/O APIC (the handler has
 * quieted the device by then).
 */
static void apic_handle(void)
{
	unsigned int vector = x86_irq_vector();

	if (vector == X86_VECTOR_SPURIOUS)
		return;
	irq_dispatch(vector);
	lapic_write(LAPIC_EOI, 0);
}

static int wait_icr_idle(void)
{
	for (unsigned int i = 0; i < ICR_WAIT_TRIES; i++) {
		if (!(lapic_read(LAPIC_ICR_LO) & ICR_PENDING))
			return 0;
		arch_cpu_relax();
	}
	return -ETIMEDOUT;
}

/* ICR_HI then ICR_LO, which sends: not to be split by an interrupt. */
static int send_icr(u32 apic_id, u32 command)
{
	unsigned long flags = arch_irq_save();
	int err = wait_icr_idle();

	if (!err) {
		lapic_write(LAPIC_ICR_HI, apic_id << 24);
		lapic_write(LAPIC_ICR_LO, command);
		err = wait_icr_idle();
	}
	arch_irq_restore(flags);
	return err;
}

static void apic_send_ipi(unsigned int cpu, enum ipi_type ipi)
{
	if (send_icr((u32)cpus[cpu].hwid, X86_VECTOR_IPI_BASE + ipi))
		printk(KERN_ERR "x86-apic: IPI to CPU %u not sent\n", cpu);
}

static unsigned int apic_ipi_irq(enum ipi_type ipi)
{
	return X86_VECTOR_IPI_BASE + ipi;
}

/*
 * One cell: a local vector (the timer, an IPI). Two cells, from an I/O
 * APIC's devices: GSI and trigger type; its route is written (masked, to
 * the boot CPU) and its vector returned.
 */
static int apic_translate(const u32 *cells, unsigned int ncells,
			  unsigned int *irq)
{
	u32 gsi, pin, route;
	struct ioapic *io;
	unsigned long flags;

	if (ncells == 1) {
		if (cells[0] != X86_VECTOR_APIC_TIMER &&
		    (cells[0] < X86_VECTOR_IPI_BASE ||
		     cells[0] >= X86_VECTOR_IPI_BASE + IPI_COUNT))
			return -EINVAL;
		*irq = cells[0];
		return 0;
	}
	if (ncells != 2)
		return -EINVAL;
	gsi = cells[0];
	io = gsi < X86_MAX_GSI ? ioapic_for_gsi(gsi, &pin) : NULL;
	if (!io)
		return -EINVAL;
	route = (X86_VECTOR_GSI_BASE + gsi) | ROUTE_MASKED;
	switch (cells[1] & 0xf) {
	case 0:
	case 1: /* edge, rising: ISA's default */
		break;
	case IRQ_TYPE_EDGE_FALLING:
		route |= ROUTE_ACTIVE_LOW;
		break;
	case IRQ_TYPE_LEVEL_HIGH:
		route |= ROUTE_LEVEL;
		break;
	case IRQ_TYPE_LEVEL_LOW:
		route |= ROUTE_LEVEL | ROUTE_ACTIVE_LOW;
		break;
	default:
		return -EINVAL;
	}
	spin_lock_irqsave(&io->lock, flags);
	/* A line routed already (shared, or asked for twice) stays as is. */
	if ((ioapic_read(io, IOAPIC_ROUTE(pin)) & 0xff) !=
	    X86_VECTOR_GSI_BASE + gsi) {
		ioapic_write(io, IOAPIC_ROUTE(pin) + 1, boot_apic_id << 24);
		ioapic_write(io, IOAPIC_ROUTE(pin), route);
	}
	spin_unlock_irqrestore(&io->lock, flags);
	*irq = X86_VECTOR_GSI_BASE + gsi;
	return 0;
}

/*
 * This CPU's local APIC: enabled with the spurious vector, every
 * priority accepted, LINT0 (the 8259's ExtINT) and LINT1 masked, errors
 * masked, the timer stopped and masked until enabled.
 */
static int apic_cpu_init(void)
{
	static bool timer_set_up[CONFIG_MAX_CPUS];
	u64 base = x86_rdmsr(MSR_APIC_BASE);

	if (base & APIC_BASE_EXTD)
		return -ENODEV; /* x2APIC mode, which Keel does not drive */
	if (!(base & APIC_BASE_ENABLE))
		x86_wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	lapic_write(LAPIC_SVR, SVR_ENABLE | X86_VECTOR_SPURIOUS);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	lapic_write(LAPIC_ESR, 0);
	/*
	 * The boot CPU comes here at probe and again from irq_cpu_init().
	 * The second time matters on QEMU 7.2: the writes above drop an
	 * interrupt request the 8259 raised while firmware left LINT0 open,
	 * which the next STI otherwise takes with no vector (a #GP in Keel,
	 * seen with -smp 1). The timer only once per CPU: by then it may
	 * hold a deadline core armed.
	 */
	if (!timer_set_up[cpu_id()]) {
		lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_1);
		lapic_write(LAPIC_TIMER_INITIAL, 0);
		lapic_write(LAPIC_LVT_TIMER,
			    X86_VECTOR_APIC_TIMER | LVT_MASKED);
		timer_set_up[cpu_id()] = true;
	}
	return 0;
}

void x86_apic_timer_start(u32 count)
{
	lapic_write(LAPIC_TIMER_INITIAL, count);
}

u32 x86_apic_timer_remaining(void)
{
	return lapic_read(LAPIC_TIMER_CURRENT);
}

int x86_apic_start_cpu(u32 apic_id, paddr_t start_page)
{
	int err;

	if (start_page & 0xfff || start_page >= 0x100000)
		return -EINVAL;
	/* SDM 8.4.4.1: INIT, 10 ms, STARTUP, 200 us, STARTUP again. */
	err = send_icr(apic_id, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
	if (err)
		return err;
	timer_udelay(10000);
	for (unsigned int i = 0; i < 2; i++) {
		err = send_icr(apic_id, ICR_STARTUP | ICR_ASSERT |
						(u32)(start_page >> 12));
		if (err)
			return err;
		timer_udelay(200);
	}
	return 0;
}

static const struct irqchip apic_chip = {
	.name = "x86-apic",
	.nr_irqs = X86_NR_VECTORS,
	.handle = apic_handle,
	.enable = apic_enable,
	.disable = apic_disable,
	.send_ipi = apic_send_ipi,
	.translate = apic_translate,
	.ipi_irq = apic_ipi_irq,
	.cpu_init = apic_cpu_init,
};

static int lapic_probe(struct devtree_node *node)
{
	u64 addr, size;
	int err;

	if (lapic)
		return -EBUSY;
	err = devtree_read_reg(node, 0, &addr, &size);
	if (err)
		return err;
	lapic = ioremap(addr, LAPIC_WINDOW);
	if (!lapic)
		return -ENOMEM;
	err = apic_cpu_init();
	if (!err) {
		boot_apic_id = lapic_read(LAPIC_ID) >> 24;
		err = irqchip_register(&apic_chip, node);
	}
	if (err)
		lapic = NULL;
	return err;
}

static const char *const lapic_compatible[] = { "keel,x86-lapic", NULL };

static const struct driver lapic_driver = {
	.name = "x86-lapic",
	.compatible = lapic_compatible,
	.stage = DRIVER_STAGE_IRQCHIP,
	.probe = lapic_probe,
};
DRIVER_REGISTER(lapic_driver);

/*
 * Every route masked; and the 8259 pair, which firmware may have left
 * delivering through LINT0, masked too: from here the I/O APIC has the
 * ISA lines.
 */
static int ioapic_probe(struct devtree_node *node)
{
	struct ioapic *io;
	u64 addr, size;
	u32 gsi_base;
	int err;

	if (nr_ioapics == MAX_IOAPICS)
		return -ENOSPC;
	err = devtree_read_reg(node, 0, &addr, &size);
	if (err)
		return err;
	if (devtree_prop_read_u32(node, "keel,gsi-base", &gsi_base))
		return -EINVAL;
	io = &ioapics[nr_ioapics];
	io->base = ioremap(addr, IOAPIC_WINDOW);
	if (!io->base)
		return -ENOMEM;
	spin_lock_init(&io->lock);
	io->gsi_base = gsi_base;
	io->nr_routes = ((ioapic_read(io, IOAPIC_VERSION) >> 16) & 0xff) + 1;
	for (u32 pin = 0; pin < io->nr_routes; pin++)
		ioapic_write(io, IOAPIC_ROUTE(pin), ROUTE_MASKED);
	outb(0xff, PIC_MASTER_DATA);
	outb(0xff, PIC_SLAVE_DATA);
	nr_ioapics++;
	return 0;
}

static const char *const ioapic_compatible[] = { "keel,x86-ioapic", NULL };

static const struct driver ioapic_driver = {
	.name = "x86-ioapic",
	.compatible = ioapic_compatible,
	.stage = DRIVER_STAGE_IRQCHIP,
	.probe = ioapic_probe,
};
DRIVER_REGISTER(ioapic_driver);
