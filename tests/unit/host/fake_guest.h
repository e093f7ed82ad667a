/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rest of Keel as a device emulator sees it, for host tests that drive
 * an emulator through its operations as core/ does: one fake guest with
 * up to GUEST_MAX_VCPUS vCPUs, a recorder of interrupt lines and vCPU
 * kicks, a table of device-tree properties, and a clock with one CPU's
 * timer queue that the test moves by hand.
 *
 * A test calls fake_guest_init() before each instance it builds; that
 * forgets everything recorded so far.
 */
#ifndef KEEL_FAKE_GUEST_H
#define KEEL_FAKE_GUEST_H

#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/guest.h>
#include <keel/timer.h>

/* ---- the guest and its vCPUs ---- */

extern struct guest fake_guest;
extern struct vcpu fake_vcpus[GUEST_MAX_VCPUS];
/* The guest's description node: its "vcpus" is set by fake_guest_init(). */
extern struct devtree_node fake_guest_config;
/* What arch_vcpu_hwid() answers for each vCPU index (default: the index). */
extern u64 fake_hwids[GUEST_MAX_VCPUS];

/*
 * A fresh guest named name whose description says nr_vcpus (0: says
 * nothing), with no vCPUs built yet and nothing recorded.
 */
void fake_guest_init(const char *name, unsigned int nr_vcpus);
/* Build the vCPUs, as core does after the devices. */
void fake_guest_add_vcpus(unsigned int nr_vcpus);

/* ---- what emulators report ---- */

/* Kicks per vCPU; kicking while *fake_kick_forbidden_lock is held fails. */
extern unsigned int fake_kicks[GUEST_MAX_VCPUS];
extern spinlock_t *fake_kick_forbidden_lock;
/*
 * vcpu_ipi_sent() hints per target vCPU (a directed yield's chance);
 * under *fake_kick_forbidden_lock it fails as a kick does.
 */
extern unsigned int fake_ipis_sent[GUEST_MAX_VCPUS];
/*
 * vcpu_interrupt_completed() calls (the calling vCPU ended a loan's
 * purpose); under *fake_kick_forbidden_lock it fails as a kick does.
 */
extern unsigned int fake_interrupts_completed;
/*
 * Set: each kick asks the guest's interrupt controller for the kicked
 * vCPU's answer (guest_irqchip.pending), as the woken vCPU does. For a
 * controller whose lock the test cannot name (its state is the
 * emulator's own): a kick made under that lock fails, on the host
 * spinlock's check against taking a held lock.
 */
extern bool fake_kick_asks_irqchip;

/*
 * devemu_irq_set() as seen on the guest's interrupt numbers. Each call
 * must come with the instance locked and change its line.
 */
#define FAKE_NR_IRQS 1024
extern bool fake_irq_lines[FAKE_NR_IRQS];
extern unsigned int fake_irq_changes;

/* The last devemu_error() message. */
extern char fake_error_msg[256];

/* devemu_add_window(): calls, the last window, and what it returns. */
extern unsigned int fake_windows_added;
extern u64 fake_window_base, fake_window_size;
extern int fake_window_err;

/* ---- the device tree emulators read ---- */

/* devtree_prop_read_u32(node, name) answers value from now on. */
void fake_dt_set_u32(const struct devtree_node *node, const char *name,
		     u32 value);
/*
 * devtree_prop_read_string(node, name), and index 0 of
 * devtree_prop_read_string_index(), answer value from now on, and
 * devtree_prop_find(node, name) finds a property ("" for a flag).
 */
void fake_dt_set_string(const struct devtree_node *node, const char *name,
			const char *value);
/* devtree_read_reg(node, index) answers base and size from now on. */
void fake_dt_set_reg(const struct devtree_node *node, unsigned int index,
		     u64 base, u64 size);

/* ---- instances, as core/guest.c builds and drives them ---- */

#define FAKE_NO_IRQ 0

/* An instance of emu on the fake guest; irq FAKE_NO_IRQ wires none. */
struct devemu_instance *fake_instance(const struct emulator *emu,
				      const char *name, u64 base, u64 size,
				      unsigned int irq);
/* Remove (the emulator must let go of inst->priv) and free. */
void fake_destroy(struct devemu_instance *inst);
/* Accesses and reset with the instance lock held, as core makes them. */
int fake_read(struct devemu_instance *inst, u64 offset, unsigned int size,
	      u64 *value);
int fake_write(struct devemu_instance *inst, u64 offset, unsigned int size,
	       u64 value);
void fake_reset(struct devemu_instance *inst);
/*
 * Accesses a test expects to succeed: one that fails fails the test at
 * the caller's line (unit.h's CHECK). fake_rd gives the value read, or
 * 0xdeadbeef when the read failed.
 */
#define fake_rd(inst, off, size)                                         \
	({                                                               \
		u64 fake_v_ = 0xdeadbeef;                                \
		CHECK_EQ(fake_read((inst), (off), (size), &fake_v_), 0); \
		fake_v_;                                                 \
	})
#define fake_wr(inst, off, size, v) \
	CHECK_EQ(fake_write((inst), (off), (size), (v)), 0)

/*
 * A device line into, and the answer of, the guest's interrupt controller
 * (pending(), checked against output() where the controller has one).
 */
void fake_line(unsigned int irq, bool level);
bool fake_pending(unsigned int cpu);

/* ---- time ---- */

extern u64 fake_now_ns; /* timer_now_ns() */
extern u64 fake_wall_base; /* wall-clock seconds at fake_now_ns = 0 */
extern u64 fake_wall_phase_ns; /* the wall clock's seconds tick this early */
/* The one event armed on the test's CPU, and how often one was armed. */
extern struct timer_event *fake_timer_queued;
extern unsigned int fake_timer_arms;

/*
 * Timer clock at now_ns, wall clock reading wall seconds then, its
 * seconds ticking phase_ns before the timer clock's; no event queued.
 */
void fake_clock_set(u64 now_ns, u64 wall, u64 phase_ns);
/* Let time pass, firing the queued event as the timer interrupt would. */
void fake_clock_advance(u64 ns);

#endif
