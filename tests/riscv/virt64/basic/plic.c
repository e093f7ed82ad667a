// SPDX-License-Identifier: GPL-2.0
/*
 * The platform-level interrupt controller, as the firmware uses it: one
 * source (the UART) routed to the S-mode context of the boot hart, every
 * other source left disabled for that context. Registers are 32 bits.
 */
#include "riscv.h"

#define PLIC_PRIORITY(irq) (4UL * (irq))
#define PLIC_ENABLE(ctx, irq) (0x2000UL + 0x80UL * (ctx) + 4UL * ((irq) / 32))
#define PLIC_THRESHOLD(ctx) (0x200000UL + 0x1000UL * (ctx))
#define PLIC_CLAIM(ctx) (0x200004UL + 0x1000UL * (ctx))
#define PLIC_MAX_SOURCES 1024

static uint64_t plic_base;
static uint32_t plic_ndev;
static unsigned int claimed, spurious;

int plic_init(uint64_t base, uint32_t ndev)
{
	if (!ndev || ndev >= PLIC_MAX_SOURCES) {
		printf("basic: PLIC with %u sources, not used\n", ndev);
		return -1;
	}
	plic_base = base;
	plic_ndev = ndev;
	return 0;
}

uint64_t plic_priority_addr(unsigned int irq)
{
	return plic_base + PLIC_PRIORITY(irq);
}

/* Nothing enabled and nothing masked by priority for this context. */
void plic_init_context(unsigned int ctx, uint32_t ndev)
{
	unsigned int i;

	for (i = 0; i <= ndev / 32; i++)
		mmio_write32(plic_base + PLIC_ENABLE(ctx, i * 32), 0);
	mmio_write32(plic_base + PLIC_THRESHOLD(ctx), 0);
}

void plic_enable(unsigned int ctx, unsigned int irq)
{
	uint64_t en = plic_base + PLIC_ENABLE(ctx, irq);

	/* Priority 0 means "never interrupt"; 1 is the lowest real one. */
	mmio_write32(plic_base + PLIC_PRIORITY(irq), 1);
	mmio_write32(en, mmio_read32(en) | 1U << (irq % 32));
}

void plic_handle(unsigned int ctx, uint64_t now)
{
	bool any = false;

	for (;;) {
		uint32_t irq = mmio_read32(plic_base + PLIC_CLAIM(ctx));

		if (!irq) {
			/* Nothing at all: claimed elsewhere, or gone. */
			if (!any)
				spurious++;
			return;
		}
		any = true;
		claimed++;
		riscv_ext_irq(irq, now);
		mmio_write32(plic_base + PLIC_CLAIM(ctx), irq);
	}
}

void plic_info(void)
{
	unsigned int ctx = plic_s_context(platform.cpu_hwid[0]);

	printf("PLIC 0x%lx, %u sources, vCPU0 S-mode context %u, threshold %u, %u interrupts claimed, %u spurious\n",
	       plic_base, plic_ndev, ctx,
	       mmio_read32(plic_base + PLIC_THRESHOLD(ctx)), claimed, spurious);
}
