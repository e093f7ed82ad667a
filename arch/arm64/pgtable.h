/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64 VMSAv8-64 descriptors (4 KiB granule) as formats of the core
 * walker (include/keel/pgtable.h): Keel's EL2 stage-1 tables and guests'
 * stage-2 tables share the descriptor layout; the leaf attributes are the
 * caller's. Levels here count as the walker's do (0: 4 KiB pages), which
 * is the architecture's level 3 - level.
 */
#ifndef ARM64_PGTABLE_H
#define ARM64_PGTABLE_H

#include <keel/pgtable.h>

#define PT_ENTRIES 512
#define PT_DESC_VALID (1ULL << 0)
#define PT_DESC_TABLE (1ULL << 1) /* table at levels 0-2, page at 3 */
#define PT_ADDR_MASK 0x0000fffffffff000ULL

/* The architecture's start level (0, 1 or 2) for va_bits of input. */
unsigned int arm64_pgtable_start_level(unsigned int va_bits);

/* EL2 stage 1 over va_bits (at most 48) of input; -EINVAL otherwise. */
int arm64_stage1_format(struct pgtable_format *fmt, unsigned int va_bits);

/*
 * Stage 2 over ipa_bits of input starting at the architecture's level
 * start_level; the start-level tables are concatenated (at most 16, one
 * root of up to 64 KiB) when the IPA has more bits than one table indexes
 * there. -EINVAL for a combination the architecture does not allow.
 */
int arm64_stage2_format(struct pgtable_format *fmt, unsigned int ipa_bits,
			unsigned int start_level);

#endif
