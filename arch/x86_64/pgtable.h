/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 long-mode page-table entries (AMD64 APM vol. 2, 5.3) as a
 * format of the core walker (include/keel/pgtable.h): four levels of 512
 * 8-byte entries; 4 KiB pages, 2 MiB and (with the CPU's 1 GiB page
 * feature) 1 GiB large pages. Keel's own tables and the nested page
 * tables of AMD SVM guests (nCR3) are this same format.
 */
#ifndef X86_PGTABLE_H
#define X86_PGTABLE_H

#include <keel/pgtable.h>

#define X86_PTE_P (1ULL << 0)
#define X86_PTE_RW (1ULL << 1)
#define X86_PTE_US (1ULL << 2)
#define X86_PTE_PWT (1ULL << 3)
#define X86_PTE_PCD (1ULL << 4)
#define X86_PTE_A (1ULL << 5)
#define X86_PTE_D (1ULL << 6)
/* PS at levels 1-2 (a large leaf); at level 0 this bit is PAT. */
#define X86_PTE_PS (1ULL << 7)
#define X86_PTE_G (1ULL << 8)
/* A large leaf's PAT bit. */
#define X86_PTE_PAT_LARGE (1ULL << 12)
#define X86_PTE_NX (1ULL << 63)
#define X86_PTE_ADDR 0x000ffffffffff000ULL
/*
 * A leaf's attributes as callers give them, whatever its level: every
 * bit but the address and P, with PS standing for PAT (bit 7 of a 4 KiB
 * page); the hooks move it to bit 12 of a large leaf and back.
 */
#define X86_PTE_ATTRS (~X86_PTE_ADDR & ~X86_PTE_P)

/*
 * Four-level long mode over the lower 2^48 of the input space; 1 GiB
 * leaves only when gib_pages (CPUID Fn8000_0001 EDX bit 26).
 */
int x86_longmode_format(struct pgtable_format *fmt, bool gib_pages);

#endif
