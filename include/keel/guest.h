/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests, their vCPUs and address spaces (core/guest.c, core/vcpu.c,
 * core/aspace.c). A guest is described by a device-tree node (see
 * docs/guest-config.md); everything about it is derived from that node.
 */
#ifndef KEEL_GUEST_H
#define KEEL_GUEST_H

#include <keel/list.h>
#include <keel/sched.h>
#include <keel/spinlock.h>
#include <keel/types.h>
#include <arch/vcpu.h>

struct devtree_node;
struct devemu_instance;

#define GUEST_NAME_LEN 32
#define GUEST_MAX_VCPUS 8
#define ASPACE_MAX_REGIONS 32
/* The I/O-port space's size (x86: ports 0-0xffff). */
#define PORT_SPACE_SIZE 0x10000ULL

enum region_type {
	REGION_RAM, /* host pages, mapped read/write */
	REGION_ROM, /* host pages, mapped read-only */
	REGION_EMULATED, /* trapped: accesses go to an emulator */
	REGION_PASSTHROUGH, /* host device registers, mapped untrapped */
};

struct region {
	u64 gpa, size;
	enum region_type type;
	char name[48];
	void *host; /* RAM/ROM: Keel address of the backing memory */
	unsigned int order; /* RAM/ROM: page_alloc order of the backing */
	struct devemu_instance *dev; /* EMULATED */
	paddr_t hpa; /* PASSTHROUGH: the host physical address */
};

/* Regions sorted by guest-physical address, never overlapping. */
struct aspace {
	struct region regions[ASPACE_MAX_REGIONS];
	unsigned int nr;
};

/* The region holding gpa, or NULL. */
struct region *aspace_find(struct aspace *as, u64 gpa);
/* Insert a region; -EEXIST when it overlaps one, -ENOSPC when full. */
int aspace_insert(struct aspace *as, const struct region *r,
		  struct region **out);
/*
 * Copy to or from the memory behind [gpa, gpa + len), which may span
 * regions; -EFAULT (before or part-way) where a byte of it is not RAM or
 * ROM. Writes reach ROM too: its contents come from Keel.
 */
int aspace_write(struct aspace *as, u64 gpa, const void *src, size_t len);
int aspace_read(struct aspace *as, u64 gpa, void *dst, size_t len);
/*
 * Keel's pointer to [gpa, gpa + len) when one RAM or ROM region holds all
 * of it, or NULL. *hint (may be NULL), a region looked up before, is
 * tried first and replaced by the one found: a guest page walk reads
 * its entries, nearly always from one region, without a search each.
 */
void *aspace_ram_ptr(struct aspace *as, u64 gpa, size_t len,
		     struct region **hint);

enum vcpu_state {
	VCPU_OFF, /* not started (secondaries wait for PSCI CPU_ON) */
	VCPU_RUNNING, /* runnable or running guest code */
	VCPU_WAITING, /* in WFI, waiting for an interrupt */
	VCPU_PAUSED,
	VCPU_STOPPING, /* its thread is on its way out */
};

/*
 * The exit profile's classes: finer than the exit reasons where a reader
 * wants to know what Keel spent its time on (docs/terminal.md, `vcpu
 * profile`).
 */
enum vcpu_prof_class {
	VCPU_PROF_HYPERCALL, /* firmware call: PSCI through HVC/SMC, SBI */
	VCPU_PROF_SYSREG, /* system register or CSR / virtual-instruction trap */
	VCPU_PROF_MMIO, /* access to an emulated device (or to nothing) */
	VCPU_PROF_STAGE2, /* other second-stage fault answered by Keel */
	VCPU_PROF_WFI, /* WFI, PSCI CPU_SUSPEND, SBI HSM suspend: may sleep */
	VCPU_PROF_YIELD, /* WFE, spin hints: lets other threads run */
	VCPU_PROF_IRQ_TIMER, /* host interrupt: Keel's timer */
	VCPU_PROF_IRQ_IPI, /* host interrupt: an IPI from another CPU */
	VCPU_PROF_IRQ_OTHER, /* host interrupt: devices, vGIC maintenance */
	VCPU_PROF_OTHER, /* exception injected, power state, fatal */
	VCPU_PROF_CLASSES,
};

/*
 * One class: its exits, and the host counter cycles from each such exit
 * to the vCPU's next entry (Keel's handling, and whatever else ran on the
 * CPU meanwhile: off_cpu_ns of it the vCPU's thread was switched out).
 */
struct vcpu_prof_stat {
	u64 exits;
	u64 cycles;
	u64 off_cpu_ns;
};

struct vcpu_stats {
	u64 exits[VCPU_EXIT_REASONS];
	u64 run_cycles; /* host counter cycles in guest mode */
	struct vcpu_prof_stat prof[VCPU_PROF_CLASSES];
};

const char *vcpu_prof_class_name(enum vcpu_prof_class c);

struct guest;

struct vcpu {
	struct guest *guest;
	unsigned int index;
	u64 affinity;
	volatile enum vcpu_state state;
	enum vcpu_state state_before_pause;
	volatile bool parked; /* asleep outside guest mode */
	/*
	 * A power-on's entry point and argument, until the vCPU's own thread
	 * resets its registers to them (vcpu_power_on): only that thread may
	 * touch them, and it may still be loaded on its CPU, leaving the
	 * guest after a power-off.
	 */
	volatile bool reset_pending;
	u64 reset_entry, reset_arg;
	struct thread *thread;
	struct waitqueue wait; /* WFI, pause, power-off */
	struct timer_event wakeup; /* WFI deadline (the guest's timer) */
	/*
	 * The region of the last MMIO exit: a driver polls one device
	 * register after another. Regions are fixed once the guest is built.
	 */
	struct region *mmio_hint;
	/* Why a device powered the guest off (its power_why, copied). */
	char power_why[64];
	struct vcpu_stats stats;
	const struct vcpu_guest_requests *requests;
	struct arch_vcpu arch;
};

enum guest_state {
	GUEST_CREATED, /* built, vCPUs not started */
	GUEST_RUNNING,
	GUEST_PAUSED,
	GUEST_HALTED, /* powered off or stopped after a fault */
};

struct guest {
	struct list_head link;
	char name[GUEST_NAME_LEN];
	unsigned int id;
	volatile enum guest_state state;
	struct devtree_node *config; /* private copy of the description */
	struct aspace aspace;
	/* The I/O-port space (x86): device windows only, ports 0-0xffff. */
	struct aspace ports;
	struct list_head devices; /* devemu instances */
	unsigned int nr_vcpus;
	struct vcpu *vcpus[GUEST_MAX_VCPUS];
	u64 entry; /* vCPU0's first instruction */
	u64 boot_arg; /* x0/a1: the guest's device tree */
	spinlock_t lock;
	const struct guest_irqchip *irqchip;
	void *irqchip_priv;
	u64 irq_raised; /* lines raised with no controller to take them */
	struct arch_guest arch;
};

const char *guest_name(const struct guest *g);
const char *guest_state_name(enum guest_state s);
const char *vcpu_state_name(enum vcpu_state s);

/*
 * Create a guest from a description node (copied; the caller keeps its
 * node). Problems are printed naming the node and the reason; returns
 * 0 and *out, or -errno.
 */
int guest_create(const struct devtree_node *desc, struct guest **out);
/*
 * Create the guests a DTB's /guests/<name> nodes describe. Every refusal
 * is reported on the console first: "<file>: bad device tree: <reason>"
 * for a damaged blob, "guest <name>: <reason>" for a description.
 */
int guest_create_from_fdt(const char *file, const void *fdt, size_t size,
			  struct guest **out);
int guest_start(struct guest *g);
int guest_pause(struct guest *g);
int guest_resume(struct guest *g);
int guest_reset(struct guest *g);
int guest_halt(struct guest *g);
int guest_destroy(struct guest *g);
struct guest *guest_find(const char *name);
int guest_for_each(int (*fn)(struct guest *g, void *arg), void *arg);
/* Create every /guests/<name> of the host tree; start the autostart ones. */
void guest_create_boot_guests(void);

/*
 * What a vCPU's exits ask of the whole guest: power it off (SYSTEM_OFF, a
 * fatal exit, with why) or reset it. The guest's life cycle (core/guest.c)
 * owns both and hands them to vcpu_create(), so vcpu.c calls nothing of
 * guest.c's by name.
 */
struct vcpu_guest_requests {
	void (*halt)(struct guest *g, const char *why);
	void (*reset)(struct guest *g);
};

/* vCPU life (core/vcpu.c) */
int vcpu_create(struct guest *g, unsigned int index, u64 affinity,
		const struct vcpu_guest_requests *requests, struct vcpu **out);
/*
 * Its thread ends and it never enters the guest again; kicks (a device's
 * interrupt, a timer) still find it, and do nothing, until vcpu_destroy().
 * STOPPING is final: nothing moves a vCPU out of it. vcpu_request_stop()
 * only tells it (and returns at once); vcpu_wait_stopped() waits for it.
 */
void vcpu_request_stop(struct vcpu *v);
void vcpu_wait_stopped(struct vcpu *v);
/* After vcpu_request_stop(): waits if need be, then frees it. */
void vcpu_destroy(struct vcpu *v);
/*
 * Start a vCPU at entry with one boot argument (PSCI CPU_ON, boot): it
 * runs again at once; its own thread resets its registers before it
 * enters the guest. -EALREADY unless it was off.
 */
int vcpu_power_on(struct vcpu *v, u64 entry, u64 arg);
/* The current vCPU stops (PSCI CPU_OFF) until powered on again. */
void vcpu_power_off(struct vcpu *v);
/* Make v leave guest mode soon (an interrupt became pending, a pause). */
void vcpu_kick(struct vcpu *v);
/*
 * The calling thread's vCPU makes an interrupt pending for to, no lock
 * held: when to is ready but waits for this CPU, let it run at the
 * caller's next schedule() (a directed yield, sched_yield_to). Call it
 * before kicking to: a target waiting in WFI, which the kick wakes (and
 * which then preempts the sender anyway), is told from a runnable one by
 * its state alone.
 */
void vcpu_ipi_sent(struct vcpu *to);
/*
 * The calling thread's vCPU completed an interrupt (an EOI its interrupt
 * controller's emulator saw): a loan vcpu_ipi_sent() gave it has served
 * its purpose and ends (sched_end_loan), instead of when
 * CONFIG_SCHED_LEND_NS runs out. Only where completion traps (the local
 * APIC's EOI register); elsewhere the loan's time ends it.
 */
void vcpu_interrupt_completed(void);
/* The vCPU of g with hardware id hwid, or NULL. */
struct vcpu *vcpu_find_by_hwid(struct guest *g, u64 hwid);
/* The calling thread's vCPU, or NULL for plain hypervisor threads. */
struct vcpu *vcpu_current(void);

/* Guest memory access for the hypervisor (emulators, loaders). */
/*
 * Map host device registers [hpa, hpa + size) at gpa, untrapped, as a
 * region named name (page-aligned; -EEXIST on overlap). For Keel's own
 * callers, which know the range is safe to hand out (the GICv2 virtual CPU
 * interface); descriptions go through "keel,passthrough" nodes, which
 * are checked against host RAM and Keel's own devices first.
 */
int guest_map_host_device(struct guest *g, const char *name, u64 gpa,
			  paddr_t hpa, u64 size);

/* A guest's RAM and ROM, as aspace_write() and aspace_read() copy it. */
static inline int guest_memory_write(struct guest *g, u64 gpa, const void *src,
				     size_t len)
{
	return aspace_write(&g->aspace, gpa, src, len);
}

static inline int guest_memory_read(struct guest *g, u64 gpa, void *dst,
				    size_t len)
{
	return aspace_read(&g->aspace, gpa, dst, len);
}

#endif
