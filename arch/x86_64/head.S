/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry from QEMU's PVH loader (pvh.bin, or any loader of the Xen PVH
 * boot ABI): the ELF note below names pvh_entry, which the boot CPU
 * enters in 32-bit protected mode with paging off, flat segments, no
 * stack, and %ebx = physical address of the hvm_start_info. Keel is
 * loaded where it is linked (asm/lds.h) and uses no absolute address
 * here: every address is a PC-relative reloc or a constant, so the image
 * stays position-independent like the other arches'.
 *
 * Secondary CPUs start in real mode at x86_trampoline_start, copied to a
 * page below 1 MiB by smpboot.c (INIT-SIPI-SIPI).
 */
#include <asm/lds.h>
#include <asm/x86.h>

#define BOOT_STACK_SIZE 16384
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define R_X86_64_RELATIVE 8
#define SEL_CODE64 0x08
#define SEL_DATA 0x10
#define SEL_CODE32 0x18
/* P | RW | PS: a 2 MiB page of the boot identity map. */
#define BOOT_LARGE_PAGE 0x83
#define BOOT_TABLE 0x03
/* The boot map covers the 32-bit space: ACPI tables, APICs, the image. */
/* null, 64-bit code (0x08), data (0x10), 32-bit code (0x18): asm/x86.h */
#define BOOT_GDT_ENTRIES .quad 0, X86_GDT_CODE64, X86_GDT_DATA, X86_GDT_CODE32
#define BOOT_MAP_LARGE_PAGES 2048

	.section .pvh_note, "a", @note
	.balign	4
	.long	4				/* name size: "Xen" */
	.long	8				/* descriptor size */
	.long	XEN_ELFNOTE_PHYS32_ENTRY
	.asciz	"Xen"
	.balign	4
	.quad	KEEL_LINK_BASE + (pvh_entry - _head)

	.section .text.head, "ax"
	.globl _head
_head:
	.code32
pvh_entry:
	cli
	cld
	movl	%ebx, %esi			/* start_info, kept to the end */
	/* A few bytes of stack in the image itself, to learn where it runs. */
	movl	$(KEEL_LINK_BASE + (scratch_stack_top - _head)), %esp
	call	1f
1:	popl	%ebp				/* %ebp + (x - 1b) = x */

	/* Clear bss (the loader need not): boot tables and stacks are there. */
	leal	(_bss_start - 1b)(%ebp), %edi
	leal	(_bss_end - 1b)(%ebp), %ecx
	subl	%edi, %ecx
	shrl	$2, %ecx
	xorl	%eax, %eax
	rep stosl
	leal	(boot_stacks + BOOT_STACK_SIZE - 1b)(%ebp), %esp

	/* Identity map of the first 4 GiB in 2 MiB pages. */
	leal	(boot_pd - 1b)(%ebp), %edi
	xorl	%ecx, %ecx
2:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$BOOT_LARGE_PAGE, %eax
	movl	%eax, (%edi, %ecx, 8)
	incl	%ecx
	cmpl	$BOOT_MAP_LARGE_PAGES, %ecx
	jb	2b
	leal	(boot_pdpt - 1b)(%ebp), %edi
	leal	(boot_pd + BOOT_TABLE - 1b)(%ebp), %eax
	xorl	%ecx, %ecx
3:	movl	%eax, (%edi, %ecx, 8)
	addl	$4096, %eax
	incl	%ecx
	cmpl	$4, %ecx
	jb	3b
	leal	(boot_pdpt + BOOT_TABLE - 1b)(%ebp), %eax
	movl	%eax, (boot_pml4 - 1b)(%ebp)
	leal	(boot_pml4 - 1b)(%ebp), %eax
	movl	%eax, %cr3

	/* The GDT's address, known only now, into its pointer; then long mode. */
	leal	(boot_gdt - 1b)(%ebp), %eax
	movl	%eax, (boot_gdt_ptr + 2 - 1b)(%ebp)
	lgdt	(boot_gdt_ptr - 1b)(%ebp)
	movl	%cr4, %eax
	orl	$X86_CR4_PAE, %eax
	movl	%eax, %cr4
	/* NXE only where NX exists: x86_early_init() says why it stops. */
	movl	$0x80000001, %eax
	cpuid
	movl	$EFER_LME, %edi
	btl	$20, %edx
	jnc	8f
	orl	$EFER_NXE, %edi
8:	movl	$MSR_EFER, %ecx
	rdmsr
	orl	%edi, %eax
	wrmsr
	movl	%cr0, %eax
	andl	$~(X86_CR0_CD | X86_CR0_NW), %eax
	orl	$(X86_CR0_PG | X86_CR0_WP | X86_CR0_PE), %eax
	movl	%eax, %cr0
	pushl	$SEL_CODE64
	leal	(long_mode - 1b)(%ebp), %eax
	pushl	%eax
	lret

	.code64
long_mode:
	movl	$SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	leaq	boot_stacks + BOOT_STACK_SIZE(%rip), %rsp

	/*
	 * Add the load offset (0 when loaded where linked, as PVH loads) to
	 * every R_X86_64_RELATIVE target: the addend is the link-time value.
	 */
	leaq	_head(%rip), %r8
	subq	$KEEL_LINK_BASE, %r8
	leaq	__rela_start(%rip), %r9
	leaq	__rela_end(%rip), %r10
4:	cmpq	%r10, %r9
	jae	5f
	movq	0(%r9), %r11			/* r_offset */
	cmpq	$R_X86_64_RELATIVE, 8(%r9)	/* r_info */
	jne	6f
	movq	16(%r9), %rax			/* r_addend */
	addq	%r8, %rax
	movq	%rax, (%r11, %r8)
6:	addq	$24, %r9
	jmp	4b
5:
	movl	%esi, %edi
	call	x86_early_init			/* returns the host FDT */
	movq	%rax, %rdi
	call	keel_main
7:	cli
	hlt
	jmp	7b

	.balign	8
	/* Written once, before any stack exists (see pvh_entry). */
scratch_stack:
	.quad	0, 0
scratch_stack_top:

/*
 * Secondary CPUs, from x86_trampoline_start, in long mode on Keel's own
 * tables with the trampoline's GDT: smpboot.c set x86_starting_cpu.
 */
	.text
	.globl x86_secondary_entry
x86_secondary_entry:
	movl	$SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	movl	x86_starting_cpu(%rip), %ebx
	leal	1(%ebx), %eax
	imull	$BOOT_STACK_SIZE, %eax
	leaq	boot_stacks(%rip), %rsp
	addq	%rax, %rsp
	movl	%ebx, %edi
	call	x86_secondary_init
	movl	%ebx, %edi
	call	secondary_main
1:	cli
	hlt
	jmp	1b

/*
 * The real-mode start of a secondary CPU, run from a copy at
 * X86_TRAMPOLINE_PA (CS = that >> 4, IP = 0): to protected mode, then
 * long mode on the tables in tramp_cr3, then on to tramp_entry. Every
 * address is that copy's; smpboot.c fills tramp_cr3 and tramp_entry.
 */
#define TRAMP(x) (X86_TRAMPOLINE_PA + ((x) - x86_trampoline_start))

	.section .rodata
	.balign	16
	.globl x86_trampoline_start, x86_trampoline_end
	.globl x86_trampoline_cr3, x86_trampoline_entry
x86_trampoline_start:
	.code16
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	(tramp_gdt_ptr - x86_trampoline_start)
	/* INIT leaves CR0.CD and NW as they were: caches on, explicitly. */
	movl	%cr0, %eax
	andl	$~(X86_CR0_CD | X86_CR0_NW), %eax
	orl	$X86_CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$SEL_CODE32, $TRAMP(tramp_protected)

	.code32
tramp_protected:
	movl	$SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%cr4, %eax
	orl	$X86_CR4_PAE, %eax
	movl	%eax, %cr4
	movl	TRAMP(x86_trampoline_cr3), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$(EFER_LME | EFER_NXE), %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(X86_CR0_PG | X86_CR0_WP), %eax
	movl	%eax, %cr0
	ljmpl	$SEL_CODE64, $TRAMP(tramp_long)

	.code64
tramp_long:
	movq	TRAMP(x86_trampoline_entry), %rax
	jmp	*%rax

	.balign	8
tramp_gdt:
	BOOT_GDT_ENTRIES
tramp_gdt_ptr:
	.word	4 * 8 - 1
	.long	TRAMP(tramp_gdt)
	.balign	8
x86_trampoline_cr3:
	.long	0
	.long	0
x86_trampoline_entry:
	.quad	0
x86_trampoline_end:

	.data
	.balign	8
boot_gdt:
	BOOT_GDT_ENTRIES
boot_gdt_ptr:
	.word	4 * 8 - 1
	.long	0
	.balign	4
	.globl x86_starting_cpu
x86_starting_cpu:
	.long	0

	.bss
	.balign	4096
boot_pml4:
	.space	4096
boot_pdpt:
	.space	4096
boot_pd:
	.space	4 * 4096
	.globl boot_stacks
boot_stacks:
	.space	BOOT_STACK_SIZE * CONFIG_MAX_CPUS
