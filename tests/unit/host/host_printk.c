// SPDX-License-Identifier: GPL-2.0
/*
 * printk() and panic() for host tests. Log lines go to stdout marked
 * "printk: " so they stand apart from the test's own; a test that checks
 * what core/ logs looks at host_printk_count and host_printk_last (the
 * last message as formatted, level marker included). panic() aborts, so
 * the sanitizers print where it came from.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <keel/panic.h>
#include <keel/printk.h>

unsigned int host_printk_count;
char host_printk_last[512];

int vprintk(const char *fmt, va_list ap)
{
	int n = vsnprintf(host_printk_last, sizeof(host_printk_last), fmt, ap);

	host_printk_count++;
	printf("printk: %s", host_printk_last);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("panic: ");
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	abort();
}
