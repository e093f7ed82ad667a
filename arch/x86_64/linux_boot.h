/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux guests' 64-bit entry (linux_boot.c): what svm.c asks of it when
 * it resets vCPU 0 of a guest whose kernel is a bzImage.
 */
#ifndef X86_LINUX_BOOT_H
#define X86_LINUX_BOOT_H

#include <keel/types.h>
#include <asm/svm.h>
#include <asm/vcpu.h>
#include <asm/x86.h>

/*
 * vCPU 0's state at the kernel's startup_64: long mode on the boot page
 * tables and GDT, RSI = the zero page (the rest of s as after reset).
 */
void x86_linux_boot_state(struct vmcb_save *s, struct svm_gprs *gprs, u64 entry,
			  u64 zero_page);

#endif
