// SPDX-License-Identifier: GPL-2.0
/* The life of a boot, from the first C on the boot CPU to the terminal. */
#include <keel/blockdev.h>
#include <keel/bundle.h>
#include <keel/cpu.h>
#include <keel/guest.h>
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/fdt.h>
#include <keel/heap.h>
#include <keel/irq.h>
#include <keel/memory.h>
#include <keel/netswitch.h>
#include <keel/page_alloc.h>
#include <keel/panic.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/string.h>
#include <keel/terminal.h>
#include <keel/version.h>
#include <arch/irqflags.h>
#include <arch/mmu.h>

/*
 * Polled output on the /chosen stdout-path device, so that boot messages
 * appear before interrupts, the heap or the live tree exist.
 */
static void early_console_init(const void *fdt)
{
	int chosen = kfdt_path_offset(fdt, "/chosen");
	const char *path, *compat;
	char buf[128];
	int node, len, parent, clen;
	const u32 *reg;

	if (chosen < 0)
		return;
	path = kfdt_getprop(fdt, chosen, "stdout-path", &len);
	if (!path || len <= 1 || (size_t)len > sizeof(buf))
		return;
	memcpy(buf, path, len);
	buf[len - 1] = 0;
	char *colon = strchr(buf, ':');

	if (colon)
		*colon = 0;
	node = kfdt_path_offset(fdt, buf);
	parent = node >= 0 ? kfdt_parent_offset(fdt, node) : -1;
	if (parent < 0)
		return;
	reg = kfdt_getprop(fdt, node, "reg", &len);
	int ac = kfdt_address_cells(fdt, parent);

	if (!reg || ac < 1 || ac > 2 || len < ac * 4)
		return;
	compat = kfdt_getprop(fdt, node, "compatible", &clen);
	/* The NUL-separated list, most specific first. */
	for (int off = 0; compat && off < clen;
	     off += strnlen(compat + off, clen - off) + 1) {
		const struct driver *drv = driver_find(compat + off);

		if (drv && drv->early_console &&
		    drv->early_console(kfdt_read_cells(reg, ac), fdt, node) ==
			    0)
			return;
	}
}

/* The loader's initrd is Keel's boot bundle of guest files. */
static void open_bundle(void)
{
	paddr_t start, end;
	int n;

	if (memory_initrd(&start, &end))
		return;
	n = bundle_open(arch_phys_to_virt(start), end - start);
	if (n < 0)
		printk(KERN_ERR
		       "bundle: the initrd is not a cpio archive (%s)\n",
		       error_name(n));
	else
		printk(KERN_INFO "bundle: %d file(s)\n", n);
}

static void print_banner(void)
{
	char cpu[96];

	arch_cpu_describe(cpu, sizeof(cpu));
	printk(KERN_INFO "\nKeel %s (%s) - %s\n", KEEL_VERSION, KEEL_ARCH_NAME,
	       KEEL_BUILD_INFO);
	printk(KERN_INFO "boot CPU: %s\n", cpu);
}

/*
 * What needs a thread that may sleep: boot guests may name partitions,
 * which disks found at boot scan in threads of their own; the prompt
 * comes after the boot guests' messages.
 */
static void boot_thread(void *arg)
{
	int err;

	blockdev_wait_scans();
	guest_create_boot_guests();
	err = terminal_start();
	if (err)
		printk(KERN_ERR "terminal: not started (%s)\n",
		       error_name(err));
}

static void start_boot_thread(void)
{
	struct thread *t = thread_create("boot", boot_thread, NULL,
					 THREAD_PRIO_NORMAL, CPU_MASK_ALL);

	if (!t || thread_start(t))
		panic("out of memory for the boot thread");
}

void __noreturn keel_main(paddr_t fdt_pa)
{
	const void *fdt = arch_phys_to_virt(fdt_pa);
	struct devtree_node *root;
	struct kfdt_fault fault;
	char why[128];
	int err;

	cpus[0].id = 0;
	cpus[0].state = CPU_ONLINE;
	arch_set_cpu_local(&cpus[0]);
	arch_cpu_init();
	if (kfdt_check_header(fdt))
		arch_halt(); /* no device tree: nowhere to even print */
	early_console_init(fdt);
	print_banner();
	/* All of it, before anything else reads it (its size is its own). */
	err = kfdt_check_full(fdt, kfdt_totalsize(fdt), &fault);
	if (err)
		panic("host device tree at 0x%llx: bad device tree: %s",
		      (unsigned long long)fdt_pa,
		      devtree_fault_text(&fault, why, sizeof(why)));

	err = memory_init(fdt, fdt_pa);
	if (err)
		panic("no usable RAM in the device tree (%s)", error_name(err));
	err = devtree_unflatten(fdt, &root);
	if (err)
		panic("cannot parse the host device tree (%s)",
		      error_name(err));
	devtree_set_host_root(root);

	timer_cpu_init(&cpus[0].timers);
	sched_init_cpu();
	if (!thread_adopt_idle(NULL, 0))
		panic("out of memory for the idle thread");

	driver_probe_all();
	arch_entropy_init();
	if (!timer_ready())
		panic("no clock source: is the timer node missing?");
	err = irq_cpu_init();
	if (err)
		panic("no interrupt controller (%s)", error_name(err));
	arch_irq_enable();
	smp_init();
	open_bundle();
	/* After the NIC drivers' probe, before guests join the switch. */
	netswitch_init();
	start_boot_thread();
	sched_run_idle();
}
