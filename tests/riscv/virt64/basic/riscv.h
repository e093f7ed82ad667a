/* SPDX-License-Identifier: GPL-2.0 */
/*
 * riscv64 layer of the basic firmware: CSRs, MMIO, SBI calls, the devices
 * of the reference machine (QEMU riscv virt, which a RISC-V Keel would
 * reproduce for guests) and the functions its files share.
 */
#ifndef BASIC_RISCV_H
#define BASIC_RISCV_H

/* Shared with start.S. */
#define STACK_SIZE 16384
#define FRAME_SIZE (34 * 8) /* x0-x31, sepc, sstatus */
#define SSTATUS_SIE 0x2

#ifndef __ASSEMBLY__

#include "basic.h"

/* Fallbacks when the device tree does not name a device. */
#define UART_DEFAULT_BASE 0x10000000UL
#define UART_DEFAULT_IRQ 10
#define PLIC_DEFAULT_BASE 0x0c000000UL
#define RTC_DEFAULT_BASE 0x00101000UL
/* QEMU virt's timebase; only used if /cpus does not give one. */
#define TIMEBASE_DEFAULT 10000000UL

#define SIE_SSIE (1UL << 1)
#define SIE_STIE (1UL << 5)
#define SIE_SEIE (1UL << 9)
#define SIP_SSIP SIE_SSIE
#define SIP_STIP SIE_STIE

#define SCAUSE_IRQ (1UL << 63)
#define IRQ_S_SOFT 1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9
#define EXC_ILLEGAL_INSN 2
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_ACCESS 7
#define EXC_LOAD_PAGE 13
#define EXC_STORE_PAGE 15

#define SATP_MODE_SV39 (8UL << 60)

/* SBI extension IDs and the function IDs used here. */
#define SBI_EXT_LEGACY_SET_TIMER 0x00
#define SBI_EXT_LEGACY_SEND_IPI 0x04
#define SBI_EXT_LEGACY_SHUTDOWN 0x08
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494d45 /* "TIME" */
#define SBI_EXT_IPI 0x735049 /* "sPI" */
#define SBI_EXT_RFENCE 0x52464e43 /* "RFNC" */
#define SBI_EXT_HSM 0x48534d /* "HSM" */
#define SBI_EXT_SRST 0x53525354 /* "SRST" */
#define SBI_EXT_DBCN 0x4442434e /* "DBCN" */
/* Keel's own calls, in the firmware-specific range: "KEL". */
#define SBI_EXT_KEEL 0x0a4b454c
#define SBI_KEEL_YIELD 0

#define SBI_BASE_SPEC_VERSION 0
#define SBI_BASE_IMPL_ID 1
#define SBI_BASE_IMPL_VERSION 2
#define SBI_BASE_PROBE_EXT 3
#define SBI_BASE_MVENDORID 4
#define SBI_BASE_MARCHID 5
#define SBI_BASE_MIMPID 6
#define SBI_HSM_HART_START 0
#define SBI_HSM_HART_STATUS 2
#define SBI_HSM_STOPPED 1
#define SBI_SRST_RESET 0
#define SBI_SRST_SHUTDOWN 0

#define SBI_ERR_NOT_SUPPORTED (-2L)

#define csr_read(csr)                                 \
	({                                            \
		uint64_t __v;                         \
		__asm__ __volatile__("csrr %0, " #csr \
				     : "=r"(__v)      \
				     :                \
				     : "memory");     \
		__v;                                  \
	})
#define csr_write(csr, v)                                             \
	__asm__ __volatile__("csrw " #csr ", %0" ::"r"((uint64_t)(v)) \
			     : "memory")
#define csr_set(csr, v)                                               \
	__asm__ __volatile__("csrs " #csr ", %0" ::"r"((uint64_t)(v)) \
			     : "memory")
#define csr_clear(csr, v)                                             \
	__asm__ __volatile__("csrc " #csr ", %0" ::"r"((uint64_t)(v)) \
			     : "memory")

/* stimecmp (Sstc) by number, for assemblers that do not know the name. */
#define CSR_STIMECMP 0x14d

/*
 * Device accesses are single uncompressed loads and stores with offset
 * 0 from a base register, so that a hypervisor trapping them decodes the
 * simplest form (or gets it in htinst). The fences order them against
 * memory as the RISC-V I/O rules ask: earlier writes reach memory before
 * the device is told, and a device read completes before what follows.
 */
#define MMIO_INSN(insn) \
	".option push\n\t.option norvc\n\t" insn "\n\t.option pop"

static inline uint8_t mmio_read8(uint64_t addr)
{
	uint8_t v;

	__asm__ __volatile__(MMIO_INSN("lbu %0, 0(%1)") "\n\tfence i, r"
			     : "=r"(v)
			     : "r"(addr)
			     : "memory");
	return v;
}

static inline void mmio_write8(uint64_t addr, uint8_t v)
{
	__asm__ __volatile__("fence w, o\n\t" MMIO_INSN("sb %0, 0(%1)")::"r"(v),
			     "r"(addr)
			     : "memory");
}

static inline uint32_t mmio_read32(uint64_t addr)
{
	uint32_t v;

	__asm__ __volatile__(MMIO_INSN("lw %0, 0(%1)") "\n\tfence i, r"
			     : "=r"(v)
			     : "r"(addr)
			     : "memory");
	return v;
}

static inline void mmio_write32(uint64_t addr, uint32_t v)
{
	__asm__ __volatile__("fence w, o\n\t" MMIO_INSN("sw %0, 0(%1)")::"r"(v),
			     "r"(addr)
			     : "memory");
}

struct sbiret {
	long error;
	long value;
};

/*
 * An SBI call: a7 the extension, a6 the function, a0-a5 the arguments;
 * the callee preserves every register but a0 and a1.
 */
static inline struct sbiret sbi_call(uint64_t ext, uint64_t fid, uint64_t a0,
				     uint64_t a1, uint64_t a2)
{
	register uint64_t r0 __asm__("a0") = a0;
	register uint64_t r1 __asm__("a1") = a1;
	register uint64_t r2 __asm__("a2") = a2;
	register uint64_t r6 __asm__("a6") = fid;
	register uint64_t r7 __asm__("a7") = ext;
	struct sbiret ret;

	__asm__ __volatile__("ecall"
			     : "+r"(r0), "+r"(r1)
			     : "r"(r2), "r"(r6), "r"(r7)
			     : "memory");
	ret.error = (long)r0;
	ret.value = (long)r1;
	return ret;
}

/* mmio_forms.S: for `mmio-forms` (main.c). */
#define MMIO_FORMS_STEPS 11
long mmio_forms_run(uint64_t reg, uint64_t scr, uint64_t out[6],
		    uint64_t value);

/* sbi_conf.c: the `sbi-conf` command and its hooks in the handlers. */
#define IPI_SBI_CONF_FIRST 13 /* IPI kinds 13-15 are sbi_conf.c's */
int cmd_sbi_conf(int argc, char **argv);
void sbi_conf_timer_irq(void);
void sbi_conf_ipi(unsigned int kind);

/* A legacy (v0.1) call: a7 the extension, the result in a0 only. */
static inline long sbi_legacy_call(uint64_t ext, uint64_t a0)
{
	register uint64_t r0 __asm__("a0") = a0;
	register uint64_t r7 __asm__("a7") = ext;

	__asm__ __volatile__("ecall" : "+r"(r0) : "r"(r7) : "memory", "a1");
	return (long)r0;
}

/* Exception frame built by trap.S: x[i] is register xi, x[2] the old sp. */
struct riscv_frame {
	uint64_t x[32];
	uint64_t sepc;
	uint64_t sstatus;
};

/* What the ISA string of the boot hart lists (main.c). */
bool riscv_has_ext(const char *ext);

/* main.c: whether the timer is stimecmp; the UART's and RTC's bases. */
bool riscv_timer_is_sstc(void);
uint64_t riscv_uart_base(void);
uint64_t riscv_rtc_base(void);

/* plic.c */
int plic_init(uint64_t base, uint32_t ndev);
void plic_enable(unsigned int hart_context, unsigned int irq);
void plic_init_context(unsigned int hart_context, uint32_t ndev);
/* Claims and completes interrupts of `hart_context`, calling back. */
void plic_handle(unsigned int hart_context, uint64_t now);
void plic_info(void);
/* The address of a source's priority register (plic_init() done). */
uint64_t plic_priority_addr(unsigned int irq);
/* S-mode context of a hart on QEMU virt: M and S context per hart. */
static inline unsigned int plic_s_context(uint64_t hartid)
{
	return (unsigned int)(2 * hartid + 1);
}
/* Called by plic_handle() for each claimed source (main.c). */
void riscv_ext_irq(unsigned int irq, uint64_t now);

/* mmu.c */
int cmd_mmu(int argc, char **argv);

#endif /* __ASSEMBLY__ */
#endif /* BASIC_RISCV_H */
