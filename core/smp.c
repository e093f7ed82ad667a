// SPDX-License-Identifier: GPL-2.0
/*
 * CPUs: discovery from /cpus, start-up of the secondaries through the
 * platform's power operations, cross-CPU calls and stop.
 */
#include <keel/cpu.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/irq.h>
#include <keel/power.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/string.h>
#include <arch/barrier.h>
#include <arch/irqflags.h>

#define CPU_START_TIMEOUT_NS (2 * NSEC_PER_SEC)
#define CALL_TIMEOUT_NS (2 * NSEC_PER_SEC)

struct cpu cpus[CONFIG_MAX_CPUS];
unsigned int cpus_possible = 1;

static struct {
	spinlock_t lock; /* one cross-CPU call at a time */
	void (*fn)(void *);
	void *arg;
	volatile unsigned int target;
	volatile bool done;
} call_slot = { .lock = SPINLOCK_INIT };

static const char *const cpu_state_names[] = {
	[CPU_ABSENT] = "absent",     [CPU_OFFLINE] = "offline",
	[CPU_STARTING] = "starting", [CPU_ONLINE] = "online",
	[CPU_FAILED] = "failed",     [CPU_STOPPED] = "stopped",
};

const char *cpu_state_name(enum cpu_state state)
{
	return (unsigned int)state < ARRAY_SIZE(cpu_state_names) ?
		       cpu_state_names[state] :
		       "?";
}

static void ipi_handler(unsigned int irq, void *arg)
{
	switch ((enum ipi_type)(uintptr_t)arg) {
	case IPI_RESCHEDULE:
		sched_reschedule_ipi();
		break;
	case IPI_CALL_FUNCTION:
		if (call_slot.target == cpu_id() && !call_slot.done) {
			call_slot.fn(call_slot.arg);
			smp_mb();
			call_slot.done = true;
			arch_send_event();
		}
		break;
	case IPI_STOP:
		this_cpu()->state = CPU_STOPPED;
		arch_halt();
	default:
		break;
	}
}

static const char *const ipi_names[] = {
	[IPI_RESCHEDULE] = "ipi-reschedule",
	[IPI_CALL_FUNCTION] = "ipi-call",
	[IPI_STOP] = "ipi-stop",
};

static int register_ipis(void)
{
	for (unsigned int i = 0; i < IPI_COUNT; i++) {
		unsigned int irq;
		int err = irq_ipi_number(i, &irq);

		if (!err)
			err = irq_register(irq, ipi_handler,
					   (void *)(uintptr_t)i, ipi_names[i],
					   IRQ_FLAG_PERCPU | IRQ_FLAG_IPI);
		if (err)
			return err;
	}
	return 0;
}

/* Logical numbers: the boot CPU is 0, the others in device-tree order. */
static int enumerate_cpus(void)
{
	struct devtree_node *cpus_node =
		devtree_find_path(devtree_host_root(), "/cpus");
	struct devtree_node *n;
	u64 boot_hwid = arch_cpu_hwid();
	unsigned int count = 1;

	cpus[0].hwid = boot_hwid;
	if (!cpus_node)
		return -ENOENT;
	devtree_for_each_child(n, cpus_node) {
		const char *type;
		u64 hwid, size;

		if (devtree_prop_read_string(n, "device_type", &type) ||
		    strcmp(type, "cpu") || !devtree_is_available(n))
			continue;
		if (devtree_read_reg(n, 0, &hwid, &size))
			continue;
		if (hwid == boot_hwid)
			continue;
		if (count >= CONFIG_MAX_CPUS) {
			printk(KERN_WARN
			       "cpu: %s ignored: CONFIG_MAX_CPUS is %d\n",
			       n->name, CONFIG_MAX_CPUS);
			continue;
		}
		cpus[count].id = count;
		cpus[count].hwid = hwid;
		cpus[count].state = CPU_OFFLINE;
		count++;
	}
	cpus_possible = count;
	return 0;
}

static int start_cpu(unsigned int id)
{
	struct cpu *c = &cpus[id];
	u64 deadline;
	int err;

	c->state = CPU_STARTING;
	smp_mb();
	err = power_cpu_on(c->hwid, arch_secondary_entry(), id);
	if (err) {
		c->state = CPU_FAILED;
		return err;
	}
	deadline = timer_now_ns() + CPU_START_TIMEOUT_NS;
	while (c->state == CPU_STARTING && timer_now_ns() < deadline)
		arch_wait_event();
	if (c->state != CPU_ONLINE) {
		c->state = CPU_FAILED;
		return -ETIMEDOUT;
	}
	return 0;
}

int smp_init(void)
{
	unsigned int online = 1;
	int err;

	err = register_ipis();
	if (err)
		printk(KERN_ERR "smp: IPIs unavailable (%s)\n",
		       error_name(err));
	err = enumerate_cpus();
	if (err)
		printk(KERN_WARN "smp: no /cpus node, running on one CPU\n");
	for (unsigned int id = 1; id < cpus_possible; id++) {
		err = start_cpu(id);
		if (err)
			printk(KERN_ERR
			       "smp: CPU%u (hwid 0x%llx) failed to start: %s\n",
			       id, (unsigned long long)cpus[id].hwid,
			       error_name(err));
		else
			online++;
	}
	printk(KERN_INFO "smp: %u of %u CPUs online\n", online, cpus_possible);
	return 0;
}

void __noreturn secondary_main(unsigned int id)
{
	struct cpu *c = &cpus[id];

	arch_set_cpu_local(c);
	arch_cpu_init();
	timer_cpu_init(&c->timers);
	sched_init_cpu();
	if (!thread_adopt_idle(NULL, 0) || irq_cpu_init()) {
		c->state = CPU_FAILED;
		arch_send_event();
		arch_halt();
	}
	smp_mb();
	c->state = CPU_ONLINE;
	arch_send_event();
	arch_irq_enable();
	sched_run_idle();
}

int smp_call_on_cpu(unsigned int cpu, void (*fn)(void *), void *arg)
{
	unsigned long flags;
	u64 deadline;
	int ret = 0;

	if (!cpu_is_online(cpu))
		return -ENODEV;
	if (cpu == cpu_id()) {
		flags = arch_irq_save();
		fn(arg);
		arch_irq_restore(flags);
		return 0;
	}
	spin_lock_irqsave(&call_slot.lock, flags);
	call_slot.fn = fn;
	call_slot.arg = arg;
	call_slot.target = cpu;
	call_slot.done = false;
	smp_mb();
	ipi_send(cpu, IPI_CALL_FUNCTION);
	deadline = timer_now_ns() + CALL_TIMEOUT_NS;
	while (!call_slot.done && timer_now_ns() < deadline)
		arch_wait_event();
	if (!call_slot.done)
		ret = -ETIMEDOUT;
	call_slot.target = ~0U;
	spin_unlock_irqrestore(&call_slot.lock, flags);
	return ret;
}

void smp_stop_others(void)
{
	unsigned int c;

	for_each_online_cpu(c) {
		if (c != cpu_id())
			ipi_send(c, IPI_STOP);
	}
}
