/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry. basic.bin is a raw binary linked and run at guest-physical 0,
 * where Keel loads a raw x86 kernel and starts vCPU0 in 32-bit protected
 * mode, paging off, with EBX = the device tree. It loads its own GDT,
 * maps the first 4 GiB 1:1 in 2 MiB pages (the devices' top gigabyte
 * uncached) and the first GiB at 512 GiB, enters long mode and calls
 * x86_main().
 *
 * Secondary vCPUs come up by INIT and start-up IPIs at the trampoline,
 * 4 KiB in (vector 1): real mode, then the same way to long mode, then
 * ap_target(ap_cpu) on its own stack. cpu-cycle's entry is such a
 * target too.
 */
#include "x86.h"

#define PTE_PRESENT 0x01
#define PTE_WRITE 0x02
#define PTE_PWT 0x08
#define PTE_PCD 0x10
#define PTE_LARGE 0x80
#define DEVICE_SPACE 0xc0000000
#define HIGH 0x8000000000

	.section .text.head, "ax"
	.code32
	.globl _start
_start:
	jmp	entry32

	.org	TRAMPOLINE
	.code16
ap_trampoline:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	(gdt_ptr - ap_trampoline)
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$SEL_CODE32, $ap_entry32

	.balign	8
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* SEL_CODE32: flat 4 GiB, 32-bit */
	.quad	0x00cf92000000ffff	/* SEL_DATA: flat 4 GiB */
	.quad	0x00af9a000000ffff	/* SEL_CODE64: long mode */
gdt_end:
gdt_ptr:
	.word	gdt_end - gdt - 1
	.long	gdt

	.code32
entry32:
	cli
	cld
	/* Keel's GDTR is empty: load ours before any segment register. */
	lgdt	gdt_ptr
	movl	$SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%ebx, %ebp
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	shrl	$2, %ecx
	xorl	%eax, %eax
	rep stosl
	movl	%ebp, boot_fdt

	/* 2048 large pages: 4 GiB, the device space uncached. */
	movl	$pd, %edi
	movl	$(PTE_PRESENT | PTE_WRITE | PTE_LARGE), %eax
	movl	$2048, %ecx
1:	movl	%eax, %edx
	cmpl	$DEVICE_SPACE, %eax
	jb	2f
	orl	$(PTE_PCD | PTE_PWT), %edx
2:	movl	%edx, (%edi)
	movl	$0, 4(%edi)
	addl	$0x200000, %eax
	addl	$8, %edi
	loop	1b
	/* Four page directories under one PDPT under one PML4 entry. */
	movl	$pdpt, %edi
	movl	$(pd + PTE_PRESENT + PTE_WRITE), %eax
	movl	$4, %ecx
3:	movl	%eax, (%edi)
	movl	$0, 4(%edi)
	addl	$4096, %eax
	addl	$8, %edi
	loop	3b
	movl	$(pdpt + PTE_PRESENT + PTE_WRITE), pml4
	/* And 1 GiB at 512 GiB, RAM a guest may have beyond 39 bits. */
	movl	$pd_high, %edi
	movl	$(PTE_PRESENT | PTE_WRITE | PTE_LARGE), %eax
	movl	$512, %ecx
4:	movl	%eax, (%edi)
	movl	$(HIGH >> 32), 4(%edi)
	addl	$0x200000, %eax
	addl	$8, %edi
	loop	4b
	movl	$(pd_high + PTE_PRESENT + PTE_WRITE), pdpt_high
	movl	$(pdpt_high + PTE_PRESENT + PTE_WRITE), pml4 + 8 * (HIGH >> 39)
	xorl	%esi, %esi		/* the boot CPU */
	jmp	long_mode

ap_entry32:
	movl	$SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	$1, %esi		/* a secondary CPU */

/* Paging on with the shared tables, long mode, SSE usable. */
long_mode:
	movl	%cr4, %eax
	orl	$(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	movl	%eax, %cr4
	movl	$pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	andl	$~CR0_EM, %eax
	orl	$(CR0_PG | CR0_PE | CR0_MP), %eax
	movl	%eax, %cr0
	ljmp	$SEL_CODE64, $entry64

	.code64
entry64:
	movl	$SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	testl	%esi, %esi
	jnz	1f
	leaq	x86_stacks + STACK_SIZE(%rip), %rsp
	movl	boot_fdt(%rip), %edi
	call	x86_main
	jmp	x86_park
1:	movq	ap_stack(%rip), %rsp
	movl	ap_cpu(%rip), %edi
	movq	ap_target(%rip), %rax
	/* Parameters read: the starter may reuse them. */
	movl	$1, ap_started(%rip)
	call	*%rax
	jmp	x86_park

	.text
	.globl x86_park
x86_park:
	cli
	hlt
	jmp	x86_park

/*
 * cpu-cycle's secondary (tests/common/basic/smp.c), under Keel only:
 * count the visit, make SSE state live in the hypervisor, and stop. An x86
 * CPU cannot power itself off: it says it is off and halts with
 * interrupts off, where only the next INIT and start-up IPI reach it.
 */
	.globl cpu_cycle_entry
cpu_cycle_entry:
	movq	%rdi, %xmm0
	lock incq cpu_cycle_count(%rip)
	leaq	x86_cpu_off(%rip), %rax
	movl	$1, (%rax, %rdi, 4)
	jmp	x86_park

/*
 * The 256 interrupt and exception stubs, 16 bytes apart: each pushes an
 * error code where the CPU pushed none, then its vector.
 */
	.balign	16
	.globl x86_vectors
x86_vectors:
	.set	vec, 0
	.rept	256
	.balign	16
	.if	(vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq	$0
	.endif
	pushq	$vec
	jmp	trap_common
	.set	vec, vec + 1
	.endr

/* The frame is struct x86_frame; the CPU aligned RSP to 16 before it. */
trap_common:
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rbx
	pushq	%rbp
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, %rdi
	cld
	call	x86_trap
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rbp
	popq	%rbx
	popq	%rdx
	popq	%rcx
	popq	%rax
	addq	$16, %rsp
	iretq

	.data
	.balign	8
	.globl ap_target, ap_stack, ap_cpu, ap_started
ap_target:
	.quad	0
ap_stack:
	.quad	0
ap_cpu:
	.long	0
ap_started:
	.long	0

	.bss
	.balign	4096
pml4:
	.skip	4096
pdpt:
	.skip	4096
pd:
	.skip	4 * 4096
pdpt_high:
	.skip	4096
pd_high:
	.skip	4096
boot_fdt:
	.long	0

	.section .note.GNU-stack, "", @progbits
