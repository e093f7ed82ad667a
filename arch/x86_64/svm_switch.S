/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SVM world switch. VMRUN loads and saves only the guest's RAX, RSP,
 * RIP and the state in the VMCB's save area; the other general registers
 * are swapped here (struct svm_gprs, indexed by register number: RAX and
 * RSP's slots are unused). VMLOAD/VMSAVE move FS, GS (Keel's per-CPU
 * base), TR, LDTR, KernelGSBase and the SYSCALL MSRs: the host's go to
 * its own save page around the guest's run.
 *
 * Interrupts: the caller has them masked (RFLAGS.IF clear). With GIF
 * clear nothing is taken here, so IF is set before VMRUN: the guest runs
 * with the host's IF set, so that with V_INTR_MASKING a host interrupt
 * ends the run (#VMEXIT(INTR)) instead of waiting for the guest; after
 * the exit GIF is clear until IF is clear again, and the interrupt is
 * taken once the caller unmasks.
 */

#define GPR(n) ((n) * 8)

	.text
/* void svm_vcpu_enter(u64 vmcb_pa, u64 host_save_pa, struct svm_gprs *g) */
	.globl svm_vcpu_enter
svm_vcpu_enter:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rdx				/* 16(%rsp): the guest's registers */
	pushq	%rsi				/* 8(%rsp): the host's save page */
	pushq	%rdi				/* 0(%rsp): the VMCB */

	clgi
	sti
	movq	8(%rsp), %rax
	vmsave	%rax
	movq	%rdx, %rax
	movq	GPR(1)(%rax), %rcx
	movq	GPR(2)(%rax), %rdx
	movq	GPR(3)(%rax), %rbx
	movq	GPR(5)(%rax), %rbp
	movq	GPR(6)(%rax), %rsi
	movq	GPR(7)(%rax), %rdi
	movq	GPR(8)(%rax), %r8
	movq	GPR(9)(%rax), %r9
	movq	GPR(10)(%rax), %r10
	movq	GPR(11)(%rax), %r11
	movq	GPR(12)(%rax), %r12
	movq	GPR(13)(%rax), %r13
	movq	GPR(14)(%rax), %r14
	movq	GPR(15)(%rax), %r15
	movq	0(%rsp), %rax
	vmload	%rax
	vmrun	%rax
	/* The host's RSP is back; the guest's registers are live. */
	pushq	%rbx
	movq	24(%rsp), %rbx			/* struct svm_gprs */
	movq	%rcx, GPR(1)(%rbx)
	movq	%rdx, GPR(2)(%rbx)
	popq	GPR(3)(%rbx)
	movq	%rbp, GPR(5)(%rbx)
	movq	%rsi, GPR(6)(%rbx)
	movq	%rdi, GPR(7)(%rbx)
	movq	%r8, GPR(8)(%rbx)
	movq	%r9, GPR(9)(%rbx)
	movq	%r10, GPR(10)(%rbx)
	movq	%r11, GPR(11)(%rbx)
	movq	%r12, GPR(12)(%rbx)
	movq	%r13, GPR(13)(%rbx)
	movq	%r14, GPR(14)(%rbx)
	movq	%r15, GPR(15)(%rbx)
	movq	0(%rsp), %rax
	vmsave	%rax
	movq	8(%rsp), %rax
	vmload	%rax
	cli
	stgi

	addq	$24, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
