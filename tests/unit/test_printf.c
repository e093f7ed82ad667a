// SPDX-License-Identifier: GPL-2.0
/*
 * libs/printf.c against glibc's snprintf: a table of formats and values,
 * then random combinations of flags, width, precision, length and
 * conversion, each at several buffer sizes so that truncation is covered.
 * The Keel functions are built into this file under keel_* names.
 */
#include "unit.h"
#include <limits.h>
#include <string.h>

#define vsnprintf keel_vsnprintf
#define snprintf keel_snprintf
#include "../../libs/printf.c"
#undef vsnprintf
#undef snprintf

#define OUT_MAX 1024

static int mismatches;

static void report(const char *fmt, const char *why, size_t size,
		   const char *want, int want_len, const char *got, int got_len)
{
	if (++mismatches > 20)
		return;
	printf("  format \"%s\" size %zu: %s\n    libc [%.*s] (%d)\n"
	       "    keel [%.*s] (%d)\n",
	       fmt, size, why, want_len < 0 ? 0 : want_len, want, want_len,
	       got_len < 0 ? 0 : got_len, got, got_len);
}

static void check_size(const char *fmt, va_list ap, const char *want,
		       int want_len, size_t size, bool null_buf)
{
	static char out[OUT_MAX + 64];
	va_list c;
	int got_len;

	memset(out, 0x55, sizeof(out));
	va_copy(c, ap);
	got_len = keel_vsnprintf(null_buf ? NULL : out, size, fmt, c);
	va_end(c);
	if (got_len != want_len) {
		report(fmt, "return value differs", size, want, want_len, out,
		       got_len);
		return;
	}
	if (size) {
		size_t n =
			(size_t)want_len < size ? (size_t)want_len : size - 1;
		if (memcmp(out, want, n) || out[n] != '\0')
			report(fmt, "output differs", size, want, want_len, out,
			       (int)n);
	}
	for (size_t i = size; i < sizeof(out); i++) {
		if (out[i] != 0x55) {
			report(fmt, "wrote past the buffer", size, want,
			       want_len, out, (int)i);
			break;
		}
	}
}

struct sink_buf {
	char buf[OUT_MAX];
	size_t n;
};

static void sink(void *ctx, char c)
{
	struct sink_buf *s = ctx;

	if (s->n < sizeof(s->buf))
		s->buf[s->n] = c;
	s->n++;
}

/* Compare one format and its arguments at every interesting size. */
static void check_fmt(const char *fmt, ...)
{
	static char want[OUT_MAX];
	struct sink_buf sb = { .n = 0 };
	va_list ap, c;
	int want_len;

	va_start(ap, fmt);
	va_copy(c, ap);
	want_len = vsnprintf(want, sizeof(want), fmt, c);
	va_end(c);
	if (want_len < 0 || want_len >= OUT_MAX) {
		printf("  format \"%s\": test output too long\n", fmt);
		mismatches++;
		va_end(ap);
		return;
	}

	const size_t sizes[] = { 1,
				 2,
				 (size_t)want_len / 2,
				 (size_t)want_len,
				 (size_t)want_len + 1,
				 (size_t)want_len + 2,
				 OUT_MAX };
	check_size(fmt, ap, want, want_len, 0, true);
	check_size(fmt, ap, want, want_len, 0, false);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		if (sizes[i])
			check_size(fmt, ap, want, want_len, sizes[i], false);
	}

	va_copy(c, ap);
	int cb_len = vcbprintf(sink, &sb, fmt, c);
	va_end(c);
	if (cb_len != want_len || sb.n != (size_t)want_len ||
	    memcmp(sb.buf, want, sb.n))
		report(fmt, "vcbprintf differs", 0, want, want_len, sb.buf,
		       (int)sb.n);
	va_end(ap);
}

UNIT_TEST(plain_text_and_percent)
{
	mismatches = 0;
	check_fmt("");
	check_fmt("hello");
	check_fmt("%%");
	check_fmt("100%% sure %%%%");
	check_fmt("a\tb\nc");
	CHECK_EQ(mismatches, 0);
}

UNIT_TEST(signed_table)
{
	static const char *const fmts[] = {
		"%d",	     "%i",     "%5d",	    "%-5d",  "%05d",   "%+d",
		"% d",	     "%+5d",   "% 05d",	    "%+-5d", "%.0d",   "%.3d",
		"%8.3d",     "%-8.3d", "%08.3d",    "%+.3d", "%1d",    "%0d",
		"%-+ 08.4d", "[%3d]",  "%2d|%-2d|", "%.10d", "%+012d", "%0-12d",
	};
	static const int values[] = { 0,  1,	 -1,	 7,	  -7,
				      42, 12345, -12345, INT_MAX, INT_MIN };

	mismatches = 0;
	for (size_t f = 0; f < ARRAY_SIZE(fmts); f++) {
		for (size_t v = 0; v < ARRAY_SIZE(values); v++) {
			if (strstr(fmts[f], "|"))
				check_fmt(fmts[f], values[v], -values[v] / 2);
			else
				check_fmt(fmts[f], values[v]);
		}
	}
	CHECK_EQ(mismatches, 0);
}

UNIT_TEST(unsigned_table)
{
	static const char *const fmts[] = {
		"%u",	 "%x",	     "%X",     "%o",	  "%#x",   "%#X",
		"%#o",	 "%8x",	     "%-8x",   "%08x",	  "%#08x", "%#-8x",
		"%.0x",	 "%#.0x",    "%.0o",   "%#.0o",	  "%#.3o", "%#5o",
		"%#05o", "%.5u",     "%10.5x", "%#10.5x", "%+u",   "% u",
		"%+x",	 "%#010.4X", "%-#10o", "%#o",	  "%#1x",
	};
	static const unsigned int values[] = {
		0, 1, 7, 8, 9, 15, 16, 255, 0x1234abcd, UINT_MAX, 0x80000000u
	};

	mismatches = 0;
	for (size_t f = 0; f < ARRAY_SIZE(fmts); f++) {
		for (size_t v = 0; v < ARRAY_SIZE(values); v++)
			check_fmt(fmts[f], values[v]);
	}
	CHECK_EQ(mismatches, 0);
}

UNIT_TEST(length_modifiers)
{
	mismatches = 0;
	check_fmt("%hhd %hhu %hhx", 300, 300, -1);
	check_fmt("%hhd %hhd", 127, 128);
	check_fmt("%hd %hu %hx %ho", 70000, 70000, -1, -1);
	check_fmt("%hd %hd", -32768, 32767);
	check_fmt("%ld %lu %lx %lo", LONG_MIN, ULONG_MAX, ULONG_MAX, ULONG_MAX);
	check_fmt("%ld %li", LONG_MAX, -1L);
	check_fmt("%lld %llu %llx %llX %llo", LLONG_MIN, ULLONG_MAX,
		  0x123456789abcdefULL, 0xfedcba9876543210ULL, ULLONG_MAX);
	check_fmt("%zu %zx %zd", (size_t)-1, (size_t)0x1000, (ptrdiff_t)-5);
	check_fmt("%td %tx %tu", (ptrdiff_t)-77, (ptrdiff_t)0x7f,
		  (ptrdiff_t)-1);
	check_fmt("%jd %ju %jx", INTMAX_MIN, UINTMAX_MAX, (uintmax_t)0xabc);
	check_fmt("%#llo %#llx %+lld % lld", ULLONG_MAX, ULLONG_MAX, LLONG_MAX,
		  0LL);
	check_fmt("%30lld|%-30llu|%030llx", LLONG_MIN, ULLONG_MAX, 1ULL);
	check_fmt("%.25lld %.25llo", -1LL, ULLONG_MAX);
	CHECK_EQ(mismatches, 0);
}

UNIT_TEST(chars_and_strings)
{
	const char *null_str = NULL;

	mismatches = 0;
	check_fmt("%c", 'a');
	check_fmt("[%c]", 0);
	check_fmt("%c%c%c", 'x', 'y', 0x17f);
	check_fmt("%5c|%-5c|%05c", 'a', 'b', 'c');
	check_fmt("%s", "");
	check_fmt("%s", "hello");
	check_fmt("%10s|%-10s|", "hi", "there");
	check_fmt("%.2s|%.0s|%.10s", "hello", "hello", "hello");
	check_fmt("%8.3s|%-8.3s|", "abcdef", "abcdef");
	check_fmt("%05s|%+s|% s|%#s", "ab", "cd", "ef", "gh");
	check_fmt("%s", null_str);
	check_fmt("%10s|%-10s|", null_str, null_str);
	check_fmt("%.3s|%.6s|%.7s|", null_str, null_str, null_str);
	check_fmt("%*s|%-*s|%.*s", 6, "ab", 6, "cd", 1, "ef");
	/* Precision bounds the read: the array has no terminator. */
	static const char unterminated[4] = { 'w', 'x', 'y', 'z' };
	check_fmt("%.4s|%.2s", unterminated, unterminated);
	CHECK_EQ(mismatches, 0);
}

UNIT_TEST(pointers)
{
	int x;

	mismatches = 0;
	check_fmt("%p", (void *)0x1234);
	check_fmt("%p", (void *)&x);
	check_fmt("%p", (void *)0);
	check_fmt("%20p|%-20p|%020p", (void *)0xabc, (void *)0xabc,
		  (void *)0xabc);
	check_fmt("%.10p|%+p|% p|%#p", (void *)0xabc, (void *)0xabc,
		  (void *)0xabc, (void *)0xabc);
	check_fmt("%10p|%-10p|%010p|%.8p", (void *)0, (void *)0, (void *)0,
		  (void *)0);
	check_fmt("%p", (void *)UINTPTR_MAX);
	CHECK_EQ(mismatches, 0);
}

UNIT_TEST(star_width_and_precision)
{
	mismatches = 0;
	check_fmt("%*d", 5, 42);
	check_fmt("%*d", -5, 42);
	check_fmt("%-*d", -5, 42);
	check_fmt("%0*d", 5, 42);
	check_fmt("%.*d", 4, 42);
	check_fmt("%.*d", -4, 42);
	check_fmt("%.*d", 0, 0);
	check_fmt("%*.*x", 10, 6, 0xbeef);
	check_fmt("%0*.*x", -10, -6, 0xbeef);
	check_fmt("%*c|%-*c", 3, 'a', 3, 'b');
	check_fmt("%.d|%.x|%.o", 0, 0, 0);
	check_fmt("%.d|%5.d|", 1, 0);
	CHECK_EQ(mismatches, 0);
}

UNIT_TEST(mixed_long_format)
{
	mismatches = 0;
	check_fmt("cpu%u: mpidr %#llx, %s, %d%% %c [%-6s] %p %zu bytes", 3u,
		  0x80000003ULL, "online", 99, '!', "ok", (void *)0xffff0000,
		  (size_t)4096);
	check_fmt("%s=%08x %s=%08x %s=%08x", "x0", 0, "x1", 0xffffffffu, "sp",
		  0x40001000u);
	CHECK_EQ(mismatches, 0);
}

/* Documented departures from C: what glibc cannot be the oracle for. */
UNIT_TEST(unknown_conversions_verbatim)
{
	char buf[64];

	CHECK_EQ(keel_snprintf(buf, sizeof(buf), "a%%b"), 3);
	CHECK(!strcmp(buf, "a%b"));
	const char *fmt1 = "x%qy";
	CHECK_EQ(keel_snprintf(buf, sizeof(buf), fmt1), 4);
	CHECK(!strcmp(buf, "x%qy"));
	const char *fmt2 = "a%nb";
	CHECK_EQ(keel_snprintf(buf, sizeof(buf), fmt2), 4);
	CHECK(!strcmp(buf, "a%nb"));
	const char *fmt3 = "end%";
	CHECK_EQ(keel_snprintf(buf, sizeof(buf), fmt3), 4);
	CHECK(!strcmp(buf, "end%"));
	const char *fmt4 = "%-08.3lf|%d";
	CHECK_EQ(keel_snprintf(buf, sizeof(buf), fmt4, 7), 10);
	CHECK(!strcmp(buf, "%-08.3lf|7"));
}

UNIT_TEST(size_zero_and_truncation)
{
	char buf[8];

	CHECK_EQ(keel_snprintf(NULL, 0, "%d", 123456), 6);
	memset(buf, 'z', sizeof(buf));
	CHECK_EQ(keel_snprintf(buf, 0, "%d", 123456), 6);
	CHECK(buf[0] == 'z');
	CHECK_EQ(keel_snprintf(buf, 1, "%d", 123456), 6);
	CHECK(buf[0] == '\0' && buf[1] == 'z');
	CHECK_EQ(keel_snprintf(buf, 4, "%s", "abcdef"), 6);
	CHECK(!strcmp(buf, "abc") && buf[4] == 'z');
	CHECK_EQ(keel_snprintf(buf, sizeof(buf), "%s", "abcdefg"), 7);
	CHECK(!strcmp(buf, "abcdefg"));
	CHECK_EQ(keel_snprintf(buf, sizeof(buf), "%s", "abcdefgh"), 8);
	CHECK(!strcmp(buf, "abcdefg"));
}

static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;

static unsigned long long rnd64(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned int rnd(unsigned int n)
{
	return (unsigned int)(rnd64() % n);
}

static unsigned long long random_value(void)
{
	static const unsigned long long special[] = {
		0,
		1,
		-1ULL,
		0x7f,
		0x80,
		0xff,
		0x7fff,
		0x8000,
		0xffff,
		0x7fffffff,
		0x80000000,
		0xffffffff,
		0x7fffffffffffffffULL,
		0x8000000000000000ULL,
	};

	switch (rnd(3)) {
	case 0:
		return special[rnd(ARRAY_SIZE(special))];
	case 1:
		return rnd64() >> rnd(64);
	default:
		return -(rnd64() >> rnd(64));
	}
}

enum arg_type {
	A_INT,
	A_UINT,
	A_LONG,
	A_ULONG,
	A_LLONG,
	A_ULLONG,
	A_SIZE,
	A_PTRDIFF,
	A_INTMAX,
	A_UINTMAX,
	A_STR,
	A_PTR,
};

/* tail feeds a trailing "%d"; an unused extra argument is harmless. */
#define CALL_STARS(val)                                  \
	do {                                             \
		if (star_w && star_p)                    \
			check_fmt(fmt, w, p, val, tail); \
		else if (star_w)                         \
			check_fmt(fmt, w, val, tail);    \
		else if (star_p)                         \
			check_fmt(fmt, p, val, tail);    \
		else                                     \
			check_fmt(fmt, val, tail);       \
	} while (0)

UNIT_TEST(random_combinations)
{
	static const char *const strs[] = { "", "a", "hello", "0123456789abc",
					    NULL };
	static const char *const lengths[] = { "",   "hh", "h", "l",
					       "ll", "z",  "t", "j" };
	static const char convs[] = "diuxXocsp";
	char fmt[64];
	int cases = 0;

	mismatches = 0;
	for (int iter = 0; iter < 6000; iter++) {
		char conv = convs[rnd(sizeof(convs) - 1)];
		const char *len = "";
		bool star_w = false, star_p = false;
		int w = 0, p = 0;
		size_t n = 0;

		fmt[n++] = '%';
		for (int i = 0, nf = (int)rnd(4); i < nf; i++)
			fmt[n++] = "-0+ #"[rnd(5)];
		switch (rnd(4)) {
		case 0:
			break;
		case 1:
			n += (size_t)sprintf(fmt + n, "%u", rnd(30));
			break;
		case 2:
			star_w = true;
			w = (int)rnd(61) - 30;
			fmt[n++] = '*';
			break;
		default:
			n += (size_t)sprintf(fmt + n, "%u", rnd(200));
			break;
		}
		switch (rnd(4)) {
		case 0:
			break;
		case 1:
			fmt[n++] = '.';
			break;
		case 2:
			n += (size_t)sprintf(fmt + n, ".%u", rnd(30));
			break;
		default:
			star_p = true;
			p = (int)rnd(41) - 10;
			fmt[n++] = '.';
			fmt[n++] = '*';
			break;
		}
		/* Length modifiers apply to integer conversions only. */
		if (strchr("diuxXo", conv))
			len = lengths[rnd(ARRAY_SIZE(lengths))];
		n += (size_t)sprintf(fmt + n, "%s%c", len, conv);
		if (rnd(3) == 0)
			sprintf(fmt + n, "<%s>", rnd(2) ? "tail" : "%d");

		enum arg_type t;
		bool is_signed = conv == 'd' || conv == 'i';
		if (conv == 's')
			t = A_STR;
		else if (conv == 'p')
			t = A_PTR;
		else if (conv == 'c' || !strcmp(len, "") ||
			 !strcmp(len, "hh") || !strcmp(len, "h"))
			t = is_signed || conv == 'c' ? A_INT : A_UINT;
		else if (!strcmp(len, "l"))
			t = is_signed ? A_LONG : A_ULONG;
		else if (!strcmp(len, "ll"))
			t = is_signed ? A_LLONG : A_ULLONG;
		else if (!strcmp(len, "z"))
			t = A_SIZE;
		else if (!strcmp(len, "t"))
			t = A_PTRDIFF;
		else
			t = is_signed ? A_INTMAX : A_UINTMAX;

		unsigned long long v = random_value();
		int tail = (int)rnd(1000) - 500;
		switch (t) {
		case A_INT:
			CALL_STARS((int)v);
			break;
		case A_UINT:
			CALL_STARS((unsigned int)v);
			break;
		case A_LONG:
			CALL_STARS((long)v);
			break;
		case A_ULONG:
			CALL_STARS((unsigned long)v);
			break;
		case A_LLONG:
			CALL_STARS((long long)v);
			break;
		case A_ULLONG:
			CALL_STARS(v);
			break;
		case A_SIZE:
			CALL_STARS((size_t)v);
			break;
		case A_PTRDIFF:
			CALL_STARS((ptrdiff_t)v);
			break;
		case A_INTMAX:
			CALL_STARS((intmax_t)v);
			break;
		case A_UINTMAX:
			CALL_STARS((uintmax_t)v);
			break;
		case A_STR:
			CALL_STARS(strs[rnd(ARRAY_SIZE(strs))]);
			break;
		case A_PTR:
			CALL_STARS((void *)(uintptr_t)v);
			break;
		}
		cases++;
	}
	CHECK_EQ(cases, 6000);
	CHECK_EQ(mismatches, 0);
}

UNIT_MAIN()
