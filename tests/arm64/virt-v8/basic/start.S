/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry. basic.bin starts with a Linux arm64 Image header so that QEMU's
 * -kernel (and Keel, which loads guests the same way) place it at a 2 MiB
 * boundary + text_offset and enter it with x0 = device tree, MMU off.
 * The image is linked at 0 as a position-independent executable and
 * applies its own relative relocations, so any load address works.
 */

#define R_AARCH64_RELATIVE 1027

/* SCTLR_EL1: RES1 bits only, so MMU, caches and alignment checks off. */
#define SCTLR_EL1_OFF 0x30d00800
/* SPSR for EL1h with D, A, I, F masked. */
#define SPSR_EL1H_MASKED 0x3c5
#define HCR_EL2_RW (1 << 31)

	.section .text.head, "ax"
	.globl _start
_start:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0x80000			/* text_offset */
	.quad	_image_size		/* image_size, bss and stacks included */
	.quad	0xa			/* LE, 4 KiB pages, anywhere in RAM */
	.quad	0, 0, 0
	.ascii	"ARM\x64"
	.long	0

primary_entry:
	mov	x20, x0
	msr	daifset, #0xf
	bl	enter_el1

	/* Relocate: add the load address to every R_AARCH64_RELATIVE. */
	adr	x9, _start
	adrp	x10, __rela_start
	add	x10, x10, :lo12:__rela_start
	adrp	x11, __rela_end
	add	x11, x11, :lo12:__rela_end
1:	cmp	x10, x11
	b.hs	2f
	ldp	x12, x13, [x10], #16	/* r_offset, r_info */
	ldr	x14, [x10], #8		/* r_addend */
	cmp	w13, #R_AARCH64_RELATIVE
	b.ne	1b
	add	x14, x14, x9
	str	x14, [x12, x9]
	b	1b
2:
	adrp	x10, __bss_start
	add	x10, x10, :lo12:__bss_start
	adrp	x11, __bss_end
	add	x11, x11, :lo12:__bss_end
3:	cmp	x10, x11
	b.hs	4f
	stp	xzr, xzr, [x10], #16
	b	3b
4:
	mov	x0, #0
	bl	cpu_setup
	mov	x0, x20
	bl	arm64_main
	b	arm64_park

/* PSCI CPU_ON lands here with x0 = the context id: the logical CPU. */
	.globl secondary_entry
secondary_entry:
	mov	x20, x0
	msr	daifset, #0xf
	bl	enter_el1
	mov	x0, x20
	bl	cpu_setup
	mov	x0, x20
	bl	arm64_secondary_main
	b	arm64_park

/*
 * cpu-cycle's secondary (main.c), under Keel only (the guest starts at
 * EL1 and PSCI goes through HVC): count the visit, make the FP/SIMD
 * registers live in the hypervisor with one FP instruction, power off.
 */
	.arch	armv8-a+fp
	.globl cpu_cycle_entry
cpu_cycle_entry:
	mov	x1, #(3 << 20)		/* CPACR_EL1.FPEN: no trap to EL1 */
	msr	cpacr_el1, x1
	isb
	fmov	d0, x0
	adrp	x1, cpu_cycle_count
	add	x1, x1, :lo12:cpu_cycle_count
	ldr	x2, [x1]
	add	x2, x2, #1
	str	x2, [x1]
	dsb	sy
	movz	x0, #0x8400, lsl #16	/* PSCI_CPU_OFF */
	movk	x0, #0x0002
	hvc	#0
	b	arm64_park

	.globl arm64_park
arm64_park:
	msr	daifset, #0xf
	wfi
	b	arm64_park

/*
 * Continue at EL1 in any case. Keel enters guests at EL1; on a machine
 * with EL2 (QEMU virtualization=on) drop to EL1 with the hypervisor
 * controls opened up and a stub that answers every HVC with -1, which is
 * what a hypervisor does for a call it does not know.
 */
enter_el1:
	ldr	x0, =SCTLR_EL1_OFF
	msr	sctlr_el1, x0
	isb
	mrs	x0, CurrentEL
	cmp	x0, #(2 << 2)
	b.ne	9f
	mov	x0, #HCR_EL2_RW
	msr	hcr_el2, x0
	mov	x0, #3			/* EL1PCTEN | EL1PCEN */
	msr	cnthctl_el2, x0
	msr	cntvoff_el2, xzr
	mrs	x0, id_aa64pfr0_el1
	ubfx	x0, x0, #24, #4		/* GIC system registers */
	cbz	x0, 5f
	mov	x0, #0xf		/* SRE, DFB, DIB, Enable for EL1 */
	msr	icc_sre_el2, x0
	isb
5:	mrs	x0, id_aa64dfr0_el1
	ubfx	x0, x0, #8, #4		/* PMUVer */
	cbz	x0, 6f
	cmp	x0, #0xf
	b.eq	6f
	mrs	x0, pmcr_el0
	ubfx	x0, x0, #11, #5		/* all counters to EL1 */
	msr	mdcr_el2, x0
6:	adr	x0, el2_vectors
	msr	vbar_el2, x0
	mov	x0, #SPSR_EL1H_MASKED
	msr	spsr_el2, x0
	adr	x0, 9f
	msr	elr_el2, x0
	eret
9:	msr	spsel, #1
	ret

/* sp = top of CPU x0's stack, tpidr_el1 = x0, vectors. */
cpu_setup:
	adrp	x1, arm64_stacks
	add	x1, x1, :lo12:arm64_stacks
	adrp	x2, arm64_stack_size
	ldr	x2, [x2, :lo12:arm64_stack_size]
	add	x3, x0, #1
	madd	x1, x3, x2, x1
	mov	sp, x1
	msr	tpidr_el1, x0
	adrp	x1, arm64_vectors
	add	x1, x1, :lo12:arm64_vectors
	msr	vbar_el1, x1
	isb
	ret

	.ltorg

.macro el2_hang
	.balign	0x80
	b	.
.endm

	.balign	0x800
el2_vectors:
	.rept	8
	el2_hang
	.endr
	.balign	0x80			/* lower EL, AArch64, synchronous */
	mov	x0, #-1
	eret
	.rept	7
	el2_hang
	.endr
