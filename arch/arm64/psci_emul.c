// SPDX-License-Identifier: GPL-2.0
/*
 * PSCI 1.1 and SMCCC 1.1 for guests. Function IDs and return values are
 * those of Arm DEN0022 and DEN0028; a function Keel does not implement
 * returns NOT_SUPPORTED (-1) in x0, never an exception.
 *
 * Keel's own call lives in the SMCCC range of Vendor Specific Hypervisor
 * Services (owner 6): KEEL_HYP_YIELD (0x86000001) gives up the host CPU
 * to another runnable vCPU and returns 0, like Xen's SCHEDOP_yield. A
 * guest spinning on a lock held by a preempted vCPU, or a benchmark of
 * the switch itself, uses it.
 */
#include <keel/errno.h>
#include <keel/guest.h>
#include "psci_emul.h"

#define SMCCC_VERSION 0x80000000U
#define SMCCC_ARCH_FEATURES 0x80000001U
#define PSCI_VERSION 0x84000000U
#define PSCI_CPU_SUSPEND_32 0x84000001U
#define PSCI_CPU_SUSPEND_64 0xc4000001U
#define PSCI_CPU_OFF 0x84000002U
#define PSCI_CPU_ON_32 0x84000003U
#define PSCI_CPU_ON_64 0xc4000003U
#define PSCI_AFFINITY_INFO_32 0x84000004U
#define PSCI_AFFINITY_INFO_64 0xc4000004U
#define PSCI_MIGRATE_INFO_TYPE 0x84000006U
#define PSCI_SYSTEM_OFF 0x84000008U
#define PSCI_SYSTEM_RESET 0x84000009U
#define PSCI_FEATURES 0x8400000aU
#define KEEL_HYP_YIELD 0x86000001U

#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_ALREADY_ON (-4)
#define PSCI_TOS_NOT_PRESENT_MP 2

#define PSCI_1_1 0x00010001U
#define SMCCC_1_1 0x00010001U

static bool implemented(u32 fid)
{
	switch (fid) {
	case PSCI_VERSION:
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
	case SMCCC_VERSION:
		return true;
	default:
		return false;
	}
}

static s64 cpu_on(struct vcpu *v, u64 target, u64 entry, u64 context)
{
	struct vcpu *t = vcpu_find_by_hwid(v->guest, target & 0xff00ffffffULL);
	int err;

	if (!t)
		return PSCI_INVALID_PARAMETERS;
	err = vcpu_power_on(t, entry, context);
	if (err == -EALREADY)
		return PSCI_ALREADY_ON;
	return err ? PSCI_INVALID_PARAMETERS : PSCI_SUCCESS;
}

static s64 affinity_info(struct vcpu *v, u64 target, u64 level)
{
	struct vcpu *t;

	if (level != 0)
		return PSCI_INVALID_PARAMETERS;
	t = vcpu_find_by_hwid(v->guest, target & 0xff00ffffffULL);
	if (!t)
		return PSCI_INVALID_PARAMETERS;
	return t->state == VCPU_OFF ? 1 : 0;
}

enum vcpu_exit_reason arm64_psci_call(struct vcpu *v, u64 *x)
{
	u32 fid = (u32)x[0];
	s64 ret = PSCI_NOT_SUPPORTED;
	enum vcpu_exit_reason exit = VCPU_EXIT_HYPERCALL;

	/* 32-bit calling convention functions see only 32-bit arguments. */
	if (!(fid & 0x40000000U)) {
		x[1] &= 0xffffffffULL;
		x[2] &= 0xffffffffULL;
		x[3] &= 0xffffffffULL;
	}
	switch (fid) {
	case SMCCC_VERSION:
		ret = SMCCC_1_1;
		break;
	case SMCCC_ARCH_FEATURES:
		/* No firmware workarounds (WORKAROUND_1, ...) are needed. */
		ret = x[1] == SMCCC_VERSION ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED;
		break;
	case PSCI_VERSION:
		ret = PSCI_1_1;
		break;
	case PSCI_FEATURES:
		ret = implemented((u32)x[1]) ? PSCI_SUCCESS :
					       PSCI_NOT_SUPPORTED;
		break;
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64:
		/* A standby state: wait for an interrupt, then carry on. */
		ret = PSCI_SUCCESS;
		exit = VCPU_EXIT_WFI;
		break;
	case PSCI_CPU_OFF:
		ret = PSCI_SUCCESS;
		exit = VCPU_EXIT_CPU_OFF;
		break;
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
		ret = cpu_on(v, x[1], x[2], x[3]);
		break;
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
		ret = affinity_info(v, x[1], x[2]);
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		ret = PSCI_TOS_NOT_PRESENT_MP;
		break;
	case PSCI_SYSTEM_OFF:
		ret = PSCI_SUCCESS;
		exit = VCPU_EXIT_SYSTEM_OFF;
		break;
	case PSCI_SYSTEM_RESET:
		ret = PSCI_SUCCESS;
		exit = VCPU_EXIT_SYSTEM_RESET;
		break;
	case KEEL_HYP_YIELD:
		ret = 0;
		exit = VCPU_EXIT_YIELD;
		break;
	default:
		break;
	}
	x[0] = (u64)ret;
	return exit;
}
