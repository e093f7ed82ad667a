/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Turning the MMU and caches on and off. Written in assembly because
 * between cleaning the data cache and clearing SCTLR_EL1.C nothing may
 * store to memory: a line dirtied in that window would be lost, or later
 * written back over newer non-cacheable data.
 */

/* x0 = start, x1 = end: clean and invalidate by VA to the PoC. */
.macro dcache_civac_range start, end, tmp, line
	mrs	\tmp, ctr_el0
	ubfx	\tmp, \tmp, #16, #4	/* DminLine: log2 of words */
	mov	\line, #4
	lsl	\line, \line, \tmp
	sub	\tmp, \line, #1
	bic	\tmp, \start, \tmp
1:	cmp	\tmp, \end
	b.hs	2f
	dc	civac, \tmp
	add	\tmp, \tmp, \line
	b	1b
2:
.endm

	.text
/* void arm64_dcache_civac(uint64_t start, uint64_t end) */
	.globl arm64_dcache_civac
arm64_dcache_civac:
	dcache_civac_range x0, x1, x2, x3
	dsb	sy
	ret

/* void arm64_mmu_on(uint64_t ttbr0, uint64_t tcr, uint64_t mair) */
	.globl arm64_mmu_on
arm64_mmu_on:
	msr	mair_el1, x2
	msr	tcr_el1, x1
	msr	ttbr0_el1, x0
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	mrs	x3, sctlr_el1
	orr	x3, x3, #(1 << 0)	/* M */
	orr	x3, x3, #(1 << 2)	/* C */
	orr	x3, x3, #(1 << 12)	/* I */
	msr	sctlr_el1, x3
	isb
	ic	iallu
	dsb	nsh
	isb
	ret

/*
 * void arm64_mmu_off(uint64_t start, uint64_t end, uint64_t start2,
 *		      uint64_t end2)
 * Clean the two ranges (the image with its stacks and data, and whatever
 * else was written with the caches on), switch off, then invalidate them
 * again to drop lines speculatively fetched meanwhile.
 */
	.globl arm64_mmu_off
arm64_mmu_off:
	dcache_civac_range x0, x1, x4, x5
	dcache_civac_range x2, x3, x4, x5
	dsb	sy
	mrs	x4, sctlr_el1
	bic	x4, x4, #(1 << 0)
	bic	x4, x4, #(1 << 2)
	bic	x4, x4, #(1 << 12)
	msr	sctlr_el1, x4
	isb
	dcache_civac_range x0, x1, x4, x5
	dcache_civac_range x2, x3, x4, x5
	dsb	sy
	ic	iallu
	tlbi	vmalle1
	dsb	nsh
	isb
	ret
