/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `mmio-forms`: loads and stores to emulated devices in each form and
 * place a hypervisor must decode from the instruction at the guest's pc
 * when the hart leaves htinst 0: compressed and 32-bit, at a pc that is
 * a multiple of 4 and at one that is 2 past it. Between the accesses,
 * c.addi a5, 1 counts the instructions that ran: an access that moved the
 * pc on by the wrong length skips one or runs one twice.
 *
 * long mmio_forms_run(uint64_t reg, uint64_t scr, uint64_t out[6],
 *                     uint64_t value)
 *   reg: a 32-bit device register that holds value and keeps what is
 *   written to it (stores write value back); scr: a byte register (the
 *   UART's scratch). Returns the count (MMIO_FORMS_STEPS when each ran
 *   once); out[] gets what the loads left: four from reg (each register
 *   held -1 before), then lb and lbu of the 0xa5 stored in scr.
 */
	.option	push
	.option	rvc
	.text
	.balign	4
	.globl mmio_forms_run
mmio_forms_run:
	mv	t0, a2
	mv	a4, a3
	li	a5, 0
	li	a2, -1
	li	a3, -1
	li	t4, -1
	li	t5, -1
	li	t6, 0xa5

	/* compressed load, pc a multiple of 4 */
	.balign	4
	c.lw	a2, 0(a0)
	c.addi	a5, 1
	/* compressed load, pc 2 past a multiple of 4 */
	.balign	4
	c.addi	a5, 1
	c.lw	a3, 0(a0)
	c.addi	a5, 1
	/* 32-bit load (t4 has no compressed form), pc 2 past */
	.balign	4
	c.addi	a5, 1
	lw	t4, 0(a0)
	c.addi	a5, 1
	/* 32-bit load, pc a multiple of 4 */
	.balign	4
	lw	t5, 0(a0)
	c.addi	a5, 1
	/* compressed stores of the register's own value, at both places */
	.balign	4
	c.sw	a4, 0(a0)
	c.addi	a5, 1
	.balign	4
	c.addi	a5, 1
	c.sw	a4, 0(a0)
	c.addi	a5, 1
	/* byte store at a pc 2 past, loads back sign- and zero-extended */
	.balign	4
	c.addi	a5, 1
	sb	t6, 0(a1)
	lb	t1, 0(a1)
	lbu	t2, 0(a1)
	c.addi	a5, 1

	sd	a2, 0(t0)
	sd	a3, 8(t0)
	sd	t4, 16(t0)
	sd	t5, 24(t0)
	sd	t1, 32(t0)
	sd	t2, 40(t0)
	mv	a0, a5
	ret
	.option	pop
