/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_BITOPS_H
#define KEEL_BITOPS_H

#include <keel/types.h>

#define BIT(n) (1UL << (n))
#define BIT_ULL(n) (1ULL << (n))
#define GENMASK(h, l) (((~0UL) << (l)) & (~0UL >> (63 - (h))))
#define GENMASK_ULL(h, l) (((~0ULL) << (l)) & (~0ULL >> (63 - (h))))
#define FIELD_GET(mask, v) (((v) & (mask)) >> __builtin_ctzll(mask))
#define FIELD_PREP(mask, v) (((u64)(v) << __builtin_ctzll(mask)) & (mask))

static inline unsigned int fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

static inline unsigned int ffs64(u64 x)
{
	return x ? __builtin_ctzll(x) + 1 : 0;
}

static inline unsigned int popcount64(u64 x)
{
	return __builtin_popcountll(x);
}

/* Little-endian fields in byte buffers (tables, headers), any alignment. */
static inline u16 le16_get(const u8 *p)
{
	return (u16)(p[0] | p[1] << 8);
}

static inline u32 le32_get(const u8 *p)
{
	return (u32)le16_get(p) | (u32)le16_get(p + 2) << 16;
}

static inline u64 le64_get(const u8 *p)
{
	return (u64)le32_get(p) | (u64)le32_get(p + 4) << 32;
}

static inline void le16_put(u8 *p, u16 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
}

static inline void le32_put(u8 *p, u32 v)
{
	for (unsigned int i = 0; i < 4; i++)
		p[i] = (u8)(v >> (8 * i));
}

static inline void le64_put(u8 *p, u64 v)
{
	le32_put(p, (u32)v);
	le32_put(p + 4, (u32)(v >> 32));
}

/*
 * An access of size bytes (1, 2, 4 or 8): what a store of v writes, and
 * what a load of v leaves in a register, sign-extended from its top bit
 * when asked (the MMIO decoders).
 */
static inline u64 bytes_cut(u64 v, unsigned int size)
{
	return size >= 8 ? v : v & ((1ULL << (size * 8)) - 1);
}

static inline u64 bytes_extend(u64 v, unsigned int size, bool sign)
{
	unsigned int bits = size * 8;

	if (bits < 64) {
		v &= (1ULL << bits) - 1;
		if (sign && (v >> (bits - 1)) & 1)
			v |= ~0ULL << bits;
	}
	return v;
}

static inline bool is_power_of_2(u64 x)
{
	return x && !(x & (x - 1));
}

/* Smallest order such that (1 << order) >= x. */
static inline unsigned int order_base_2(u64 x)
{
	return x <= 1 ? 0 : fls64(x - 1);
}

static inline void bitmap_set(unsigned long *map, unsigned int bit)
{
	map[bit / 64] |= 1UL << (bit % 64);
}

static inline void bitmap_clear(unsigned long *map, unsigned int bit)
{
	map[bit / 64] &= ~(1UL << (bit % 64));
}

static inline bool bitmap_test(const unsigned long *map, unsigned int bit)
{
	return (map[bit / 64] >> (bit % 64)) & 1;
}

#endif
