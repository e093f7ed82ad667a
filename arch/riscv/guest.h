/* SPDX-License-Identifier: GPL-2.0 */
/* What the riscv guest code shares between its files. */
#ifndef RISCV_GUEST_H
#define RISCV_GUEST_H

#include <keel/types.h>

/*
 * Every host hart has Sstc and the firmware lets it be used (henvcfg.STCE
 * sticks): guests get it too (their device tree lists
 * it, and vCPUs run with henvcfg.STCE so that vstimecmp works).
 */
bool riscv_guest_has_sstc(void);
/* henvcfg.STCE can be set: the firmware enabled Sstc (vcpu.c). */
bool riscv_guest_sstc_usable(void);

#endif
