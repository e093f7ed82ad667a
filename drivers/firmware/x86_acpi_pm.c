// SPDX-License-Identifier: GPL-2.0
/*
 * Power on x86 ACPI machines ("keel,acpi-pm", written from the FADT and
 * the DSDT's \_S5 by arch/x86_64/host_fdt.c): power-off by entering S5
 * through the PM1 control blocks (ACPI 6.4, 4.8.3.2.1 and 16.1.7), reset
 * through the FADT's reset register (4.8.3.6), and CPUs started by the
 * local APIC (INIT, STARTUP) at the page the arch prepares.
 */
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/power.h>
#include <keel/printk.h>
#include <keel/timer.h>
#include <asm/pio.h>
#include <asm/smpboot.h>
#include <drivers/x86_apic.h>

#define GAS_SPACE_MEMORY 0
#define GAS_SPACE_IO 1
#define SLP_TYP_SHIFT 10
#define SLP_TYP_MASK (7U << SLP_TYP_SHIFT)
#define SLP_EN (1U << 13)
/* How long the machine gets to go off or reset before Keel gives up. */
#define POWER_WAIT_US 1000000

/* A Generic Address Structure as the node gives it. */
struct gas {
	u32 space, bits;
	u64 address;
	bool present;
};

static struct gas reset_reg, pm1a_cnt, pm1b_cnt;
static u32 reset_value, s5_typ[2];
static bool has_s5;

static int read_gas(const struct devtree_node *node, const char *name,
		    struct gas *g)
{
	u32 len;
	const u32 *p = devtree_prop_get(node, name, &len);

	if (!p)
		return 0;
	if (len != 16) {
		printk(KERN_WARN "acpi-pm: %s is %u bytes, not 4 cells: not "
				 "used\n",
		       name, len);
		return -EINVAL;
	}
	g->space = __builtin_bswap32(p[0]);
	g->bits = __builtin_bswap32(p[1]);
	g->address =
		(u64)__builtin_bswap32(p[2]) << 32 | __builtin_bswap32(p[3]);
	/* PCI configuration space and the like: not used (said by probe). */
	if ((g->space != GAS_SPACE_IO && g->space != GAS_SPACE_MEMORY) ||
	    (g->space == GAS_SPACE_IO && g->address > 0xffff) ||
	    (g->bits != 8 && g->bits != 16 && g->bits != 32)) {
		printk(KERN_WARN "acpi-pm: %s: address space %u, %u bits: "
				 "not used\n",
		       name, g->space, g->bits);
		return 0;
	}
	g->present = true;
	return 0;
}

static u32 gas_read(const struct gas *g)
{
	if (g->space == GAS_SPACE_IO)
		return g->bits == 8  ? inb((u16)g->address) :
		       g->bits == 16 ? inw((u16)g->address) :
				       inl((u16)g->address);
	void *p = ioremap(g->address, g->bits / 8);

	if (!p)
		return 0;
	return g->bits == 8 ? readb(p) : g->bits == 16 ? readw(p) : readl(p);
}

static void gas_write(const struct gas *g, u32 v)
{
	if (g->space == GAS_SPACE_IO) {
		if (g->bits == 8)
			outb((u8)v, (u16)g->address);
		else if (g->bits == 16)
			outw((u16)v, (u16)g->address);
		else
			outl(v, (u16)g->address);
		return;
	}
	void *p = ioremap(g->address, g->bits / 8);

	if (!p)
		return;
	if (g->bits == 8)
		writeb((u8)v, p);
	else if (g->bits == 16)
		writew((u16)v, p);
	else
		writel(v, p);
}

/* The sleep type, then (sleep) SLP_EN with it: both blocks typed first. */
static void set_s5(const struct gas *cnt, u32 typ, bool sleep)
{
	u32 v = gas_read(cnt) & ~(SLP_TYP_MASK | SLP_EN);

	gas_write(cnt, v | (typ << SLP_TYP_SHIFT & SLP_TYP_MASK) |
			       (sleep ? SLP_EN : 0));
}

static void acpi_system_off(void)
{
	set_s5(&pm1a_cnt, s5_typ[0], false);
	if (pm1b_cnt.present)
		set_s5(&pm1b_cnt, s5_typ[1], false);
	set_s5(&pm1a_cnt, s5_typ[0], true);
	if (pm1b_cnt.present)
		set_s5(&pm1b_cnt, s5_typ[1], true);
	timer_udelay(POWER_WAIT_US);
	printk(KERN_ERR "power: still running after entering ACPI S5\n");
}

static void acpi_system_reset(void)
{
	gas_write(&reset_reg, reset_value);
	timer_udelay(POWER_WAIT_US);
	printk(KERN_ERR "power: still running after the ACPI reset\n");
}

static int apic_cpu_on(u64 hwid, paddr_t entry_pa, u64 context)
{
	paddr_t page;

	if (hwid > 0xff)
		return -EINVAL; /* xAPIC: 8-bit ids only */
	page = x86_smp_prepare_start(entry_pa, (unsigned int)context);
	if (!page)
		return -EIO;
	return x86_apic_start_cpu((u32)hwid, page);
}

static struct power_ops acpi_power_ops = {
	.name = "acpi",
	.cpu_on = apic_cpu_on,
};

static int acpi_pm_probe(struct devtree_node *node)
{
	u32 len;
	const u32 *typ;

	/*
	 * A register this driver cannot use is left out, with a word: the
	 * rest (starting CPUs above all) still works without it.
	 */
	if (read_gas(node, "reset-reg", &reset_reg) ||
	    (reset_reg.present &&
	     devtree_prop_read_u32(node, "reset-value", &reset_value)))
		reset_reg.present = false;
	if (read_gas(node, "pm1a-cnt", &pm1a_cnt))
		pm1a_cnt.present = false;
	if (read_gas(node, "pm1b-cnt", &pm1b_cnt))
		pm1b_cnt.present = false;
	typ = devtree_prop_get(node, "s5-slp-typ", &len);
	if (typ && len == 8) {
		s5_typ[0] = __builtin_bswap32(typ[0]);
		s5_typ[1] = __builtin_bswap32(typ[1]);
		has_s5 = true;
	}
	if (has_s5 && pm1a_cnt.present)
		acpi_power_ops.system_off = acpi_system_off;
	if (reset_reg.present)
		acpi_power_ops.system_reset = acpi_system_reset;
	if (!acpi_power_ops.system_off)
		printk(KERN_WARN "acpi-pm: no S5 sleep type or PM1 "
				 "control: `shutdown` cannot power off\n");
	if (!acpi_power_ops.system_reset)
		printk(KERN_WARN "acpi-pm: no reset register: `reset` "
				 "cannot reset\n");
	return power_register(&acpi_power_ops);
}

static const char *const acpi_pm_compatible[] = { "keel,acpi-pm", NULL };

static const struct driver acpi_pm_driver = {
	.name = "acpi-pm",
	.compatible = acpi_pm_compatible,
	.stage = DRIVER_STAGE_FIRMWARE,
	.probe = acpi_pm_probe,
};
DRIVER_REGISTER(acpi_pm_driver);
