// SPDX-License-Identifier: GPL-2.0
#include <keel/cpu.h>
#include <keel/panic.h>
#include <keel/printf.h>
#include <keel/printk.h>
#include <arch/irqflags.h>

static volatile int panicking;

void __noreturn panic(const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	arch_irq_disable();
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST))
		arch_halt(); /* another CPU is already reporting */
	printk_emergency_mode();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk(KERN_EMERG "\nKEEL PANIC on CPU %u: %s\n",
	       this_cpu() ? cpu_id() : 0, msg);
	smp_stop_others();
	printk(KERN_EMERG "system halted\n");
	arch_halt();
}
