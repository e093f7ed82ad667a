/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The world switch between Keel (HS-mode) and a guest (VS/VU-mode).
 *
 * While a guest runs, sscratch points at its struct riscv_guest_ctx;
 * in Keel it is 0. The one trap vector (entry.S) swaps sp with sscratch
 * first: a non-zero result means the trap came from the guest, and sp
 * is then the context to save it into.
 *
 * Keel is built without F/D, but guests may use them: the guest's f0-f31
 * and fcsr are loaded when its vCPU is loaded on the hart and saved when
 * it is put (vcpu.c), only if the guest dirtied them (sstatus.FS); FS is
 * Off while Keel runs. Only this file may use FP instructions.
 */
#include <asm/csr.h>
#include <asm/vcpu.h>

	.option	push
	.option	arch, +d
	.text

/*
 * riscv_vcpu_enter(ctx), called from vcpu_enter()'s inline asm with ctx
 * in a0: returns on the guest's exit with ra, sp, gp, tp and s0-s3 as
 * they were, every other register clobbered. The caller's compiler saves
 * what it needs of s4-s11 once per function rather than once per entry,
 * and a run that goes straight back into the guest after an exit keeps
 * its loop's values in s0-s3: cheaper than either extreme (measured).
 */
	.balign	4
	.globl riscv_vcpu_enter
riscv_vcpu_enter:
	sd	ra, GCTX_HOST + 0 * 8(a0)
	sd	sp, GCTX_HOST + 1 * 8(a0)
	sd	gp, GCTX_HOST + 2 * 8(a0)
	sd	tp, GCTX_HOST + 3 * 8(a0)
	sd	s0, GCTX_HOST + 4 * 8(a0)
	sd	s1, GCTX_HOST + 5 * 8(a0)
	sd	s2, GCTX_HOST + 6 * 8(a0)
	sd	s3, GCTX_HOST + 7 * 8(a0)

	/*
	 * sstatus as vcpu.c prepared it: SPP = the guest's mode, SPIE = 0
	 * (so HS interrupts stay masked after the exit), FS = Clean: the
	 * guest's FP registers are already in the hart (vcpu.c loads them
	 * with the vCPU), and Dirty at the exit tells that it wrote them.
	 */
	ld	t0, GCTX_SSTATUS(a0)
	csrw	CSR_SSTATUS, t0

	ld	t0, GCTX_HSTATUS(a0)
	csrw	CSR_HSTATUS, t0
	ld	t0, GCTX_SEPC(a0)
	csrw	CSR_SEPC, t0
	csrw	CSR_SSCRATCH, a0

	ld	x1, GCTX_X(1)(a0)
	ld	x2, GCTX_X(2)(a0)
	ld	x3, GCTX_X(3)(a0)
	ld	x4, GCTX_X(4)(a0)
	ld	x5, GCTX_X(5)(a0)
	ld	x6, GCTX_X(6)(a0)
	ld	x7, GCTX_X(7)(a0)
	ld	x8, GCTX_X(8)(a0)
	ld	x9, GCTX_X(9)(a0)
	ld	x11, GCTX_X(11)(a0)
	ld	x12, GCTX_X(12)(a0)
	ld	x13, GCTX_X(13)(a0)
	ld	x14, GCTX_X(14)(a0)
	ld	x15, GCTX_X(15)(a0)
	ld	x16, GCTX_X(16)(a0)
	ld	x17, GCTX_X(17)(a0)
	ld	x18, GCTX_X(18)(a0)
	ld	x19, GCTX_X(19)(a0)
	ld	x20, GCTX_X(20)(a0)
	ld	x21, GCTX_X(21)(a0)
	ld	x22, GCTX_X(22)(a0)
	ld	x23, GCTX_X(23)(a0)
	ld	x24, GCTX_X(24)(a0)
	ld	x25, GCTX_X(25)(a0)
	ld	x26, GCTX_X(26)(a0)
	ld	x27, GCTX_X(27)(a0)
	ld	x28, GCTX_X(28)(a0)
	ld	x29, GCTX_X(29)(a0)
	ld	x30, GCTX_X(30)(a0)
	ld	x31, GCTX_X(31)(a0)
	ld	x10, GCTX_X(10)(a0)
	sret

/*
 * From riscv_trap_entry (entry.S) when sscratch was non-zero: a trap from
 * the guest. sp is its context, sscratch the guest's sp; every other
 * register is still the guest's.
 */
	.balign	4
	.globl riscv_guest_exit
riscv_guest_exit:
	sd	x1, GCTX_X(1)(sp)
	sd	x3, GCTX_X(3)(sp)
	sd	x4, GCTX_X(4)(sp)
	sd	x5, GCTX_X(5)(sp)
	sd	x6, GCTX_X(6)(sp)
	sd	x7, GCTX_X(7)(sp)
	sd	x8, GCTX_X(8)(sp)
	sd	x9, GCTX_X(9)(sp)
	sd	x10, GCTX_X(10)(sp)
	sd	x11, GCTX_X(11)(sp)
	sd	x12, GCTX_X(12)(sp)
	sd	x13, GCTX_X(13)(sp)
	sd	x14, GCTX_X(14)(sp)
	sd	x15, GCTX_X(15)(sp)
	sd	x16, GCTX_X(16)(sp)
	sd	x17, GCTX_X(17)(sp)
	sd	x18, GCTX_X(18)(sp)
	sd	x19, GCTX_X(19)(sp)
	sd	x20, GCTX_X(20)(sp)
	sd	x21, GCTX_X(21)(sp)
	sd	x22, GCTX_X(22)(sp)
	sd	x23, GCTX_X(23)(sp)
	sd	x24, GCTX_X(24)(sp)
	sd	x25, GCTX_X(25)(sp)
	sd	x26, GCTX_X(26)(sp)
	sd	x27, GCTX_X(27)(sp)
	sd	x28, GCTX_X(28)(sp)
	sd	x29, GCTX_X(29)(sp)
	sd	x30, GCTX_X(30)(sp)
	sd	x31, GCTX_X(31)(sp)
	mv	a0, sp
	/* Keel again from here on: sscratch back to 0. */
	csrrw	t0, CSR_SSCRATCH, zero
	sd	t0, GCTX_X(2)(a0)

	csrr	t0, CSR_SEPC
	sd	t0, GCTX_SEPC(a0)
	csrr	t0, CSR_SSTATUS
	sd	t0, GCTX_SSTATUS(a0)
	csrr	t1, CSR_HSTATUS
	sd	t1, GCTX_HSTATUS(a0)
	/*
	 * SPV back to 0: every sret in Keel (the trap return of a thread
	 * this one switches to) must stay in HS-mode, not enter V=1 at a
	 * Keel address through whichever guest's G-stage is loaded.
	 */
	li	t2, (1 << 7)
	csrc	CSR_HSTATUS, t2
	/*
	 * stval, htval and htinst only for the exits that use them: vcpu.c
	 * reads them with interrupts still masked (handle_trap).
	 */
	csrr	t1, CSR_SCAUSE
	sd	t1, GCTX_SCAUSE(a0)

	/*
	 * FS Off while Keel runs (sstatus as the guest left it, FS included,
	 * is in the context: vcpu.c saves the FP registers when the vCPU is
	 * put, if the guest dirtied them).
	 */
	li	t1, (3 << 13)
	csrc	CSR_SSTATUS, t1

	ld	ra, GCTX_HOST + 0 * 8(a0)
	ld	sp, GCTX_HOST + 1 * 8(a0)
	ld	gp, GCTX_HOST + 2 * 8(a0)
	ld	tp, GCTX_HOST + 3 * 8(a0)
	ld	s0, GCTX_HOST + 4 * 8(a0)
	ld	s1, GCTX_HOST + 5 * 8(a0)
	ld	s2, GCTX_HOST + 6 * 8(a0)
	ld	s3, GCTX_HOST + 7 * 8(a0)
	ret

/* void riscv_fp_restore(const struct riscv_guest_ctx *ctx) */
	.balign	4
	.globl riscv_fp_restore
riscv_fp_restore:
	li	t1, (1 << 13)
	csrs	CSR_SSTATUS, t1
	fld	f0, GCTX_FP + 0 * 8(a0)
	fld	f1, GCTX_FP + 1 * 8(a0)
	fld	f2, GCTX_FP + 2 * 8(a0)
	fld	f3, GCTX_FP + 3 * 8(a0)
	fld	f4, GCTX_FP + 4 * 8(a0)
	fld	f5, GCTX_FP + 5 * 8(a0)
	fld	f6, GCTX_FP + 6 * 8(a0)
	fld	f7, GCTX_FP + 7 * 8(a0)
	fld	f8, GCTX_FP + 8 * 8(a0)
	fld	f9, GCTX_FP + 9 * 8(a0)
	fld	f10, GCTX_FP + 10 * 8(a0)
	fld	f11, GCTX_FP + 11 * 8(a0)
	fld	f12, GCTX_FP + 12 * 8(a0)
	fld	f13, GCTX_FP + 13 * 8(a0)
	fld	f14, GCTX_FP + 14 * 8(a0)
	fld	f15, GCTX_FP + 15 * 8(a0)
	fld	f16, GCTX_FP + 16 * 8(a0)
	fld	f17, GCTX_FP + 17 * 8(a0)
	fld	f18, GCTX_FP + 18 * 8(a0)
	fld	f19, GCTX_FP + 19 * 8(a0)
	fld	f20, GCTX_FP + 20 * 8(a0)
	fld	f21, GCTX_FP + 21 * 8(a0)
	fld	f22, GCTX_FP + 22 * 8(a0)
	fld	f23, GCTX_FP + 23 * 8(a0)
	fld	f24, GCTX_FP + 24 * 8(a0)
	fld	f25, GCTX_FP + 25 * 8(a0)
	fld	f26, GCTX_FP + 26 * 8(a0)
	fld	f27, GCTX_FP + 27 * 8(a0)
	fld	f28, GCTX_FP + 28 * 8(a0)
	fld	f29, GCTX_FP + 29 * 8(a0)
	fld	f30, GCTX_FP + 30 * 8(a0)
	fld	f31, GCTX_FP + 31 * 8(a0)
	ld	t1, GCTX_FCSR(a0)
	fscsr	t1
	li	t1, (3 << 13)
	csrc	CSR_SSTATUS, t1
	ret

/* void riscv_fp_save(struct riscv_guest_ctx *ctx) */
	.balign	4
	.globl riscv_fp_save
riscv_fp_save:
	li	t1, (1 << 13)
	csrs	CSR_SSTATUS, t1
	fsd	f0, GCTX_FP + 0 * 8(a0)
	fsd	f1, GCTX_FP + 1 * 8(a0)
	fsd	f2, GCTX_FP + 2 * 8(a0)
	fsd	f3, GCTX_FP + 3 * 8(a0)
	fsd	f4, GCTX_FP + 4 * 8(a0)
	fsd	f5, GCTX_FP + 5 * 8(a0)
	fsd	f6, GCTX_FP + 6 * 8(a0)
	fsd	f7, GCTX_FP + 7 * 8(a0)
	fsd	f8, GCTX_FP + 8 * 8(a0)
	fsd	f9, GCTX_FP + 9 * 8(a0)
	fsd	f10, GCTX_FP + 10 * 8(a0)
	fsd	f11, GCTX_FP + 11 * 8(a0)
	fsd	f12, GCTX_FP + 12 * 8(a0)
	fsd	f13, GCTX_FP + 13 * 8(a0)
	fsd	f14, GCTX_FP + 14 * 8(a0)
	fsd	f15, GCTX_FP + 15 * 8(a0)
	fsd	f16, GCTX_FP + 16 * 8(a0)
	fsd	f17, GCTX_FP + 17 * 8(a0)
	fsd	f18, GCTX_FP + 18 * 8(a0)
	fsd	f19, GCTX_FP + 19 * 8(a0)
	fsd	f20, GCTX_FP + 20 * 8(a0)
	fsd	f21, GCTX_FP + 21 * 8(a0)
	fsd	f22, GCTX_FP + 22 * 8(a0)
	fsd	f23, GCTX_FP + 23 * 8(a0)
	fsd	f24, GCTX_FP + 24 * 8(a0)
	fsd	f25, GCTX_FP + 25 * 8(a0)
	fsd	f26, GCTX_FP + 26 * 8(a0)
	fsd	f27, GCTX_FP + 27 * 8(a0)
	fsd	f28, GCTX_FP + 28 * 8(a0)
	fsd	f29, GCTX_FP + 29 * 8(a0)
	fsd	f30, GCTX_FP + 30 * 8(a0)
	fsd	f31, GCTX_FP + 31 * 8(a0)
	frcsr	t2
	sd	t2, GCTX_FCSR(a0)
	li	t1, (3 << 13)
	csrc	CSR_SSTATUS, t1
	ret

/*
 * long riscv_guest_fetch_half(unsigned long gva): the 16 bits at the
 * guest virtual address gva, read as the guest's instruction fetch would
 * (HLVX.HU: VS-stage and G-stage translation, execute permission, at
 * hstatus.SPVP's privilege), or -1 when that faults. riscv_trap() knows
 * riscv_guest_fetch_insn and resumes after it, a0 still -1.
 */
	.balign	4
	.globl riscv_guest_fetch_half
	.globl riscv_guest_fetch_insn
riscv_guest_fetch_half:
	mv	t0, a0
	li	a0, -1
riscv_guest_fetch_insn:
	.insn	r 0x73, 4, 0x32, a0, t0, x3
	ret

/*
 * long riscv_guest_fetch_word(unsigned long gva): the same for the 32
 * bits at a 4-byte aligned gva (HLVX.WU), one page, one read instead of
 * two; riscv_guest_fetch_word_insn is the one that may fault.
 */
	.balign	4
	.globl riscv_guest_fetch_word
	.globl riscv_guest_fetch_word_insn
riscv_guest_fetch_word:
	mv	t0, a0
	li	a0, -1
riscv_guest_fetch_word_insn:
	.insn	r 0x73, 4, 0x34, a0, t0, x3
	ret

	.option	pop
