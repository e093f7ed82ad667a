/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry from the SBI firmware: a RISC-V Linux Image header (so loaders
 * that boot Linux boot Keel), then the boot hart enters in HS-mode with
 * a0 = hart id, a1 = physical address of the device tree, satp = 0.
 */
#include <asm/csr.h>

#define R_RISCV_RELATIVE 3
#define BOOT_STACK_SIZE 16384

	.section .text.head, "ax"
	.globl _head
_head:
	.option push
	.option norvc
	j	primary_entry		/* code0 */
	.option pop
	.long	0			/* code1 */
	.quad	0x200000		/* text_offset: 2 MiB into RAM */
	.quad	_keel_size		/* image_size, bss included */
	.quad	0			/* flags: little-endian */
	.long	0x2			/* header version 0.2 */
	.long	0			/* res1 */
	.quad	0			/* res2 */
	.ascii	"RISCV\0\0\0"		/* magic (deprecated) */
	.ascii	"RSC\x05"		/* magic2 */
	.long	0			/* res3: no PE header */

primary_entry:
	csrw	CSR_SIE, zero
	csrci	CSR_SSTATUS, SR_SIE
	/*
	 * Only the first hart here is the boot hart. OpenSBI 1.1's
	 * hart_start marks a hart START_PENDING before it stores the start
	 * address, so a hart leaving its wait in between arrives here, at
	 * the firmware's default entry, instead of at secondary_entry.
	 */
	lla	t0, boot_hart_taken
	li	t1, 1
	amoswap.w.aq t1, t1, (t0)
	bnez	t1, misdirected_secondary
	mv	s0, a0			/* hart id */
	mv	s1, a1			/* device tree */

	/*
	 * Linked at 0: add the load address to every R_RISCV_RELATIVE
	 * target. lla is PC-relative, so it yields run-time addresses.
	 */
	lla	t0, _head
	lla	t1, __rela_start
	lla	t2, __rela_end
	li	t6, R_RISCV_RELATIVE
1:	bgeu	t1, t2, 2f
	ld	t3, 0(t1)		/* r_offset */
	ld	t4, 8(t1)		/* r_info */
	ld	t5, 16(t1)		/* r_addend */
	addi	t1, t1, 24
	bne	t4, t6, 1b
	add	t5, t5, t0
	add	t3, t3, t0
	sd	t5, 0(t3)
	j	1b
2:
	/* Clear bss (aligned to 16 by the linker script). */
	lla	t0, _bss_start
	lla	t1, _bss_end
3:	bgeu	t0, t1, 4f
	sd	zero, 0(t0)
	sd	zero, 8(t0)
	addi	t0, t0, 16
	j	3b
4:
	li	a0, 0
	call	set_boot_stack
	call	trap_setup
	mv	a0, s0
	mv	a1, s1
	call	riscv_early_init	/* page tables, MMU on */
	mv	a0, s1
	call	keel_main
	j	arch_halt

/*
 * Secondary harts start here from SBI HSM hart_start with a0 = hart id,
 * a1 = the opaque argument (the logical CPU number), satp = 0.
 */
	.globl secondary_entry
secondary_entry:
	csrw	CSR_SIE, zero
	csrci	CSR_SSTATUS, SR_SIE
	mv	s0, a0
	mv	s1, a1
	mv	a0, s1
	call	set_boot_stack
	call	trap_setup
	mv	a0, s1
	mv	a1, s0
	call	riscv_secondary_init	/* records the hart id, MMU on */
	mv	a0, s1
	call	secondary_main
	j	arch_halt

/*
 * A secondary that came in through primary_entry (a0 = hart id, a1 means
 * nothing): find which CPU is being started on this hart, on a rescue
 * stack one such hart at a time, then start as that CPU would have.
 * Image relocated, bss cleared and cpus[] filled by the boot hart already.
 */
misdirected_secondary:
	mv	s0, a0
	lla	t0, rescue_lock
1:	li	t1, 1
	amoswap.w.aq t1, t1, (t0)
	beqz	t1, 2f
	.4byte	0x0100000f		/* pause */
	j	1b
2:	lla	sp, rescue_stack_top
	mv	a0, s0
	call	riscv_misdirected_cpu
	mv	s1, a0
	lla	t0, rescue_lock
	amoswap.w.rl zero, zero, (t0)
	bltz	s1, 3f
	mv	a0, s0
	mv	a1, s1
	j	secondary_entry
3:	wfi				/* nobody asked for this hart */
	j	3b

/* sp = top of boot stack a0; clobbers t0, t1. */
set_boot_stack:
	lla	t0, boot_stacks
	addi	a0, a0, 1
	li	t1, BOOT_STACK_SIZE
	mul	t1, t1, a0
	add	sp, t0, t1
	ret

/*
 * Direct-mode trap vector; sscratch 0 says "trapped from Keel itself";
 * no tp until keel_main or the secondary's cpu sets it; FPU off, so that
 * any floating-point instruction in Keel traps.
 */
trap_setup:
	lla	t0, riscv_trap_entry
	csrw	CSR_STVEC, t0
	csrw	CSR_SSCRATCH, zero
	li	t0, SR_FS | SR_VS
	csrc	CSR_SSTATUS, t0
	mv	tp, zero
	ret

	/* In .data, not .bss: the boot hart clears bss after taking it. */
	.data
	.balign	4
boot_hart_taken:
	.long	0
rescue_lock:
	.long	0

	.bss
	.balign	16
rescue_stack:
	.space	1024
rescue_stack_top:

	.balign	4096
	.globl boot_stacks
boot_stacks:
	.space	BOOT_STACK_SIZE * CONFIG_MAX_CPUS
