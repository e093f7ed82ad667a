// SPDX-License-Identifier: GPL-2.0
/*
 * Without Zbb, GCC turns __builtin_bswap32/64, __builtin_clzll and
 * __builtin_ctzll into calls to these libgcc helpers. Keel links no
 * libgcc (built for a userland), so it supplies them here.
 */
#include <keel/types.h>

u32 __bswapsi2(u32 v);
u64 __bswapdi2(u64 v);
int __clzdi2(u64 v);
int __ctzdi2(u64 v);

u32 __bswapsi2(u32 v)
{
	return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) |
	       (v << 24);
}

u64 __bswapdi2(u64 v)
{
	return (u64)__bswapsi2((u32)v) << 32 | __bswapsi2((u32)(v >> 32));
}

/* As the builtins: undefined for 0, so any answer will do there. */
int __clzdi2(u64 v)
{
	int n = 0;

	for (int shift = 32; shift; shift >>= 1) {
		if (!(v >> (64 - shift))) {
			n += shift;
			v <<= shift;
		}
	}
	return n;
}

int __ctzdi2(u64 v)
{
	int n = 0;

	for (int shift = 32; shift; shift >>= 1) {
		if (!(v << (64 - shift))) {
			n += shift;
			v >>= shift;
		}
	}
	return n;
}
