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
 *   n  string port I/O: REP OUTSB of "ABCD" to COM2's scratch register
 *      leaves 'D' there and RSI past the string, REP INSB of three
 *      bytes fills three of four; OUTSB backwards (DF set) and with an
 *      FS override; REP with ECX 0 does nothing; "strings: PASS" or
 *      "strings: FAIL <step>"
 *   m  mmio: the UART's scratch register written and read back through
 *      several instruction forms, STOS, LODS, MOVS both ways and REP
 *      STOS among them; "mmio: PASS" or "mmio: FAIL"
 *   h  hypercall: VMMCALL's answer in EAX, in hex
 *   i  interrupts through the local APIC (its own GDT and IDT first): a
 *      self-IPI held in the IRR while IF is clear, then taken; one the
 *      TPR holds back, then lets through, and again through CR8 (AMD's
 *      LOCK MOV CR0 form); the timer in one-shot (HLT
 *      until it fires, the current count 0 after) and periodic modes;
 *      "irq: PASS" or "irq: FAIL <step>"
 *   a  device interrupts through the I/O APIC: the PIT's counter 0 in
 *      rate-generator mode on GSI 2 (edge) gives three interrupts, then
 *      none once its entry is masked; the UART's transmitter-empty
 *      interrupt on GSI 4 (level) is delivered again after an EOI while
 *      the line stays high, and no more once the handler reads IIR;
 *      "ioapic: PASS" or "ioapic: FAIL <step>"
 *   s  SMP: vCPU 1 started by INIT and start-up IPIs into a real-mode
 *      trampoline; it says hello by IPI, answers three pings, and is
 *      stopped by INIT and started again while running; "smp: PASS" or
 *      "smp: FAIL <step>"
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

#define LAPIC 0xfee00000
#define LAPIC_TPR 0x80
#define LAPIC_PPR 0xa0
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_ISR 0x100
#define LAPIC_IRR 0x200
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0
#define VEC_TIMER 0x40
#define VEC_SELF 0x41
#define VEC_PONG 0x42 /* vCPU 1 to vCPU 0 */
#define VEC_PING 0x43 /* vCPU 0 to vCPU 1 */
#define ICR_SELF (1 << 18)
#define ICR_INIT 0x4500
#define ICR_INIT_DEASSERT 0x8500
#define ICR_STARTUP 0x4600
#define LVT_MASKED 0x10000
#define LVT_PERIODIC 0x20000
#define VEC_PIT 0x44
#define VEC_UART 0x45
#define IOAPIC 0xfec00000
#define IOAPIC_DATA 0x10
#define ROUTE_LO(gsi) (0x10 + 2 * (gsi))
#define ROUTE_LEVEL 0x8000
#define ROUTE_REMOTE_IRR 0x4000
#define IER 1
#define IIR 2
#define IER_THRE 0x02
#define PIT_CH0 0x40
#define PIT_CONTROL 0x43
#define CODE_SEL 0x08
#define DATA_SEL 0x10

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
	/* Leaf 1 EDX bit 9: a local APIC. */
	movl	$apic_no, %esi
	btl	$9, %edx
	jnc	1f
	movl	$apic_yes, %esi
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
	cmpb	$'n', %al
	je	cmd_strings
	cmpb	$'h', %al
	je	cmd_hypercall
	cmpb	$'i', %al
	je	cmd_irq
	cmpb	$'s', %al
	je	cmd_smp
	cmpb	$'a', %al
	je	cmd_ioapic
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

cmd_strings:
	cld
	movl	$1, %ebx
	/* 1: REP OUTSB: four bytes out, the last one stays */
	movw	$COM2_SCR, %dx
	movl	$abcd, %esi
	movl	$4, %ecx
	rep outsb
	testl	%ecx, %ecx
	jnz	strings_fail
	cmpl	$abcd + 4, %esi
	jne	strings_fail
	inb	%dx, %al
	cmpb	$'D', %al
	jne	strings_fail
	/* 2: REP INSB: three bytes in, the fourth untouched */
	incl	%ebx
	movl	$in_buf, %edi
	movl	$0x2e2e2e2e, (%edi)
	movl	$3, %ecx
	rep insb
	cmpl	$in_buf + 3, %edi
	jne	strings_fail
	cmpl	$0x2e444444, in_buf
	jne	strings_fail
	/* 3: DF set: OUTSB steps RSI down */
	incl	%ebx
	movl	$abcd + 1, %esi
	std
	outsb
	cld
	cmpl	$abcd, %esi
	jne	strings_fail
	inb	%dx, %al
	cmpb	$'B', %al
	jne	strings_fail
	/* 4: an FS override (base 0 here) is the source's segment */
	incl	%ebx
	movl	$abcd + 2, %esi
	fs outsb
	inb	%dx, %al
	cmpb	$'C', %al
	jne	strings_fail
	/* 5: REP with ECX 0: nothing moves */
	incl	%ebx
	xorl	%ecx, %ecx
	movl	$in_buf, %edi
	rep insb
	cmpl	$in_buf, %edi
	jne	strings_fail
	/* 6: a 16-bit element from an empty port: all ones */
	incl	%ebx
	movl	$abcd, %esi
	movw	$0x84, %dx				/* nothing there */
	movl	$in_buf, %edi
	insw
	cmpw	$0xffff, in_buf
	jne	strings_fail
	cmpl	$in_buf + 2, %edi
	jne	strings_fail
	movl	$strings_pass, %esi
	call	puts
	jmp	command_loop
strings_fail:
	cld
	movl	$strings_failed, %esi
	call	puts
	movl	%ebx, %eax
	call	puthex32
	movl	$newline, %esi
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
	/* The string forms, one element each exit */
	cld
	movl	$UART + SCR, %edi
	movb	$0x77, %al
	stosb						/* STOS to the device */
	cmpl	$UART + SCR + 1, %edi
	jne	mmio_fail
	movl	$UART + SCR, %esi
	xorl	%eax, %eax
	lodsb						/* LODS from it */
	cmpl	$0x77, %eax
	jne	mmio_fail
	cmpl	$UART + SCR + 1, %esi
	jne	mmio_fail
	movl	$abcd, %esi
	movl	$UART + SCR, %edi
	movsb						/* MOVS RAM to device */
	movzbl	UART + SCR, %eax
	cmpl	$'A', %eax
	jne	mmio_fail
	movl	$UART + SCR, %esi
	movl	$in_buf, %edi
	movl	$0, in_buf
	movsb						/* MOVS device to RAM */
	cmpl	$'A', in_buf
	jne	mmio_fail
	cmpl	$in_buf + 1, %edi
	jne	mmio_fail
	movl	$UART + SCR, %edi
	movl	$2, %ecx
	movb	$0x66, %al
	rep stosb					/* the second is past it */
	testl	%ecx, %ecx
	jnz	mmio_fail
	cmpl	$UART + SCR + 2, %edi
	jne	mmio_fail
	movzbl	UART + SCR, %eax
	cmpl	$0x66, %eax
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

/* ---- interrupts ---- */

/* Its own GDT (Keel's start state has none) and IDT; the APIC on. */
irq_setup:
	lgdt	gdt_desc
	ljmp	$CODE_SEL, $1f
1:	movw	$DATA_SEL, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorl	%ecx, %ecx
2:	movl	$unexpected_isr, %eax
	call	set_gate
	incl	%ecx
	cmpl	$256, %ecx
	jne	2b
	movl	$VEC_TIMER, %ecx
	movl	$timer_isr, %eax
	call	set_gate
	movl	$VEC_SELF, %ecx
	movl	$self_isr, %eax
	call	set_gate
	movl	$VEC_PONG, %ecx
	movl	$pong_isr, %eax
	call	set_gate
	movl	$VEC_PING, %ecx
	movl	$ping_isr, %eax
	call	set_gate
	movl	$VEC_PIT, %ecx
	movl	$pit_isr, %eax
	call	set_gate
	movl	$VEC_UART, %ecx
	movl	$uart_isr, %eax
	call	set_gate
	lidt	idt_desc
	movl	$0x1ff, LAPIC + LAPIC_SVR		/* enabled, spurious 0xff */
	ret

/* set_gate: IDT entry ECX, a 32-bit interrupt gate to EAX. */
set_gate:
	movl	%eax, %edx
	andl	$0xffff, %edx
	orl	$(CODE_SEL << 16), %edx
	movl	%edx, idt(, %ecx, 8)
	movl	%eax, %edx
	andl	$0xffff0000, %edx
	orl	$0x8e00, %edx
	movl	%edx, idt + 4(, %ecx, 8)
	ret

timer_isr:
	lock incl	timer_count
	movl	$0, LAPIC + LAPIC_EOI
	iret

self_isr:
	lock incl	self_count
	movl	$0, LAPIC + LAPIC_EOI
	iret

pong_isr:
	lock incl	pongs
	movl	$0, LAPIC + LAPIC_EOI
	iret

/* vCPU 1: a ping gets a pong. */
ping_isr:
	lock incl	pings
	movl	$0, LAPIC + LAPIC_ICR_HI
	movl	$VEC_PONG, LAPIC + LAPIC_ICR_LO
	movl	$0, LAPIC + LAPIC_EOI
	iret

pit_isr:
	lock incl	pit_count
	movl	$0, LAPIC + LAPIC_EOI
	iret

/*
 * The UART's level interrupt: the first time only an EOI (the line stays
 * high, so the I/O APIC sends it again), then IIR read, which takes the
 * transmitter-empty interrupt and lowers the line.
 */
uart_isr:
	lock incl	uart_count
	cmpl	$1, uart_count
	je	1f
	pushl	%eax
	movb	UART + IIR, %al
	popl	%eax
1:	movl	$0, LAPIC + LAPIC_EOI
	iret

unexpected_isr:
	movl	$unexpected_text, %esi
	call	puts
1:	cli
	hlt
	jmp	1b

cmd_irq:
	call	irq_setup
	movl	$1, %ebx
	/* 1: a self-IPI waits in the IRR while IF is clear */
	movl	$(ICR_SELF | VEC_SELF), LAPIC + LAPIC_ICR_LO
	movl	LAPIC + LAPIC_IRR + 0x20, %eax
	testl	$(1 << (VEC_SELF - 64)), %eax
	jz	irq_fail
	cmpl	$0, self_count
	jne	irq_fail
	/* 2: taken after STI's shadow; the handler's EOI ends it */
	incl	%ebx
	sti
	nop
	cli
	cmpl	$1, self_count
	jne	irq_fail
	movl	LAPIC + LAPIC_ISR + 0x20, %eax
	testl	$(1 << (VEC_SELF - 64)), %eax
	jnz	irq_fail
	/* 3: TPR 0x50 holds back vector 0x41 (class 4); PPR shows it */
	incl	%ebx
	movl	$0x50, LAPIC + LAPIC_TPR
	movl	$(ICR_SELF | VEC_SELF), LAPIC + LAPIC_ICR_LO
	sti
	nop
	nop
	cli
	cmpl	$1, self_count
	jne	irq_fail
	movl	LAPIC + LAPIC_PPR, %eax
	cmpl	$0x50, %eax
	jne	irq_fail
	/* 4: TPR 0 lets it through */
	incl	%ebx
	movl	$0, LAPIC + LAPIC_TPR
	sti
	nop
	cli
	cmpl	$2, self_count
	jne	irq_fail
	/*
	 * 5: CR8 is the TPR's class (LOCK MOV CR0 is AMD's CR8 outside
	 * 64-bit mode): 5 holds back vector 0x41 and reads back as 0x50
	 */
	incl	%ebx
	movl	$5, %eax
	.byte	0xf0, 0x0f, 0x22, 0xc0			/* mov %eax, %cr8 */
	movl	LAPIC + LAPIC_TPR, %eax
	cmpl	$0x50, %eax
	jne	irq_fail
	xorl	%ecx, %ecx
	.byte	0xf0, 0x0f, 0x20, 0xc1			/* mov %cr8, %ecx */
	cmpl	$5, %ecx
	jne	irq_fail
	movl	$(ICR_SELF | VEC_SELF), LAPIC + LAPIC_ICR_LO
	sti
	nop
	cli
	cmpl	$2, self_count
	jne	irq_fail
	/* 6: CR8 0 lets it through */
	incl	%ebx
	xorl	%eax, %eax
	.byte	0xf0, 0x0f, 0x22, 0xc0			/* mov %eax, %cr8 */
	sti
	nop
	cli
	cmpl	$3, self_count
	jne	irq_fail
	/* 7: one-shot timer, 1 ms at divide 1: HLT until it fires */
	incl	%ebx
	movl	$0xb, LAPIC + LAPIC_TIMER_DIVIDE
	movl	$VEC_TIMER, LAPIC + LAPIC_LVT_TIMER
	movl	$1000000, LAPIC + LAPIC_TIMER_INITIAL
	sti
1:	hlt
	cmpl	$1, timer_count
	jb	1b
	cli
	cmpl	$1, timer_count
	jne	irq_fail
	movl	LAPIC + LAPIC_TIMER_CURRENT, %eax
	testl	%eax, %eax
	jnz	irq_fail
	/* 8: periodic, 100 us: four more ticks */
	incl	%ebx
	movl	$(LVT_PERIODIC | VEC_TIMER), LAPIC + LAPIC_LVT_TIMER
	movl	$100000, LAPIC + LAPIC_TIMER_INITIAL
	sti
1:	hlt
	cmpl	$5, timer_count
	jb	1b
	cli
	movl	$LVT_MASKED, LAPIC + LAPIC_LVT_TIMER
	movl	$0, LAPIC + LAPIC_TIMER_INITIAL
	movl	$irq_pass, %esi
	call	puts
	jmp	command_loop
irq_fail:
	cli
	movl	$irq_failed, %esi
	call	puts
	movl	%ebx, %eax
	call	puthex32
	movl	$newline, %esi
	call	puts
	jmp	command_loop

/* set_route: I/O APIC entry ECX's low word to EAX, destination APIC 0. */
set_route:
	pushl	%edx
	leal	0x11(%ecx, %ecx), %edx
	movl	%edx, IOAPIC
	movl	$0, IOAPIC + IOAPIC_DATA
	decl	%edx
	movl	%edx, IOAPIC
	movl	%eax, IOAPIC + IOAPIC_DATA
	popl	%edx
	ret

/* EAX = I/O APIC entry ECX's low word. */
get_route:
	leal	0x10(%ecx, %ecx), %eax
	movl	%eax, IOAPIC
	movl	IOAPIC + IOAPIC_DATA, %eax
	ret

cmd_ioapic:
	call	irq_setup
	movl	$1, %ebx
	/* 1: the PIT at 1 kHz (mode 2, 1193 ticks) on GSI 2, edge */
	movl	$2, %ecx
	movl	$VEC_PIT, %eax
	call	set_route
	movb	$0x34, %al
	outb	%al, $PIT_CONTROL
	movb	$0xa9, %al
	outb	%al, $PIT_CH0
	movb	$0x04, %al
	outb	%al, $PIT_CH0
	sti
1:	hlt
	cmpl	$3, pit_count
	jb	1b
	cli
	/* 2: masked, the PIT interrupts no more */
	incl	%ebx
	movl	$2, %ecx
	movl	$(0x10000 | VEC_PIT), %eax
	call	set_route
	movl	pit_count, %esi
	movl	$0x01000000, LAPIC + LAPIC_TIMER_INITIAL	/* 16 ms */
	movl	$0xb, LAPIC + LAPIC_TIMER_DIVIDE
	movl	$VEC_TIMER, LAPIC + LAPIC_LVT_TIMER
	movl	timer_count, %edi
	incl	%edi
	sti
1:	hlt
	cmpl	%edi, timer_count
	jb	1b
	cli
	movb	$0x30, %al				/* the PIT stopped */
	outb	%al, $PIT_CONTROL
	cmpl	%esi, pit_count
	jne	ioapic_fail
	/* 3: the UART's level interrupt, twice, then quiet */
	incl	%ebx
	movl	$4, %ecx
	movl	$(ROUTE_LEVEL | VEC_UART), %eax
	call	set_route
	movb	$IER_THRE, UART + IER
	sti
1:	hlt
	cmpl	$2, uart_count
	jb	1b
	nop
	nop
	cli
	movb	$0, UART + IER
	cmpl	$2, uart_count
	jne	ioapic_fail
	/* 4: the remote IRR is clear after the last EOI */
	incl	%ebx
	movl	$4, %ecx
	call	get_route
	testl	$ROUTE_REMOTE_IRR, %eax
	jnz	ioapic_fail
	movl	$(0x10000 | ROUTE_LEVEL | VEC_UART), %eax
	call	set_route
	movl	$ioapic_pass, %esi
	call	puts
	jmp	command_loop
ioapic_fail:
	cli
	movl	$ioapic_failed, %esi
	call	puts
	movl	%ebx, %eax
	call	puthex32
	movl	$newline, %esi
	call	puts
	jmp	command_loop

/* HLT with interrupts on until pongs reaches EAX. */
wait_pongs:
	sti
1:	cmpl	%eax, pongs
	jae	2f
	hlt
	jmp	1b
2:	cli
	ret

/* INIT, then a start-up IPI to the trampoline, to APIC ID 1. */
start_ap:
	movl	$0x01000000, LAPIC + LAPIC_ICR_HI
	movl	$ICR_INIT, LAPIC + LAPIC_ICR_LO
	movl	$ICR_INIT_DEASSERT, LAPIC + LAPIC_ICR_LO
	movl	$ap_trampoline, %eax
	shrl	$12, %eax
	orl	$ICR_STARTUP, %eax
	movl	%eax, LAPIC + LAPIC_ICR_LO
	/* A second one, as the MP start-up sequence sends, is ignored. */
	movl	%eax, LAPIC + LAPIC_ICR_LO
	ret

cmd_smp:
	call	irq_setup
	movl	$1, %ebx
	/* 1: vCPU 1 starts and says hello */
	call	start_ap
	movl	$1, %eax
	call	wait_pongs
	cmpl	$1, ap_alive
	jne	smp_fail
	/* 2: three pings, three pongs */
	incl	%ebx
	movl	$2, %esi
1:	movl	$0x01000000, LAPIC + LAPIC_ICR_HI
	movl	$VEC_PING, LAPIC + LAPIC_ICR_LO
	movl	%esi, %eax
	call	wait_pongs
	incl	%esi
	cmpl	$5, %esi
	jne	1b
	cmpl	$3, pings
	jne	smp_fail
	/* 3: INIT stops it while it runs; a start-up IPI starts it again */
	incl	%ebx
	call	start_ap
	movl	$5, %eax
	call	wait_pongs
	cmpl	$2, ap_alive
	jne	smp_fail
	movl	$smp_pass, %esi
	call	puts
	jmp	command_loop
smp_fail:
	movl	$smp_failed, %esi
	call	puts
	movl	%ebx, %eax
	call	puthex32
	movl	$newline, %esi
	call	puts
	jmp	command_loop

/* vCPU 1 in protected mode: its APIC on, hello, then wait for pings. */
ap_main:
	movw	$DATA_SEL, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	$ap_stack_top, %esp
	lidt	idt_desc
	lock incl	ap_alive
	movl	$0x1ff, LAPIC + LAPIC_SVR
	movl	$0, LAPIC + LAPIC_ICR_HI
	movl	$VEC_PONG, LAPIC + LAPIC_ICR_LO
	sti
1:	hlt
	jmp	1b

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

/*
 * Where a start-up IPI starts vCPU 1: real mode, CS = this page >> 4,
 * IP 0. It loads the GDT (addresses relative to CS) and goes to 32 bits.
 */
	.balign	4096
ap_trampoline:
	.code16
	cli
	lgdtl	%cs:(ap_gdt_desc - ap_trampoline)
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	$CODE_SEL, $ap_main
	.code32
	.balign	8
gdt:
	.quad	0
	.quad	0x00cf9b000000ffff	/* flat 32-bit code */
	.quad	0x00cf93000000ffff	/* flat data */
gdt_end:
ap_gdt_desc:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt

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
apic_yes:	.asciz	"cpuid 1: local APIC\n"
apic_no:	.asciz	"cpuid 1: no local APIC\n"
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
strings_pass:	.asciz	"strings: PASS\n"
strings_failed:	.asciz	"strings: FAIL "
abcd:		.ascii	"ABCD"
ioapic_pass:	.asciz	"ioapic: PASS\n"
ioapic_failed:	.asciz	"ioapic: FAIL "
irq_pass:	.asciz	"irq: PASS\n"
irq_failed:	.asciz	"irq: FAIL "
smp_pass:	.asciz	"smp: PASS\n"
smp_failed:	.asciz	"smp: FAIL "
unexpected_text: .asciz	"unexpected interrupt\n"
hex_digits:	.ascii	"0123456789abcdef"
	.balign	4
signature:	.space	16
null_idt:	.word	0
		.long	0
idt_desc:	.word	256 * 8 - 1
		.long	idt
	.balign	4
in_buf:		.long	0
timer_count:	.long	0
self_count:	.long	0
pings:		.long	0
pongs:		.long	0
ap_alive:	.long	0
pit_count:	.long	0
uart_count:	.long	0

	.bss
	.balign	16
	.space	4096
stack_top:
	.space	4096
ap_stack_top:
	.balign	8
idt:	.space	256 * 8
