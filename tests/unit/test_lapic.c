// SPDX-License-Identifier: GPL-2.0
/*
 * emulators/irqchip/lapic.c driven as Keel drives it: register accesses
 * through its emulator operations with the instance lock held (as core
 * does), each made by the vCPU the test says is current (every vCPU sees
 * its own bank behind the one window), the guest_irqchip it registers,
 * interrupt messages and I/O APIC registrations through keel/vlapic.h,
 * and the arch's calls (CR8, IA32_APIC_BASE, INIT and start-up IPIs).
 * Expected behaviour is the Intel SDM vol. 3A ch. 11 and the AMD APM
 * vol. 2 ch. 16 for an xAPIC; the layout is hw/apic.h's. The guest is the
 * shared fake (host/fake_guest.c); its clock holds one timer event at a
 * time, so each timer test runs one bank's timer.
 */
#include "unit.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <hw/apic.h>
#include <keel/devemu.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/vlapic.h>
#include "host/fake_guest.h"

#define VERSION_VALUE 0x00050014U
#define VEC_TIMER 0xec
#define T0 1000000ULL /* the fake clock at each test's start */

/* ---- what the emulator asks of the rest of Keel ---- */

/* The vCPU making each access (each bank is its own vCPU's). */
static struct vcpu *current_vcpu;

struct vcpu *vcpu_current(void)
{
	return current_vcpu;
}

/* vCPU c makes the accesses from here on (-1: no vCPU). */
static void as_cpu(int c)
{
	current_vcpu = c < 0 ? NULL : &fake_vcpus[c];
}

static void lock_probe(void);

/* vcpu_power_on() (start-up IPIs): the calls and the last success. */
static unsigned int power_on_calls, power_on_started;
static struct vcpu *power_on_vcpu;
static u64 power_on_entry, power_on_arg;

int vcpu_power_on(struct vcpu *v, u64 entry, u64 arg)
{
	lock_probe();
	power_on_calls++;
	if (v->state != VCPU_OFF)
		return -EALREADY;
	power_on_started++;
	power_on_vcpu = v;
	power_on_entry = entry;
	power_on_arg = arg;
	v->state = VCPU_RUNNING;
	return 0;
}

/* ---- the instance ---- */

static struct devtree_node lapic_node;
static struct devemu_instance *inst;
static struct vlapic *vl;

/*
 * Local APICs on a fake guest of n vCPUs, built after the probe as core
 * builds them; vCPU 0 running, the others off; accesses from vCPU 0.
 */
static void setup(unsigned int n)
{
	const struct emulator *emu = devemu_find("keel,x86-lapic");

	if (!emu) {
		printf("  no emulator serves keel,x86-lapic\n");
		abort();
	}
	fake_guest_init("vm1", n);
	fake_clock_set(T0, 0, 0);
	power_on_calls = 0;
	power_on_started = 0;
	power_on_vcpu = NULL;
	power_on_entry = 0;
	power_on_arg = 0;
	current_vcpu = NULL;
	inst = fake_instance(emu, "lapic@fee00000", LAPIC_DEFAULT_BASE,
			     LAPIC_WINDOW, FAKE_NO_IRQ);
	CHECK_EQ(devemu_probe(inst, &lapic_node), 0);
	CHECK(inst->priv != NULL);
	fake_guest_add_vcpus(n);
	fake_vcpus[0].state = VCPU_RUNNING;
	as_cpu(0);
	vl = vlapic_of(&fake_guest);
	CHECK(vl != NULL);
	if (!vl)
		abort();
}

static void teardown(void)
{
	fake_destroy(inst);
	CHECK(fake_guest.irqchip == NULL);
	CHECK(fake_timer_queued == NULL);
	inst = NULL;
	vl = NULL;
}

/* ---- kicks and calls out of the model must come after its lock ---- */

/*
 * Each kick asks the guest's interrupt controller (fake_kick_asks_irqchip)
 * through this wrapper, which also reads a register through the
 * emulator's own operation: that takes the model's lock, which the host
 * spinlock refuses (asserts) when it is already held. vcpu_power_on()
 * and the fake I/O APIC's callbacks probe the same way.
 */
static struct guest_irqchip probe_chip;
static const struct guest_irqchip *real_chip;
static bool probing;
static unsigned int lock_probes;

static void lock_probe(void)
{
	u64 v = 0;

	if (!probing || !current_vcpu)
		return;
	CHECK_EQ(inst->emu->read(inst, LAPIC_TPR, 4, &v), 0);
	lock_probes++;
}

static bool probe_pending(void *priv, struct vcpu *v)
{
	lock_probe();
	return real_chip->pending(priv, v);
}

static void start_lock_probe(void)
{
	real_chip = fake_guest.irqchip;
	probe_chip = *real_chip;
	probe_chip.pending = probe_pending;
	fake_guest.irqchip = &probe_chip;
	fake_kick_asks_irqchip = true;
	probing = true;
	lock_probes = 0;
}

static void stop_lock_probe(void)
{
	probing = false;
	fake_kick_asks_irqchip = false;
	fake_guest.irqchip = real_chip;
}

/* ---- register and controller helpers ---- */

static u32 rd(int c, u64 reg)
{
	as_cpu(c);
	return (u32)fake_rd(inst, reg, 4);
}

static void wr(int c, u64 reg, u32 v)
{
	as_cpu(c);
	fake_wr(inst, reg, 4, v);
}

static bool vec_in(int c, u64 base, unsigned int vec)
{
	return rd(c, base + 16 * (vec / 32)) & (1U << (vec % 32));
}

static bool irr(int c, unsigned int vec)
{
	return vec_in(c, LAPIC_IRR, vec);
}

static bool isr(int c, unsigned int vec)
{
	return vec_in(c, LAPIC_ISR, vec);
}

static bool tmr(int c, unsigned int vec)
{
	return vec_in(c, LAPIC_TMR, vec);
}

/* How many bits are set in c's IRR. */
static unsigned int irr_count(int c)
{
	unsigned int n = 0;

	for (unsigned int w = 0; w < 8; w++)
		n += (unsigned int)__builtin_popcount(
			rd(c, LAPIC_IRR + 16 * w));
	return n;
}

static bool isr_empty(int c)
{
	for (unsigned int w = 0; w < 8; w++)
		if (rd(c, LAPIC_ISR + 16 * w))
			return false;
	return true;
}

/* Software-enable c's local APIC (spurious vector 0xff). */
static void sw_enable(int c)
{
	wr(c, LAPIC_SVR, SVR_ENABLE | 0xff);
}

/* Latch and read c's ESR, as Linux does (write, then read). */
static u32 esr(int c)
{
	wr(c, LAPIC_ESR, 0);
	return rd(c, LAPIC_ESR);
}

static int ack(int c)
{
	return fake_guest.irqchip->acknowledge(fake_guest.irqchip_priv,
					       &fake_vcpus[c]);
}

/* The controller's pending() alone (INIT and SIPI are not an output). */
static bool raw_pending(int c)
{
	return fake_guest.irqchip->pending(fake_guest.irqchip_priv,
					   &fake_vcpus[c]);
}

static void eoi(int c)
{
	wr(c, LAPIC_EOI, 0);
}

static void deliver(u8 vector, u8 delivery, bool logical, bool level, u8 dest)
{
	struct vlapic_msg m = {
		.vector = vector,
		.delivery = delivery,
		.logical = logical,
		.level = level,
		.dest = dest,
	};

	vlapic_deliver(vl, &m);
}

static void fixed(u8 vector, u8 dest)
{
	deliver(vector, APIC_DM_FIXED, false, false, dest);
}

/* An IPI from c: the destination, then the low word, as Linux writes. */
static void ipi(int c, u8 dest, u32 lo)
{
	wr(c, LAPIC_ICR_HI, (u32)dest << ICR_HI_DEST_SHIFT);
	wr(c, LAPIC_ICR_LO, lo);
}

#define SHORTHAND(s) ((u32)(s) << ICR_SHORTHAND_SHIFT)

static enum vlapic_run_state run_state(int c, u64 *entry)
{
	return vlapic_run_state(vl, &fake_vcpus[c], entry);
}

/*
 * Start the off vCPU c as Linux does (INIT assert, de-assert, start-up
 * vector 0x9a), from vCPU 0; the power-on record cleared after.
 */
static void start_ap(int c)
{
	CHECK_EQ(fake_vcpus[c].state, VCPU_OFF);
	ipi(0, (u8)c, 0x0000c500);
	ipi(0, (u8)c, 0x00008500);
	ipi(0, (u8)c, 0x0000069a);
	CHECK_EQ(fake_vcpus[c].state, VCPU_RUNNING);
	power_on_calls = 0;
	power_on_started = 0;
	power_on_vcpu = NULL;
}

/* ---- a fake I/O APIC ---- */

#define FAKE_IOAPICS 2

static struct fake_ioapic {
	unsigned int set_pin_calls, last_pin;
	bool last_level;
	unsigned int eoi_calls;
	u8 last_eoi;
	/* Like the 82093AA: a level pin still high is sent again on EOI. */
	bool redeliver;
	u8 vector;
	bool line;
} fake_ioapics[FAKE_IOAPICS];

static void fake_set_pin(void *priv, unsigned int pin, bool level)
{
	struct fake_ioapic *io = priv;

	lock_probe();
	io->set_pin_calls++;
	io->last_pin = pin;
	io->last_level = level;
	io->line = level;
	if (io->redeliver && level)
		deliver(io->vector, APIC_DM_FIXED, false, true, 0);
}

static void fake_eoi(void *priv, u8 vector)
{
	struct fake_ioapic *io = priv;

	lock_probe();
	io->eoi_calls++;
	io->last_eoi = vector;
	if (io->redeliver && io->line && vector == io->vector)
		deliver(io->vector, APIC_DM_FIXED, false, true, 0);
}

static const struct vlapic_ioapic_ops fake_ioapic_ops = {
	.set_pin = fake_set_pin,
	.eoi = fake_eoi,
};

static void reset_ioapics(void)
{
	memset(fake_ioapics, 0, sizeof(fake_ioapics));
}

/* ---- probe, power-on state, removal ---- */

UNIT_TEST(probe_registers_irqchip_and_remove_unregisters)
{
	setup(1);
	CHECK(fake_guest.irqchip != NULL);
	if (!fake_guest.irqchip)
		return;
	CHECK(fake_guest.irqchip->pending != NULL);
	CHECK(fake_guest.irqchip->acknowledge != NULL);
	CHECK(fake_guest.irqchip->set_line != NULL);
	CHECK(vlapic_of(NULL) == NULL);
	teardown();
	CHECK(vlapic_of(&fake_guest) == NULL);
}

UNIT_TEST(probe_refusals)
{
	const struct emulator *emu = devemu_find("keel,x86-lapic");
	struct devemu_instance *bad;

	CHECK(emu != NULL);
	if (!emu)
		return;
	/* Not one 4 KiB page: a bigger window, a misaligned one. */
	fake_guest_init("vm1", 1);
	bad = fake_instance(emu, "lapic@fee00000", LAPIC_DEFAULT_BASE, 0x2000,
			    FAKE_NO_IRQ);
	CHECK_EQ(devemu_probe(bad, &lapic_node), -EINVAL);
	CHECK(bad->priv == NULL);
	CHECK(fake_guest.irqchip == NULL);
	free(bad);
	bad = fake_instance(emu, "lapic@fee00800", LAPIC_DEFAULT_BASE + 0x800,
			    LAPIC_WINDOW, FAKE_NO_IRQ);
	CHECK_EQ(devemu_probe(bad, &lapic_node), -EINVAL);
	free(bad);
	/* A second interrupt controller on the same guest. */
	setup(1);
	bad = fake_instance(emu, "lapic@fed00000", 0xfed00000, LAPIC_WINDOW,
			    FAKE_NO_IRQ);
	CHECK_EQ(devemu_probe(bad, &lapic_node), -EBUSY);
	CHECK(bad->priv == NULL);
	free(bad);
	CHECK(vlapic_of(&fake_guest) == vl);
	teardown();
}

UNIT_TEST(power_on_state_per_bank)
{
	setup(4);
	for (int c = 0; c < 4; c++) {
		u64 base = vlapic_base_msr_read(vl, &fake_vcpus[c]);

		CHECK_EQ(rd(c, LAPIC_ID), (u32)c << 24);
		CHECK_EQ(rd(c, LAPIC_VERSION), VERSION_VALUE);
		CHECK_EQ(rd(c, LAPIC_SVR), 0xff);
		CHECK_EQ(rd(c, LAPIC_TPR), 0);
		CHECK_EQ(rd(c, LAPIC_PPR), 0);
		CHECK_EQ(rd(c, LAPIC_APR), 0);
		CHECK_EQ(rd(c, LAPIC_LDR), 0);
		CHECK_EQ(rd(c, LAPIC_DFR), 0xffffffffU);
		CHECK_EQ(rd(c, LAPIC_ESR), 0);
		CHECK_EQ(rd(c, LAPIC_ICR_LO), 0);
		CHECK_EQ(rd(c, LAPIC_ICR_HI), 0);
		for (u64 r = LAPIC_LVT_TIMER; r <= LAPIC_LVT_ERROR; r += 16)
			CHECK_EQ(rd(c, r), LVT_MASKED);
		CHECK_EQ(rd(c, LAPIC_TIMER_INITIAL), 0);
		CHECK_EQ(rd(c, LAPIC_TIMER_CURRENT), 0);
		CHECK_EQ(rd(c, LAPIC_TIMER_DIVIDE), 0);
		for (unsigned int w = 0; w < 8; w++) {
			CHECK_EQ(rd(c, LAPIC_IRR + 16 * w), 0);
			CHECK_EQ(rd(c, LAPIC_ISR + 16 * w), 0);
			CHECK_EQ(rd(c, LAPIC_TMR + 16 * w), 0);
		}
		CHECK(!fake_pending(c));
		CHECK_EQ(ack(c), -1);
		CHECK_EQ(base, LAPIC_DEFAULT_BASE | APIC_BASE_ENABLE |
				       (c == 0 ? APIC_BASE_BSP : 0));
		CHECK_EQ(vlapic_cr8_read(vl, &fake_vcpus[c]), 0);
		CHECK_EQ(run_state(c, &base), VLAPIC_RUN);
	}
	/* Each vCPU sees its own bank: a write to one leaves the others. */
	wr(2, LAPIC_TPR, 0x30);
	CHECK_EQ(rd(2, LAPIC_TPR), 0x30);
	CHECK_EQ(rd(1, LAPIC_TPR), 0);
	CHECK_EQ(rd(3, LAPIC_TPR), 0);
	teardown();
}

/* ---- software enable (SVR) ---- */

UNIT_TEST(sw_disabled_accepts_no_fixed_interrupts)
{
	setup(2);
	fixed(0x40, 0);
	deliver(0x41, APIC_DM_FIXED, false, false, 0xff);
	CHECK(!irr(0, 0x40));
	CHECK(!irr(0, 0x41));
	CHECK(!fake_pending(0));
	CHECK_EQ(fake_kicks[0], 0);
	CHECK_EQ(ack(0), -1);
	/* Enabled through SVR bit 8: now it takes them. */
	sw_enable(0);
	CHECK_EQ(rd(0, LAPIC_SVR), 0x1ff);
	fixed(0x40, 0);
	CHECK(irr(0, 0x40));
	CHECK(fake_pending(0));
	CHECK_EQ(fake_kicks[0], 1);
	/* vCPU 1's bank is still disabled. */
	fixed(0x40, 1);
	CHECK(!irr(1, 0x40));
	CHECK_EQ(fake_kicks[1], 0);
	teardown();
}

UNIT_TEST(svr_disable_masks_lvts_and_keeps_them_masked)
{
	setup(1);
	/* While disabled, a write cannot clear an LVT mask bit. */
	wr(0, LAPIC_LVT_TIMER, VEC_TIMER);
	CHECK_EQ(rd(0, LAPIC_LVT_TIMER), LVT_MASKED | VEC_TIMER);
	wr(0, LAPIC_LVT_ERROR, 0xfe);
	CHECK_EQ(rd(0, LAPIC_LVT_ERROR), LVT_MASKED | 0xfe);
	sw_enable(0);
	for (u64 r = LAPIC_LVT_TIMER; r <= LAPIC_LVT_ERROR; r += 16) {
		wr(0, r, 0x50);
		CHECK_EQ(rd(0, r), 0x50);
	}
	/* Disabling masks them all again, vectors kept. */
	wr(0, LAPIC_SVR, 0xff);
	for (u64 r = LAPIC_LVT_TIMER; r <= LAPIC_LVT_ERROR; r += 16)
		CHECK_EQ(rd(0, r), LVT_MASKED | 0x50);
	wr(0, LAPIC_LVT_LINT0, 0x60);
	CHECK_EQ(rd(0, LAPIC_LVT_LINT0), LVT_MASKED | 0x60);
	/* The SVR's writable bits: vector, enable, focus check. */
	wr(0, LAPIC_SVR, 0xffffffffU);
	CHECK_EQ(rd(0, LAPIC_SVR), 0x3ff);
	teardown();
}

UNIT_TEST(lvt_read_only_bits)
{
	setup(1);
	sw_enable(0);
	/* Delivery status, remote IRR: read-only in every entry. */
	wr(0, LAPIC_LVT_LINT0, 0xffffffffU);
	CHECK_EQ(rd(0, LAPIC_LVT_LINT0), 0x1a7ff);
	/* Timer: vector, mask, periodic (no TSC-deadline mode offered). */
	wr(0, LAPIC_LVT_TIMER, 0xffffffffU);
	CHECK_EQ(rd(0, LAPIC_LVT_TIMER), 0x300ff);
	/* Error: vector and mask only. */
	wr(0, LAPIC_LVT_ERROR, 0xffffffffU);
	CHECK_EQ(rd(0, LAPIC_LVT_ERROR), 0x100ff);
	teardown();
}

/* ---- fixed interrupts: destinations ---- */

UNIT_TEST(fixed_physical_and_broadcast)
{
	setup(3);
	for (int c = 0; c < 3; c++)
		sw_enable(c);
	fixed(0x41, 1);
	CHECK(irr(1, 0x41));
	CHECK(!irr(0, 0x41));
	CHECK(!irr(2, 0x41));
	CHECK_EQ(rd(1, LAPIC_IRR + 0x20), 1U << 1);
	CHECK(fake_pending(1));
	CHECK(!fake_pending(0));
	CHECK_EQ(fake_kicks[1], 1);
	CHECK_EQ(fake_kicks[0], 0);
	/* No APIC has ID 7: nobody takes it. */
	fixed(0x42, 7);
	for (int c = 0; c < 3; c++)
		CHECK(!irr(c, 0x42));
	/* Physical 0xff is a broadcast. */
	fixed(0xa3, 0xff);
	for (int c = 0; c < 3; c++) {
		CHECK(irr(c, 0xa3));
		CHECK_EQ(rd(c, LAPIC_IRR + 0x50), 1U << 3);
		CHECK(fake_pending(c));
	}
	/* Vector 0xff lands in the last IRR word's top bit. */
	fixed(0xff, 2);
	CHECK_EQ(rd(2, LAPIC_IRR + 0x70), 0x80000000U);
	/* A changed APIC ID is the one physical destinations name. */
	wr(2, LAPIC_ID, 0x05000000);
	CHECK_EQ(rd(2, LAPIC_ID), 0x05000000);
	fixed(0x44, 5);
	CHECK(irr(2, 0x44));
	fixed(0x45, 2);
	CHECK(!irr(2, 0x45));
	teardown();
}

UNIT_TEST(fixed_logical_flat)
{
	setup(3);
	for (int c = 0; c < 3; c++) {
		sw_enable(c);
		wr(c, LAPIC_LDR, (1U << c) << 24);
		CHECK_EQ(rd(c, LAPIC_LDR), (1U << c) << 24);
	}
	deliver(0x50, APIC_DM_FIXED, true, false, 0x06);
	CHECK(!irr(0, 0x50));
	CHECK(irr(1, 0x50));
	CHECK(irr(2, 0x50));
	deliver(0x51, APIC_DM_FIXED, true, false, 0x01);
	CHECK(irr(0, 0x51));
	CHECK(!irr(1, 0x51));
	CHECK(!irr(2, 0x51));
	deliver(0x52, APIC_DM_FIXED, true, false, 0x08);
	for (int c = 0; c < 3; c++)
		CHECK(!irr(c, 0x52));
	/* Logical 0xff is a broadcast. */
	deliver(0x53, APIC_DM_FIXED, true, false, 0xff);
	for (int c = 0; c < 3; c++)
		CHECK(irr(c, 0x53));
	/* Logical destinations do not match APIC IDs. */
	wr(0, LAPIC_LDR, 0);
	deliver(0x54, APIC_DM_FIXED, true, false, 0x00);
	CHECK(!irr(0, 0x54));
	teardown();
}

UNIT_TEST(fixed_logical_cluster)
{
	setup(3);
	for (int c = 0; c < 3; c++) {
		sw_enable(c);
		wr(c, LAPIC_DFR, LAPIC_DFR_CLUSTER);
		CHECK_EQ(rd(c, LAPIC_DFR), LAPIC_DFR_CLUSTER);
	}
	/* Cluster 2 member 0, cluster 2 member 1, cluster 1 member 0. */
	wr(0, LAPIC_LDR, 0x21000000);
	wr(1, LAPIC_LDR, 0x22000000);
	wr(2, LAPIC_LDR, 0x11000000);
	deliver(0x60, APIC_DM_FIXED, true, false, 0x23);
	CHECK(irr(0, 0x60));
	CHECK(irr(1, 0x60));
	CHECK(!irr(2, 0x60));
	deliver(0x61, APIC_DM_FIXED, true, false, 0x22);
	CHECK(!irr(0, 0x61));
	CHECK(irr(1, 0x61));
	CHECK(!irr(2, 0x61));
	/* Member bit 0 of cluster 1 is vCPU 2, not cluster 2's. */
	deliver(0x62, APIC_DM_FIXED, true, false, 0x11);
	CHECK(!irr(0, 0x62));
	CHECK(!irr(1, 0x62));
	CHECK(irr(2, 0x62));
	/* The flat reading of 0x21 would pick vCPUs 0 and 2: not here. */
	deliver(0x63, APIC_DM_FIXED, true, false, 0x31);
	for (int c = 0; c < 3; c++)
		CHECK(!irr(c, 0x63));
	teardown();
}

/* ---- acknowledge, EOI, priorities ---- */

UNIT_TEST(acknowledge_moves_irr_to_isr_and_eoi_clears)
{
	setup(1);
	sw_enable(0);
	CHECK_EQ(ack(0), -1);
	fixed(0x31, 0);
	CHECK(fake_pending(0));
	CHECK_EQ(ack(0), 0x31);
	CHECK(!irr(0, 0x31));
	CHECK(isr(0, 0x31));
	CHECK_EQ(rd(0, LAPIC_ISR + 0x10), 1U << 17);
	CHECK(!fake_pending(0));
	CHECK_EQ(ack(0), -1);
	CHECK_EQ(rd(0, LAPIC_PPR), 0x30);
	CHECK_EQ(fake_interrupts_completed, 0);
	eoi(0);
	CHECK(!isr(0, 0x31));
	CHECK(isr_empty(0));
	CHECK_EQ(rd(0, LAPIC_PPR), 0);
	/* Told to core, which ends a loan made for it (sched_end_loan). */
	CHECK_EQ(fake_interrupts_completed, 1);
	/* An EOI with nothing in service changes nothing. */
	eoi(0);
	CHECK(isr_empty(0));
	CHECK_EQ(esr(0), 0);
	/* The EOI register reads 0. */
	CHECK_EQ(rd(0, LAPIC_EOI), 0);
	teardown();
}

UNIT_TEST(nesting_and_ppr)
{
	setup(1);
	sw_enable(0);
	fixed(0x40, 0);
	CHECK_EQ(ack(0), 0x40);
	CHECK_EQ(rd(0, LAPIC_PPR), 0x40);
	/* Lower, and same class: they wait. */
	fixed(0x30, 0);
	fixed(0x45, 0);
	CHECK(irr(0, 0x30));
	CHECK(irr(0, 0x45));
	CHECK(!fake_pending(0));
	CHECK_EQ(ack(0), -1);
	CHECK(irr(0, 0x45));
	/* Higher class: it nests. */
	fixed(0x80, 0);
	CHECK(fake_pending(0));
	CHECK_EQ(ack(0), 0x80);
	CHECK_EQ(rd(0, LAPIC_PPR), 0x80);
	CHECK(isr(0, 0x40));
	CHECK(isr(0, 0x80));
	/* EOI ends the highest in service: 0x80, 0x40 stays. */
	eoi(0);
	CHECK(!isr(0, 0x80));
	CHECK(isr(0, 0x40));
	CHECK_EQ(rd(0, LAPIC_PPR), 0x40);
	CHECK(!fake_pending(0));
	eoi(0);
	CHECK(isr_empty(0));
	CHECK(fake_pending(0));
	/* Then the highest waiting first. */
	CHECK_EQ(ack(0), 0x45);
	CHECK_EQ(ack(0), -1);
	eoi(0);
	CHECK_EQ(ack(0), 0x30);
	eoi(0);
	CHECK(isr_empty(0));
	CHECK_EQ(irr_count(0), 0);
	CHECK(!fake_pending(0));
	teardown();
}

UNIT_TEST(tpr_blocks_classes_up_to_its_own)
{
	setup(1);
	sw_enable(0);
	wr(0, LAPIC_TPR, 0x5f);
	CHECK_EQ(rd(0, LAPIC_TPR), 0x5f);
	CHECK_EQ(rd(0, LAPIC_PPR), 0x5f);
	fixed(0x5f, 0); /* class 5 is not above TPR class 5 */
	CHECK(irr(0, 0x5f));
	CHECK(!fake_pending(0));
	CHECK_EQ(ack(0), -1);
	CHECK_EQ(fake_kicks[0], 0);
	/* Lowering the TPR lets it through. */
	wr(0, LAPIC_TPR, 0x40);
	CHECK(fake_pending(0));
	CHECK_EQ(ack(0), 0x5f);
	/* PPR: the TPR while its class is at least the in-service one. */
	CHECK_EQ(rd(0, LAPIC_PPR), 0x50);
	wr(0, LAPIC_TPR, 0x57);
	CHECK_EQ(rd(0, LAPIC_PPR), 0x57);
	wr(0, LAPIC_TPR, 0x75);
	CHECK_EQ(rd(0, LAPIC_PPR), 0x75);
	fixed(0x70, 0);
	CHECK(!fake_pending(0));
	fixed(0x81, 0);
	CHECK(fake_pending(0));
	CHECK_EQ(ack(0), 0x81);
	CHECK_EQ(rd(0, LAPIC_PPR), 0x80);
	/* The TPR's 8 bits only. */
	wr(0, LAPIC_TPR, 0x12345600);
	CHECK_EQ(rd(0, LAPIC_TPR), 0);
	teardown();
}

UNIT_TEST(cr8_mirrors_tpr_class)
{
	setup(2);
	sw_enable(0);
	vlapic_cr8_write(vl, &fake_vcpus[0], 5);
	CHECK_EQ(rd(0, LAPIC_TPR), 0x50);
	CHECK_EQ(vlapic_cr8_read(vl, &fake_vcpus[0]), 5);
	CHECK_EQ(rd(1, LAPIC_TPR), 0); /* v's own bank only */
	wr(0, LAPIC_TPR, 0x7f);
	CHECK_EQ(vlapic_cr8_read(vl, &fake_vcpus[0]), 7);
	/* CR8 writes set TPR[3:0] to 0. */
	vlapic_cr8_write(vl, &fake_vcpus[0], 7);
	CHECK_EQ(rd(0, LAPIC_TPR), 0x70);
	fixed(0x65, 0);
	CHECK(!fake_pending(0));
	/* Lowering CR8 lets the waiting vector through. */
	vlapic_cr8_write(vl, &fake_vcpus[0], 0);
	CHECK(fake_pending(0));
	CHECK_EQ(ack(0), 0x65);
	teardown();
}

/* ---- level-triggered interrupts and the I/O APICs ---- */

UNIT_TEST(level_eoi_reaches_ioapics_edge_does_not)
{
	setup(1);
	reset_ioapics();
	sw_enable(0);
	CHECK_EQ(vlapic_add_ioapic(vl, 0, 24, &fake_ioapic_ops,
				   &fake_ioapics[0]),
		 0);
	start_lock_probe();
	deliver(0x50, APIC_DM_FIXED, false, true, 0);
	CHECK(tmr(0, 0x50));
	CHECK_EQ(rd(0, LAPIC_TMR + 0x20), 1U << 16);
	CHECK_EQ(ack(0), 0x50);
	eoi(0);
	CHECK_EQ(fake_ioapics[0].eoi_calls, 1);
	CHECK_EQ(fake_ioapics[0].last_eoi, 0x50);
	/* Edge: TMR clear, no EOI message. */
	fixed(0x51, 0);
	CHECK(!tmr(0, 0x51));
	CHECK_EQ(ack(0), 0x51);
	eoi(0);
	CHECK_EQ(fake_ioapics[0].eoi_calls, 1);
	/* Nested: only the level vector's EOI goes out, when it ends. */
	deliver(0x52, APIC_DM_FIXED, false, true, 0);
	CHECK_EQ(ack(0), 0x52);
	fixed(0x90, 0);
	CHECK_EQ(ack(0), 0x90);
	eoi(0);
	CHECK_EQ(fake_ioapics[0].eoi_calls, 1);
	eoi(0);
	CHECK_EQ(fake_ioapics[0].eoi_calls, 2);
	CHECK_EQ(fake_ioapics[0].last_eoi, 0x52);
	CHECK(lock_probes > 0);
	stop_lock_probe();
	teardown();
}

UNIT_TEST(level_line_held_is_sent_again_on_eoi)
{
	setup(1);
	reset_ioapics();
	sw_enable(0);
	fake_ioapics[0].redeliver = true;
	fake_ioapics[0].vector = 0x61;
	CHECK_EQ(vlapic_add_ioapic(vl, 0, 24, &fake_ioapic_ops,
				   &fake_ioapics[0]),
		 0);
	start_lock_probe();
	/* Line to I/O APIC to local APIC, under none of its locks. */
	fake_line(9, true);
	CHECK_EQ(fake_ioapics[0].set_pin_calls, 1);
	CHECK_EQ(fake_ioapics[0].last_pin, 9);
	CHECK(irr(0, 0x61));
	CHECK(tmr(0, 0x61));
	CHECK_EQ(ack(0), 0x61);
	/* The line is still high: the EOI brings it back. */
	eoi(0);
	CHECK_EQ(fake_ioapics[0].eoi_calls, 1);
	CHECK(irr(0, 0x61));
	CHECK(fake_pending(0));
	CHECK_EQ(ack(0), 0x61);
	fake_line(9, false);
	eoi(0);
	CHECK_EQ(fake_ioapics[0].eoi_calls, 2);
	CHECK(!irr(0, 0x61));
	CHECK(!fake_pending(0));
	stop_lock_probe();
	teardown();
}

UNIT_TEST(set_line_routes_gsis_to_ioapic_pins)
{
	setup(1);
	reset_ioapics();
	CHECK_EQ(vlapic_add_ioapic(vl, 0, 24, &fake_ioapic_ops,
				   &fake_ioapics[0]),
		 0);
	CHECK_EQ(vlapic_add_ioapic(vl, 24, 8, &fake_ioapic_ops,
				   &fake_ioapics[1]),
		 0);
	fake_line(30, true);
	CHECK_EQ(fake_ioapics[1].set_pin_calls, 1);
	CHECK_EQ(fake_ioapics[1].last_pin, 6);
	CHECK(fake_ioapics[1].last_level);
	CHECK_EQ(fake_ioapics[0].set_pin_calls, 0);
	fake_line(30, false);
	CHECK_EQ(fake_ioapics[1].set_pin_calls, 2);
	CHECK(!fake_ioapics[1].last_level);
	fake_line(23, true);
	CHECK_EQ(fake_ioapics[0].set_pin_calls, 1);
	CHECK_EQ(fake_ioapics[0].last_pin, 23);
	fake_line(24, true);
	CHECK_EQ(fake_ioapics[1].set_pin_calls, 3);
	CHECK_EQ(fake_ioapics[1].last_pin, 0);
	/* Beyond every I/O APIC's pins: nobody hears it. */
	fake_line(32, true);
	CHECK_EQ(fake_ioapics[0].set_pin_calls, 1);
	CHECK_EQ(fake_ioapics[1].set_pin_calls, 3);
	/* Removed: its GSIs go nowhere, the other's still work. */
	vlapic_remove_ioapic(vl, &fake_ioapics[1]);
	fake_line(30, true);
	CHECK_EQ(fake_ioapics[1].set_pin_calls, 3);
	fake_line(5, true);
	CHECK_EQ(fake_ioapics[0].set_pin_calls, 2);
	/* Nor does it hear EOIs any more. */
	sw_enable(0);
	deliver(0x70, APIC_DM_FIXED, false, true, 0);
	CHECK_EQ(ack(0), 0x70);
	eoi(0);
	CHECK_EQ(fake_ioapics[0].eoi_calls, 1);
	CHECK_EQ(fake_ioapics[1].eoi_calls, 0);
	/* Its GSIs are free again. */
	CHECK_EQ(vlapic_add_ioapic(vl, 24, 8, &fake_ioapic_ops,
				   &fake_ioapics[1]),
		 0);
	fake_line(31, true);
	CHECK_EQ(fake_ioapics[1].set_pin_calls, 4);
	CHECK_EQ(fake_ioapics[1].last_pin, 7);
	teardown();
}

UNIT_TEST(add_ioapic_refusals)
{
	static struct fake_ioapic more[16];
	unsigned int added = 0;
	int err = 0;

	setup(1);
	reset_ioapics();
	CHECK_EQ(vlapic_add_ioapic(vl, 16, 8, &fake_ioapic_ops,
				   &fake_ioapics[0]),
		 0);
	/* Overlapping at either end, or containing it. */
	CHECK_EQ(vlapic_add_ioapic(vl, 20, 8, &fake_ioapic_ops, &more[0]),
		 -EBUSY);
	CHECK_EQ(vlapic_add_ioapic(vl, 10, 7, &fake_ioapic_ops, &more[0]),
		 -EBUSY);
	CHECK_EQ(vlapic_add_ioapic(vl, 0, 64, &fake_ioapic_ops, &more[0]),
		 -EBUSY);
	/* Adjacent is fine. */
	CHECK_EQ(vlapic_add_ioapic(vl, 8, 8, &fake_ioapic_ops, &more[0]), 0);
	added = 2;
	/* Too many. */
	for (unsigned int i = 1; i < 16; i++) {
		err = vlapic_add_ioapic(vl, 100 + 8 * i, 8, &fake_ioapic_ops,
					&more[i]);
		if (err)
			break;
		added++;
	}
	CHECK_EQ(err, -ENOSPC);
	CHECK(added >= 2);
	teardown();
}

/* ---- errors ---- */

UNIT_TEST(illegal_vectors_set_esr)
{
	setup(2);
	sw_enable(0);
	sw_enable(1);
	/* Received: bit 6, no IRR bit. */
	fixed(5, 0);
	CHECK_EQ(rd(0, LAPIC_IRR), 0);
	CHECK(!fake_pending(0));
	CHECK_EQ(rd(0, LAPIC_ESR), 0); /* not until a write latches it */
	CHECK_EQ(esr(0), ESR_RECEIVE_ILLEGAL_VECTOR);
	/* Back-to-back writes clear it. */
	CHECK_EQ(esr(0), 0);
	/* Sent by the ICR: bit 5 on the sender, nothing to the target. */
	ipi(0, 1, 0x0f);
	CHECK_EQ(esr(0), ESR_SEND_ILLEGAL_VECTOR);
	CHECK_EQ(esr(1), 0);
	CHECK_EQ(rd(1, LAPIC_IRR), 0);
	CHECK_EQ(fake_kicks[1], 0);
	/* Vector 16 is legal. */
	fixed(16, 0);
	CHECK(irr(0, 16));
	CHECK_EQ(esr(0), 0);
	teardown();
}

UNIT_TEST(reserved_register_write_sets_esr)
{
	setup(1);
	sw_enable(0);
	/* 0x010 and 0x3f0 are reserved; 0x2f0 (CMCI) is beyond MAXLVT. */
	wr(0, 0x010, 1);
	CHECK_EQ(esr(0), ESR_ILLEGAL_REGISTER);
	wr(0, 0x3f0, 1);
	CHECK_EQ(esr(0), ESR_ILLEGAL_REGISTER);
	wr(0, LAPIC_LVT_CMCI, 0x50);
	CHECK_EQ(esr(0), ESR_ILLEGAL_REGISTER);
	CHECK_EQ(esr(0), 0);
	teardown();
}

/*
 * SDM 11.5.3: ESR bit 7 is set on "an access to a register that is
 * reserved" -- reads as well as writes (QEMU's apic_mem_read does too).
 */
UNIT_TEST(reserved_register_read_sets_esr)
{
	setup(1);
	sw_enable(0);
	CHECK_EQ(esr(0), 0);
	CHECK_EQ(rd(0, 0x3f0), 0);
	CHECK_EQ(esr(0), ESR_ILLEGAL_REGISTER);
	CHECK_EQ(rd(0, 0x000), 0);
	CHECK_EQ(esr(0), ESR_ILLEGAL_REGISTER);
	teardown();
}

UNIT_TEST(read_only_register_write_ignored_silently)
{
	setup(1);
	sw_enable(0);
	wr(0, LAPIC_TPR, 0x20);
	wr(0, LAPIC_VERSION, 0);
	CHECK_EQ(rd(0, LAPIC_VERSION), VERSION_VALUE);
	CHECK_EQ(esr(0), 0);
	wr(0, LAPIC_PPR, 0xf0);
	CHECK_EQ(rd(0, LAPIC_PPR), 0x20);
	CHECK_EQ(esr(0), 0);
	wr(0, LAPIC_IRR + 0x20, 0xffffffffU);
	CHECK_EQ(rd(0, LAPIC_IRR + 0x20), 0);
	CHECK(!fake_pending(0));
	wr(0, LAPIC_ISR + 0x20, 0xffffffffU);
	CHECK(isr_empty(0));
	wr(0, LAPIC_TIMER_CURRENT, 1234);
	CHECK_EQ(rd(0, LAPIC_TIMER_CURRENT), 0);
	CHECK_EQ(esr(0), 0);
	teardown();
}

UNIT_TEST(error_lvt_delivers_error_interrupt)
{
	setup(1);
	sw_enable(0);
	/* Masked: the error is recorded, nothing delivered. */
	fixed(3, 0);
	CHECK_EQ(irr_count(0), 0);
	CHECK_EQ(esr(0), ESR_RECEIVE_ILLEGAL_VECTOR);
	wr(0, LAPIC_LVT_ERROR, 0xfe);
	CHECK_EQ(rd(0, LAPIC_LVT_ERROR), 0xfe);
	fixed(3, 0);
	CHECK(irr(0, 0xfe));
	CHECK_EQ(irr_count(0), 1);
	CHECK(fake_pending(0));
	CHECK_EQ(ack(0), 0xfe);
	eoi(0);
	CHECK_EQ(esr(0), ESR_RECEIVE_ILLEGAL_VECTOR);
	/* A send error and an illegal register access interrupt too. */
	ipi(0, 0, 0x02);
	CHECK(irr(0, 0xfe));
	CHECK_EQ(ack(0), 0xfe);
	eoi(0);
	CHECK_EQ(esr(0), ESR_SEND_ILLEGAL_VECTOR);
	wr(0, 0x3f0, 0);
	CHECK(irr(0, 0xfe));
	CHECK_EQ(ack(0), 0xfe);
	eoi(0);
	CHECK_EQ(esr(0), ESR_ILLEGAL_REGISTER);
	/* An error LVT with an illegal vector does not loop. */
	wr(0, LAPIC_LVT_ERROR, 0x05);
	fixed(3, 0);
	CHECK_EQ(irr_count(0), 0);
	CHECK_EQ(esr(0), ESR_RECEIVE_ILLEGAL_VECTOR);
	teardown();
}

/* ---- interprocessor interrupts ---- */

UNIT_TEST(ipi_fixed_to_another_vcpu)
{
	setup(2);
	fake_vcpus[1].state = VCPU_RUNNING;
	sw_enable(0);
	sw_enable(1);
	start_lock_probe();
	ipi(0, 1, 0x00004041); /* fixed, physical, assert */
	CHECK(irr(1, 0x41));
	CHECK(!irr(0, 0x41));
	CHECK_EQ(fake_kicks[1], 1);
	CHECK_EQ(fake_ipis_sent[1], 1);
	CHECK_EQ(fake_kicks[0], 0);
	CHECK_EQ(fake_ipis_sent[0], 0);
	CHECK(fake_pending(1));
	/* Sent at once: delivery status reads 0; the rest reads back. */
	CHECK_EQ(rd(0, LAPIC_ICR_LO) & ICR_PENDING, 0);
	CHECK_EQ(rd(0, LAPIC_ICR_LO), 0x00004041);
	CHECK_EQ(rd(0, LAPIC_ICR_HI), 0x01000000);
	/* The other direction. */
	ipi(1, 0, 0x00004042);
	CHECK(irr(0, 0x42));
	CHECK_EQ(fake_kicks[0], 1);
	CHECK_EQ(fake_ipis_sent[0], 1);
	CHECK_EQ(rd(1, LAPIC_ICR_HI), 0);
	CHECK_EQ(rd(0, LAPIC_ICR_HI), 0x01000000);
	/* ICR high: the destination field only. */
	wr(0, LAPIC_ICR_HI, 0xffffffffU);
	CHECK_EQ(rd(0, LAPIC_ICR_HI), 0xff000000U);
	CHECK(lock_probes > 0);
	stop_lock_probe();
	teardown();
}

UNIT_TEST(ipi_shorthands)
{
	setup(3);
	for (int c = 0; c < 3; c++) {
		fake_vcpus[c].state = VCPU_RUNNING;
		sw_enable(c);
	}
	start_lock_probe();
	/* Self: the destination field is ignored. */
	ipi(0, 2, SHORTHAND(ICR_SELF) | 0x50);
	CHECK(irr(0, 0x50));
	CHECK(!irr(1, 0x50));
	CHECK(!irr(2, 0x50));
	CHECK_EQ(fake_ipis_sent[0], 0);
	CHECK_EQ(fake_kicks[0], 1);
	CHECK_EQ(ack(0), 0x50);
	eoi(0);
	/* All including self. */
	ipi(1, 0, SHORTHAND(ICR_ALL) | 0x60);
	for (int c = 0; c < 3; c++)
		CHECK(irr(c, 0x60));
	CHECK_EQ(fake_ipis_sent[0], 1);
	CHECK_EQ(fake_ipis_sent[1], 0);
	CHECK_EQ(fake_ipis_sent[2], 1);
	/* All but self. */
	ipi(2, 2, SHORTHAND(ICR_ALL_BUT_SELF) | 0x70);
	CHECK(irr(0, 0x70));
	CHECK(irr(1, 0x70));
	CHECK(!irr(2, 0x70));
	CHECK_EQ(fake_ipis_sent[2], 1);
	CHECK_EQ(rd(2, LAPIC_ICR_LO), SHORTHAND(ICR_ALL_BUT_SELF) | 0x70);
	CHECK(lock_probes > 0);
	stop_lock_probe();
	teardown();
}

UNIT_TEST(ipi_logical_destination)
{
	setup(3);
	for (int c = 0; c < 3; c++) {
		fake_vcpus[c].state = VCPU_RUNNING;
		sw_enable(c);
		wr(c, LAPIC_LDR, (1U << c) << 24);
	}
	ipi(0, 0x05, ICR_LOGICAL | 0x55);
	CHECK(irr(0, 0x55));
	CHECK(!irr(1, 0x55));
	CHECK(irr(2, 0x55));
	CHECK_EQ(fake_ipis_sent[2], 1);
	CHECK_EQ(fake_ipis_sent[1], 0);
	teardown();
}

UNIT_TEST(ipi_lowest_priority_picks_one)
{
	setup(3);
	for (int c = 0; c < 3; c++) {
		fake_vcpus[c].state = VCPU_RUNNING;
		sw_enable(c);
		wr(c, LAPIC_LDR, (1U << c) << 24);
	}
	wr(0, LAPIC_TPR, 0x40);
	wr(1, LAPIC_TPR, 0x10);
	wr(2, LAPIC_TPR, 0x30);
	start_lock_probe();
	ipi(0, 0x07, ICR_LOGICAL | (APIC_DM_LOWEST << 8) | 0x55);
	CHECK_EQ(irr_count(0) + irr_count(1) + irr_count(2), 1);
	CHECK(irr(1, 0x55));
	CHECK_EQ(fake_kicks[1], 1);
	CHECK_EQ(fake_ipis_sent[1], 1);
	CHECK_EQ(fake_ipis_sent[2], 0);
	CHECK_EQ(fake_kicks[2], 0);
	/* vCPU 1's priority rises above vCPU 2's: vCPU 2 gets the next. */
	wr(1, LAPIC_TPR, 0x60);
	deliver(0x56, APIC_DM_LOWEST, true, false, 0x07);
	CHECK_EQ(irr_count(0) + irr_count(1) + irr_count(2), 2);
	CHECK(irr(2, 0x56));
	/* Among those named only: vCPU 2 is not. */
	deliver(0x57, APIC_DM_LOWEST, true, false, 0x03);
	CHECK(irr(0, 0x57));
	CHECK_EQ(irr_count(0) + irr_count(1) + irr_count(2), 3);
	/* A software-disabled APIC is never picked. */
	wr(2, LAPIC_TPR, 0);
	wr(2, LAPIC_SVR, 0xff);
	deliver(0x58, APIC_DM_LOWEST, true, false, 0x06);
	CHECK(irr(1, 0x58));
	CHECK_EQ(irr_count(0) + irr_count(1) + irr_count(2), 4);
	stop_lock_probe();
	teardown();
}

/* ---- INIT and start-up IPIs ---- */

UNIT_TEST(init_sipi_starts_an_off_vcpu_once)
{
	u64 entry = 0;

	setup(2);
	CHECK_EQ(fake_vcpus[1].state, VCPU_OFF);
	start_lock_probe();
	/* Linux's wakeup_secondary_cpu_via_init(). */
	ipi(0, 1, 0x0000c500); /* INIT, level, assert */
	ipi(0, 1, 0x00008500); /* INIT, level, de-assert */
	CHECK_EQ(power_on_calls, 0);
	ipi(0, 1, 0x0000069a); /* start-up, vector 0x9a */
	CHECK_EQ(power_on_calls, 1);
	CHECK_EQ(power_on_started, 1);
	CHECK(power_on_vcpu == &fake_vcpus[1]);
	CHECK_EQ(power_on_entry, 0x9a000);
	CHECK_EQ(power_on_arg, VLAPIC_SIPI_ARG);
	CHECK_EQ(fake_vcpus[1].state, VCPU_RUNNING);
	/* The second start-up IPI Linux sends finds it running. */
	ipi(0, 1, 0x0000069a);
	CHECK_EQ(power_on_started, 1);
	CHECK_EQ(power_on_calls, 1);
	CHECK(!raw_pending(1));
	CHECK_EQ(run_state(1, &entry), VLAPIC_RUN);
	/* And so does a later one. */
	ipi(0, 1, 0x00000610);
	CHECK_EQ(power_on_calls, 1);
	CHECK(!raw_pending(1));
	CHECK_EQ(run_state(1, &entry), VLAPIC_RUN);
	CHECK_EQ(esr(0), 0);
	CHECK(lock_probes > 0);
	stop_lock_probe();
	teardown();
}

UNIT_TEST(sipi_without_init_to_running_vcpu_ignored)
{
	u64 entry = 0;

	setup(3);
	start_ap(1);
	sw_enable(1);
	wr(1, LAPIC_TPR, 0x20);
	ipi(0, 1, 0x0000069a);
	CHECK_EQ(power_on_calls, 0);
	CHECK_EQ(fake_vcpus[1].state, VCPU_RUNNING);
	CHECK(!raw_pending(1));
	CHECK_EQ(run_state(1, &entry), VLAPIC_RUN);
	CHECK_EQ(rd(1, LAPIC_TPR), 0x20); /* no reset either */
	CHECK_EQ(rd(1, LAPIC_SVR), 0x1ff);
	/* vCPU 0, running from power-on, never waited for one. */
	ipi(1, 0, 0x0000069a);
	CHECK_EQ(power_on_calls, 0);
	CHECK(!raw_pending(0));
	CHECK_EQ(run_state(0, &entry), VLAPIC_RUN);
	/* Running by other means: not restarted (power-on refuses). */
	fake_vcpus[2].state = VCPU_RUNNING;
	ipi(0, 2, 0x0000069a);
	CHECK_EQ(power_on_started, 0);
	CHECK_EQ(fake_vcpus[1].state, VCPU_RUNNING);
	CHECK(!raw_pending(1));
	CHECK_EQ(run_state(1, &entry), VLAPIC_RUN);
	CHECK_EQ(run_state(2, &entry), VLAPIC_RUN);
	teardown();
}

UNIT_TEST(init_to_running_vcpu_holds_it_until_sipi)
{
	u64 entry = 0;

	unsigned int kicks;

	setup(2);
	start_ap(1);
	sw_enable(1);
	wr(1, LAPIC_TPR, 0x20);
	wr(1, LAPIC_LDR, 0x02000000);
	fixed(0x80, 1);
	start_lock_probe();
	kicks = fake_kicks[1];
	ipi(0, 1, 0x0000c500);
	CHECK_EQ(power_on_calls, 0);
	CHECK(raw_pending(1));
	CHECK_EQ(fake_kicks[1], kicks + 1);
	/* Its own thread, before entry: its APIC reset, it waits. */
	CHECK_EQ(run_state(1, &entry), VLAPIC_WAIT_SIPI);
	CHECK_EQ(rd(1, LAPIC_SVR), 0xff);
	CHECK_EQ(rd(1, LAPIC_TPR), 0);
	CHECK_EQ(rd(1, LAPIC_LDR), 0);
	CHECK_EQ(irr_count(1), 0);
	CHECK_EQ(rd(1, LAPIC_ID), 1U << 24);
	CHECK(!raw_pending(1));
	CHECK_EQ(run_state(1, &entry), VLAPIC_WAIT_SIPI);
	/* A fixed interrupt does not wake it (its APIC is disabled). */
	fixed(0x81, 1);
	CHECK(!raw_pending(1));
	/* The INIT de-assert changes nothing. */
	ipi(0, 1, 0x00008500);
	CHECK(!raw_pending(1));
	/* The start-up IPI wakes it and says where to start. */
	kicks = fake_kicks[1];
	ipi(0, 1, 0x0000069a);
	CHECK(raw_pending(1));
	CHECK_EQ(fake_kicks[1], kicks + 1);
	CHECK_EQ(power_on_calls, 0);
	entry = 0;
	CHECK_EQ(run_state(1, &entry), VLAPIC_START);
	CHECK_EQ(entry, 0x9a000);
	CHECK(!raw_pending(1));
	CHECK_EQ(run_state(1, &entry), VLAPIC_RUN);
	/* A second start-up IPI is ignored. */
	ipi(0, 1, 0x0000069b);
	CHECK(!raw_pending(1));
	CHECK_EQ(run_state(1, &entry), VLAPIC_RUN);
	CHECK_EQ(power_on_calls, 0);
	stop_lock_probe();
	teardown();
}

UNIT_TEST(init_then_sipi_before_the_vcpu_looks)
{
	u64 entry = 0;

	setup(2);
	start_ap(1);
	sw_enable(1);
	ipi(0, 1, 0x0000c500);
	ipi(0, 1, 0x00008500);
	ipi(0, 1, 0x0000069a);
	ipi(0, 1, 0x0000069a);
	CHECK(raw_pending(1));
	CHECK_EQ(power_on_calls, 0);
	CHECK_EQ(run_state(1, &entry), VLAPIC_START);
	CHECK_EQ(entry, 0x9a000);
	CHECK_EQ(rd(1, LAPIC_SVR), 0xff); /* the INIT's reset happened */
	CHECK(!raw_pending(1));
	CHECK_EQ(run_state(1, &entry), VLAPIC_RUN);
	teardown();
}

UNIT_TEST(init_deassert_does_nothing)
{
	u64 entry = 0;

	setup(2);
	start_ap(1);
	sw_enable(1);
	wr(1, LAPIC_TPR, 0x30);
	fake_kicks[1] = 0;
	ipi(0, 1, 0x00008500);
	CHECK(!raw_pending(1));
	CHECK_EQ(fake_kicks[1], 0);
	CHECK_EQ(run_state(1, &entry), VLAPIC_RUN);
	CHECK_EQ(rd(1, LAPIC_TPR), 0x30);
	CHECK_EQ(rd(1, LAPIC_SVR), 0x1ff);
	/* Nor as a broadcast. */
	ipi(0, 1, SHORTHAND(ICR_ALL_BUT_SELF) | 0x00008500);
	CHECK(!raw_pending(1));
	CHECK_EQ(run_state(1, &entry), VLAPIC_RUN);
	CHECK_EQ(rd(1, LAPIC_SVR), 0x1ff);
	/* Linux's sync_Arb_IDs(): to all including self, the sender too. */
	sw_enable(0);
	wr(0, LAPIC_TPR, 0x10);
	ipi(0, 0, SHORTHAND(ICR_ALL) | 0x00008500);
	for (int c = 0; c < 2; c++) {
		CHECK(!raw_pending(c));
		CHECK_EQ(run_state(c, &entry), VLAPIC_RUN);
		CHECK_EQ(rd(c, LAPIC_SVR), 0x1ff);
	}
	CHECK_EQ(rd(0, LAPIC_TPR), 0x10);
	CHECK_EQ(power_on_calls, 0);
	teardown();
}

UNIT_TEST(init_sipi_broadcast_all_but_self)
{
	setup(3);
	ipi(0, 0, SHORTHAND(ICR_ALL_BUT_SELF) | 0x0000c500);
	ipi(0, 0, SHORTHAND(ICR_ALL_BUT_SELF) | 0x00004608);
	CHECK_EQ(power_on_started, 2);
	CHECK_EQ(fake_vcpus[1].state, VCPU_RUNNING);
	CHECK_EQ(fake_vcpus[2].state, VCPU_RUNNING);
	CHECK_EQ(power_on_entry, 0x8000);
	/* vCPU 0 was not INIT: it runs on untouched. */
	CHECK(!raw_pending(0));
	teardown();
}

/* ---- the timer ---- */

/* Timer on vCPU c: vector VEC_TIMER, unmasked, lvt_extra (periodic). */
static void timer_setup(int c, u32 divide_conf, u32 lvt_extra)
{
	sw_enable(c);
	wr(c, LAPIC_LVT_TIMER, VEC_TIMER | lvt_extra);
	wr(c, LAPIC_TIMER_DIVIDE, divide_conf);
}

UNIT_TEST(timer_divide_encodings)
{
	static const struct {
		u32 conf;
		unsigned int divide;
	} enc[] = {
		{ 0xb, 1 },  { 0x0, 2 },  { 0x1, 4 },  { 0x2, 8 },
		{ 0x3, 16 }, { 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 },
	};

	setup(1);
	sw_enable(0);
	wr(0, LAPIC_LVT_TIMER, VEC_TIMER);
	for (unsigned int i = 0; i < sizeof(enc) / sizeof(enc[0]); i++) {
		u64 d = enc[i].divide;

		wr(0, LAPIC_TIMER_DIVIDE, enc[i].conf);
		CHECK_EQ(rd(0, LAPIC_TIMER_DIVIDE), enc[i].conf);
		wr(0, LAPIC_TIMER_INITIAL, 10);
		CHECK_EQ(rd(0, LAPIC_TIMER_CURRENT), 10);
		fake_clock_advance(3 * d - 1);
		CHECK_EQ(rd(0, LAPIC_TIMER_CURRENT), 8);
		fake_clock_advance(1);
		CHECK_EQ(rd(0, LAPIC_TIMER_CURRENT), 7);
		fake_clock_advance(7 * d - 1);
		CHECK(!irr(0, VEC_TIMER));
		CHECK_EQ(rd(0, LAPIC_TIMER_CURRENT), 1);
		fake_clock_advance(1);
		if (!irr(0, VEC_TIMER))
			printf("  divide %u (%#x): no interrupt at 10 ticks\n",
			       enc[i].divide, enc[i].conf);
		CHECK(irr(0, VEC_TIMER));
		CHECK_EQ(rd(0, LAPIC_TIMER_CURRENT), 0);
		CHECK_EQ(ack(0), VEC_TIMER);
		eoi(0);
	}
	/* Bits 3, 1:0 only. */
	wr(0, LAPIC_TIMER_DIVIDE, 0xffffffffU);
	CHECK_EQ(rd(0, LAPIC_TIMER_DIVIDE), 0xb);
	teardown();
}

UNIT_TEST(timer_one_shot)
{
	setup(2);
	fake_vcpus[1].state = VCPU_RUNNING;
	timer_setup(1, TIMER_DIVIDE_BY_1, 0);
	as_cpu(1);
	start_lock_probe();
	wr(1, LAPIC_TIMER_INITIAL, 1000);
	CHECK(fake_timer_queued != NULL);
	CHECK_EQ(rd(1, LAPIC_TIMER_INITIAL), 1000);
	CHECK_EQ(rd(1, LAPIC_TIMER_CURRENT), 1000);
	fake_clock_advance(400);
	CHECK_EQ(rd(1, LAPIC_TIMER_CURRENT), 600);
	fake_clock_advance(599);
	CHECK_EQ(rd(1, LAPIC_TIMER_CURRENT), 1);
	CHECK(!irr(1, VEC_TIMER));
	CHECK_EQ(fake_kicks[1], 0);
	fake_clock_advance(1);
	CHECK(irr(1, VEC_TIMER));
	CHECK(!tmr(1, VEC_TIMER));
	CHECK_EQ(fake_kicks[1], 1);
	CHECK_EQ(fake_kicks[0], 0);
	CHECK(fake_pending(1));
	CHECK_EQ(rd(1, LAPIC_TIMER_CURRENT), 0);
	CHECK_EQ(rd(1, LAPIC_TIMER_INITIAL), 1000);
	/* Once only. */
	CHECK_EQ(ack(1), VEC_TIMER);
	eoi(1);
	fake_clock_advance(100000);
	CHECK(!irr(1, VEC_TIMER));
	CHECK_EQ(fake_kicks[1], 1);
	CHECK(fake_timer_queued == NULL);
	CHECK_EQ(rd(1, LAPIC_TIMER_CURRENT), 0);
	/* Writing the initial count starts it again. */
	wr(1, LAPIC_TIMER_INITIAL, 50);
	fake_clock_advance(50);
	CHECK(irr(1, VEC_TIMER));
	CHECK(lock_probes > 0);
	stop_lock_probe();
	teardown();
}

/* `vcpu dumpreg`'s lines: what vlapic_dump() prints, into a buffer. */
static char dump_buf[512];
static size_t dump_len;

static int dump_print(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = unit_vappend(dump_buf, sizeof(dump_buf), &dump_len, fmt, ap);
	va_end(ap);
	return n;
}

UNIT_TEST(dump_shows_pending_vector_and_timer)
{
	setup(2);
	fake_vcpus[1].state = VCPU_RUNNING;
	timer_setup(1, TIMER_DIVIDE_BY_1, 0);
	as_cpu(1);
	wr(1, LAPIC_TIMER_INITIAL, 1000);
	fake_clock_advance(400);
	dump_len = 0;
	vlapic_dump(vl, &fake_vcpus[1], dump_print);
	CHECK(strstr(dump_buf, "lapic: IRR top -1, ISR top -1, TPR 0x0, "
			       "PPR 0x0, nothing to take\n") != NULL);
	CHECK(strstr(dump_buf, "initial 1000, current 600, running\n") != NULL);
	fake_clock_advance(600);
	dump_len = 0;
	vlapic_dump(vl, &fake_vcpus[1], dump_print);
	CHECK(strstr(dump_buf, "IRR top 236, ISR top -1") != NULL);
	CHECK(strstr(dump_buf, "an interrupt to take") != NULL);
	CHECK(strstr(dump_buf, "current 0, stopped\n") != NULL);
	/* Not a vCPU of this guest: nothing printed. */
	dump_len = 0;
	dump_buf[0] = '\0';
	vlapic_dump(vl, NULL, dump_print);
	CHECK_EQ(dump_len, 0);
	teardown();
}

UNIT_TEST(timer_periodic)
{
	setup(1);
	timer_setup(0, 0x0 /* by 2 */,
		    LVT_TIMER_PERIODIC << LVT_TIMER_MODE_SHIFT);
	CHECK_EQ(rd(0, LAPIC_LVT_TIMER), 0x20000 | VEC_TIMER);
	start_lock_probe();
	wr(0, LAPIC_TIMER_INITIAL, 50000); /* 100 us a period */
	for (unsigned int p = 1; p <= 5; p++) {
		fake_clock_advance(p == 1 ? 99999 : 79999);
		CHECK(!irr(0, VEC_TIMER));
		CHECK_EQ(rd(0, LAPIC_TIMER_CURRENT), 1);
		fake_clock_advance(1);
		CHECK_EQ(fake_now_ns, T0 + 100000 * p);
		CHECK(irr(0, VEC_TIMER));
		CHECK_EQ(fake_kicks[0], p);
		/* Reloaded. */
		CHECK_EQ(rd(0, LAPIC_TIMER_CURRENT), 50000);
		fake_clock_advance(20000);
		CHECK_EQ(rd(0, LAPIC_TIMER_CURRENT), 40000);
		CHECK_EQ(ack(0), VEC_TIMER);
		eoi(0);
	}
	/* Periods pass unacknowledged: one interrupt waits, phase kept. */
	fake_clock_advance(350000);
	CHECK(irr(0, VEC_TIMER));
	CHECK_EQ(rd(0, LAPIC_TIMER_CURRENT), 50000 - 35000);
	CHECK_EQ(ack(0), VEC_TIMER);
	eoi(0);
	fake_clock_advance(29999);
	CHECK(!irr(0, VEC_TIMER));
	fake_clock_advance(1);
	CHECK(irr(0, VEC_TIMER));
	CHECK_EQ(ack(0), VEC_TIMER);
	eoi(0);
	CHECK(fake_timer_queued != NULL);
	/* Writing 0 stops it. */
	wr(0, LAPIC_TIMER_INITIAL, 0);
	CHECK(fake_timer_queued == NULL);
	fake_clock_advance(1000000);
	CHECK(!irr(0, VEC_TIMER));
	CHECK_EQ(rd(0, LAPIC_TIMER_CURRENT), 0);
	stop_lock_probe();
	teardown();
}

/*
 * A guest may ask for a periodic timer of one bus tick (1 ns): the host's
 * timer interrupt (core/timer.c) runs due events until none is, and an
 * event re-armed 1 ns ahead is always due again, so each period must not
 * cost Keel a timer event (the 8254 emulator bounds its own at 20 us,
 * I8254_MIN_EVENT_NS, coalescing the guest's interrupts). Lenient bound
 * here: at most one host event per microsecond.
 */
UNIT_TEST(timer_tiny_period_does_not_storm_host)
{
	setup(1);
	timer_setup(0, TIMER_DIVIDE_BY_1,
		    LVT_TIMER_PERIODIC << LVT_TIMER_MODE_SHIFT);
	wr(0, LAPIC_TIMER_INITIAL, 1);
	fake_timer_arms = 0;
	fake_clock_advance(100000);
	/* One host event per 20 us at most (lapic.c's LAPIC_MIN_EVENT_NS). */
	if (fake_timer_arms > 6)
		printf("  %u host timer events in 100 us\n", fake_timer_arms);
	CHECK(fake_timer_arms <= 6);
	/* The guest still gets its (coalesced) interrupt. */
	CHECK(irr(0, VEC_TIMER));
	CHECK_EQ(ack(0), VEC_TIMER);
	teardown();
}

UNIT_TEST(timer_masked_still_counts)
{
	setup(1);
	timer_setup(0, TIMER_DIVIDE_BY_1,
		    LVT_MASKED | (LVT_TIMER_PERIODIC << LVT_TIMER_MODE_SHIFT));
	wr(0, LAPIC_TIMER_INITIAL, 100000);
	fake_clock_advance(250000);
	CHECK_EQ(rd(0, LAPIC_TIMER_CURRENT), 50000);
	CHECK_EQ(irr_count(0), 0);
	CHECK_EQ(fake_kicks[0], 0);
	CHECK(fake_timer_queued != NULL);
	/* Unmasked, the next expiry delivers. */
	wr(0, LAPIC_LVT_TIMER,
	   VEC_TIMER | (LVT_TIMER_PERIODIC << LVT_TIMER_MODE_SHIFT));
	fake_clock_advance(49999);
	CHECK(!irr(0, VEC_TIMER));
	fake_clock_advance(1);
	CHECK(irr(0, VEC_TIMER));
	CHECK_EQ(fake_kicks[0], 1);
	teardown();
}

UNIT_TEST(timer_divide_change_mid_count)
{
	setup(1);
	timer_setup(0, TIMER_DIVIDE_BY_1, 0);
	wr(0, LAPIC_TIMER_INITIAL, 1000);
	fake_clock_advance(400);
	CHECK_EQ(rd(0, LAPIC_TIMER_CURRENT), 600);
	/* The count goes on from 600 at half the rate. */
	wr(0, LAPIC_TIMER_DIVIDE, 0x0);
	CHECK_EQ(rd(0, LAPIC_TIMER_CURRENT), 600);
	fake_clock_advance(200);
	CHECK_EQ(rd(0, LAPIC_TIMER_CURRENT), 500);
	fake_clock_advance(999);
	CHECK(!irr(0, VEC_TIMER));
	fake_clock_advance(1);
	CHECK(irr(0, VEC_TIMER));
	teardown();
}

UNIT_TEST(timer_rearm_before_expiry)
{
	setup(1);
	timer_setup(0, TIMER_DIVIDE_BY_1, 0);
	wr(0, LAPIC_TIMER_INITIAL, 1000);
	fake_clock_advance(900);
	/* A new initial count restarts the count from it. */
	wr(0, LAPIC_TIMER_INITIAL, 300);
	CHECK_EQ(rd(0, LAPIC_TIMER_CURRENT), 300);
	fake_clock_advance(299);
	CHECK(!irr(0, VEC_TIMER));
	fake_clock_advance(1);
	CHECK(irr(0, VEC_TIMER));
	teardown();
}

UNIT_TEST(timer_remove_while_armed)
{
	setup(2);
	timer_setup(1, TIMER_DIVIDE_BY_1, 0);
	wr(1, LAPIC_TIMER_INITIAL, 1000);
	CHECK(fake_timer_queued != NULL);
	fake_destroy(inst);
	CHECK(fake_timer_queued == NULL);
	CHECK(fake_guest.irqchip == NULL);
	fake_clock_advance(5000);
	CHECK_EQ(fake_kicks[1], 0);
	inst = NULL;
}

/* ---- reset and IA32_APIC_BASE ---- */

UNIT_TEST(reset_restores_power_on_state)
{
	u64 entry = 0;

	setup(2);
	fake_vcpus[1].state = VCPU_RUNNING;
	timer_setup(0, 0x3, LVT_TIMER_PERIODIC << LVT_TIMER_MODE_SHIFT);
	wr(0, LAPIC_TIMER_INITIAL, 100);
	sw_enable(1);
	wr(0, LAPIC_TPR, 0x20);
	wr(0, LAPIC_LDR, 0x01000000);
	wr(0, LAPIC_DFR, LAPIC_DFR_CLUSTER);
	wr(0, LAPIC_ID, 0x07000000);
	fixed(0x40, 7);
	CHECK_EQ(ack(0), 0x40);
	fixed(0x50, 7);
	deliver(0x90, APIC_DM_FIXED, false, true, 1);
	fixed(3, 1); /* an error */
	ipi(0, 1, 0x0000c500); /* INIT pending on vCPU 1 */
	CHECK(raw_pending(1));
	CHECK(fake_timer_queued != NULL);
	fake_reset(inst);
	CHECK(fake_timer_queued == NULL);
	for (int c = 0; c < 2; c++) {
		CHECK_EQ(rd(c, LAPIC_ID), (u32)c << 24);
		CHECK_EQ(rd(c, LAPIC_SVR), 0xff);
		CHECK_EQ(rd(c, LAPIC_TPR), 0);
		CHECK_EQ(rd(c, LAPIC_PPR), 0);
		CHECK_EQ(rd(c, LAPIC_LDR), 0);
		CHECK_EQ(rd(c, LAPIC_DFR), 0xffffffffU);
		CHECK_EQ(esr(c), 0);
		for (u64 r = LAPIC_LVT_TIMER; r <= LAPIC_LVT_ERROR; r += 16)
			CHECK_EQ(rd(c, r), LVT_MASKED);
		CHECK_EQ(rd(c, LAPIC_TIMER_INITIAL), 0);
		CHECK_EQ(rd(c, LAPIC_TIMER_CURRENT), 0);
		CHECK_EQ(rd(c, LAPIC_TIMER_DIVIDE), 0);
		CHECK_EQ(irr_count(c), 0);
		CHECK(isr_empty(c));
		for (unsigned int w = 0; w < 8; w++)
			CHECK_EQ(rd(c, LAPIC_TMR + 16 * w), 0);
		CHECK(!raw_pending(c));
		CHECK_EQ(run_state(c, &entry), VLAPIC_RUN);
	}
	fake_clock_advance(100000);
	CHECK_EQ(irr_count(0), 0);
	teardown();
}

UNIT_TEST(base_msr_disable_resets_bank_and_refusals)
{
	struct vcpu *v1 = &fake_vcpus[1];
	u64 on = LAPIC_DEFAULT_BASE | APIC_BASE_ENABLE;

	setup(2);
	fake_vcpus[1].state = VCPU_RUNNING;
	sw_enable(1);
	wr(1, LAPIC_TPR, 0x20);
	fixed(0x40, 1);
	CHECK(fake_pending(1));
	/* Rewriting the same value changes nothing. */
	CHECK_EQ(vlapic_base_msr_write(vl, v1, on), 0);
	CHECK_EQ(rd(1, LAPIC_TPR), 0x20);
	CHECK(irr(1, 0x40));
	/* Disabled: it loses its state, its window reads 0, it takes none. */
	CHECK_EQ(vlapic_base_msr_write(vl, v1, LAPIC_DEFAULT_BASE), 0);
	CHECK_EQ(vlapic_base_msr_read(vl, v1), LAPIC_DEFAULT_BASE);
	CHECK(!fake_pending(1));
	CHECK_EQ(ack(1), -1);
	CHECK_EQ(rd(1, LAPIC_VERSION), 0);
	CHECK_EQ(rd(1, LAPIC_ID), 0);
	wr(1, LAPIC_SVR, 0x1ff); /* ignored */
	fixed(0x41, 1);
	fixed(0x42, 0xff);
	/* Nor is it an IPI's target. */
	sw_enable(0);
	ipi(0, 1, 0x43);
	CHECK_EQ(fake_kicks[1], 1);
	/* Enabled again: the power-on state, its ID kept. */
	CHECK_EQ(vlapic_base_msr_write(vl, v1, on), 0);
	CHECK_EQ(vlapic_base_msr_read(vl, v1), on);
	CHECK_EQ(rd(1, LAPIC_ID), 1U << 24);
	CHECK_EQ(rd(1, LAPIC_SVR), 0xff);
	CHECK_EQ(rd(1, LAPIC_TPR), 0);
	CHECK_EQ(irr_count(1), 0);
	CHECK_EQ(rd(1, LAPIC_VERSION), VERSION_VALUE);
	/* Moving the window and x2APIC mode are refused. */
	CHECK_EQ(
		vlapic_base_msr_write(vl, v1, 0xfed00000ULL | APIC_BASE_ENABLE),
		-EINVAL);
	CHECK_EQ(vlapic_base_msr_write(vl, v1, on | APIC_BASE_X2APIC), -EINVAL);
	CHECK_EQ(vlapic_base_msr_read(vl, v1), on);
	/* vCPU 0 keeps its BSP flag through a write. */
	CHECK_EQ(vlapic_base_msr_write(vl, &fake_vcpus[0], on | APIC_BASE_BSP),
		 0);
	CHECK_EQ(vlapic_base_msr_read(vl, &fake_vcpus[0]), on | APIC_BASE_BSP);
	teardown();
}

/* ---- refused accesses ---- */

UNIT_TEST(bad_accesses_refused)
{
	u64 v = 0;

	setup(1);
	sw_enable(0);
	CHECK_EQ(fake_read(inst, LAPIC_TPR, 1, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, LAPIC_TPR, 2, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, LAPIC_TPR, 8, &v), -EINVAL);
	CHECK_EQ(fake_write(inst, LAPIC_TPR, 1, 0x30), -EINVAL);
	CHECK_EQ(fake_write(inst, LAPIC_TPR, 2, 0x30), -EINVAL);
	CHECK_EQ(fake_write(inst, LAPIC_TPR, 8, 0x30), -EINVAL);
	CHECK_EQ(fake_read(inst, LAPIC_TPR + 4, 4, &v), -EINVAL);
	CHECK_EQ(fake_write(inst, LAPIC_TPR + 8, 4, 0x30), -EINVAL);
	CHECK_EQ(fake_read(inst, LAPIC_WINDOW, 4, &v), -EINVAL);
	CHECK_EQ(fake_write(inst, LAPIC_WINDOW, 4, 0x30), -EINVAL);
	CHECK_EQ(rd(0, LAPIC_TPR), 0);
	/* From no vCPU: no bank to reach. */
	as_cpu(-1);
	CHECK_EQ(fake_read(inst, LAPIC_TPR, 4, &v), -EINVAL);
	CHECK_EQ(fake_write(inst, LAPIC_TPR, 4, 0x30), -EINVAL);
	CHECK_EQ(rd(0, LAPIC_TPR), 0);
	CHECK_EQ(esr(0), 0);
	teardown();
}

UNIT_MAIN();
