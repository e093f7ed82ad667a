/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry. basic.bin starts with a RISC-V Linux Image header so that a
 * loader can place it like a kernel (2 MiB into RAM, at 0x80200000 on
 * QEMU virt, which is where QEMU's -kernel puts a raw image anyway). The
 * SBI firmware enters it in S-mode with a0 = hartid, a1 = device tree,
 * satp = 0. The image is linked at 0 as a position-independent
 * executable and applies its own relative relocations, so any 4 KiB
 * aligned load address works.
 */
#include "riscv.h"

#define R_RISCV_RELATIVE 3

	.section .text.head, "ax"
	.option push
	.option norvc
	.globl _start
_start:
	j	primary_entry		/* code0 */
	nop				/* code1 */
	.dword	0x200000		/* text_offset: 2 MiB into RAM */
	.dword	_image_end - _start	/* image_size, bss and stacks included */
	.dword	0			/* flags: little-endian */
	.word	0x2			/* header version 0.2 */
	.word	0
	.dword	0
	.ascii	"RISCV\0\0\0"		/* magic (deprecated, still checked) */
	.ascii	"RSC\x05"		/* magic2 */
	.word	0			/* no PE/COFF header */
	.option pop

primary_entry:
	csrw	sie, zero
	csrci	sstatus, SSTATUS_SIE
	mv	s0, a0			/* hartid */
	mv	s1, a1			/* device tree */
	lla	t0, early_trap
	csrw	stvec, t0

	/* Relocate: add the load address to every R_RISCV_RELATIVE. */
	lla	t0, _start
	lla	t1, __rela_start
	lla	t2, __rela_end
	li	t6, R_RISCV_RELATIVE
1:	bgeu	t1, t2, 2f
	ld	t3, 0(t1)		/* r_offset */
	ld	t4, 8(t1)		/* r_info */
	ld	t5, 16(t1)		/* r_addend */
	addi	t1, t1, 24
	bne	t4, t6, 1b
	add	t3, t3, t0
	add	t5, t5, t0
	sd	t5, 0(t3)
	j	1b
2:
	lla	t1, __bss_start
	lla	t2, __bss_end
3:	bgeu	t1, t2, 4f
	sd	zero, 0(t1)
	addi	t1, t1, 8
	j	3b
4:
	/* The relocated words are data, but keep fetches honest too. */
	fence	rw, rw
	fence.i
	li	a0, 0
	call	cpu_setup
	mv	a0, s1
	mv	a1, s0
	call	riscv_main
	j	riscv_park

/* SBI HSM hart_start lands here with a0 = hartid, a1 = the logical CPU. */
	.balign	4
	.globl secondary_entry
secondary_entry:
	csrw	sie, zero
	csrci	sstatus, SSTATUS_SIE
	mv	s0, a0
	mv	s1, a1
	mv	a0, s1
	call	cpu_setup
	mv	a0, s1
	mv	a1, s0
	call	riscv_secondary_main
	j	riscv_park

/*
 * cpu-cycle's secondary (main.c), under Keel only: count the visit, make
 * the FP registers live in the hypervisor with one FP instruction
 * (sstatus.FS Initial first), stop the hart (SBI HSM hart_stop).
 */
	.globl cpu_cycle_entry
cpu_cycle_entry:
	li	t0, (1 << 13)
	csrs	sstatus, t0
	.option	push
	.option	arch, +d
	fmv.d.x	f0, a0
	.option	pop
	lla	t0, cpu_cycle_count
	ld	t1, 0(t0)
	addi	t1, t1, 1
	sd	t1, 0(t0)
	fence	rw, rw
	li	a7, 0x48534d
	li	a6, 1
	ecall
	j	riscv_park

	.globl riscv_park
riscv_park:
	csrci	sstatus, SSTATUS_SIE
	wfi
	j	riscv_park

/* sp = top of CPU a0's stack, tp = a0 (arch_cpu_id()), trap vector. */
cpu_setup:
	lla	t0, riscv_stacks
	li	t1, STACK_SIZE
	addi	t2, a0, 1
	mul	t2, t2, t1
	add	sp, t0, t2
	mv	tp, a0
	lla	t0, riscv_trap_entry
	csrw	stvec, t0
	ret

/* Before the real vector is set up there is nothing to report with. */
	.balign	4
early_trap:
	wfi
	j	early_trap
