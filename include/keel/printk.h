/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel log (core/printk.c). Messages go to a ring kept in memory and to
 * the console. A message may start with a level marker; the console shows
 * messages up to the console level, the ring keeps them all.
 */
#ifndef KEEL_PRINTK_H
#define KEEL_PRINTK_H

#include <keel/types.h>

#define KERN_EMERG "<0>"
#define KERN_ERR "<3>"
#define KERN_WARN "<4>"
#define KERN_INFO "<6>"
#define KERN_DEBUG "<7>"

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);

/* Where console output goes before a console driver registers. */
typedef void (*early_putc_fn)(char c);
void printk_set_early_output(early_putc_fn putc);

/* Panic path: write straight to the console, no locks. */
void printk_emergency_mode(void);

#endif
