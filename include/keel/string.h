/* SPDX-License-Identifier: GPL-2.0 */
/* The freestanding C string functions Keel uses (libs/string.c). */
#ifndef KEEL_STRING_H
#define KEEL_STRING_H

#include <keel/types.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);
size_t strlcat(char *dst, const char *src, size_t size);
char *strstr(const char *haystack, const char *needle);

/*
 * Parse an unsigned integer in base 0 (0x.., 0.., decimal), 10 or 16.
 * The whole string must be consumed; returns 0 or -EINVAL / -ERANGE.
 */
int str_to_u64(const char *s, unsigned int base, u64 *out);
int str_to_s64(const char *s, unsigned int base, s64 *out);

#endif
