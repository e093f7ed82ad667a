/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The registers saved when Keel itself takes an exception (struct
 * arch_regs in asm/regs.h); core/ only prints them:
 *   arch_regs_dump(regs)   print every register through printk
 */
#ifndef ARCH_REGS_H
#define ARCH_REGS_H

#include <asm/regs.h>

void arch_regs_dump(const struct arch_regs *regs);

#endif
