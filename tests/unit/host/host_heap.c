// SPDX-License-Identifier: GPL-2.0
/*
 * The heap for host tests of code that allocates: libc underneath, so that
 * AddressSanitizer sees every block and LeakSanitizer reports what the
 * code under test forgets to free.
 */
#include <stdlib.h>
#include <string.h>

#include <keel/heap.h>

void *keel_malloc(size_t size)
{
	return malloc(size);
}

void *keel_zalloc(size_t size)
{
	return calloc(1, size);
}

void *keel_calloc(size_t n, size_t size)
{
	return calloc(n, size);
}

void keel_free(void *ptr)
{
	free(ptr);
}

char *keel_strdup(const char *s)
{
	return strdup(s);
}
