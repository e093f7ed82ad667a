// SPDX-License-Identifier: GPL-2.0
/*
 * PMU: event counter 0 counts INST_RETIRED (event 0x08) at EL1 and EL0,
 * if the PMU says the event exists and the counter visibly advances (QEMU
 * without -icount does not offer it; a hypervisor may hide the PMU or
 * trap its registers, which the fault catcher turns into "absent").
 */
#include "arm64.h"

#define EVT_INST_RETIRED 0x08
#define PMCR_E (1UL << 0)
#define PMCR_P (1UL << 1)

static int state; /* 0 not probed, 1 counting, < 0 absent */
static const char *why = "not probed yet";

static bool probe(void)
{
	uint64_t dfr0 = read_sysreg(id_aa64dfr0_el1), ceid, pmcr;
	unsigned int ver = dfr0 >> 8 & 0xf;
	struct basic_fault f;
	uint32_t a, b;

	if (ver == 0 || ver == 0xf) {
		why = "no PMUv3";
		return false;
	}
	fault_catch_begin();
	ceid = read_sysreg(pmceid0_el0);
	pmcr = read_sysreg(pmcr_el0);
	if (fault_catch_end(&f)) {
		why = "PMU registers trap";
		return false;
	}
	if (!(ceid & 1UL << EVT_INST_RETIRED)) {
		why = "INST_RETIRED not implemented";
		return false;
	}
	if (!(pmcr >> 11 & 0x1f)) {
		why = "no event counters";
		return false;
	}
	fault_catch_begin();
	write_sysreg(EVT_INST_RETIRED, pmevtyper0_el0);
	write_sysreg(1, pmcntenset_el0);
	write_sysreg(pmcr | PMCR_E | PMCR_P, pmcr_el0);
	isb();
	a = (uint32_t)read_sysreg(pmevcntr0_el0);
	__asm__ __volatile__("nop\n\tnop\n\tnop\n\tnop\n\tisb");
	b = (uint32_t)read_sysreg(pmevcntr0_el0);
	if (fault_catch_end(&f)) {
		why = "PMU registers trap";
		return false;
	}
	if (a == b) {
		why = "INST_RETIRED does not count";
		return false;
	}
	why = "INST_RETIRED counting";
	return true;
}

bool arch_inst_counter_start(void)
{
	if (!state)
		state = probe() ? 1 : -1;
	return state > 0;
}

uint32_t arch_inst_count(void)
{
	if (state <= 0)
		return 0;
	return (uint32_t)read_sysreg(pmevcntr0_el0);
}

const char *pmu_status(void)
{
	return why;
}
