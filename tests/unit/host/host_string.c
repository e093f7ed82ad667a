// SPDX-License-Identifier: GPL-2.0
/*
 * The Keel string functions the host's C library may lack (glibc has
 * strlcpy and strlcat only from 2.38), for tests of code that uses them.
 * Everything else in keel/string.h comes from libc.
 */
#include <string.h>

#include <keel/string.h>

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

	if (dlen == size)
		return size + strlen(src);
	return dlen + strlcpy(dst + dlen, src, size - dlen);
}
