/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_PANIC_H
#define KEEL_PANIC_H

#include <keel/types.h>

/* Report an unrecoverable hypervisor bug, stop every CPU. */
void __noreturn panic(const char *fmt, ...) __printf(1, 2);

#define BUG_ON(cond)                                                          \
	do {                                                                  \
		if (unlikely(cond))                                           \
			panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); \
	} while (0)

#endif
