/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Platform power control (core/power.c): a firmware driver (PSCI on
 * arm64, SBI on riscv) registers these operations.
 */
#ifndef KEEL_POWER_H
#define KEEL_POWER_H

#include <keel/types.h>

struct power_ops {
	const char *name;
	/* Start the CPU with hardware id hwid at entry_pa with context arg. */
	int (*cpu_on)(u64 hwid, paddr_t entry_pa, u64 context);
	void (*system_off)(void);
	void (*system_reset)(void);
};

int power_register(const struct power_ops *ops);
const struct power_ops *power_get(void);
int power_cpu_on(u64 hwid, paddr_t entry_pa, u64 context);
/* Stop the other CPUs and power off; returns only on failure. */
int power_off(void);
int power_reset(void);

#endif
