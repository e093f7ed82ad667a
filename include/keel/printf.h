/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Formatted printing (libs/printf.c): a C99 subset -- flags "-0+ #",
 * width and precision (also "*"), length modifiers hh h l ll z t j, and
 * conversions d i u x X o c s p %.  Returns what C99 snprintf returns.
 */
#ifndef KEEL_PRINTF_H
#define KEEL_PRINTF_H

#include <keel/types.h>

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/*
 * Format through a character sink: the same engine as vsnprintf, used by
 * the console printers so that they need no intermediate buffer.
 */
typedef void (*printf_sink_fn)(void *ctx, char c);
int vcbprintf(printf_sink_fn sink, void *ctx, const char *fmt, va_list ap);

#endif
