/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What core/ asks of an architecture to run guests.
 *
 * asm/vcpu.h provides struct arch_vcpu (registers and trap state of one
 * vCPU) and struct arch_guest (second-stage tables, VMID), which core
 * embeds and never reads.
 *
 * arch_vcpu_run() enters the guest and returns with a struct vcpu_exit
 * that core dispatches. Exits the arch can handle alone (firmware calls
 * such as PSCI or SBI, system-register traps, timer bookkeeping) never
 * reach core: when core allows (keel/vcpu_reentry.h), the arch goes back
 * into the guest at once and counts them itself.
 */
#ifndef ARCH_VCPU_H
#define ARCH_VCPU_H

#include <keel/types.h>

struct devemu_instance;

enum vcpu_exit_reason {
	VCPU_EXIT_NONE, /* handled by arch: enter again */
	VCPU_EXIT_IRQ, /* a host interrupt is pending */
	VCPU_EXIT_MMIO, /* access to guest-physical address outside RAM */
	VCPU_EXIT_WFI, /* wait for interrupt */
	VCPU_EXIT_YIELD, /* WFE or a spin hint: let others run */
	VCPU_EXIT_HYPERCALL, /* firmware call handled by arch (counted) */
	VCPU_EXIT_SYSREG, /* system register trap handled by arch */
	VCPU_EXIT_CPU_OFF, /* this vCPU powers off */
	VCPU_EXIT_SYSTEM_OFF, /* the guest asks to power off */
	VCPU_EXIT_SYSTEM_RESET, /* the guest asks to reset */
	VCPU_EXIT_FATAL, /* the guest did something Keel cannot continue */
	/*
	 * An access to the guest's I/O-port space (x86 IN/OUT): as MMIO,
	 * with gpa the port number, answered by the device in that space.
	 */
	VCPU_EXIT_PORT_IO,
	VCPU_EXIT_REASONS,
};

struct vcpu_exit {
	enum vcpu_exit_reason reason;
	/* MMIO and PORT_IO (gpa: the port) */
	u64 gpa;
	unsigned int size; /* 1, 2, 4, 8 */
	bool write;
	u64 value; /* written value (write) */
	/*
	 * MMIO answered already, on the way back in (keel/vcpu_reentry.h),
	 * and the device that answered (NULL when none did: the access
	 * faulted in the guest).
	 */
	bool answered;
	struct devemu_instance *dev;
	/* FATAL: what went wrong */
	const char *why;
	/*
	 * NONE: the exit was a second-stage fault Keel answered itself (an
	 * instruction fetch outside RAM, a fault retried): for the exit
	 * profile, which tells these apart from other handled exits.
	 */
	bool stage2_fault;
	/*
	 * The host counter (timer_read_cycles() units) read by the arch just
	 * before its world switch entered the guest and just after it came
	 * back: core charges exit_cycles - entry_cycles to the guest and the
	 * time from one exit to the next entry to Keel (struct vcpu_stats).
	 * The switch code itself falls on the guest's side. When the arch
	 * went back in after exits it answered alone (keel/vcpu_reentry.h),
	 * these are the last run's, and first_entry_cycles is the run's
	 * first entry, which closes the window of core's last exit.
	 */
	u64 first_entry_cycles;
	u64 entry_cycles;
	u64 exit_cycles;
};

/*
 * Every field an exit's reader may look at, cleared before a run (the
 * cycles are always written): field by field, since zeroing the whole
 * struct is a call to memset on the hot path.
 */
static inline void vcpu_exit_clear(struct vcpu_exit *e)
{
	e->reason = VCPU_EXIT_NONE;
	e->gpa = 0;
	e->size = 0;
	e->write = false;
	e->value = 0;
	e->answered = false;
	e->dev = NULL;
	e->why = NULL;
	e->stage2_fault = false;
}

#include <asm/vcpu.h>

struct guest;
struct vcpu;

enum guest_mem_type {
	GUEST_MEM_RAM, /* normal memory, read/write/execute */
	GUEST_MEM_ROM, /* normal memory, read/execute */
	GUEST_MEM_DEVICE, /* device registers: uncached, never executable */
};

int arch_guest_init(struct guest *g);
/*
 * Each start of the guest (the first, and after a halt or reset), with
 * every vCPU off and parked: its clock starts near zero, as a machine's
 * does at power-on, so that the time spent building or reloading it is
 * not part of its uptime.
 */
void arch_guest_start(struct guest *g);
void arch_guest_destroy(struct guest *g);
int arch_guest_map(struct guest *g, u64 gpa, paddr_t hpa, u64 size,
		   enum guest_mem_type type);
int arch_guest_unmap(struct guest *g, u64 gpa, u64 size);
/* The guest-physical address bits the CPU supports for guests. */
unsigned int arch_guest_pa_bits(void);
/* The host-physical address bits the second stage can map guests to. */
unsigned int arch_host_pa_bits(void);

int arch_vcpu_init(struct vcpu *v);
void arch_vcpu_destroy(struct vcpu *v);
/* Registers to their reset state: pc = entry, first argument = arg. */
void arch_vcpu_reset(struct vcpu *v, u64 entry, u64 arg);
/*
 * Run the guest with host interrupts masked; returns on an exit. State
 * that only the vCPU uses may stay in the CPU between runs ("loaded")
 * until arch_vcpu_put(), which core calls whenever the vCPU's thread
 * leaves the CPU or parks, on that CPU (it masks interrupts itself). While
 * a vCPU is loaded only its own thread may read or write that state, and
 * only its own thread resets it (arch_vcpu_reset, from vcpu_power_on).
 */
void arch_vcpu_run(struct vcpu *v, struct vcpu_exit *exit);
void arch_vcpu_put(struct vcpu *v);
/* Finish an MMIO or port exit: a read's value to the register; skip it. */
void arch_vcpu_mmio_done(struct vcpu *v, const struct vcpu_exit *exit,
			 u64 value);
/* The access of an MMIO exit faults in the guest (external abort). */
void arch_vcpu_inject_abort(struct vcpu *v, const struct vcpu_exit *exit);
/* The hardware id this vCPU reports (MPIDR, hart id). */
u64 arch_vcpu_hwid(const struct vcpu *v);
/* The guest's next timer deadline in host ns (0 = none armed). */
u64 arch_vcpu_timer_deadline(struct vcpu *v);
/*
 * While v stays loaded on this CPU, its timers end the CPU's wait at
 * their deadlines by themselves, and then either kick v or leave an
 * interrupt arch_vcpu_irq_pending() reports: a vCPU waiting in place
 * (sched_idle_in_place) then needs no host timer event of core's.
 * Called by v's thread, interrupts masked.
 */
bool arch_vcpu_timer_wakes_loaded(struct vcpu *v);
/*
 * An interrupt the arch keeps for this vCPU itself (not the guest's
 * interrupt controller: a riscv software or timer interrupt) is pending
 * and enabled: WFI must not sleep. Whoever makes one pending kicks the
 * vCPU afterwards, except the loaded vCPU's own timer (arm64's virtual
 * timer, live in the CPU), which ends the CPU's wait by itself; the arch
 * may then quiet the host interrupt behind it, which nobody else answers.
 * Called by v's own thread.
 */
bool arch_vcpu_irq_pending(struct vcpu *v);
/* Print the vCPU's registers with the given printer. */
void arch_vcpu_dump(struct vcpu *v, int (*print)(const char *fmt, ...));

/*
 * The boot protocol: where a kernel image goes in guest RAM and where it
 * starts. Core gives the image and the first RAM bank (the RAM contiguous
 * from the lowest guest RAM address, where the device tree and initrd go
 * at its top); the arch reads whatever header its protocol defines (arm64
 * and riscv Image today, bzImage or PVH on x86).
 */
struct arch_kernel_placement {
	u64 load; /* guest-physical address of the image's first byte */
	u64 entry; /* guest-physical address of vCPU0's first instruction */
};
/*
 * 0 and *out, or -EINVAL with the reason in why for an image the
 * protocol cannot place in this bank (core adds the guest and the image's
 * name). Whether the image then fits below the initrd and device tree is
 * core's to check.
 */
int arch_guest_place_kernel(const void *image, size_t size, u64 bank_base,
			    u64 bank_size, struct arch_kernel_placement *out,
			    char *why, size_t why_size);
/*
 * What core put into guest RAM (core/guest_load.c), for a boot protocol
 * that needs more than the image and a device tree. entry and arg come
 * as core sets them (the placement's entry, the device tree's address)
 * and the arch may change them.
 */
struct arch_boot_images {
	const void *kernel;
	size_t kernel_size;
	u64 kernel_load;
	u64 initrd, initrd_size; /* initrd_size 0: none */
	u64 fdt, fdt_size;
	u64 entry, arg;
};
/*
 * After the images are in guest RAM, at every (re)start: what else the
 * boot protocol puts there (x86 Linux: its zero page, ACPI tables, page
 * tables for the 64-bit entry). 0, or -errno with the reason in why
 * (core adds the guest's name).
 */
int arch_guest_boot_prepare(struct guest *g, struct arch_boot_images *b,
			    char *why, size_t why_size);
/* Add what the arch owns to a guest's device tree: CPUs, firmware, timer. */
struct devtree_node;
int arch_guest_fdt_fixup(struct guest *g, struct devtree_node *root);

/* Names of exit reasons for statistics. */
const char *vcpu_exit_name(enum vcpu_exit_reason r);

#endif
