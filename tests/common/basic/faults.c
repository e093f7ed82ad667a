// SPDX-License-Identifier: GPL-2.0
/*
 * Expected faults: a test arms its CPU, touches something that may fault,
 * and asks whether it did. The arch's exception handler records a fault
 * taken while armed and steps over the faulting instruction.
 */
#include "basic.h"

static struct {
	unsigned int armed;
	unsigned int taken;
	uint64_t syndrome;
	uint64_t addr;
} faults[BASIC_MAX_CPUS];

void fault_catch_begin(void)
{
	unsigned int cpu = arch_cpu_id();

	faults[cpu].taken = 0;
	faults[cpu].syndrome = 0;
	faults[cpu].addr = 0;
	WRITE_ONCE(faults[cpu].armed, 1);
	barrier();
}

bool fault_catch_end(struct basic_fault *f)
{
	unsigned int cpu = arch_cpu_id();

	barrier();
	WRITE_ONCE(faults[cpu].armed, 0);
	if (!READ_ONCE(faults[cpu].taken))
		return false;
	f->syndrome = faults[cpu].syndrome;
	f->addr = faults[cpu].addr;
	return true;
}

bool fault_catch_record(uint64_t syndrome, uint64_t addr)
{
	unsigned int cpu = arch_cpu_id();

	if (cpu >= BASIC_MAX_CPUS || !READ_ONCE(faults[cpu].armed))
		return false;
	faults[cpu].syndrome = syndrome;
	faults[cpu].addr = addr;
	WRITE_ONCE(faults[cpu].taken, faults[cpu].taken + 1);
	return true;
}
