/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's local APICs (emulators/irqchip/lapic.c, compatible
 * "keel,x86-lapic"): one instance per guest holds a register bank per
 * vCPU, behind one window that each vCPU sees as its own (the xAPIC's
 * 4 KiB at the node's "reg"). It is the guest's interrupt controller
 * (guest_irqchip): it says what each vCPU has to take, and gives the
 * vector when the vCPU takes it (acknowledge), the guest's TPR and the
 * in-service interrupts honoured.
 *
 * Device lines reach it as GSIs and go to the I/O APIC whose pins hold
 * them (emulators/irqchip/ioapic.c, which registers here); the I/O APIC
 * sends interrupt messages back (vlapic_deliver) and hears the EOIs of
 * level-triggered vectors (its remote IRR).
 *
 * The arch reaches the registers it has other ways to (CR8 is the TPR,
 * IA32_APIC_BASE) through the calls below. Start-up IPIs power vCPUs on
 * with vcpu_power_on(v, vector << 12, VLAPIC_SIPI_ARG), which tells the
 * arch to start the vCPU as a start-up IPI does: real mode, CS =
 * vector << 8, IP = 0.
 */
#ifndef KEEL_VLAPIC_H
#define KEEL_VLAPIC_H

#include <keel/types.h>

struct guest;
struct vcpu;
struct vlapic;

#define VLAPIC_SIPI_ARG (~0ULL)
/* The bus clock the local APIC timer counts, as QEMU's: 1 GHz. */
#define VLAPIC_BUS_HZ 1000000000ULL

/* An interrupt message: an I/O APIC redirection entry's fields. */
struct vlapic_msg {
	u8 vector;
	u8 delivery; /* APIC_DM_* (hw/apic.h) */
	bool logical; /* dest is a logical destination (LDR/DFR) */
	bool level; /* level-triggered: the EOI goes back to the sender */
	u8 dest; /* xAPIC destination: an APIC ID, or logical */
};

/* The guest's local APICs, or NULL when its machine has none. */
struct vlapic *vlapic_of(struct guest *g);

/*
 * Deliver a message to the local APICs it names; kicks the vCPUs that
 * get something. Any context, but not under the local APICs' own lock.
 */
void vlapic_deliver(struct vlapic *vl, const struct vlapic_msg *m);

/*
 * An I/O APIC's pins: GSIs gsi_base to gsi_base + nr_pins - 1. set_pin
 * gets their device lines (guest_irqchip.set_line), eoi the vector of
 * each EOI of a level-triggered interrupt (called without the local
 * APICs' lock). -EBUSY when the GSIs overlap another I/O APIC's, -ENOSPC
 * when there are too many.
 */
struct vlapic_ioapic_ops {
	void (*set_pin)(void *priv, unsigned int pin, bool level);
	void (*eoi)(void *priv, u8 vector);
};
int vlapic_add_ioapic(struct vlapic *vl, unsigned int gsi_base,
		      unsigned int nr_pins, const struct vlapic_ioapic_ops *ops,
		      void *priv);
void vlapic_remove_ioapic(struct vlapic *vl, void *priv);

/* CR8: the TPR's priority class (bits 7:4), for v's own thread. */
u8 vlapic_cr8_read(struct vlapic *vl, struct vcpu *v);
void vlapic_cr8_write(struct vlapic *vl, struct vcpu *v, u8 cr8);

/*
 * IA32_APIC_BASE: the window's address, the enable bit, BSP on vCPU 0.
 * A write may clear or set the enable bit (a disabled APIC takes no
 * interrupts and loses its state, as the SDM says); moving the window or
 * x2APIC mode are refused (-EINVAL: the guest gets #GP).
 */
u64 vlapic_base_msr_read(struct vlapic *vl, struct vcpu *v);
int vlapic_base_msr_write(struct vlapic *vl, struct vcpu *v, u64 value);

/* A vCPU's local APIC state, printed (`vcpu dumpreg`). */
void vlapic_dump(struct vlapic *vl, struct vcpu *v,
		 int (*print)(const char *fmt, ...));

/*
 * What INIT and start-up IPIs made of v, asked by v's own thread before
 * each entry. VLAPIC_RUN: enter the guest. VLAPIC_WAIT_SIPI: an INIT
 * stopped it (its local APIC reset, as the SDM's INIT does): do not
 * enter, wait as in HLT (guest_irq_pending() turns true when a start-up
 * IPI comes). VLAPIC_START: a start-up IPI came: start v at *entry as
 * vcpu_power_on(v, *entry, VLAPIC_SIPI_ARG) would, then enter. A vCPU
 * that never ran is started by the IPI itself, through vcpu_power_on().
 */
enum vlapic_run_state {
	VLAPIC_RUN,
	VLAPIC_WAIT_SIPI,
	VLAPIC_START,
};
enum vlapic_run_state vlapic_run_state(struct vlapic *vl, struct vcpu *v,
				       u64 *entry);

#endif
