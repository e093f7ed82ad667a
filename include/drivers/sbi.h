/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SBI firmware interface as other riscv drivers use it
 * (drivers/firmware/sbi.c). The base probing runs on first use, so a
 * driver of an earlier stage (the timer) may call these before the SBI
 * driver itself is probed.
 */
#ifndef KEEL_DRIVERS_SBI_H
#define KEEL_DRIVERS_SBI_H

#include <keel/types.h>

/* Whether the firmware implements an extension (SBI_EXT_* ids). */
bool sbi_has_extension(unsigned long eid);
/* Raise the supervisor timer interrupt when time reaches deadline. */
int sbi_set_timer(u64 deadline);

#endif
