/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Four trap vectors for `lazy-state`, each a jump to the real one, so
 * that stvec can hold a value of the vCPU's own and still work.
 * Uncompressed: each entry is 4 bytes at a 4-byte boundary (direct mode).
 */
	.option	push
	.option	norvc
	.text
	.balign	4
	.globl lazy_stvec
lazy_stvec:
	j	riscv_trap_entry
	j	riscv_trap_entry
	j	riscv_trap_entry
	j	riscv_trap_entry
	.option	pop
