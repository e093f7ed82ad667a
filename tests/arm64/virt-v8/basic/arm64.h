/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64 layer of the basic firmware: system registers, MMIO, the devices
 * of the reference machine (QEMU virt's memory map, which Keel reproduces
 * for guests) and the functions its files share.
 */
#ifndef BASIC_ARM64_H
#define BASIC_ARM64_H

#include "basic.h"

#define UART_BASE 0x09000000UL
#define RTC_BASE 0x09010000UL
#define GICD_BASE 0x08000000UL
#define GICR_BASE 0x080a0000UL
#define GICC_BASE 0x08010000UL /* GICv2 CPU interface */

#define INTID_VTIMER 27
#define INTID_PTIMER 30 /* EL1 physical timer, PPI 14 */
/* The priority every interrupt gets at init (gicv2.c, gicv3.c). */
#define PRIORITY_DEFAULT 0xa0
#define INTID_UART 33

#define PSCI_VERSION 0x84000000UL
#define PSCI_CPU_OFF 0x84000002UL
#define PSCI_CPU_ON 0xc4000003UL
#define PSCI_AFFINITY_INFO 0xc4000004UL
#define PSCI_SYSTEM_OFF 0x84000008UL
#define PSCI_SYSTEM_RESET 0x84000009UL
#define PSCI_FEATURES 0x8400000aUL

#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define EC_UNKNOWN 0x00
#define EC_DABT_CUR 0x25

#define read_sysreg(r)                                           \
	({                                                       \
		uint64_t __v;                                    \
		__asm__ __volatile__("mrs %0, " #r : "=r"(__v)); \
		__v;                                             \
	})
#define write_sysreg(v, r) \
	__asm__ __volatile__("msr " #r ", %0" ::"r"((uint64_t)(v)) : "memory")

static inline void isb(void)
{
	__asm__ __volatile__("isb" ::: "memory");
}

static inline void dsb_sy(void)
{
	__asm__ __volatile__("dsb sy" ::: "memory");
}

/*
 * Device accesses are single plain loads and stores with a base register
 * only, so that a hypervisor trapping them gets a valid instruction
 * syndrome (ESR_EL2.ISV) and need not decode the instruction.
 */
static inline uint32_t mmio_read32(uint64_t addr)
{
	uint32_t v;

	__asm__ __volatile__("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write32(uint64_t addr, uint32_t v)
{
	__asm__ __volatile__("str %w0, [%1]" ::"r"(v), "r"(addr) : "memory");
}

static inline uint64_t mmio_read64(uint64_t addr)
{
	uint64_t v;

	__asm__ __volatile__("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write64(uint64_t addr, uint64_t v)
{
	__asm__ __volatile__("str %0, [%1]" ::"r"(v), "r"(addr) : "memory");
}

/* MPIDR_EL1 affinity fields only (Aff3 at 39:32, Aff2..Aff0 at 23:0). */
static inline uint64_t mpidr_affinity(uint64_t mpidr)
{
	return mpidr & 0xff00ffffffUL;
}

/* Exception frame built by vectors.S. */
struct arm64_frame {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t pad;
};

long psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
const char *psci_conduit(void);

/* One GIC version: gicv2.c, gicv3.c; gic.c finds which one is there. */
struct gic_ops {
	const char *name;
	/* Whether the distributor at GICD_BASE is this version. */
	bool (*probe)(void);
	int (*init_distributor)(void);
	/* This CPU's interface (and redistributor); 0 or -1. */
	int (*init_cpu)(void);
	/* Level-sensitive SPI to the boot vCPU. */
	void (*enable_spi)(unsigned int intid);
	void (*send_sgi)(unsigned int cpu, unsigned int sgi);
	/* A private interrupt's priority on this CPU (PRIORITY at init). */
	void (*set_private_priority)(unsigned int intid, uint8_t prio);
	/* Acknowledge, dispatch to arm64_irq() and complete. */
	void (*handle_irq)(uint64_t now);
	void (*info)(void);
};

extern const struct gic_ops gicv2_ops, gicv3_ops;
/* The GIC found by gic_init_distributor(), or NULL. */
extern const struct gic_ops *gic;

/* Called by arm64_irq() for the two timers' interrupts (isolation.c). */
void arm64_timer_irq_order(unsigned int intid);

/* gic.c */
int gic_init_distributor(void);
/* Called by handle_irq() for each acknowledged interrupt (main.c). */
void arm64_irq(unsigned int intid, uint64_t now);

/* pmu.c */
const char *pmu_status(void);

/* isolation.c */
int cmd_mark(int argc, char **argv);
int cmd_leak(int argc, char **argv);
int cmd_ptimer(int argc, char **argv);
/* The EL1 physical timer's interrupt (INTID 30) came. */
void arm64_ptimer_irq(void);

/* mmu.c */
int cmd_mmu(int argc, char **argv);

/* cache.S */
void arm64_dcache_civac(uint64_t start, uint64_t end);
void arm64_mmu_on(uint64_t ttbr0, uint64_t tcr, uint64_t mair);
void arm64_mmu_off(uint64_t start, uint64_t end, uint64_t start2,
		   uint64_t end2);

#endif /* BASIC_ARM64_H */
