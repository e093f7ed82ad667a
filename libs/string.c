// SPDX-License-Identifier: GPL-2.0
/*
 * Freestanding memory and string functions.
 *
 * The memory functions move whole words when both pointers share the same
 * alignment within a word, and fall back to bytes otherwise. They never
 * make an unaligned access: before the MMU is on, arm64 treats all memory
 * as Device memory, where unaligned accesses fault, and early boot code
 * clears and copies memory with these very functions.
 */
#include <keel/string.h>
#include <keel/errno.h>

/*
 * GCC turns byte loops into calls to memcpy/memset, which inside memcpy
 * and memset themselves would recurse forever; -fno-builtin does not stop
 * that transformation, this attribute does.
 */
#if defined(__GNUC__) && !defined(__clang__)
#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define NO_LIBCALL
#endif

/* Word accesses to memory of any declared type must not break aliasing. */
typedef unsigned long __attribute__((may_alias)) word_t;

#define WSIZE sizeof(word_t)
#define WMASK (WSIZE - 1)

static inline bool same_word_offset(const void *a, const void *b)
{
	return (((uintptr_t)a ^ (uintptr_t)b) & WMASK) == 0;
}

static NO_LIBCALL void copy_forward(unsigned char *d, const unsigned char *s,
				    size_t n)
{
	if (n >= 2 * WSIZE && same_word_offset(d, s)) {
		while ((uintptr_t)d & WMASK) {
			*d++ = *s++;
			n--;
		}
		word_t *dw = (word_t *)d;
		const word_t *sw = (const word_t *)s;
		while (n >= 4 * WSIZE) {
			word_t w0 = sw[0], w1 = sw[1], w2 = sw[2], w3 = sw[3];
			dw[0] = w0;
			dw[1] = w1;
			dw[2] = w2;
			dw[3] = w3;
			dw += 4;
			sw += 4;
			n -= 4 * WSIZE;
		}
		while (n >= WSIZE) {
			*dw++ = *sw++;
			n -= WSIZE;
		}
		d = (unsigned char *)dw;
		s = (const unsigned char *)sw;
	}
	while (n--)
		*d++ = *s++;
}

/* d and s point one past the end of the regions. */
static NO_LIBCALL void copy_backward(unsigned char *d, const unsigned char *s,
				     size_t n)
{
	if (n >= 2 * WSIZE && same_word_offset(d, s)) {
		while ((uintptr_t)d & WMASK) {
			*--d = *--s;
			n--;
		}
		word_t *dw = (word_t *)d;
		const word_t *sw = (const word_t *)s;
		while (n >= 4 * WSIZE) {
			word_t w3 = sw[-1], w2 = sw[-2], w1 = sw[-3],
			       w0 = sw[-4];
			dw[-1] = w3;
			dw[-2] = w2;
			dw[-3] = w1;
			dw[-4] = w0;
			dw -= 4;
			sw -= 4;
			n -= 4 * WSIZE;
		}
		while (n >= WSIZE) {
			*--dw = *--sw;
			n -= WSIZE;
		}
		d = (unsigned char *)dw;
		s = (const unsigned char *)sw;
	}
	while (n--)
		*--d = *--s;
}

NO_LIBCALL void *memcpy(void *dst, const void *src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

NO_LIBCALL void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/*
	 * A forward copy is safe when the destination starts below the
	 * source: every word is read before the store that could reach it.
	 */
	if (d == s || n == 0)
		return dst;
	if ((uintptr_t)d < (uintptr_t)s || (uintptr_t)d - (uintptr_t)s >= n)
		copy_forward(d, s, n);
	else
		copy_backward(d + n, s + n, n);
	return dst;
}

NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	unsigned char b = (unsigned char)c;

	if (n >= 2 * WSIZE) {
		while ((uintptr_t)d & WMASK) {
			*d++ = b;
			n--;
		}
		unsigned long pattern = (~0UL / 0xff) * b;
		word_t *dw = (word_t *)d;
		while (n >= 4 * WSIZE) {
			dw[0] = pattern;
			dw[1] = pattern;
			dw[2] = pattern;
			dw[3] = pattern;
			dw += 4;
			n -= 4 * WSIZE;
		}
		while (n >= WSIZE) {
			*dw++ = pattern;
			n -= WSIZE;
		}
		d = (unsigned char *)dw;
	}
	while (n--)
		*d++ = b;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	if (n >= 2 * WSIZE && same_word_offset(p, q)) {
		while ((uintptr_t)p & WMASK) {
			if (*p != *q)
				return *p - *q;
			p++;
			q++;
			n--;
		}
		/* Skip equal words; the byte loop finds the first difference. */
		while (n >= WSIZE && *(const word_t *)p == *(const word_t *)q) {
			p += WSIZE;
			q += WSIZE;
			n -= WSIZE;
		}
	}
	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p - *q;
	}
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	unsigned char b = (unsigned char)c;

	for (; n; n--, p++) {
		if (*p == b)
			return (void *)p;
	}
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	return *p - *q;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p - *q;
		if (!*p)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	char ch = (char)c;
	const char *last = NULL;

	for (;; s++) {
		if (*s == ch)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

size_t strlcat(char *dst, const char *src, size_t size)
{
	size_t dlen = strnlen(dst, size);
	size_t slen = strlen(src);

	/* No terminator within size: nothing can be appended. */
	if (dlen == size)
		return size + slen;
	size_t room = size - dlen - 1;
	size_t n = slen < room ? slen : room;
	memcpy(dst + dlen, src, n);
	dst[dlen + n] = '\0';
	return dlen + slen;
}

char *strstr(const char *haystack, const char *needle)
{
	size_t nlen = strlen(needle);

	if (!nlen)
		return (char *)haystack;
	for (; *haystack; haystack++) {
		if (*haystack == *needle && !strncmp(haystack, needle, nlen))
			return (char *)haystack;
	}
	return NULL;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return -1;
}

static bool is_hex_prefix(const char *s)
{
	return s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

/*
 * Bases 2 to 36 are accepted besides 0; base 16 also takes a "0x" prefix.
 * Signs and surrounding blanks are not: a value is exactly its digits.
 */
int str_to_u64(const char *s, unsigned int base, u64 *out)
{
	const u64 max = ~(u64)0;
	bool overflow = false;
	u64 v = 0;

	if (!s)
		return -EINVAL;
	if (base == 0) {
		if (is_hex_prefix(s)) {
			base = 16;
			s += 2;
		} else if (s[0] == '0' && s[1]) {
			base = 8;
			s++;
		} else {
			base = 10;
		}
	} else if (base < 2 || base > 36) {
		return -EINVAL;
	} else if (base == 16 && is_hex_prefix(s)) {
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	/* Read to the end even past an overflow: bad syntax wins over range. */
	for (; *s; s++) {
		int d = digit_value(*s);
		if (d < 0 || (unsigned int)d >= base)
			return -EINVAL;
		if (v > (max - (u64)d) / base)
			overflow = true;
		else
			v = v * base + (u64)d;
	}
	if (overflow)
		return -ERANGE;
	*out = v;
	return 0;
}

int str_to_s64(const char *s, unsigned int base, s64 *out)
{
	const u64 limit = (u64)1 << 63;
	bool neg = false;
	u64 mag;
	int err;

	if (!s)
		return -EINVAL;
	if (*s == '-' || *s == '+') {
		neg = *s == '-';
		s++;
	}
	err = str_to_u64(s, base, &mag);
	if (err)
		return err;
	if (neg) {
		if (mag > limit)
			return -ERANGE;
		*out = mag == limit ? (s64)(-0x7fffffffffffffffLL - 1) :
				      -(s64)mag;
	} else {
		if (mag >= limit)
			return -ERANGE;
		*out = (s64)mag;
	}
	return 0;
}

const char *error_name(int err)
{
	/* Callers pass the negative return codes as often as the codes. */
	unsigned int code =
		err < 0 ? 0u - (unsigned int)err : (unsigned int)err;

	switch (code) {
	case 0:
		return "OK";
	case EPERM:
		return "EPERM";
	case ENOENT:
		return "ENOENT";
	case EIO:
		return "EIO";
	case E2BIG:
		return "E2BIG";
	case EAGAIN:
		return "EAGAIN";
	case ENOMEM:
		return "ENOMEM";
	case EFAULT:
		return "EFAULT";
	case EBUSY:
		return "EBUSY";
	case EEXIST:
		return "EEXIST";
	case ENODEV:
		return "ENODEV";
	case EINVAL:
		return "EINVAL";
	case ENOSPC:
		return "ENOSPC";
	case EROFS:
		return "EROFS";
	case ERANGE:
		return "ERANGE";
	case ENOSYS:
		return "ENOSYS";
	case ENOTEMPTY:
		return "ENOTEMPTY";
	case ENODATA:
		return "ENODATA";
	case EOVERFLOW:
		return "EOVERFLOW";
	case EBADMSG:
		return "EBADMSG";
	case ENOTSUP:
		return "ENOTSUP";
	case ENETDOWN:
		return "ENETDOWN";
	case ETIMEDOUT:
		return "ETIMEDOUT";
	case EALREADY:
		return "EALREADY";
	case ECANCELED:
		return "ECANCELED";
	default:
		return "EUNKNOWN";
	}
}
