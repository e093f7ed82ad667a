/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one trap vector (stvec, direct mode). Keel takes traps only from
 * itself so far, always on a valid hypervisor stack: a struct arch_regs
 * frame goes on that stack, riscv_trap() decides, the frame comes back.
 * Traps from a guest arrive with sscratch pointing at the vCPU's context
 * (0 while Keel runs): they go to riscv_guest_exit (vcpu_switch.S).
 *
 * tp and gp are neither restored nor trusted from the frame: tp is the
 * CPU's, and a thread preempted here may resume on another CPU.
 */
#include <asm/csr.h>
#include <asm/regs.h>

	.text
	.balign	4
	.globl riscv_trap_entry
riscv_trap_entry:
	/* sp <-> sscratch: non-zero means a guest ran (see above). */
	csrrw	sp, CSR_SSCRATCH, sp
	bnez	sp, .Lfrom_guest
	csrrw	sp, CSR_SSCRATCH, sp
	addi	sp, sp, -RISCV_REGS_SIZE
	sd	x1, 1 * 8(sp)
	sd	x3, 3 * 8(sp)
	sd	x4, 4 * 8(sp)
	sd	x5, 5 * 8(sp)
	sd	x6, 6 * 8(sp)
	sd	x7, 7 * 8(sp)
	sd	x8, 8 * 8(sp)
	sd	x9, 9 * 8(sp)
	sd	x10, 10 * 8(sp)
	sd	x11, 11 * 8(sp)
	sd	x12, 12 * 8(sp)
	sd	x13, 13 * 8(sp)
	sd	x14, 14 * 8(sp)
	sd	x15, 15 * 8(sp)
	sd	x16, 16 * 8(sp)
	sd	x17, 17 * 8(sp)
	sd	x18, 18 * 8(sp)
	sd	x19, 19 * 8(sp)
	sd	x20, 20 * 8(sp)
	sd	x21, 21 * 8(sp)
	sd	x22, 22 * 8(sp)
	sd	x23, 23 * 8(sp)
	sd	x24, 24 * 8(sp)
	sd	x25, 25 * 8(sp)
	sd	x26, 26 * 8(sp)
	sd	x27, 27 * 8(sp)
	sd	x28, 28 * 8(sp)
	sd	x29, 29 * 8(sp)
	sd	x30, 30 * 8(sp)
	sd	x31, 31 * 8(sp)
	addi	t0, sp, RISCV_REGS_SIZE
	sd	t0, 2 * 8(sp)
	sd	zero, 0(sp)
	csrr	t0, CSR_SEPC
	csrr	t1, CSR_SSTATUS
	csrr	t2, CSR_SCAUSE
	csrr	t3, CSR_STVAL
	sd	t0, RISCV_REGS_SEPC(sp)
	sd	t1, RISCV_REGS_SSTATUS(sp)
	sd	t2, RISCV_REGS_SCAUSE(sp)
	sd	t3, RISCV_REGS_STVAL(sp)

	mv	a0, sp
	call	riscv_trap

	/*
	 * sepc and sstatus from the frame: if the handler switched threads,
	 * the CSRs now hold what another trap left there.
	 */
	ld	t0, RISCV_REGS_SEPC(sp)
	ld	t1, RISCV_REGS_SSTATUS(sp)
	csrw	CSR_SEPC, t0
	csrw	CSR_SSTATUS, t1
	ld	x1, 1 * 8(sp)
	ld	x5, 5 * 8(sp)
	ld	x6, 6 * 8(sp)
	ld	x7, 7 * 8(sp)
	ld	x8, 8 * 8(sp)
	ld	x9, 9 * 8(sp)
	ld	x10, 10 * 8(sp)
	ld	x11, 11 * 8(sp)
	ld	x12, 12 * 8(sp)
	ld	x13, 13 * 8(sp)
	ld	x14, 14 * 8(sp)
	ld	x15, 15 * 8(sp)
	ld	x16, 16 * 8(sp)
	ld	x17, 17 * 8(sp)
	ld	x18, 18 * 8(sp)
	ld	x19, 19 * 8(sp)
	ld	x20, 20 * 8(sp)
	ld	x21, 21 * 8(sp)
	ld	x22, 22 * 8(sp)
	ld	x23, 23 * 8(sp)
	ld	x24, 24 * 8(sp)
	ld	x25, 25 * 8(sp)
	ld	x26, 26 * 8(sp)
	ld	x27, 27 * 8(sp)
	ld	x28, 28 * 8(sp)
	ld	x29, 29 * 8(sp)
	ld	x30, 30 * 8(sp)
	ld	x31, 31 * 8(sp)
	addi	sp, sp, RISCV_REGS_SIZE
	sret

.Lfrom_guest:
	j	riscv_guest_exit

/*
 * int riscv_stimecmp_probe(void): 0 when this hart may read stimecmp, -1
 * when the read traps as an illegal instruction (Sstc present but not
 * enabled for S-mode by the firmware's menvcfg.STCE). riscv_trap() knows
 * the instruction and resumes after it with a0 = -1.
 */
	.globl riscv_stimecmp_probe
	.globl riscv_stimecmp_probe_insn
riscv_stimecmp_probe:
	li	a0, 0
riscv_stimecmp_probe_insn:
	csrr	t0, CSR_STIMECMP
	ret
