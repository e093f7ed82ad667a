/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Thread contexts. struct arch_context (asm/context.h) holds what a thread
 * needs saved across arch_context_switch(); core/ embeds it in struct
 * thread and never looks inside.
 *
 *   arch_context_init(ctx, stack_top, entry, arg)
 *       prepare ctx so that switching to it runs
 *       thread_bootstrap(entry, arg) on the given stack.
 *   arch_context_switch(from, to)
 *       save the caller's context in from and resume to; returns when
 *       some CPU switches back to from.
 */
#ifndef ARCH_CONTEXT_H
#define ARCH_CONTEXT_H

#include <keel/types.h>
#include <asm/context.h>

typedef void (*thread_fn)(void *arg);

void arch_context_init(struct arch_context *ctx, void *stack_top,
		       thread_fn entry, void *arg);
void arch_context_switch(struct arch_context *from, struct arch_context *to);

/* Defined by core/: the first code a new thread runs. */
void __noreturn thread_bootstrap(thread_fn entry, void *arg);

#endif
