/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RISC-V Platform-Level Interrupt Controller register layout, from the
 * RISC-V PLIC Specification 1.0.0, chapter "Memory Map". Every register
 * is 32 bits wide. Source 0 does not exist ("no interrupt"); a context is
 * one hart's privilege mode taking external interrupts.
 *
 *   priority of source s        PLIC_PRIORITY(s)
 *   pending bits 32w .. 32w + 31 PLIC_PENDING(w)           (read-only)
 *   enable bits of context c    PLIC_ENABLE(c, w)
 *   threshold of context c      PLIC_THRESHOLD(c)
 *   claim/complete of context c PLIC_CLAIM(c)
 *
 * How many priority levels and which contexts an implementation has are
 * its own business, not the layout's.
 */
#ifndef HW_PLIC_H
#define HW_PLIC_H

/* Room in the map: sources 1..1023, contexts 0..15871. */
#define PLIC_MAX_SOURCES 1023
#define PLIC_MAX_CONTEXTS 15872

/* The regions, in address order. */
#define PLIC_PRIORITY_BASE 0x000000
#define PLIC_PENDING_BASE 0x001000
#define PLIC_ENABLE_BASE 0x002000
#define PLIC_ENABLE_STRIDE 0x80 /* per context */
#define PLIC_CONTEXT_BASE 0x200000
#define PLIC_CONTEXT_STRIDE 0x1000 /* per context */

/* Within a context's block at PLIC_CONTEXT_BASE. */
#define PLIC_CONTEXT_THRESHOLD 0x0
#define PLIC_CONTEXT_CLAIM 0x4

#define PLIC_PRIORITY(src) (PLIC_PRIORITY_BASE + 4 * (src))
#define PLIC_PENDING(word) (PLIC_PENDING_BASE + 4 * (word))
#define PLIC_ENABLE(ctx, word) \
	(PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * (ctx) + 4 * (word))
#define PLIC_THRESHOLD(ctx)                                \
	(PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * (ctx) + \
	 PLIC_CONTEXT_THRESHOLD)
#define PLIC_CLAIM(ctx) \
	(PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * (ctx) + PLIC_CONTEXT_CLAIM)

#endif
