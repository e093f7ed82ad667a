/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry from the loader: a Linux arm64 Image header (so QEMU -kernel and
 * U-Boot's booti take Keel as they take Linux), then the boot CPU enters
 * with x0 = physical address of the device tree, MMU off, at EL2.
 */
#include <asm/regs.h>

#define R_AARCH64_RELATIVE 1027
#define BOOT_STACK_SIZE 16384

/* SCTLR_EL2 with the MMU off: RES1 bits only, little-endian. */
#define SCTLR_EL2_RES1 0x30c50830

	.section .text.head, "ax"
	.globl _head
_head:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset */
	.quad	_keel_size		/* image_size, bss included */
	.quad	0xa			/* flags: LE, 4K pages, anywhere in RAM */
	.quad	0, 0, 0			/* reserved */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* no PE header */

primary_entry:
	mov	x19, x0			/* device tree */
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.ne	not_el2

	ldr	x1, =SCTLR_EL2_RES1
	msr	sctlr_el2, x1
	isb

	/* Apply R_AARCH64_RELATIVE relocations for the load address. */
	adr	x9, _head
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
	/* Clear bss (aligned to 16 by the linker script). */
	adrp	x10, _bss_start
	add	x10, x10, :lo12:_bss_start
	adrp	x11, _bss_end
	add	x11, x11, :lo12:_bss_end
3:	cmp	x10, x11
	b.hs	4f
	stp	xzr, xzr, [x10], #16
	b	3b
4:
	mov	x0, #0
	bl	set_boot_stack
	bl	install_vectors
	mov	x0, x19
	bl	arm64_early_init	/* page tables, MMU on */
	mov	x0, x19
	bl	keel_main
	b	arch_halt

not_el2:
	wfe
	b	not_el2

/*
 * Secondary CPUs start here from PSCI CPU_ON with x0 = logical CPU number,
 * MMU off.
 */
	.globl secondary_entry
secondary_entry:
	mov	x19, x0
	ldr	x1, =SCTLR_EL2_RES1
	msr	sctlr_el2, x1
	isb
	bl	set_boot_stack
	bl	install_vectors
	bl	arm64_mmu_enable_secondary
	mov	x0, x19
	bl	secondary_main
	b	arch_halt

/* sp = top of boot stack x0; clobbers x1, x2. */
set_boot_stack:
	adrp	x1, boot_stacks
	add	x1, x1, :lo12:boot_stacks
	add	x0, x0, #1
	mov	x2, #BOOT_STACK_SIZE
	madd	x1, x0, x2, x1
	mov	sp, x1
	ret

install_vectors:
	adrp	x1, arm64_vectors
	add	x1, x1, :lo12:arm64_vectors
	msr	vbar_el2, x1
	isb
	ret

	.globl arch_boot_stack_size
arch_boot_stack_size:
	.quad	BOOT_STACK_SIZE

	.bss
	.balign	4096
	.globl boot_stacks
boot_stacks:
	.space	BOOT_STACK_SIZE * CONFIG_MAX_CPUS
