// SPDX-License-Identifier: GPL-2.0
/*
 * PSCI firmware interface: CPU_ON for secondaries, SYSTEM_OFF and
 * SYSTEM_RESET. Keel runs at EL2, so only the SMC conduit can reach the
 * firmware (an HVC would trap to Keel itself).
 */
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/power.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <asm/smccc.h>

#define PSCI_VERSION 0x84000000U
#define PSCI_CPU_ON_64 0xc4000003U
#define PSCI_SYSTEM_OFF 0x84000008U
#define PSCI_SYSTEM_RESET 0x84000009U

#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED -1
#define PSCI_INVALID_PARAMETERS -2
#define PSCI_DENIED -3
#define PSCI_ALREADY_ON -4
#define PSCI_ON_PENDING -5

static u32 fn_cpu_on = PSCI_CPU_ON_64;

static int psci_to_errno(s64 ret)
{
	switch (ret) {
	case PSCI_SUCCESS:
		return 0;
	case PSCI_NOT_SUPPORTED:
		return -ENOTSUP;
	case PSCI_INVALID_PARAMETERS:
		return -EINVAL;
	case PSCI_DENIED:
		return -EPERM;
	case PSCI_ALREADY_ON:
		return -EALREADY;
	case PSCI_ON_PENDING:
		return -EBUSY;
	default:
		return -EIO;
	}
}

static int psci_cpu_on(u64 hwid, paddr_t entry, u64 context)
{
	return psci_to_errno(
		(s64)arm64_smccc_smc(fn_cpu_on, hwid, entry, context));
}

static void psci_system_off(void)
{
	arm64_smccc_smc(PSCI_SYSTEM_OFF, 0, 0, 0);
}

static void psci_system_reset(void)
{
	arm64_smccc_smc(PSCI_SYSTEM_RESET, 0, 0, 0);
}

static const struct power_ops psci_ops = {
	.name = "psci",
	.cpu_on = psci_cpu_on,
	.system_off = psci_system_off,
	.system_reset = psci_system_reset,
};

static int psci_probe(struct devtree_node *node)
{
	const char *method;
	u32 version;

	if (devtree_prop_read_string(node, "method", &method))
		return -EINVAL;
	if (strcmp(method, "smc")) {
		printk(KERN_ERR "psci: conduit \"%s\" is unusable at EL2\n",
		       method);
		return -ENOTSUP;
	}
	if (devtree_is_compatible(node, "arm,psci-0.2") ||
	    devtree_is_compatible(node, "arm,psci-1.0")) {
		version = (u32)arm64_smccc_smc(PSCI_VERSION, 0, 0, 0);
		printk(KERN_INFO "psci: version %u.%u\n", version >> 16,
		       version & 0xffff);
	} else if (devtree_prop_read_u32(node, "cpu_on", &fn_cpu_on)) {
		/* PSCI 0.1 names its function IDs in the device tree. */
		return -EINVAL;
	}
	return power_register(&psci_ops);
}

static const char *const psci_compatible[] = { "arm,psci-1.0", "arm,psci-0.2",
					       "arm,psci", NULL };

static const struct driver psci_driver = {
	.name = "psci",
	.compatible = psci_compatible,
	.stage = DRIVER_STAGE_FIRMWARE,
	.probe = psci_probe,
};
DRIVER_REGISTER(psci_driver);
