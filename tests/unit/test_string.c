// SPDX-License-Identifier: GPL-2.0
/*
 * libs/string.c against glibc. The Keel functions are built into this file
 * under keel_* names so that both sets can be called side by side.
 */
#include "unit.h"
#include <string.h>

#define memcpy keel_memcpy
#define memmove keel_memmove
#define memset keel_memset
#define memcmp keel_memcmp
#define memchr keel_memchr
#define strlen keel_strlen
#define strnlen keel_strnlen
#define strcmp keel_strcmp
#define strncmp keel_strncmp
#define strchr keel_strchr
#define strrchr keel_strrchr
#define strlcpy keel_strlcpy
#define strlcat keel_strlcat
#define strstr keel_strstr
#include "../../libs/string.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strrchr
#undef strlcpy
#undef strlcat
#undef strstr

#define BUF 512

static unsigned int rng_state = 12345;

static unsigned int rnd(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

static void fill_random(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)rnd();
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* Lengths that cross the word loops' thresholds on either side. */
static const size_t lengths[] = { 0,  1,  2,  3,  4,  5,   6,	7,   8,	  9,
				  10, 15, 16, 17, 23, 24,  25,	31,  32,  33,
				  39, 40, 41, 47, 48, 49,  63,	64,  65,  71,
				  72, 73, 95, 96, 97, 127, 128, 129, 200, 255 };

UNIT_TEST(memcpy_every_alignment)
{
	static unsigned char src[BUF], dst[BUF], ref[BUF];
	int bad = 0;

	fill_random(src, sizeof(src));
	for (size_t so = 0; so < 16; so++) {
		for (size_t d_off = 0; d_off < 16; d_off++) {
			for (size_t li = 0; li < ARRAY_SIZE(lengths); li++) {
				size_t n = lengths[li];
				fill_random(dst, sizeof(dst));
				memcpy(ref, dst, sizeof(dst));
				void *r = keel_memcpy(dst + 64 + d_off,
						      src + 64 + so, n);
				memcpy(ref + 64 + d_off, src + 64 + so, n);
				if (r != dst + 64 + d_off ||
				    memcmp(dst, ref, sizeof(dst)))
					bad++;
			}
		}
	}
	CHECK_EQ(bad, 0);
}

UNIT_TEST(memmove_every_alignment_and_overlap)
{
	static unsigned char buf[BUF], ref[BUF];
	int bad = 0;

	for (int so = 0; so < 16; so++) {
		for (int delta = -40; delta <= 40; delta++) {
			for (size_t li = 0; li < ARRAY_SIZE(lengths); li++) {
				size_t n = lengths[li];
				unsigned char *s = buf + 128 + so;
				unsigned char *d = s + delta;
				fill_random(buf, sizeof(buf));
				memcpy(ref, buf, sizeof(buf));
				void *r = keel_memmove(d, s, n);
				memmove(ref + (d - buf), ref + (s - buf), n);
				if (r != d || memcmp(buf, ref, sizeof(buf)))
					bad++;
			}
		}
	}
	CHECK_EQ(bad, 0);
}

UNIT_TEST(memmove_far_apart)
{
	static unsigned char buf[4096], ref[4096];

	fill_random(buf, sizeof(buf));
	memcpy(ref, buf, sizeof(buf));
	keel_memmove(buf + 1000, buf + 8, 2000);
	memmove(ref + 1000, ref + 8, 2000);
	CHECK(!memcmp(buf, ref, sizeof(buf)));
	keel_memmove(buf + 3, buf + 2000, 2000);
	memmove(ref + 3, ref + 2000, 2000);
	CHECK(!memcmp(buf, ref, sizeof(buf)));
	CHECK(keel_memmove(buf, buf, 100) == buf);
	CHECK(keel_memmove(buf + 5, buf, 0) == buf + 5);
}

UNIT_TEST(memset_every_alignment)
{
	static unsigned char buf[BUF], ref[BUF];
	static const int values[] = { 0,    1,	   0x5a, 0x7f, 0x80,
				      0xff, 0x1ab, -1,	 -128 };
	int bad = 0;

	for (size_t off = 0; off < 16; off++) {
		for (size_t li = 0; li < ARRAY_SIZE(lengths); li++) {
			for (size_t vi = 0; vi < ARRAY_SIZE(values); vi++) {
				size_t n = lengths[li];
				fill_random(buf, sizeof(buf));
				memcpy(ref, buf, sizeof(buf));
				void *r = keel_memset(buf + 64 + off,
						      values[vi], n);
				memset(ref + 64 + off, values[vi], n);
				if (r != buf + 64 + off ||
				    memcmp(buf, ref, sizeof(buf)))
					bad++;
			}
		}
	}
	CHECK_EQ(bad, 0);
}

UNIT_TEST(memcmp_every_alignment)
{
	static unsigned char a[BUF], b[BUF];
	int bad = 0;

	fill_random(a, sizeof(a));
	for (size_t ao = 0; ao < 16; ao++) {
		for (size_t bo = 0; bo < 16; bo++) {
			for (size_t n = 0; n <= 48; n++) {
				unsigned char *pa = a + 64 + ao;
				unsigned char *pb = b + 64 + bo;
				memcpy(pb, pa, n);
				if (keel_memcmp(pa, pb, n) != 0)
					bad++;
				for (size_t i = 0; i < n; i++) {
					unsigned char keep = pb[i];
					pb[i] = (unsigned char)(pa[i] + 1 +
								rnd() % 255);
					if (sign(keel_memcmp(pa, pb, n)) !=
						    sign(memcmp(pa, pb, n)) ||
					    sign(keel_memcmp(pb, pa, n)) !=
						    sign(memcmp(pb, pa, n)))
						bad++;
					/* Bytes past n never count. */
					if (keel_memcmp(pa, pb, i) != 0)
						bad++;
					pb[i] = keep;
				}
			}
		}
	}
	CHECK_EQ(bad, 0);
}

UNIT_TEST(memcmp_bytes_are_unsigned)
{
	unsigned char x[32] = { 0 }, y[32] = { 0 };

	x[20] = 0x80;
	y[20] = 0x7f;
	CHECK(keel_memcmp(x, y, 32) > 0);
	CHECK(keel_memcmp(y, x, 32) < 0);
	CHECK(keel_memcmp(x, y, 20) == 0);
	CHECK(keel_memcmp(x, y, 0) == 0);
}

UNIT_TEST(memchr_finds_first)
{
	unsigned char buf[100];

	for (int i = 0; i < 100; i++)
		buf[i] = (unsigned char)i;
	buf[70] = 0xee;
	buf[80] = 0xee;
	CHECK(keel_memchr(buf, 0xee, 100) == buf + 70);
	CHECK(keel_memchr(buf, 0xee + 0x100, 100) == buf + 70);
	CHECK(keel_memchr(buf, 0xee, 70) == NULL);
	CHECK(keel_memchr(buf, 0, 100) == buf);
	CHECK(keel_memchr(buf + 1, 0, 99) == NULL);
	CHECK(keel_memchr(buf, 5, 0) == NULL);
}

UNIT_TEST(strlen_and_strnlen)
{
	char buf[128];

	for (size_t off = 0; off < 16; off++) {
		for (size_t len = 0; len < 64; len++) {
			memset(buf, 'a', sizeof(buf));
			buf[off + len] = '\0';
			CHECK_EQ(keel_strlen(buf + off), len);
			CHECK_EQ(keel_strnlen(buf + off, len), len);
			CHECK_EQ(keel_strnlen(buf + off, len + 5), len);
			if (len)
				CHECK_EQ(keel_strnlen(buf + off, len - 1),
					 len - 1);
			CHECK_EQ(keel_strnlen(buf + off, 0), 0);
		}
	}
}

static const char *const strings[] = {
	"",	 "a",		"b",	 "ab",	      "abc",	   "abd",
	"abcd",	 "ABC",		"\x80",	 "\x7f",      "a\xff",	   "a\x01",
	"hello", "hello world", "hellp", "zzzzzzzzz", "zzzzzzzzy",
};

UNIT_TEST(strcmp_and_strncmp_match_libc)
{
	for (size_t i = 0; i < ARRAY_SIZE(strings); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(strings); j++) {
			const char *a = strings[i], *b = strings[j];
			CHECK_EQ(sign(keel_strcmp(a, b)), sign(strcmp(a, b)));
			for (size_t n = 0; n < 14; n++)
				CHECK_EQ(sign(keel_strncmp(a, b, n)),
					 sign(strncmp(a, b, n)));
		}
	}
}

UNIT_TEST(strchr_and_strrchr_match_libc)
{
	static const int chars[] = { 'a', 'b', 'l', 'o', 'z', 0, 0x80, 0xff };

	for (size_t i = 0; i < ARRAY_SIZE(strings); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(chars); j++) {
			const char *s = strings[i];
			CHECK(keel_strchr(s, chars[j]) == strchr(s, chars[j]));
			CHECK(keel_strrchr(s, chars[j]) ==
			      strrchr(s, chars[j]));
		}
	}
	const char *s = "abcabc";
	CHECK(keel_strchr(s, 'c') == s + 2);
	CHECK(keel_strrchr(s, 'c') == s + 5);
	CHECK(keel_strchr(s, '\0') == s + 6);
	CHECK(keel_strrchr(s, '\0') == s + 6);
	/* Like C's, the character is the int converted to char. */
	CHECK(keel_strchr(s, 'b' + 0x100) == s + 1);
	CHECK(keel_strrchr(s, 'b' - 0x100) == s + 4);
}

UNIT_TEST(strstr_matches_libc)
{
	static const char *const hay[] = {
		"", "a", "aaab", "abcabd", "hello world", "mississippi"
	};
	static const char *const needles[] = { "",	"a",	  "b",	"ab",
					       "abd",	"aab",	  "ss", "issip",
					       "world", "worlds", "x" };

	for (size_t i = 0; i < ARRAY_SIZE(hay); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(needles); j++)
			CHECK(keel_strstr(hay[i], needles[j]) ==
			      strstr(hay[i], needles[j]));
	}
}

/* BSD semantics, written out plainly as the reference. */
static size_t ref_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len >= size ? size - 1 : len;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

static size_t ref_strlcat(char *dst, const char *src, size_t size)
{
	size_t dlen = 0;

	while (dlen < size && dst[dlen])
		dlen++;
	if (dlen == size)
		return size + strlen(src);
	return dlen + ref_strlcpy(dst + dlen, src, size - dlen);
}

UNIT_TEST(strlcpy_and_strlcat)
{
	static const char *const srcs[] = { "", "x", "hello", "0123456789" };
	char a[32], b[32];

	for (size_t i = 0; i < ARRAY_SIZE(srcs); i++) {
		for (size_t size = 0; size < 14; size++) {
			memset(a, '#', sizeof(a));
			memset(b, '#', sizeof(b));
			CHECK_EQ(keel_strlcpy(a, srcs[i], size),
				 ref_strlcpy(b, srcs[i], size));
			CHECK(!memcmp(a, b, sizeof(a)));
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(srcs); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(srcs); j++) {
			for (size_t size = 0; size < 24; size++) {
				memset(a, '#', sizeof(a));
				strcpy(a, srcs[i]);
				memcpy(b, a, sizeof(a));
				CHECK_EQ(keel_strlcat(a, srcs[j], size),
					 ref_strlcat(b, srcs[j], size));
				CHECK(!memcmp(a, b, sizeof(a)));
			}
		}
	}
	/* No terminator within size: nothing is written. */
	memset(a, 'q', sizeof(a));
	CHECK_EQ(keel_strlcat(a, "abc", 4), 7);
	CHECK(a[4] == 'q' && a[3] == 'q');
}

struct u64_case {
	const char *s;
	unsigned int base;
	int err;
	u64 v;
};

static const struct u64_case u64_cases[] = {
	{ "0", 0, 0, 0 },
	{ "0", 10, 0, 0 },
	{ "00", 0, 0, 0 },
	{ "7", 0, 0, 7 },
	{ "42", 0, 0, 42 },
	{ "42", 10, 0, 42 },
	{ "42", 16, 0, 0x42 },
	{ "010", 0, 0, 8 },
	{ "010", 10, 0, 10 },
	{ "09", 0, -EINVAL, 0 },
	{ "0x1f", 0, 0, 0x1f },
	{ "0X1F", 0, 0, 0x1f },
	{ "0x1f", 16, 0, 0x1f },
	{ "1f", 16, 0, 0x1f },
	{ "DeadBeef", 16, 0, 0xdeadbeef },
	{ "0x1f", 10, -EINVAL, 0 },
	{ "1f", 10, -EINVAL, 0 },
	{ "0x", 0, -EINVAL, 0 },
	{ "0x", 16, -EINVAL, 0 },
	{ "", 0, -EINVAL, 0 },
	{ "", 10, -EINVAL, 0 },
	{ " 1", 10, -EINVAL, 0 },
	{ "1 ", 10, -EINVAL, 0 },
	{ "-1", 10, -EINVAL, 0 },
	{ "+1", 10, -EINVAL, 0 },
	{ "12a", 10, -EINVAL, 0 },
	{ "0xg", 0, -EINVAL, 0 },
	{ "101", 2, 0, 5 },
	{ "102", 2, -EINVAL, 0 },
	{ "zz", 36, 0, 36 * 35 + 35 },
	{ "1", 1, -EINVAL, 0 },
	{ "1", 37, -EINVAL, 0 },
	{ "18446744073709551615", 10, 0, 18446744073709551615ULL },
	{ "18446744073709551615", 0, 0, 18446744073709551615ULL },
	{ "18446744073709551616", 10, -ERANGE, 0 },
	{ "18446744073709551620", 10, -ERANGE, 0 },
	{ "99999999999999999999", 10, -ERANGE, 0 },
	{ "184467440737095516150", 10, -ERANGE, 0 },
	{ "0xffffffffffffffff", 0, 0, 0xffffffffffffffffULL },
	{ "ffffffffffffffff", 16, 0, 0xffffffffffffffffULL },
	{ "0x10000000000000000", 0, -ERANGE, 0 },
	{ "01777777777777777777777", 0, 0, 0xffffffffffffffffULL },
	{ "02000000000000000000000", 0, -ERANGE, 0 },
	{ "00000000000000000000000000000042", 10, 0, 42 },
	{ "0x00000000000000000000000000000042", 0, 0, 0x42 },
	/* Bad syntax is reported before range. */
	{ "99999999999999999999x", 10, -EINVAL, 0 },
};

UNIT_TEST(str_to_u64_cases)
{
	for (size_t i = 0; i < ARRAY_SIZE(u64_cases); i++) {
		const struct u64_case *c = &u64_cases[i];
		u64 v = 0xabababab;
		int err = str_to_u64(c->s, c->base, &v);
		if (err != c->err)
			printf("  \"%s\" base %u: %d, not %d\n", c->s, c->base,
			       err, c->err);
		CHECK_EQ(err, c->err);
		if (!c->err)
			CHECK(v == c->v);
		else
			CHECK(v == 0xabababab); /* untouched on error */
	}
	u64 v;
	CHECK_EQ(str_to_u64(NULL, 0, &v), -EINVAL);
}

UNIT_TEST(str_to_u64_matches_strtoull)
{
	char buf[32];

	for (int i = 0; i < 20000; i++) {
		u64 x = ((u64)rnd() << 40) ^ ((u64)rnd() << 20) ^ rnd();
		x >>= rnd() % 64;
		u64 v;
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)x);
		CHECK(!str_to_u64(buf, 10, &v) && v == x);
		snprintf(buf, sizeof(buf), "%#llx", (unsigned long long)x);
		CHECK(!str_to_u64(buf, 0, &v) && v == x);
		snprintf(buf, sizeof(buf), "%llx", (unsigned long long)x);
		CHECK(!str_to_u64(buf, 16, &v) && v == x);
		CHECK(strtoull(buf, NULL, 16) == x);
	}
}

struct s64_case {
	const char *s;
	unsigned int base;
	int err;
	s64 v;
};

static const struct s64_case s64_cases[] = {
	{ "0", 0, 0, 0 },
	{ "-0", 0, 0, 0 },
	{ "+0", 0, 0, 0 },
	{ "5", 10, 0, 5 },
	{ "+5", 10, 0, 5 },
	{ "-5", 10, 0, -5 },
	{ "-0x10", 0, 0, -16 },
	{ "-010", 0, 0, -8 },
	{ "9223372036854775807", 10, 0, INT64_MAX },
	{ "9223372036854775808", 10, -ERANGE, 0 },
	{ "-9223372036854775808", 10, 0, INT64_MIN },
	{ "-9223372036854775809", 10, -ERANGE, 0 },
	{ "-0x8000000000000000", 0, 0, INT64_MIN },
	{ "0x8000000000000000", 0, -ERANGE, 0 },
	{ "-18446744073709551616", 10, -ERANGE, 0 },
	{ "-", 10, -EINVAL, 0 },
	{ "+", 10, -EINVAL, 0 },
	{ "--1", 10, -EINVAL, 0 },
	{ "-+1", 10, -EINVAL, 0 },
	{ "- 1", 10, -EINVAL, 0 },
	{ "", 10, -EINVAL, 0 },
	{ "1-", 10, -EINVAL, 0 },
};

UNIT_TEST(str_to_s64_cases)
{
	for (size_t i = 0; i < ARRAY_SIZE(s64_cases); i++) {
		const struct s64_case *c = &s64_cases[i];
		s64 v = 77;
		int err = str_to_s64(c->s, c->base, &v);
		if (err != c->err)
			printf("  \"%s\" base %u: %d, not %d\n", c->s, c->base,
			       err, c->err);
		CHECK_EQ(err, c->err);
		CHECK(v == (c->err ? 77 : c->v));
	}
}

UNIT_TEST(strerror_names)
{
	CHECK(!strcmp(error_name(ENOMEM), "ENOMEM"));
	CHECK(!strcmp(error_name(-ENOMEM), "ENOMEM"));
	CHECK(!strcmp(error_name(-EINVAL), "EINVAL"));
	CHECK(!strcmp(error_name(ETIMEDOUT), "ETIMEDOUT"));
	CHECK(!strcmp(error_name(0), "OK"));
	CHECK(!strcmp(error_name(9999), "EUNKNOWN"));
	CHECK(!strcmp(error_name(INT32_MIN), "EUNKNOWN"));
	static const int codes[] = {
		EPERM,	 ENOENT,  EIO,	     E2BIG,	EAGAIN,	   ENOMEM,
		EFAULT,	 EBUSY,	  EEXIST,    ENODEV,	EINVAL,	   ENOSPC,
		EROFS,	 ERANGE,  ENOSYS,    ENOTEMPTY, ENODATA,   EOVERFLOW,
		EBADMSG, ENOTSUP, ETIMEDOUT, EALREADY,	ECANCELED, ENETDOWN
	};
	/* Every code has its own name. */
	for (size_t i = 0; i < ARRAY_SIZE(codes); i++) {
		const char *n = error_name(codes[i]);
		CHECK(n[0] == 'E' && strcmp(n, "EUNKNOWN"));
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(n, error_name(codes[j])));
	}
}

UNIT_MAIN()
