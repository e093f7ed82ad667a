// SPDX-License-Identifier: GPL-2.0
/*
 * emulators/irqchip/plic.c driven as Keel drives it: register accesses
 * through its emulator operations with the instance lock held (as core
 * does), device lines through the guest_irqchip it registers, and the
 * pending() answer the RISC-V arch code turns into hvip.VSEIP, on the
 * shared fake guest (host/fake_guest.c). Expected behaviour is the RISC-V
 * PLIC specification's with QEMU virt's contexts; the register layout is
 * <hw/plic.h>'s. The emulator is found by its compatible string in the
 * emulator table (host/keel_tables.ld) by core/devemu_registry.c.
 */
#include "unit.h"
#include <string.h>

#include <keel/devemu.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <hw/plic.h>
#include "host/fake_guest.h"

#define PLIC_BASE 0xc000000ULL
#define QEMU_VIRT_NDEV 95
#define QEMU_VIRT_SIZE 0x600000ULL

static const struct emulator *emu;
static struct devtree_node plic_node;
static unsigned int ncpus;

/* Some other interrupt controller a guest may already have. */
static const struct guest_irqchip other_chip;

/* The emulator as core finds it: by the compatible string. */
static void find_emulator(void)
{
	emu = devemu_find("sifive,plic-1.0.0");
	if (!emu) {
		printf("  no emulator serves sifive,plic-1.0.0\n");
		abort();
	}
}

/* vCPU i's contexts, as in QEMU virt */
static unsigned int m_ctx(unsigned int cpu)
{
	return 2 * cpu;
}

static unsigned int s_ctx(unsigned int cpu)
{
	return 2 * cpu + 1;
}

/* ---- the instance ---- */

static struct devemu_instance *instance(u64 size)
{
	return fake_instance(emu, "plic@c000000", PLIC_BASE, size, FAKE_NO_IRQ);
}

/* A guest described with n vCPUs and a PLIC with ndev sources. */
static void setup(unsigned int n, u32 ndev)
{
	find_emulator();
	fake_guest_init("vm1", n);
	if (ndev)
		fake_dt_set_u32(&plic_node, "riscv,ndev", ndev);
	ncpus = n;
}

static struct devemu_instance *create_ndev(unsigned int n, u32 ndev)
{
	struct devemu_instance *inst;

	setup(n, ndev);
	inst = instance(QEMU_VIRT_SIZE);
	CHECK_EQ(devemu_probe(inst, &plic_node), 0);
	CHECK(inst->priv != NULL);
	/* Kicks take the vCPU's own locks: never under the PLIC's. */
	fake_kick_asks_irqchip = true;
	/* vCPUs come after devices, as in core. */
	fake_guest_add_vcpus(n);
	return inst;
}

/* QEMU virt's PLIC for n vCPUs. */
static struct devemu_instance *create(unsigned int n)
{
	return create_ndev(n, QEMU_VIRT_NDEV);
}

static void destroy(struct devemu_instance *inst)
{
	fake_kick_asks_irqchip = false;
	fake_destroy(inst);
	CHECK(fake_guest.irqchip == NULL);
}

static u64 rd(struct devemu_instance *inst, u64 off)
{
	return fake_rd(inst, off, 4);
}

static void wr(struct devemu_instance *inst, u64 off, u64 v)
{
	fake_wr(inst, off, 4, v);
}

static void enable(struct devemu_instance *inst, unsigned int ctx,
		   unsigned int id)
{
	u64 off = PLIC_ENABLE(ctx, id / 32);

	wr(inst, off, rd(inst, off) | 1U << (id % 32));
}

static unsigned int total_kicks(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < GUEST_MAX_VCPUS; i++)
		n += fake_kicks[i];
	return n;
}

static void forget_kicks(void)
{
	memset(fake_kicks, 0, sizeof(fake_kicks));
}

/* ---- probing ---- */

UNIT_TEST(probe_registers_irqchip)
{
	struct devemu_instance *inst = create(2);

	/* The PLIC's own: a line raised through it is this PLIC's. */
	CHECK(fake_guest.irqchip != NULL);
	CHECK(fake_guest.irqchip_priv == inst->priv);
	CHECK(!fake_pending(0));
	CHECK(!fake_pending(1));
	fake_line(1, true);
	CHECK_EQ(rd(inst, PLIC_PENDING(0)), 1U << 1);
	destroy(inst);
}

UNIT_TEST(probe_rejects_bad_nodes)
{
	struct devemu_instance *inst;

	setup(2, 0); /* no riscv,ndev */
	inst = instance(QEMU_VIRT_SIZE);
	CHECK_EQ(devemu_probe(inst, &plic_node), -EINVAL);
	CHECK(strstr(fake_error_msg, "riscv,ndev") != NULL);
	setup(2, 1024);
	CHECK_EQ(devemu_probe(inst, &plic_node), -EINVAL);
	CHECK(strstr(fake_error_msg, "riscv,ndev") != NULL);

	setup(0, 95); /* nobody says how many vCPUs */
	CHECK_EQ(devemu_probe(inst, &plic_node), -EINVAL);
	CHECK(strstr(fake_error_msg, "vCPUs") != NULL);

	/* Contexts of 2 vCPUs end at 0x204000. */
	setup(2, 95);
	inst->size = 0x203000;
	CHECK_EQ(devemu_probe(inst, &plic_node), -EINVAL);
	CHECK(strstr(fake_error_msg, "0x203000") != NULL);
	inst->size = 0x204000;
	CHECK_EQ(devemu_probe(inst, &plic_node), 0);
	fake_destroy(inst);

	setup(2, 95);
	inst = instance(QEMU_VIRT_SIZE);
	fake_guest.irqchip = &other_chip;
	CHECK_EQ(devemu_probe(inst, &plic_node), -EBUSY);
	CHECK(strstr(fake_error_msg, "interrupt controller") != NULL);
	CHECK(inst->priv == NULL);
	fake_guest.irqchip = NULL;
	free(inst);
}

UNIT_TEST(serves_both_compatibles)
{
	find_emulator();
	CHECK(devemu_find("riscv,plic0") == emu);
	CHECK(!strcmp(emu->compatible[0], "sifive,plic-1.0.0"));
	CHECK(!strcmp(emu->compatible[1], "riscv,plic0"));
	CHECK(emu->compatible[2] == NULL);
}

/* ---- registers ---- */

UNIT_TEST(reset_values)
{
	struct devemu_instance *inst = create(8);

	for (unsigned int id = 0; id <= QEMU_VIRT_NDEV + 1; id++)
		CHECK_EQ(rd(inst, PLIC_PRIORITY(id)), 0);
	for (unsigned int w = 0; w < 4; w++)
		CHECK_EQ(rd(inst, PLIC_PENDING(w)), 0);
	for (unsigned int c = 0; c < 16; c++) {
		for (unsigned int w = 0; w < 4; w++)
			CHECK_EQ(rd(inst, PLIC_ENABLE(c, w)), 0);
		CHECK_EQ(rd(inst, PLIC_THRESHOLD(c)), 0);
		CHECK_EQ(rd(inst, PLIC_CLAIM(c)), 0);
	}
	/* Past the last context and in the gaps: nothing. */
	CHECK_EQ(rd(inst, PLIC_THRESHOLD(16)), 0);
	CHECK_EQ(rd(inst, PLIC_THRESHOLD(0) + 8), 0);
	CHECK_EQ(rd(inst, PLIC_ENABLE(16, 0)), 0);
	CHECK_EQ(rd(inst, QEMU_VIRT_SIZE - 4), 0);
	CHECK_EQ(total_kicks(), 0);
	destroy(inst);
}

UNIT_TEST(priorities_are_warl)
{
	struct devemu_instance *inst = create(1);

	/* Three bits: writing all ones shows what is implemented. */
	wr(inst, PLIC_PRIORITY(1), 0xffffffff);
	CHECK_EQ(rd(inst, PLIC_PRIORITY(1)), 7);
	wr(inst, PLIC_PRIORITY(95), 0x0d);
	CHECK_EQ(rd(inst, PLIC_PRIORITY(95)), 5);
	/* Source 0 does not exist, nor do sources past riscv,ndev. */
	wr(inst, PLIC_PRIORITY(0), 3);
	CHECK_EQ(rd(inst, PLIC_PRIORITY(0)), 0);
	wr(inst, PLIC_PRIORITY(96), 3);
	CHECK_EQ(rd(inst, PLIC_PRIORITY(96)), 0);
	/* Thresholds alike, in every context. */
	wr(inst, PLIC_THRESHOLD(0), 0xffffffff);
	wr(inst, PLIC_THRESHOLD(1), 0x12);
	CHECK_EQ(rd(inst, PLIC_THRESHOLD(0)), 7);
	CHECK_EQ(rd(inst, PLIC_THRESHOLD(1)), 2);
	destroy(inst);
}

UNIT_TEST(enable_bits_only_for_real_sources)
{
	struct devemu_instance *inst = create_ndev(2, 40);

	wr(inst, PLIC_ENABLE(1, 0), 0xffffffff);
	CHECK_EQ(rd(inst, PLIC_ENABLE(1, 0)), 0xfffffffe); /* not source 0 */
	wr(inst, PLIC_ENABLE(1, 1), 0xffffffff);
	CHECK_EQ(rd(inst, PLIC_ENABLE(1, 1)), 0x1ff); /* sources 32..40 */
	wr(inst, PLIC_ENABLE(1, 2), 0xffffffff);
	CHECK_EQ(rd(inst, PLIC_ENABLE(1, 2)), 0);
	/* Each context has its own. */
	CHECK_EQ(rd(inst, PLIC_ENABLE(0, 0)), 0);
	CHECK_EQ(rd(inst, PLIC_ENABLE(3, 0)), 0);
	wr(inst, PLIC_ENABLE(3, 1), 0x100);
	CHECK_EQ(rd(inst, PLIC_ENABLE(3, 1)), 0x100);
	CHECK_EQ(rd(inst, PLIC_ENABLE(1, 1)), 0x1ff);
	destroy(inst);
}

UNIT_TEST(pending_follows_line)
{
	struct devemu_instance *inst = create(1);

	fake_line(10, true);
	fake_line(33, true);
	fake_line(95, true);
	CHECK_EQ(rd(inst, PLIC_PENDING(0)), 1U << 10);
	CHECK_EQ(rd(inst, PLIC_PENDING(1)), 1U << 1);
	CHECK_EQ(rd(inst, PLIC_PENDING(2)), 1U << 31);
	/* Read-only. */
	wr(inst, PLIC_PENDING(0), 0);
	wr(inst, PLIC_PENDING(1), 0xffffffff);
	CHECK_EQ(rd(inst, PLIC_PENDING(0)), 1U << 10);
	CHECK_EQ(rd(inst, PLIC_PENDING(1)), 1U << 1);
	/* Level-triggered: the line going low withdraws it. */
	fake_line(10, false);
	CHECK_EQ(rd(inst, PLIC_PENDING(0)), 0);
	/* Lines that name no source are ignored. */
	fake_line(0, true);
	fake_line(96, true);
	fake_line(5000, true);
	CHECK_EQ(rd(inst, PLIC_PENDING(0)), 0);
	CHECK_EQ(rd(inst, PLIC_PENDING(3)), 0);
	destroy(inst);
}

UNIT_TEST(bad_access_sizes)
{
	struct devemu_instance *inst = create(1);
	u64 v;

	wr(inst, PLIC_PRIORITY(1), 1);
	CHECK_EQ(fake_read(inst, PLIC_PRIORITY(1), 1, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, PLIC_PRIORITY(1), 2, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, PLIC_PRIORITY(1), 8, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, PLIC_PRIORITY(1) + 2, 4, &v), -EINVAL);
	CHECK_EQ(fake_write(inst, PLIC_PRIORITY(1), 1, 5), -EINVAL);
	CHECK_EQ(fake_write(inst, PLIC_PRIORITY(1), 8, 5), -EINVAL);
	CHECK_EQ(fake_write(inst, PLIC_PRIORITY(1) + 1, 4, 5), -EINVAL);
	CHECK_EQ(rd(inst, PLIC_PRIORITY(1)), 1);
	destroy(inst);
}

/* ---- claim and complete ---- */

UNIT_TEST(claim_picks_highest_priority_then_lowest_id)
{
	struct devemu_instance *inst = create(1);
	unsigned int ctx = s_ctx(0);

	wr(inst, PLIC_PRIORITY(5), 2);
	wr(inst, PLIC_PRIORITY(7), 6);
	wr(inst, PLIC_PRIORITY(9), 6);
	wr(inst, PLIC_PRIORITY(40), 3);
	for (unsigned int id = 1; id <= QEMU_VIRT_NDEV; id++)
		enable(inst, ctx, id);
	fake_line(40, true);
	fake_line(9, true);
	fake_line(5, true);
	fake_line(7, true);
	CHECK_EQ(rd(inst, PLIC_CLAIM(ctx)), 7);
	CHECK_EQ(rd(inst, PLIC_CLAIM(ctx)), 9);
	CHECK_EQ(rd(inst, PLIC_CLAIM(ctx)), 40);
	CHECK_EQ(rd(inst, PLIC_CLAIM(ctx)), 5);
	/* Everything is claimed: nothing left, nothing shown pending. */
	CHECK_EQ(rd(inst, PLIC_CLAIM(ctx)), 0);
	CHECK_EQ(rd(inst, PLIC_PENDING(0)), 0);
	CHECK_EQ(rd(inst, PLIC_PENDING(1)), 0);
	destroy(inst);
}

UNIT_TEST(priority_zero_and_threshold_mask)
{
	struct devemu_instance *inst = create(1);
	unsigned int ctx = s_ctx(0);

	enable(inst, ctx, 3);
	fake_line(3, true);
	/* Priority 0 never interrupts. */
	CHECK(!fake_pending(0));
	CHECK_EQ(rd(inst, PLIC_CLAIM(ctx)), 0);
	wr(inst, PLIC_PRIORITY(3), 4);
	CHECK(fake_pending(0));
	/* Only priorities above the threshold get through. */
	wr(inst, PLIC_THRESHOLD(ctx), 4);
	CHECK(!fake_pending(0));
	CHECK_EQ(rd(inst, PLIC_CLAIM(ctx)), 0);
	CHECK_EQ(rd(inst, PLIC_PENDING(0)), 1U << 3); /* still pending */
	wr(inst, PLIC_THRESHOLD(ctx), 3);
	CHECK(fake_pending(0));
	CHECK_EQ(rd(inst, PLIC_CLAIM(ctx)), 3);
	destroy(inst);
}

UNIT_TEST(gateway_holds_claimed_source_until_complete)
{
	struct devemu_instance *inst = create(1);
	unsigned int ctx = s_ctx(0);

	wr(inst, PLIC_PRIORITY(10), 1);
	enable(inst, ctx, 10);
	fake_line(10, true);
	CHECK_EQ(rd(inst, PLIC_CLAIM(ctx)), 10);
	CHECK(!fake_pending(0));
	/* The line stays high: still not pending while in service. */
	fake_line(10, false);
	fake_line(10, true);
	CHECK_EQ(rd(inst, PLIC_PENDING(0)), 0);
	CHECK(!fake_pending(0));
	/* Completion with the line high: pending again at once. */
	wr(inst, PLIC_CLAIM(ctx), 10);
	CHECK_EQ(rd(inst, PLIC_PENDING(0)), 1U << 10);
	CHECK(fake_pending(0));
	CHECK_EQ(rd(inst, PLIC_CLAIM(ctx)), 10);
	/* Completion with the line low: nothing more. */
	fake_line(10, false);
	wr(inst, PLIC_CLAIM(ctx), 10);
	CHECK_EQ(rd(inst, PLIC_PENDING(0)), 0);
	CHECK(!fake_pending(0));
	CHECK_EQ(rd(inst, PLIC_CLAIM(ctx)), 0);
	destroy(inst);
}

UNIT_TEST(complete_only_by_the_claiming_context)
{
	struct devemu_instance *inst = create(2);

	wr(inst, PLIC_PRIORITY(12), 1);
	enable(inst, s_ctx(0), 12);
	enable(inst, s_ctx(1), 12);
	fake_line(12, true);
	CHECK(fake_pending(0));
	CHECK(fake_pending(1));
	CHECK_EQ(rd(inst, PLIC_CLAIM(s_ctx(1))), 12);
	/* Claimed by vCPU1: no longer on offer to vCPU0 either. */
	CHECK(!fake_pending(0));
	CHECK_EQ(rd(inst, PLIC_CLAIM(s_ctx(0))), 0);
	/* Another context's completion, or its M context's, is ignored. */
	wr(inst, PLIC_CLAIM(s_ctx(0)), 12);
	wr(inst, PLIC_CLAIM(m_ctx(1)), 12);
	CHECK(!fake_pending(0));
	CHECK_EQ(rd(inst, PLIC_PENDING(0)), 0);
	/* So are IDs never claimed and IDs that name no source. */
	wr(inst, PLIC_CLAIM(s_ctx(1)), 13);
	wr(inst, PLIC_CLAIM(s_ctx(1)), 0);
	wr(inst, PLIC_CLAIM(s_ctx(1)), 96);
	wr(inst, PLIC_CLAIM(s_ctx(1)), 0xffffffff);
	CHECK_EQ(rd(inst, PLIC_PENDING(0)), 0);
	/* The claimer's completion releases it. */
	wr(inst, PLIC_CLAIM(s_ctx(1)), 12);
	CHECK(fake_pending(0));
	CHECK(fake_pending(1));
	/* Completing twice is harmless. */
	CHECK_EQ(rd(inst, PLIC_CLAIM(s_ctx(0))), 12);
	wr(inst, PLIC_CLAIM(s_ctx(0)), 12);
	wr(inst, PLIC_CLAIM(s_ctx(0)), 12);
	CHECK_EQ(rd(inst, PLIC_PENDING(0)), 1U << 12);
	destroy(inst);
}

/* ---- contexts, the pending() answer, kicks ---- */

UNIT_TEST(per_context_enables_pick_the_vcpu)
{
	struct devemu_instance *inst = create(4);

	wr(inst, PLIC_PRIORITY(20), 1);
	enable(inst, s_ctx(2), 20);
	fake_line(20, true);
	for (unsigned int c = 0; c < 4; c++)
		CHECK_EQ(fake_pending(c), c == 2);
	CHECK_EQ(fake_kicks[2], 1);
	CHECK_EQ(total_kicks(), 1);
	CHECK_EQ(rd(inst, PLIC_CLAIM(s_ctx(0))), 0);
	CHECK_EQ(rd(inst, PLIC_CLAIM(s_ctx(2))), 20);
	destroy(inst);
}

UNIT_TEST(m_contexts_keep_state_but_never_interrupt)
{
	struct devemu_instance *inst = create(2);

	wr(inst, PLIC_PRIORITY(8), 5);
	enable(inst, m_ctx(0), 8);
	enable(inst, m_ctx(1), 8);
	wr(inst, PLIC_THRESHOLD(m_ctx(1)), 2);
	fake_line(8, true);
	CHECK(!fake_pending(0));
	CHECK(!fake_pending(1));
	CHECK_EQ(total_kicks(), 0);
	CHECK_EQ(rd(inst, PLIC_ENABLE(m_ctx(0), 0)), 1U << 8);
	CHECK_EQ(rd(inst, PLIC_THRESHOLD(m_ctx(1))), 2);
	/* Its registers work: claim and complete through an M context. */
	CHECK_EQ(rd(inst, PLIC_CLAIM(m_ctx(1))), 8);
	CHECK_EQ(rd(inst, PLIC_CLAIM(m_ctx(0))), 0);
	wr(inst, PLIC_CLAIM(m_ctx(1)), 8);
	CHECK_EQ(rd(inst, PLIC_PENDING(0)), 1U << 8);
	/* Enabled in the S context too, it interrupts that vCPU. */
	enable(inst, s_ctx(1), 8);
	CHECK(fake_pending(1));
	CHECK(!fake_pending(0));
	CHECK_EQ(fake_kicks[1], 1);
	destroy(inst);
}

UNIT_TEST(kicks_follow_each_change_of_answer)
{
	struct devemu_instance *inst = create(2);
	unsigned int ctx = s_ctx(1);

	wr(inst, PLIC_PRIORITY(4), 1);
	wr(inst, PLIC_PRIORITY(6), 1);
	enable(inst, ctx, 4);
	enable(inst, ctx, 6);
	CHECK_EQ(total_kicks(), 0);
	fake_line(4, true);
	CHECK_EQ(fake_kicks[1], 1);
	/* A second source while it is already interrupted: no change. */
	fake_line(6, true);
	CHECK_EQ(fake_kicks[1], 1);
	fake_line(4, false);
	CHECK_EQ(fake_kicks[1], 1);
	/* The last one going: the answer changes back, and is told. */
	fake_line(6, false);
	CHECK_EQ(fake_kicks[1], 2);
	CHECK(!fake_pending(1));
	/* Register writes that change the answer kick as well. */
	fake_line(4, true);
	forget_kicks();
	wr(inst, PLIC_THRESHOLD(ctx), 1);
	CHECK_EQ(fake_kicks[1], 1);
	wr(inst, PLIC_THRESHOLD(ctx), 0);
	CHECK_EQ(fake_kicks[1], 2);
	wr(inst, PLIC_ENABLE(ctx, 0), 0);
	CHECK_EQ(fake_kicks[1], 3);
	wr(inst, PLIC_ENABLE(ctx, 0), 1U << 4);
	CHECK_EQ(fake_kicks[1], 4);
	/* A claim ends the vCPU's interrupt; a completion can renew it. */
	CHECK_EQ(rd(inst, PLIC_CLAIM(ctx)), 4);
	CHECK_EQ(fake_kicks[1], 5);
	wr(inst, PLIC_CLAIM(ctx), 4);
	CHECK_EQ(fake_kicks[1], 6);
	CHECK(fake_pending(1));
	CHECK_EQ(fake_kicks[0], 0);
	destroy(inst);
}

UNIT_TEST(lines_before_vcpus_exist)
{
	struct devemu_instance *inst;

	/* Devices come up, and may raise lines, before the vCPUs. */
	setup(2, 95);
	inst = instance(QEMU_VIRT_SIZE);
	CHECK_EQ(devemu_probe(inst, &plic_node), 0);
	fake_kick_asks_irqchip = true;
	fake_line(30, true);
	CHECK_EQ(rd(inst, PLIC_PENDING(0)), 1U << 30);
	wr(inst, PLIC_PRIORITY(30), 1);
	enable(inst, s_ctx(1), 30);
	CHECK_EQ(total_kicks(), 0); /* nobody to kick yet */
	fake_guest_add_vcpus(2);
	CHECK(fake_pending(1));
	CHECK(!fake_pending(0));
	destroy(inst);
}

UNIT_TEST(pending_for_unknown_vcpu_is_false)
{
	struct devemu_instance *inst = create(1);
	struct vcpu stranger = { .index = 5, .guest = &fake_guest };

	wr(inst, PLIC_PRIORITY(1), 1);
	enable(inst, s_ctx(0), 1);
	fake_line(1, true);
	CHECK(fake_pending(0));
	CHECK(!fake_guest.irqchip->pending(fake_guest.irqchip_priv, &stranger));
	destroy(inst);
}

UNIT_TEST(all_qemu_virt_contexts)
{
	struct devemu_instance *inst = create(8);

	for (unsigned int cpu = 0; cpu < 8; cpu++) {
		wr(inst, PLIC_PRIORITY(cpu + 1), 1);
		enable(inst, s_ctx(cpu), cpu + 1);
		wr(inst, PLIC_THRESHOLD(m_ctx(cpu)), cpu % 8);
	}
	for (unsigned int cpu = 0; cpu < 8; cpu++)
		fake_line(cpu + 1, true);
	for (unsigned int cpu = 0; cpu < 8; cpu++) {
		CHECK(fake_pending(cpu));
		CHECK_EQ(fake_kicks[cpu], 1);
		CHECK_EQ(rd(inst, PLIC_THRESHOLD(m_ctx(cpu))), cpu % 8);
		CHECK_EQ(rd(inst, PLIC_CLAIM(s_ctx(cpu))), cpu + 1);
	}
	destroy(inst);
}

UNIT_TEST(reset_clears_registers_keeps_lines)
{
	struct devemu_instance *inst = create(2);

	wr(inst, PLIC_PRIORITY(10), 3);
	wr(inst, PLIC_PRIORITY(11), 3);
	enable(inst, s_ctx(0), 10);
	enable(inst, s_ctx(0), 11);
	enable(inst, m_ctx(1), 10);
	wr(inst, PLIC_THRESHOLD(s_ctx(0)), 1);
	wr(inst, PLIC_THRESHOLD(m_ctx(1)), 5);
	fake_line(10, true);
	fake_line(11, true);
	CHECK_EQ(rd(inst, PLIC_CLAIM(s_ctx(0))), 10);
	CHECK(fake_pending(0));
	forget_kicks();
	fake_reset(inst);
	CHECK(!fake_pending(0));
	CHECK_EQ(total_kicks(), 0); /* the vCPUs are stopped for a reset */
	CHECK_EQ(rd(inst, PLIC_PRIORITY(10)), 0);
	CHECK_EQ(rd(inst, PLIC_ENABLE(s_ctx(0), 0)), 0);
	CHECK_EQ(rd(inst, PLIC_ENABLE(m_ctx(1), 0)), 0);
	CHECK_EQ(rd(inst, PLIC_THRESHOLD(s_ctx(0))), 0);
	CHECK_EQ(rd(inst, PLIC_THRESHOLD(m_ctx(1))), 0);
	/* The claim is gone with the rest: both lines are high, pending. */
	CHECK_EQ(rd(inst, PLIC_PENDING(0)), 3U << 10);
	/* And the old claimer can no longer complete anything. */
	wr(inst, PLIC_CLAIM(s_ctx(0)), 10);
	CHECK_EQ(rd(inst, PLIC_PENDING(0)), 3U << 10);
	destroy(inst);
}

/* ---- interrupt specifiers (emulator.xlate) ---- */

/* xlate of a one-cell specifier on plic_node: the line, or -1 and why. */
static char xlate_why[96];

static long long xlate1(u32 source)
{
	unsigned int line = ~0U;

	xlate_why[0] = 0;
	if (emu->xlate(&plic_node, &source, &line, xlate_why,
		       sizeof(xlate_why)))
		return -1;
	return line;
}

#define CHECK_WHY(want)                                                \
	do {                                                           \
		if (strcmp(xlate_why, want))                           \
			printf("  reason given: \"%s\"\n", xlate_why); \
		CHECK(!strcmp(xlate_why, want));                       \
	} while (0)

UNIT_TEST(xlate_source_ids)
{
	setup(1, QEMU_VIRT_NDEV); /* not probed: core translates first */
	CHECK_EQ(emu->irq_cells, 1);
	CHECK_EQ(xlate1(1), 1);
	CHECK_EQ(xlate1(10), 10);
	CHECK_EQ(xlate1(QEMU_VIRT_NDEV), QEMU_VIRT_NDEV);
}

UNIT_TEST(xlate_refuses_sources_the_plic_lacks)
{
	setup(1, QEMU_VIRT_NDEV);
	/* 0 is "no interrupt"; the map ends at 1023. */
	CHECK_EQ(xlate1(0), -1);
	CHECK_WHY("line 0 is out of range (1-1023)");
	CHECK_EQ(xlate1(1024), -1);
	CHECK_WHY("line 1024 is out of range (1-1023)");
	CHECK_EQ(xlate1(5000), -1);
	CHECK_WHY("line 5000 is out of range (1-1023)");
	/* Past riscv,ndev the source does not exist. */
	CHECK_EQ(xlate1(QEMU_VIRT_NDEV + 1), -1);
	CHECK_WHY("line 96 is out of this PLIC's range (1-95, riscv,ndev)");
	/* A missing or bad riscv,ndev is the probe's to refuse. */
	setup(1, 0);
	CHECK_EQ(xlate1(1023), 1023);
	setup(1, 4000);
	CHECK_EQ(xlate1(1023), 1023);
	setup(1, 1023);
	CHECK_EQ(xlate1(1023), 1023);
}

/* What xlate gives is the source the PLIC's gateway takes the line on. */
UNIT_TEST(xlate_line_reaches_the_gateway)
{
	struct devemu_instance *inst = create(1);
	long long src = xlate1(11);

	CHECK_EQ(src, 11);
	fake_line((unsigned int)src, true);
	CHECK_EQ(rd(inst, PLIC_PENDING(0)), 1U << 11);
	destroy(inst);
}

UNIT_MAIN()
