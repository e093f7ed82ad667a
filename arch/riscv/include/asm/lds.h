/* SPDX-License-Identifier: GPL-2.0 */
/* For core/keel.lds.S: the linker's name for this architecture. */
#ifndef ASM_LDS_H
#define ASM_LDS_H

#define KEEL_LDS_ARCH riscv

#endif
