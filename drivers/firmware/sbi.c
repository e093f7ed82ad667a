// SPDX-License-Identifier: GPL-2.0
/*
 * RISC-V Supervisor Binary Interface: the firmware Keel runs on in
 * HS-mode. Base probing, HSM hart_start to start secondaries (the
 * platform's cpu_on), SRST for shutdown and reset, IPIs (the target takes
 * a supervisor software interrupt) and the timer for harts without Sstc.
 *
 * The SBI has no device-tree node: the driver binds to the harts
 * (compatible "riscv"), whose supervisor execution environment it is.
 */
#include <drivers/sbi.h>
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/power.h>
#include <keel/printf.h>
#include <keel/printk.h>
#include <drivers/riscv-intc.h>
#include <asm/sbi.h>

struct sbi_extension {
	unsigned long eid;
	const char *name;
	bool present;
};

static struct sbi_extension extensions[] = {
	{ SBI_EXT_TIME, "TIME", false },     { SBI_EXT_IPI, "IPI", false },
	{ SBI_EXT_RFENCE, "RFENCE", false }, { SBI_EXT_HSM, "HSM", false },
	{ SBI_EXT_SRST, "SRST", false },
};

static bool probed;
static bool registered;
static unsigned long spec_version;
static unsigned long impl_id;
static unsigned long impl_version;

static int sbi_to_errno(long err)
{
	switch (err) {
	case SBI_SUCCESS:
		return 0;
	case SBI_ERR_NOT_SUPPORTED:
		return -ENOTSUP;
	case SBI_ERR_INVALID_PARAM:
	case SBI_ERR_INVALID_ADDRESS:
		return -EINVAL;
	case SBI_ERR_DENIED:
		return -EPERM;
	case SBI_ERR_ALREADY_AVAILABLE:
	case SBI_ERR_ALREADY_STARTED:
		return -EALREADY;
	case SBI_ERR_ALREADY_STOPPED:
		return -EBUSY;
	default:
		return -EIO;
	}
}

static unsigned long base_call(unsigned long fid, unsigned long arg)
{
	struct sbiret ret = sbi_ecall(SBI_EXT_BASE, fid, arg, 0, 0, 0, 0);

	return ret.error ? 0 : (unsigned long)ret.value;
}

/*
 * The base extension exists in every SBI since 0.2; an SBI 0.1 firmware
 * answers its calls with an error, leaving every extension absent.
 */
static void probe_base(void)
{
	struct sbiret ret;

	if (probed)
		return;
	probed = true;
	ret = sbi_ecall(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0, 0, 0);
	if (ret.error)
		return;
	spec_version = (unsigned long)ret.value;
	impl_id = base_call(SBI_BASE_GET_IMPL_ID, 0);
	impl_version = base_call(SBI_BASE_GET_IMPL_VERSION, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(extensions); i++)
		extensions[i].present =
			base_call(SBI_BASE_PROBE_EXT, extensions[i].eid) != 0;
}

bool sbi_has_extension(unsigned long eid)
{
	probe_base();
	for (unsigned int i = 0; i < ARRAY_SIZE(extensions); i++)
		if (extensions[i].eid == eid)
			return extensions[i].present;
	return base_call(SBI_BASE_PROBE_EXT, eid) != 0;
}

int sbi_set_timer(u64 deadline)
{
	return sbi_to_errno(sbi_ecall(SBI_EXT_TIME, SBI_TIME_SET_TIMER,
				      deadline, 0, 0, 0, 0)
				    .error);
}

static int sbi_send_ipi(u64 hartid)
{
	/* Bit 0 of the mask is the hart numbered by the mask base. */
	return sbi_to_errno(
		sbi_ecall(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, hartid, 0, 0, 0)
			.error);
}

static int sbi_cpu_on(u64 hartid, paddr_t entry, u64 context)
{
	return sbi_to_errno(sbi_ecall(SBI_EXT_HSM, SBI_HSM_HART_START, hartid,
				      entry, context, 0, 0)
				    .error);
}

static void sbi_system_off(void)
{
	sbi_ecall(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN,
		  SBI_SRST_REASON_NONE, 0, 0, 0);
}

static void sbi_system_reset(void)
{
	sbi_ecall(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET,
		  SBI_SRST_TYPE_COLD_REBOOT, SBI_SRST_REASON_NONE, 0, 0, 0);
}

static struct power_ops sbi_power_ops = {
	.name = "sbi",
};

static const char *impl_name(unsigned long id)
{
	static const char *const names[] = { "BBL",   "OpenSBI", "Xvisor",
					     "KVM",   "RustSBI", "Diosix",
					     "Coffer" };

	return id < ARRAY_SIZE(names) ? names[id] : "unknown";
}

static void report(void)
{
	char list[64];
	size_t used = 0;

	list[0] = 0;
	for (unsigned int i = 0; i < ARRAY_SIZE(extensions); i++) {
		if (!extensions[i].present)
			continue;
		used += snprintf(list + used, sizeof(list) - used, " %s",
				 extensions[i].name);
		if (used >= sizeof(list))
			break;
	}
	/* OpenSBI encodes its version as major << 16 | minor. */
	printk(KERN_INFO "sbi: SBI %lu.%lu, %s %lu.%lu, extensions:%s\n",
	       (spec_version >> 24) & 0x7f, spec_version & 0xffffff,
	       impl_name(impl_id), impl_version >> 16, impl_version & 0xffff,
	       list[0] ? list : " none");
}

/* One SBI serves every hart: the first hart node probed sets it up. */
static int sbi_probe(struct devtree_node *node)
{
	int err;

	if (registered)
		return 0;
	probe_base();
	if (!spec_version) {
		printk(KERN_ERR "sbi: no SBI base extension (SBI 0.1?)\n");
		return -ENOTSUP;
	}
	report();
	if (sbi_has_extension(SBI_EXT_HSM))
		sbi_power_ops.cpu_on = sbi_cpu_on;
	if (sbi_has_extension(SBI_EXT_SRST)) {
		sbi_power_ops.system_off = sbi_system_off;
		sbi_power_ops.system_reset = sbi_system_reset;
	}
	err = power_register(&sbi_power_ops);
	if (err)
		return err;
	registered = true;
	if (sbi_has_extension(SBI_EXT_IPI)) {
		err = riscv_intc_attach_ipi_sender(sbi_send_ipi);
		if (err)
			printk(KERN_ERR "sbi: IPIs not attached (%s)\n",
			       error_name(err));
	}
	return 0;
}

static const char *const sbi_compatible[] = { "riscv", NULL };

static const struct driver sbi_driver = {
	.name = "sbi",
	.compatible = sbi_compatible,
	.stage = DRIVER_STAGE_FIRMWARE,
	.probe = sbi_probe,
};
DRIVER_REGISTER(sbi_driver);
