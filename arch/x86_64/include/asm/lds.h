/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For core/keel.lds.S. QEMU's PVH loader (pvh.bin) puts each segment at
 * its physical address and relocates nothing, so x86-64 Keel is linked
 * where it runs: at 2 MiB, the first large-page boundary above the PC's
 * low megabyte. The PVH note (head.S) goes in a segment of its own.
 *
 * Linker-script text, not C: clang-format would space it apart.
 */
#ifndef ASM_LDS_H
#define ASM_LDS_H

// clang-format off
#define KEEL_LDS_ARCH i386:x86-64
#define KEEL_LINK_BASE 0x200000
#define KEEL_LDS_ARCH_PHDRS note PT_NOTE FLAGS(4);
#define KEEL_LDS_ARCH_SECTIONS \
	.pvh_note : { KEEP(*(.pvh_note)) } :rodata :note
// clang-format on

#endif
