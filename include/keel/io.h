/* SPDX-License-Identifier: GPL-2.0 */
/* MMIO accessors and device mapping for host drivers. */
#ifndef KEEL_IO_H
#define KEEL_IO_H

#include <keel/types.h>
#include <arch/barrier.h>

static inline u32 readl(const volatile void *addr)
{
	u32 v = *(const volatile u32 *)addr;

	rmb();
	return v;
}

static inline void writel(u32 v, volatile void *addr)
{
	wmb();
	*(volatile u32 *)addr = v;
}

static inline u64 readq(const volatile void *addr)
{
	u64 v = *(const volatile u64 *)addr;

	rmb();
	return v;
}

static inline void writeq(u64 v, volatile void *addr)
{
	wmb();
	*(volatile u64 *)addr = v;
}

static inline u16 readw(const volatile void *addr)
{
	u16 v = *(const volatile u16 *)addr;

	rmb();
	return v;
}

static inline void writew(u16 v, volatile void *addr)
{
	wmb();
	*(volatile u16 *)addr = v;
}

static inline u8 readb(const volatile void *addr)
{
	u8 v = *(const volatile u8 *)addr;

	rmb();
	return v;
}

static inline void writeb(u8 v, volatile void *addr)
{
	wmb();
	*(volatile u8 *)addr = v;
}

/* Map a device's registers; NULL when the mapping cannot be made. */
void *ioremap(paddr_t pa, u64 size);

#endif
