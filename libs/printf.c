// SPDX-License-Identifier: GPL-2.0
/*
 * The formatting engine behind every Keel printer. Where C99 leaves a
 * combination undefined (a "0" flag on %s, "+" on %p, a NULL %s) the output
 * follows glibc, so that the host unit tests can use glibc as the oracle
 * and messages look the same in Keel as in host tools.
 */
#include <keel/printf.h>
#include <keel/string.h>

enum {
	F_LEFT = 1 << 0, /* '-' */
	F_ZERO = 1 << 1, /* '0' */
	F_PLUS = 1 << 2, /* '+' */
	F_SPACE = 1 << 3, /* ' ' */
	F_ALT = 1 << 4, /* '#' */
};

enum length {
	LEN_NONE,
	LEN_HH,
	LEN_H,
	LEN_L,
	LEN_LL,
	LEN_Z,
	LEN_T,
	LEN_J,
};

struct spec {
	unsigned int flags;
	int width;
	int prec; /* < 0: none given */
	enum length len;
	char conv;
};

struct out {
	printf_sink_fn sink;
	void *ctx;
	size_t count;
};

/* Widths and precisions beyond this are clamped rather than overflowing. */
#define FIELD_MAX 0x7fffffff

static void put(struct out *o, char c)
{
	o->sink(o->ctx, c);
	o->count++;
}

static void put_n(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_str(struct out *o, const char *s, size_t n)
{
	while (n--)
		put(o, *s++);
}

static s64 fetch_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_Z:
		return (ptrdiff_t)va_arg(*ap, size_t);
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, intmax_t);
	default:
		return va_arg(*ap, int);
	}
}

static u64 fetch_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
		return va_arg(*ap, size_t);
	case LEN_T:
		return (size_t)va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, uintmax_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/*
 * Lay out [padding][sign][prefix][zeros][digits][padding]: the one shape
 * shared by every integer conversion, %p included.
 */
static void put_number(struct out *o, const struct spec *sp, u64 v,
		       unsigned int base, char sign, const char *prefix)
{
	const char *digit_chars =
		sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	char digits[24]; /* 22 octal digits hold 64 bits */
	int ndigits = 0;

	for (; v; v /= base)
		digits[ndigits++] = digit_chars[v % base];
	int prec = sp->prec < 0 ? 1 : sp->prec;
	int zeros = prec > ndigits ? prec - ndigits : 0;
	/* "#o" makes the first digit a zero, without adding a second one. */
	if (sp->conv == 'o' && (sp->flags & F_ALT) && !zeros)
		zeros = 1;

	size_t plen = strlen(prefix);
	long len = (sign ? 1 : 0) + (long)plen + zeros + ndigits;
	int fill = sp->width > len ? (int)(sp->width - len) : 0;

	if (!(sp->flags & F_LEFT) && !((sp->flags & F_ZERO) && sp->prec < 0)) {
		put_n(o, ' ', fill);
		fill = 0;
	}
	if (sign)
		put(o, sign);
	put_str(o, prefix, plen);
	if (!(sp->flags & F_LEFT)) {
		/* Only a zero-padded field gets here with fill left over. */
		put_n(o, '0', fill);
		fill = 0;
	}
	put_n(o, '0', zeros);
	while (ndigits)
		put(o, digits[--ndigits]);
	put_n(o, ' ', fill);
}

/* Strings and characters pad with blanks whatever the flags say. */
static void put_padded(struct out *o, const struct spec *sp, const char *s,
		       size_t n)
{
	int fill = (size_t)sp->width > n ? (int)(sp->width - (int)n) : 0;

	if (!(sp->flags & F_LEFT))
		put_n(o, ' ', fill);
	put_str(o, s, n);
	if (sp->flags & F_LEFT)
		put_n(o, ' ', fill);
}

static char sign_for(const struct spec *sp, bool negative)
{
	if (negative)
		return '-';
	if (sp->flags & F_PLUS)
		return '+';
	if (sp->flags & F_SPACE)
		return ' ';
	return 0;
}

static int parse_int(const char **p)
{
	int v = 0;

	while (**p >= '0' && **p <= '9') {
		int d = *(*p)++ - '0';
		v = v > (FIELD_MAX - d) / 10 ? FIELD_MAX : v * 10 + d;
	}
	return v;
}

static const char *parse_spec(const char *p, struct spec *sp, va_list *ap)
{
	sp->flags = 0;
	sp->width = 0;
	sp->prec = -1;
	sp->len = LEN_NONE;

	for (;; p++) {
		if (*p == '-')
			sp->flags |= F_LEFT;
		else if (*p == '0')
			sp->flags |= F_ZERO;
		else if (*p == '+')
			sp->flags |= F_PLUS;
		else if (*p == ' ')
			sp->flags |= F_SPACE;
		else if (*p == '#')
			sp->flags |= F_ALT;
		else
			break;
	}

	if (*p == '*') {
		int w = va_arg(*ap, int);
		p++;
		if (w < 0) {
			sp->flags |= F_LEFT;
			w = w < -FIELD_MAX ? FIELD_MAX : -w;
		}
		sp->width = w;
	} else {
		sp->width = parse_int(&p);
	}

	if (*p == '.') {
		p++;
		if (*p == '*') {
			int pr = va_arg(*ap, int);
			p++;
			sp->prec = pr < 0 ? -1 : pr;
		} else {
			sp->prec = parse_int(&p);
		}
	}

	switch (*p) {
	case 'h':
		p++;
		sp->len = LEN_H;
		if (*p == 'h') {
			p++;
			sp->len = LEN_HH;
		}
		break;
	case 'l':
		p++;
		sp->len = LEN_L;
		if (*p == 'l') {
			p++;
			sp->len = LEN_LL;
		}
		break;
	case 'z':
		p++;
		sp->len = LEN_Z;
		break;
	case 't':
		p++;
		sp->len = LEN_T;
		break;
	case 'j':
		p++;
		sp->len = LEN_J;
		break;
	default:
		break;
	}

	sp->conv = *p;
	return p;
}

static void convert(struct out *o, const struct spec *sp, va_list *ap)
{
	switch (sp->conv) {
	case 'd':
	case 'i': {
		s64 v = fetch_signed(ap, sp->len);
		u64 mag = v < 0 ? 0 - (u64)v : (u64)v;
		put_number(o, sp, mag, 10, sign_for(sp, v < 0), "");
		break;
	}
	case 'u':
		put_number(o, sp, fetch_unsigned(ap, sp->len), 10, 0, "");
		break;
	case 'o':
		put_number(o, sp, fetch_unsigned(ap, sp->len), 8, 0, "");
		break;
	case 'x':
	case 'X': {
		u64 v = fetch_unsigned(ap, sp->len);
		const char *prefix = "";
		if ((sp->flags & F_ALT) && v)
			prefix = sp->conv == 'x' ? "0x" : "0X";
		put_number(o, sp, v, 16, 0, prefix);
		break;
	}
	case 'p': {
		uintptr_t v = (uintptr_t)va_arg(*ap, void *);
		if (!v)
			put_padded(o, sp, "(nil)", 5);
		else
			put_number(o, sp, v, 16, sign_for(sp, false), "0x");
		break;
	}
	case 'c': {
		char c = (char)va_arg(*ap, int);
		put_padded(o, sp, &c, 1);
		break;
	}
	case 's': {
		const char *s = va_arg(*ap, const char *);
		size_t n;
		if (!s) {
			/* A cut-down "(null)" would look like real data. */
			s = sp->prec < 0 || sp->prec >= 6 ? "(null)" : "";
			n = strlen(s);
		} else if (sp->prec >= 0) {
			n = strnlen(s, (size_t)sp->prec);
		} else {
			n = strlen(s);
		}
		put_padded(o, sp, s, n);
		break;
	}
	default:
		break;
	}
}

int vcbprintf(printf_sink_fn sink, void *ctx, const char *fmt, va_list ap)
{
	struct out o = { sink, ctx, 0 };
	struct spec sp;
	va_list args;

	/* A copy, so that helpers can share it through a pointer. */
	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		const char *start = fmt;
		fmt = parse_spec(fmt + 1, &sp, &args);
		switch (sp.conv) {
		case 'd':
		case 'i':
		case 'u':
		case 'o':
		case 'x':
		case 'X':
		case 'p':
		case 'c':
		case 's':
			convert(&o, &sp, &args);
			fmt++;
			break;
		case '%':
			put(&o, '%');
			fmt++;
			break;
		case '\0':
			/* A lone '%' at the end is printed as it stands. */
			put_str(&o, start, (size_t)(fmt - start));
			break;
		default:
			/* Unknown conversions (%n, %f...) show up verbatim. */
			fmt++;
			put_str(&o, start, (size_t)(fmt - start));
			break;
		}
	}
	va_end(args);
	return o.count > FIELD_MAX ? -1 : (int)o.count;
}

struct buf_ctx {
	char *buf;
	size_t size;
	size_t pos;
};

static void buf_sink(void *ctx, char c)
{
	struct buf_ctx *b = ctx;

	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_ctx b = { buf, size, 0 };
	int ret = vcbprintf(buf_sink, &b, fmt, ap);

	if (size)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return ret;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return ret;
}
