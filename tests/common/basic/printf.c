// SPDX-License-Identifier: GPL-2.0
/*
 * A tiny printf: %d %i %u %x %X %c %s %p %% with the flags '-' and '0', a
 * field width, and the length modifiers hh, h, l, ll and z. One formatter
 * writes through a sink so that the console and snprintf share it.
 */
#include "basic.h"

struct sink {
	void (*put)(struct sink *s, char c);
	char *buf;
	size_t size;
	size_t len;
};

static void put_console(struct sink *s, char c)
{
	/* Terminals want CR LF; tests match lines either way. */
	if (c == '\n')
		arch_putc('\r');
	arch_putc(c);
	s->len++;
}

static void put_buffer(struct sink *s, char c)
{
	if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static void emit_padded(struct sink *s, const char *str, size_t n,
			unsigned int width, bool left, char pad)
{
	size_t fill = width > n ? width - n : 0;

	if (!left) {
		for (; fill; fill--)
			s->put(s, pad);
	}
	while (n--)
		s->put(s, *str++);
	for (; fill; fill--)
		s->put(s, ' ');
}

static void emit_number(struct sink *s, uint64_t v, bool neg, unsigned int base,
			bool upper, unsigned int width, bool left, bool zero)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	size_t n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = digits[v % base];
		v /= base;
	} while (v);

	if (neg) {
		/* The sign goes before zero padding, after space padding. */
		if (zero) {
			s->put(s, '-');
			if (width)
				width--;
		} else {
			tmp[sizeof(tmp) - 1 - n++] = '-';
		}
	}
	emit_padded(s, tmp + sizeof(tmp) - n, n, width, left,
		    zero && !left ? '0' : ' ');
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		bool left = false, zero = false, upper = false;
		unsigned int width = 0, lng = 0, base = 10;
		bool is_signed = false;
		uint64_t v;

		if (*fmt != '%') {
			s->put(s, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				zero = true;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		for (;; fmt++) {
			if (*fmt == 'l' || *fmt == 'z')
				lng++;
			else if (*fmt != 'h')
				break;
		}

		switch (*fmt) {
		case '\0':
			return;
		case 'c': {
			char c = (char)va_arg(ap, int);

			emit_padded(s, &c, 1, width, left, ' ');
			continue;
		}
		case 's': {
			const char *str = va_arg(ap, const char *);

			if (!str)
				str = "(null)";
			emit_padded(s, str, strlen(str), width, left, ' ');
			continue;
		}
		case 'p':
			s->put(s, '0');
			s->put(s, 'x');
			emit_number(s, (uintptr_t)va_arg(ap, void *), false, 16,
				    false, width, left, zero);
			continue;
		case 'd':
		case 'i':
			is_signed = true;
			break;
		case 'u':
			break;
		case 'X':
			upper = true;
			base = 16;
			break;
		case 'x':
			base = 16;
			break;
		default:
			s->put(s, *fmt);
			continue;
		}

		if (is_signed) {
			int64_t sv = lng ? va_arg(ap, long) : va_arg(ap, int);

			v = sv < 0 ? (uint64_t)0 - (uint64_t)sv : (uint64_t)sv;
			emit_number(s, v, sv < 0, base, upper, width, left,
				    zero);
		} else {
			v = lng ? va_arg(ap, unsigned long) :
				  va_arg(ap, unsigned int);
			emit_number(s, v, false, base, upper, width, left,
				    zero);
		}
	}
}

int vprintf(const char *fmt, va_list ap)
{
	struct sink s = { .put = put_console };

	format(&s, fmt, ap);
	return (int)s.len;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { .put = put_buffer, .buf = buf, .size = size };

	format(&s, fmt, ap);
	if (size)
		buf[s.len < size ? s.len : size - 1] = '\0';
	return (int)s.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void puts_raw(const char *s)
{
	struct sink k = { .put = put_console };

	while (*s)
		k.put(&k, *s++);
}
