/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Supervisor and hypervisor CSRs by number (so the assembler needs no
 * extension flags to accept them), their bits, and C accessors.
 */
#ifndef ASM_CSR_H
#define ASM_CSR_H

#define CSR_SSTATUS 0x100
#define CSR_SIE 0x104
#define CSR_STVEC 0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SENVCFG 0x10a
#define CSR_SSCRATCH 0x140
#define CSR_SEPC 0x141
#define CSR_SCAUSE 0x142
#define CSR_STVAL 0x143
#define CSR_SIP 0x144
#define CSR_STIMECMP 0x14d
#define CSR_SATP 0x180
#define CSR_TIME 0xc01
#define CSR_HSTATUS 0x600
#define CSR_HEDELEG 0x602
#define CSR_HIDELEG 0x603
#define CSR_HIE 0x604
#define CSR_HCOUNTEREN 0x606
#define CSR_HVIP 0x645
#define CSR_HTVAL 0x643
#define CSR_HTINST 0x64a
#define CSR_HGATP 0x680
#define CSR_HTIMEDELTA 0x605
#define CSR_HENVCFG 0x60a
#define CSR_HIP 0x644
#define CSR_HGEIE 0x607
#define CSR_VSSTATUS 0x200
#define CSR_VSIE 0x204
#define CSR_VSTVEC 0x205
#define CSR_VSSCRATCH 0x240
#define CSR_VSEPC 0x241
#define CSR_VSCAUSE 0x242
#define CSR_VSTVAL 0x243
#define CSR_VSIP 0x244
#define CSR_VSTIMECMP 0x24d
#define CSR_VSATP 0x280
#define CSR_FCSR 0x003

/* hstatus */
#define HSTATUS_VSXL_MASK (3UL << 32)
#define HSTATUS_VTSR (1UL << 22)
#define HSTATUS_VTW (1UL << 21)
#define HSTATUS_VTVM (1UL << 20)
#define HSTATUS_SPVP (1UL << 8)
#define HSTATUS_SPV (1UL << 7)
#define HSTATUS_GVA (1UL << 6)

/* hvip, hip, hie, hideleg: the VS-level interrupts */
#define HVIP_VSSIP (1UL << 2)
#define HVIP_VSTIP (1UL << 6)
#define HVIP_VSEIP (1UL << 10)

/* henvcfg */
#define HENVCFG_STCE (1UL << 63)

/* sstatus */
#define SR_SIE (1UL << 1)
#define SR_SPIE (1UL << 5)
#define SR_SPP (1UL << 8)
#define SR_FS (3UL << 13)
#define SR_FS_CLEAN (2UL << 13)
#define SR_UXL_64 (2UL << 32)
#define SR_VS (3UL << 9)

/* Interrupt causes, also the bit numbers in sie and sip. */
#define IRQ_S_SOFT 1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9
#define SIE_SSIE (1UL << IRQ_S_SOFT)
#define SIE_STIE (1UL << IRQ_S_TIMER)
#define SIE_SEIE (1UL << IRQ_S_EXT)

#define SCAUSE_INTERRUPT (1UL << 63)
#define SCAUSE_CODE(c) ((c) & ~SCAUSE_INTERRUPT)

/* satp */
#define SATP_MODE_SHIFT 60
#define SATP_MODE_SV39 8UL
#define SATP_MODE_SV48 9UL
#define SATP_PPN_MASK ((1UL << 44) - 1)

#ifndef __ASSEMBLY__

#define CSR_STR_(x) #x
#define CSR_STR(x) CSR_STR_(x)

#define csr_read(csr)                                     \
	({                                                \
		unsigned long csr_val_;                   \
		__asm__ volatile("csrr %0, " CSR_STR(csr) \
				 : "=r"(csr_val_)         \
				 :                        \
				 : "memory");             \
		csr_val_;                                 \
	})

#define csr_write(csr, val)                           \
	__asm__ volatile("csrw " CSR_STR(csr) ", %0"  \
			 :                            \
			 : "rK"((unsigned long)(val)) \
			 : "memory")

#define csr_set(csr, bits)                             \
	__asm__ volatile("csrs " CSR_STR(csr) ", %0"   \
			 :                             \
			 : "rK"((unsigned long)(bits)) \
			 : "memory")

#define csr_clear(csr, bits)                           \
	__asm__ volatile("csrc " CSR_STR(csr) ", %0"   \
			 :                             \
			 : "rK"((unsigned long)(bits)) \
			 : "memory")

/* Clear bits and return the previous value, in one instruction. */
#define csr_read_clear(csr, bits)                                 \
	({                                                        \
		unsigned long csr_val_;                           \
		__asm__ volatile("csrrc %0, " CSR_STR(csr) ", %1" \
				 : "=r"(csr_val_)                 \
				 : "rK"((unsigned long)(bits))    \
				 : "memory");                     \
		csr_val_;                                         \
	})

/*
 * 0 when this hart may use stimecmp, -1 when the firmware has not enabled
 * Sstc for S-mode (the access traps; arch/riscv/entry.S).
 */
int riscv_stimecmp_probe(void);

#endif /* __ASSEMBLY__ */
#endif
