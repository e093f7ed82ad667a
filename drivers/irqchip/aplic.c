// SPDX-License-Identifier: GPL-2.0
/*
 * RISC-V APLIC (Advanced Platform-Level Interrupt Controller), the
 * supervisor-level interrupt domain in direct delivery mode: each hart
 * has an interrupt delivery control (IDC) block, at the hart's position
 * in the domain's "interrupts-extended". Sources are configured when
 * enabled, with the trigger the device's "interrupts" specifier gave, and
 * go to the boot hart as on the PLIC. The machine-level domain (whose
 * harts' entries name cause 11) belongs to the firmware, which delegates
 * sources from it to this one.
 */
#include <drivers/riscv-intc.h>
#include <keel/cpu.h>
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/io.h>
#include <keel/irq.h>
#include <keel/printk.h>
#include <asm/csr.h>

#define APLIC_DOMAINCFG 0x0000
#define APLIC_SOURCECFG(src) (0x0004 + 4 * ((src)-1))
#define APLIC_SETIENUM 0x1edc
#define APLIC_CLRIENUM 0x1fdc
#define APLIC_TARGET(src) (0x3004 + 4 * ((src)-1))
#define APLIC_IDC(hart) (0x4000 + 32 * (hart))
#define IDC_IDELIVERY 0x00
#define IDC_IFORCE 0x04
#define IDC_ITHRESHOLD 0x08
#define IDC_CLAIMI 0x1c

#define DOMAINCFG_IE (1U << 8) /* DM (bit 2) clear: direct delivery */
#define SOURCECFG_SM_INACTIVE 0
#define SOURCECFG_SM_EDGE_RISE 4
#define SOURCECFG_SM_EDGE_FALL 5
#define SOURCECFG_SM_LEVEL_HIGH 6
#define SOURCECFG_SM_LEVEL_LOW 7
#define TARGET_HART_SHIFT 18
#define TARGET_PRIORITY 1 /* 0 is no valid priority in direct mode */
#define CLAIMI_ID_SHIFT 16
#define APLIC_MAX_SOURCES 1023
#define APLIC_MAX_HARTS 16384

/* The "interrupts" flags cell: the usual trigger-type encoding. */
#define IRQ_TYPE_EDGE_RISING 1
#define IRQ_TYPE_EDGE_FALLING 2
#define IRQ_TYPE_LEVEL_HIGH 4
#define IRQ_TYPE_LEVEL_LOW 8

static char *aplic_base;
static unsigned int nr_sources;
static struct riscv_intc_target *harts; /* index: the IDC */
static unsigned int nr_harts;
static unsigned int idc_of_cpu[CONFIG_MAX_CPUS];
static unsigned int boot_idc;
/* Source mode per source, from the specifier seen in translate(). */
static u8 *source_mode;

static char *idc_reg(unsigned int idc, unsigned int reg)
{
	return aplic_base + APLIC_IDC(idc) + reg;
}

static void aplic_handle(void)
{
	char *claimi = idc_reg(idc_of_cpu[cpu_id()], IDC_CLAIMI);

	/* Claiming clears the pending bit; a level source still asserted
	 * sets it again, and that is the next claim. */
	for (;;) {
		u32 source = readl(claimi) >> CLAIMI_ID_SHIFT;

		if (!source)
			break;
		irq_dispatch(RISCV_IRQ_EXT_BASE + source);
	}
}

static void aplic_enable(unsigned int source)
{
	if (source < 1 || source > nr_sources)
		return;
	writel(source_mode[source], aplic_base + APLIC_SOURCECFG(source));
	/* A source the firmware did not delegate here ignores the write. */
	if (readl(aplic_base + APLIC_SOURCECFG(source)) !=
	    source_mode[source]) {
		printk(KERN_ERR "aplic: source %u is not delegated to "
				"supervisor mode\n",
		       source);
		return;
	}
	writel(boot_idc << TARGET_HART_SHIFT | TARGET_PRIORITY,
	       aplic_base + APLIC_TARGET(source));
	writel(source, aplic_base + APLIC_SETIENUM);
}

static void aplic_disable(unsigned int source)
{
	if (source >= 1 && source <= nr_sources)
		writel(source, aplic_base + APLIC_CLRIENUM);
}

static int mode_of_type(u32 type, u8 *mode)
{
	switch (type) {
	case IRQ_TYPE_EDGE_RISING:
		*mode = SOURCECFG_SM_EDGE_RISE;
		return 0;
	case IRQ_TYPE_EDGE_FALLING:
		*mode = SOURCECFG_SM_EDGE_FALL;
		return 0;
	case IRQ_TYPE_LEVEL_HIGH:
		*mode = SOURCECFG_SM_LEVEL_HIGH;
		return 0;
	case IRQ_TYPE_LEVEL_LOW:
		*mode = SOURCECFG_SM_LEVEL_LOW;
		return 0;
	default:
		return -EINVAL;
	}
}

/* <source type>; a lone <source> means level-high. */
static int aplic_translate(const u32 *cells, unsigned int ncells,
			   unsigned int *source)
{
	u8 mode = SOURCECFG_SM_LEVEL_HIGH;

	if (ncells < 1 || ncells > 2 || cells[0] < 1 || cells[0] > nr_sources)
		return -EINVAL;
	if (ncells == 2 && mode_of_type(cells[1], &mode))
		return -EINVAL;
	source_mode[cells[0]] = mode;
	*source = cells[0];
	return 0;
}

static int find_idc(u64 hartid, unsigned int *idc)
{
	return riscv_intc_target_index(harts, nr_harts, hartid, idc);
}

static int aplic_cpu_init(void)
{
	unsigned int idc;

	if (find_idc(arch_cpu_hwid(), &idc)) {
		printk(KERN_ERR "aplic: no delivery control for hart %llu\n",
		       (unsigned long long)arch_cpu_hwid());
		return -ENODEV;
	}
	idc_of_cpu[cpu_id()] = idc;
	writel(0, idc_reg(idc, IDC_IFORCE));
	writel(0, idc_reg(idc, IDC_ITHRESHOLD));
	writel(1, idc_reg(idc, IDC_IDELIVERY));
	return 0;
}

static const struct riscv_ext_irqchip aplic_chip = {
	.name = "aplic",
	.handle = aplic_handle,
	.enable = aplic_enable,
	.disable = aplic_disable,
	.translate = aplic_translate,
	.cpu_init = aplic_cpu_init,
};

static int aplic_probe(struct devtree_node *node)
{
	struct riscv_intc_target *domain_harts;
	unsigned int domain_nr_harts;
	u64 addr, size;
	u32 num;
	int err;

	if (devtree_prop_read_u32(node, "riscv,num-sources", &num) || !num ||
	    num > APLIC_MAX_SOURCES)
		return -EINVAL;
	if (devtree_read_reg(node, 0, &addr, &size) || !size)
		return -EINVAL;
	if (devtree_prop_find(node, "msi-parent")) {
		printk(KERN_INFO "aplic: %s delivers by MSI, which Keel does "
				 "not support\n",
		       node->name);
		return -ENOTSUP;
	}
	err = riscv_intc_supervisor_targets(node, APLIC_MAX_HARTS,
					    &domain_harts, &domain_nr_harts);
	if (err)
		return err;
	if (!domain_nr_harts) {
		/* Not an error: the firmware's domain, not for HS-mode. */
		printk(KERN_INFO "aplic: %s is a machine-level domain\n",
		       node->name);
		return 0;
	}
	if (aplic_base) {
		keel_free(domain_harts);
		return -EBUSY; /* one supervisor domain is all Keel drives */
	}
	harts = domain_harts;
	nr_harts = domain_nr_harts;
	err = find_idc(arch_cpu_hwid(), &boot_idc);
	if (err) {
		printk(KERN_ERR "aplic: the boot hart is not in %s\n",
		       node->name);
		goto free;
	}
	source_mode = keel_zalloc(num + 1);
	aplic_base = source_mode ? ioremap(addr, size) : NULL;
	if (!aplic_base) {
		err = -ENOMEM;
		goto free;
	}
	nr_sources = num;

	/* Everything off, direct delivery, until handlers ask. */
	writel(0, aplic_base + APLIC_DOMAINCFG);
	for (unsigned int s = 1; s <= nr_sources; s++) {
		writel(s, aplic_base + APLIC_CLRIENUM);
		writel(SOURCECFG_SM_INACTIVE, aplic_base + APLIC_SOURCECFG(s));
	}
	for (unsigned int h = 0; h < nr_harts; h++)
		writel(0, idc_reg(harts[h].index, IDC_IDELIVERY));
	writel(DOMAINCFG_IE, aplic_base + APLIC_DOMAINCFG);

	err = riscv_intc_attach_external(&aplic_chip);
	if (err)
		goto free;
	printk(KERN_INFO "aplic: %u sources, %u harts, direct delivery\n",
	       nr_sources, nr_harts);
	return 0;
free:
	aplic_base = NULL;
	keel_free(source_mode);
	source_mode = NULL;
	keel_free(harts);
	harts = NULL;
	nr_harts = 0;
	return err;
}

static const char *const aplic_compatible[] = { "qemu,aplic", "riscv,aplic",
						NULL };

static const struct driver aplic_driver = {
	.name = "aplic",
	.compatible = aplic_compatible,
	.stage = DRIVER_STAGE_IRQCHIP,
	.probe = aplic_probe,
};
DRIVER_REGISTER(aplic_driver);
