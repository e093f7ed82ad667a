/* SPDX-License-Identifier: GPL-2.0 */
/*
 * riscv page-table entries (4 KiB pages, 512 entries a table) as formats
 * of the core walker (include/keel/pgtable.h): Keel's own Sv39/Sv48 and
 * guests' G-stage Sv39x4/Sv48x4, which are the same walk with a
 * 2048-entry (16 KiB) root indexing two more input bits.
 */
#ifndef RISCV_PGTABLE_H
#define RISCV_PGTABLE_H

#include <keel/pgtable.h>

#define PT_ENTRIES 512
#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK (((1UL << 44) - 1) << PTE_PPN_SHIFT)

/*
 * Sv39 (levels 3) or Sv48 (levels 4), over the whole input span the
 * levels index; -EINVAL for other levels. Leaves need one of R, W, X.
 */
int riscv_sv_format(struct pgtable_format *fmt, unsigned int levels);
/* Sv39x4 (levels 3) or Sv48x4 (levels 4): the 16 KiB G-stage root. */
int riscv_svx4_format(struct pgtable_format *fmt, unsigned int levels);

#endif
