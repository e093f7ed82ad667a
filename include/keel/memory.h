/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host RAM (core/mm/memory.c): found in the boot device tree, mapped into
 * Keel's address space and handed to the page allocator minus everything
 * reserved (Keel's image, the device tree, the initrd, /memreserve/ and
 * /reserved-memory).
 */
#ifndef KEEL_MEMORY_H
#define KEEL_MEMORY_H

#include <keel/types.h>

#define MEMORY_MAX_BANKS 16
#define MEMORY_MAX_RESERVED 32

struct mem_range {
	paddr_t start, end; /* [start, end) */
	const char *what; /* for reserved ranges: why */
};

struct memory_map {
	struct mem_range banks[MEMORY_MAX_BANKS];
	unsigned int nr_banks;
	struct mem_range reserved[MEMORY_MAX_RESERVED];
	unsigned int nr_reserved;
	u64 ram_bytes;
};

/* Runs once on the boot CPU with the MMU on; 0 or -errno. */
int memory_init(const void *fdt, paddr_t fdt_pa);
const struct memory_map *memory_get_map(void);
/* The initrd the loader passed, if any: 0 or -ENOENT. */
int memory_initrd(paddr_t *start, paddr_t *end);

#endif
