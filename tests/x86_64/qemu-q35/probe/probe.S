/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small x86 guest for Keel's SVM world switch, until the basic
 * firmware runs on x86: Keel starts it in 32-bit protected mode, paging
 * off, at the base of RAM, with EBX = its device tree. Its console is an
 * NS16550 at UART (MMIO, as probe.dts places it); every character it
 * prints and reads is a decoded device access. It prints a banner and
 * what CPUID says of the hypervisor, then runs one-letter commands:
 *
 *   c  cpuid: that report again
 *   e  echo: the next character back, in brackets
 *   p  port: IN from port 0x80 (nothing there), printed in hex
 *   o  ports: COM2's scratch register (an NS16550 in I/O ports, 0x2f8)
 *      written and read back by OUT/IN through DX, and 16- and 32-bit
 *      reads of empty ports; "ports: PASS" or "ports: FAIL"
 *   m  mmio: the UART's scratch register written and read back through
 *      several instruction forms; "mmio: PASS" or "mmio: FAIL"
 *   h  hypercall: VMMCALL's answer in EAX, in hex
 *   t  triple fault: no IDT, then INT3
 *   q  quit: the test finisher powers the guest off
 */
#define UART 0xfe000000
#define FINISHER 0xfe001000
#define THR 0
#define LSR 5
#define SCR 7
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define FINISHER_PASS 0x5555
#define COM2_SCR (0x2f8 + SCR)

	.code32
	.text
	.globl _start
_start:
	movl	$stack_top, %esp
	movl	$banner, %esi
	call	puts
	call	cpuid_report
	jmp	command_loop

cmd_cpuid:
	call	cpuid_report
	jmp	command_loop

/* CPUID's answers about the hypervisor, printed. */
cpuid_report:
	/* CPUID 0x40000000: the hypervisor's signature in EBX, ECX, EDX. */
	movl	$0x40000000, %eax
	cpuid
	movl	%ebx, signature
	movl	%ecx, signature + 4
	movl	%edx, signature + 8
	movl	$sig_text, %esi
	call	puts
	movl	$signature, %esi
	call	puts
	movl	$newline, %esi
	call	puts
	/* Leaf 1 ECX bit 31: "running under a hypervisor". */
	movl	$1, %eax
	cpuid
	movl	$hv_no, %esi
	btl	$31, %ecx
	jnc	1f
	movl	$hv_yes, %esi
1:	call	puts
	ret

command_loop:
	movl	$prompt, %esi
	call	puts
	call	getc
	cmpb	$'c', %al
	je	cmd_cpuid
	cmpb	$'e', %al
	je	cmd_echo
	cmpb	$'p', %al
	je	cmd_port
	cmpb	$'o', %al
	je	cmd_ports
	cmpb	$'m', %al
	je	cmd_mmio
	cmpb	$'h', %al
	je	cmd_hypercall
	cmpb	$'t', %al
	je	cmd_triple
	cmpb	$'q', %al
	je	cmd_quit
	movl	$unknown, %esi
	call	puts
	jmp	command_loop

cmd_echo:
	movb	$'[', %al
	call	putc
	call	getc
	call	putc
	movb	$']', %al
	call	putc
	movl	$newline, %esi
	call	puts
	jmp	command_loop

cmd_port:
	movl	$port_text, %esi
	call	puts
	movl	$0x12345678, %eax
	inb	$0x80, %al
	call	puthex32
	movl	$newline, %esi
	call	puts
	jmp	command_loop

/* COM2 is above port 0xff: only the DX forms reach it. */
cmd_ports:
	movw	$COM2_SCR, %dx
	movb	$0x3c, %al
	outb	%al, %dx				/* OUT DX, AL */
	xorl	%eax, %eax
	inb	%dx, %al				/* IN AL, DX */
	cmpl	$0x3c, %eax
	jne	ports_fail
	outb	%al, $0x80				/* OUT imm8: dropped */
	movw	$COM2_SCR, %dx
	movb	$0xc3, %al
	outb	%al, %dx				/* OUT DX, AL */
	movl	$0xffffffff, %eax
	inb	%dx, %al				/* IN AL, DX */
	cmpl	$0xffffffc3, %eax
	jne	ports_fail
	movl	$0x12345678, %eax
	inw	$0x84, %ax				/* nothing there */
	cmpl	$0x1234ffff, %eax
	jne	ports_fail
	xorl	%eax, %eax
	movw	$0x88, %dx
	inl	%dx, %eax
	cmpl	$0xffffffff, %eax
	jne	ports_fail
	movl	$ports_pass, %esi
	call	puts
	jmp	command_loop
ports_fail:
	movl	$ports_failed, %esi
	call	puts
	jmp	command_loop

/* Scratch register round trips through several encodings. */
cmd_mmio:
	movb	$0xa5, UART + SCR			/* MOV m8, imm8 */
	movzbl	UART + SCR, %ecx			/* MOVZX r32, m8 */
	cmpl	$0xa5, %ecx
	jne	mmio_fail
	movl	$0xffffffff, %edx
	movb	$0x5a, %dl
	movb	%dl, UART + SCR				/* MOV m8, r8 */
	movl	$0xffffffff, %eax
	movb	UART + SCR, %al				/* MOV r8, m8 */
	cmpl	$0xffffff5a, %eax			/* upper bits kept */
	jne	mmio_fail
	movb	$0x81, %bh
	movb	%bh, UART + SCR				/* a high-byte register */
	movsbl	UART + SCR, %eax			/* MOVSX r32, m8 */
	cmpl	$0xffffff81, %eax
	jne	mmio_fail
	movl	$UART, %edi
	movb	$0x3c, %cl
	movb	%cl, SCR(%edi)				/* base + displacement */
	movl	$SCR, %ecx
	movb	(%edi, %ecx), %dh			/* base + index, into DH */
	cmpb	$0x3c, %dh
	jne	mmio_fail
	movl	$mmio_pass, %esi
	call	puts
	jmp	command_loop
mmio_fail:
	movl	$mmio_failed, %esi
	call	puts
	jmp	command_loop

cmd_hypercall:
	movl	$hc_text, %esi
	call	puts
	xorl	%eax, %eax
	vmmcall
	call	puthex32
	movl	$newline, %esi
	call	puts
	jmp	command_loop

cmd_triple:
	movl	$triple_text, %esi
	call	puts
	lidt	null_idt
	int3
	jmp	command_loop

cmd_quit:
	movl	$quit_text, %esi
	call	puts
	movl	$FINISHER_PASS, FINISHER
	hlt
	jmp	cmd_quit

/* putc: AL out, once the transmitter has room. */
putc:
	pushl	%edx
1:	movb	UART + LSR, %dl
	testb	$LSR_THRE, %dl
	jz	1b
	movb	%al, UART + THR
	popl	%edx
	ret

/* getc: AL in, polling. */
getc:
1:	movb	UART + LSR, %al
	testb	$LSR_DR, %al
	jz	1b
	movb	UART + THR, %al
	ret

/* puts: the NUL-terminated string at ESI, \n as \r\n. */
puts:
	pushl	%eax
1:	lodsb
	testb	%al, %al
	jz	2f
	cmpb	$'\n', %al
	jne	3f
	movb	$'\r', %al
	call	putc
	movb	$'\n', %al
3:	call	putc
	jmp	1b
2:	popl	%eax
	ret

/* puthex32: EAX as 8 hex digits. */
puthex32:
	pushl	%ecx
	pushl	%edx
	movl	%eax, %edx
	movl	$8, %ecx
1:	roll	$4, %edx
	movl	%edx, %eax
	andl	$0xf, %eax
	movb	hex_digits(%eax), %al
	call	putc
	loop	1b
	popl	%edx
	popl	%ecx
	ret

	.data
banner:		.asciz	"\nx86 probe: running\n"
sig_text:	.asciz	"cpuid 0x40000000: "
hv_yes:		.asciz	"cpuid 1: hypervisor bit set\n"
hv_no:		.asciz	"cpuid 1: hypervisor bit clear\n"
prompt:		.asciz	"probe> "
unknown:	.asciz	"?\n"
newline:	.asciz	"\n"
port_text:	.asciz	"port 0x80: "
hc_text:	.asciz	"vmmcall: "
ports_pass:	.asciz	"ports: PASS\n"
ports_failed:	.asciz	"ports: FAIL\n"
mmio_pass:	.asciz	"mmio: PASS\n"
mmio_failed:	.asciz	"mmio: FAIL\n"
triple_text:	.asciz	"triple fault now\n"
quit_text:	.asciz	"probe: powering off\n"
hex_digits:	.ascii	"0123456789abcdef"
	.balign	4
signature:	.space	16
null_idt:	.word	0
		.long	0

	.bss
	.balign	16
	.space	4096
stack_top:
