// SPDX-License-Identifier: GPL-2.0
/*
 * core/devemu.c through keel/devemu.h: the emulator registry (found by
 * compatible string, from a node's compatible list), error reports,
 * extra register windows in the guest's address space (with the real
 * core/aspace.c), interrupt lines through the guest's interrupt
 * controller, and the wall clock. The registry is the table Keel's
 * linker script gathers; here the test lays out one of its own between
 * the same two symbols. And core/devemu_instance.c: the private state and
 * the minimum window core handles for every emulator. Register accesses
 * themselves are dispatched by core/vcpu.c, so they are not tested here.
 */
#include "unit.h"
#include <string.h>

#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/guest.h>

extern unsigned int host_printk_count;
extern char host_printk_last[512];

/* ---- the emulator table ---- */

static const char *const uart_compat[] = { "acme,uart", "ns16550a", NULL };
static const char *const uart2_compat[] = { "ns16550a", "acme,uart2", NULL };
static const char *const rtc_compat[] = { "acme,rtc", NULL };
static const char *const none_compat[] = { NULL };

static const struct emulator no_list_emu = { .name = "no-list" };
static const struct emulator empty_list_emu = { .name = "empty-list",
						.compatible = none_compat };
static const struct emulator uart_emu = { .name = "uart",
					  .compatible = uart_compat };
static const struct emulator uart2_emu = { .name = "uart2",
					   .compatible = uart2_compat };
static const struct emulator rtc_emu = { .name = "rtc",
					 .compatible = rtc_compat };

/* What Keel's linker script makes of EMULATOR_REGISTER: one table. */
const struct emulator *const test_emulators[] = {
	&no_list_emu, &empty_list_emu, &uart_emu, &uart2_emu, &rtc_emu,
};
__asm__(".globl _emulators_start\n"
	".set _emulators_start, test_emulators\n"
	".globl _emulators_end\n"
	".set _emulators_end, test_emulators + 5 * 8\n");
_Static_assert(sizeof(test_emulators) == 5 * 8, "the table's end above");

/* ---- what devemu.c needs from the rest of Keel ---- */

static u64 now_ns;
static unsigned int pa_bits = 40;

u64 timer_now_ns(void)
{
	return now_ns;
}

/*
 * The two cancels devemu_remove_timer() makes, recorded with what they
 * saw: the lock held or not, and inst->priv at the time.
 */
static struct devemu_instance *timer_inst;
static struct {
	bool wait, locked;
	void *priv;
} cancels[4];
static unsigned int nr_cancels;

static void record_cancel(struct timer_event *ev, bool wait)
{
	if (nr_cancels < ARRAY_SIZE(cancels))
		cancels[nr_cancels] =
			(typeof(cancels[0])){ wait,
					      spin_is_locked(&timer_inst->lock),
					      timer_inst->priv };
	nr_cancels++;
	ev->cpu = -1;
}

void timer_event_cancel(struct timer_event *ev)
{
	record_cancel(ev, true);
}

void timer_event_cancel_nowait(struct timer_event *ev)
{
	record_cancel(ev, false);
}

unsigned int arch_guest_pa_bits(void)
{
	return pa_bits;
}

/* A node's "compatible" list: the node is one of these. */
struct fake_node {
	const char *const *compatible;
};

int devtree_prop_read_string_index(const struct devtree_node *node,
				   const char *name, unsigned int index,
				   const char **out)
{
	const struct fake_node *n = (const struct fake_node *)node;

	CHECK(!strcmp(name, "compatible"));
	for (unsigned int i = 0; n->compatible && n->compatible[i]; i++) {
		if (i == index) {
			*out = n->compatible[i];
			return 0;
		}
	}
	return -ENOENT;
}

/* Nodes for devemu_read_reg(): an ISA bus and devices, "reg" faked. */
static struct devtree_node isa_bus, isa_dev, plain_dev;
static const struct {
	const struct devtree_node *node;
	unsigned int index;
	u64 base, size;
} fake_regs[] = {
	{ &isa_dev, 0, 1ULL << 32 | 0x40, 4 },
	{ &isa_dev, 1, 1ULL << 32 | 0x61, 1 },
	{ &isa_dev, 2, 0xd0000, 0x1000 }, /* ISA memory space */
	{ &plain_dev, 1, 1ULL << 32 | 0x61, 1 },
};

bool devtree_is_compatible(const struct devtree_node *node, const char *compat)
{
	return node == &isa_bus && !strcmp(compat, "isa");
}

int devtree_read_reg(const struct devtree_node *node, unsigned int index,
		     u64 *addr, u64 *size)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(fake_regs); i++) {
		if (fake_regs[i].node == node && fake_regs[i].index == index) {
			*addr = fake_regs[i].base;
			*size = fake_regs[i].size;
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- a guest and an instance ---- */

static struct guest guest;
static struct devemu_instance inst;

static void setup(void)
{
	memset(&guest, 0, sizeof(guest));
	strcpy(guest.name, "g0");
	memset(&inst, 0, sizeof(inst));
	inst.emu = &uart_emu;
	inst.guest = &guest;
	strcpy(inst.name, "gic@8000000");
	inst.base = 0x8000000;
	inst.size = 0x10000;
	pa_bits = 40;
}

/* ---- the registry ---- */

UNIT_TEST(find_by_any_compatible_string)
{
	CHECK(devemu_find("acme,uart") == &uart_emu);
	CHECK(devemu_find("acme,uart2") == &uart2_emu);
	CHECK(devemu_find("acme,rtc") == &rtc_emu);
	/* Served twice: the first in the table wins. */
	CHECK(devemu_find("ns16550a") == &uart_emu);
}

UNIT_TEST(find_nothing)
{
	CHECK(devemu_find("acme") == NULL); /* a prefix is no match */
	CHECK(devemu_find("acme,uart ") == NULL);
	CHECK(devemu_find("ACME,UART") == NULL);
	CHECK(devemu_find("") == NULL);
}

UNIT_TEST(find_for_node_tries_its_list_in_order)
{
	static const char *const first_unknown[] = { "acme,uart-v2", "acme,rtc",
						     NULL };
	static const char *const both_known[] = { "acme,uart2", "acme,uart",
						  NULL };
	static const char *const unknown[] = { "acme,nothing", NULL };
	struct fake_node a = { first_unknown }, b = { both_known },
			 c = { unknown }, d = { none_compat }, e = { NULL };

	CHECK(devemu_find_for_node((struct devtree_node *)&a) == &rtc_emu);
	CHECK(devemu_find_for_node((struct devtree_node *)&b) == &uart2_emu);
	CHECK(devemu_find_for_node((struct devtree_node *)&c) == NULL);
	CHECK(devemu_find_for_node((struct devtree_node *)&d) == NULL);
	CHECK(devemu_find_for_node((struct devtree_node *)&e) == NULL);
}

/* ---- errors ---- */

UNIT_TEST(errors_name_guest_and_device)
{
	unsigned int before;

	setup();
	before = host_printk_count;
	devemu_error(&inst, "bad %s %d", "cells", 3);
	CHECK_EQ(host_printk_count, before + 1);
	CHECK(strstr(host_printk_last, "guest g0: gic@8000000: bad cells 3\n"));
	inst.guest = NULL;
	devemu_error(&inst, "probe failed");
	CHECK(strstr(host_printk_last, "guest ?: gic@8000000: probe failed\n"));
}

UNIT_TEST(long_error_messages_are_cut_not_overrun)
{
	char long_msg[400];

	setup();
	memset(long_msg, 'x', sizeof(long_msg) - 1);
	long_msg[sizeof(long_msg) - 1] = '\0';
	devemu_error(&inst, "%s", long_msg);
	CHECK(strstr(host_printk_last, "guest g0: gic@8000000: xxxx"));
	/* Cut at devemu.c's 160-byte message, the line still ends. */
	CHECK(strlen(host_printk_last) < 250);
	CHECK(host_printk_last[strlen(host_printk_last) - 1] == '\n');
}

/* ---- extra windows ---- */

UNIT_TEST(window_goes_into_the_address_space)
{
	struct region *r;

	setup();
	CHECK_EQ(devemu_add_window(&inst, 0x80a0000, 0xf60000), 0);
	CHECK_EQ(guest.aspace.nr, 1);
	r = aspace_find(&guest.aspace, 0x80a0000);
	CHECK(r != NULL);
	if (!r)
		return;
	CHECK_EQ(r->gpa, 0x80a0000);
	CHECK_EQ(r->size, 0xf60000);
	CHECK_EQ(r->type, REGION_EMULATED);
	CHECK(r->dev == &inst);
	CHECK(!strcmp(r->name, "gic@8000000"));
	CHECK(aspace_find(&guest.aspace, 0x8ffffff) == r);
}

UNIT_TEST(windows_refused)
{
	struct region ram = { .gpa = 0x40000000,
			      .size = 0x10000000,
			      .type = REGION_RAM };

	setup();
	CHECK_EQ(aspace_insert(&guest.aspace, &ram, NULL), 0);
	/* Below the instance's base: offsets could not reach it. */
	CHECK_EQ(devemu_add_window(&inst, 0x7ff0000, 0x1000), -EINVAL);
	CHECK_EQ(devemu_add_window(&inst, 0x9000000, 0), -EINVAL);
	CHECK(strstr(host_printk_last, "empty"));
	CHECK_EQ(devemu_add_window(&inst, 0xfffffffffffff000ULL, 0x2000),
		 -ERANGE);
	CHECK(strstr(host_printk_last, "wraps"));
	/* 40 physical address bits: the space ends at 1 TiB. */
	CHECK_EQ(devemu_add_window(&inst, 0xfffffff000ULL, 0x2000), -ERANGE);
	CHECK(strstr(host_printk_last, "40-bit"));
	CHECK_EQ(devemu_add_window(&inst, 0x10000000000ULL, 0x1000), -ERANGE);
	CHECK_EQ(devemu_add_window(&inst, 0x4fff0000, 0x20000), -EEXIST);
	CHECK(strstr(host_printk_last, "overlaps"));
	CHECK_EQ(guest.aspace.nr, 1);
	/* Up to the last byte of the space is fine. */
	CHECK_EQ(devemu_add_window(&inst, 0xfffffff000ULL, 0x1000), 0);
	/* 64 bits: only the wrap limits it. */
	pa_bits = 64;
	CHECK_EQ(devemu_add_window(&inst, 0xffffffffffffe000ULL, 0x1000), 0);
	CHECK_EQ(guest.aspace.nr, 3);
}

UNIT_TEST(windows_of_a_port_device_go_into_the_port_space)
{
	setup();
	inst.in_ports = true;
	inst.base = 0x40;
	inst.size = 4;
	/* The 8254's second window: port 0x61. */
	CHECK_EQ(devemu_add_window(&inst, 0x61, 1), 0);
	CHECK_EQ(guest.ports.nr, 1);
	CHECK_EQ(guest.aspace.nr, 0);
	CHECK(aspace_find(&guest.ports, 0x61) != NULL);
	CHECK(aspace_find(&guest.aspace, 0x61) == NULL);
	/* The port space ends at 0xffff, whatever the address width. */
	CHECK_EQ(devemu_add_window(&inst, 0xfffe, 2), 0);
	CHECK_EQ(devemu_add_window(&inst, 0xffff, 2), -ERANGE);
	CHECK(strstr(host_printk_last, "beyond port 0xffff"));
	CHECK_EQ(devemu_add_window(&inst, 0x10000, 1), -ERANGE);
	CHECK_EQ(devemu_add_window(&inst, 0x60, 2), -EEXIST);
	CHECK_EQ(guest.ports.nr, 2);
}

UNIT_TEST(reg_entries_of_isa_devices_lose_their_space_cell)
{
	u64 base = 0, size = 0;

	setup();
	isa_dev.parent = &isa_bus;
	plain_dev.parent = NULL;
	inst.in_ports = true;
	CHECK_EQ(devemu_read_reg(&inst, &isa_dev, 1, &base, &size), 0);
	CHECK_EQ(base, 0x61);
	CHECK_EQ(size, 1);
	/* An entry in memory space when the device is in ports. */
	CHECK_EQ(devemu_read_reg(&inst, &isa_dev, 2, &base, &size), -EINVAL);
	CHECK(strstr(host_printk_last, "ISA space 0"));
	CHECK_EQ(devemu_read_reg(&inst, &isa_dev, 3, &base, &size), -ENOENT);
	/* Not on an ISA bus: the cells as they are. */
	CHECK_EQ(devemu_read_reg(&inst, &plain_dev, 1, &base, &size), 0);
	CHECK_EQ(base, 1ULL << 32 | 0x61);
}

UNIT_TEST(windows_until_the_space_is_full)
{
	int err = 0;
	unsigned int n = 0;

	setup();
	while (!err && n <= ASPACE_MAX_REGIONS) {
		err = devemu_add_window(&inst, 0x9000000 + n * 0x10000ULL,
					0x1000);
		if (!err)
			n++;
	}
	CHECK_EQ(err, -ENOSPC);
	CHECK_EQ(n, ASPACE_MAX_REGIONS);
	CHECK(strstr(host_printk_last, "does not fit"));
}

/* ---- interrupt lines ---- */

static struct {
	void *priv;
	unsigned int irq, calls;
	bool level;
	struct vcpu *asked;
} chip_seen;

static void chip_set_line(void *priv, unsigned int irq, bool level)
{
	chip_seen.priv = priv;
	chip_seen.irq = irq;
	chip_seen.level = level;
	chip_seen.calls++;
}

static bool chip_pending(void *priv, struct vcpu *v)
{
	chip_seen.priv = priv;
	chip_seen.asked = v;
	return v->index == 1;
}

static const struct guest_irqchip chip = { .set_line = chip_set_line,
					   .pending = chip_pending };

UNIT_TEST(lines_before_a_controller_are_counted)
{
	struct vcpu v = { 0 };

	setup();
	memset(&chip_seen, 0, sizeof(chip_seen));
	inst.irqs[0] = 33;
	inst.nr_irqs = 1;
	devemu_irq_set(&inst, 0, true);
	devemu_irq_set(&inst, 0, false); /* lowering counts nothing */
	devemu_irq_set(&inst, 0, true);
	CHECK_EQ(guest.irq_raised, 2);
	CHECK_EQ(chip_seen.calls, 0);
	v.guest = &guest;
	CHECK(!guest_irq_pending(&v));
	CHECK(guest_irq_output(&v) == NULL);
}

UNIT_TEST(lines_go_to_the_controller_by_index)
{
	static int chip_state;
	struct vcpu v0 = { 0 }, v1 = { 0 };

	setup();
	memset(&chip_seen, 0, sizeof(chip_seen));
	guest_set_irqchip(&guest, &chip, &chip_state);
	inst.irqs[0] = 33;
	inst.irqs[1] = 79;
	inst.nr_irqs = 2;

	devemu_irq_set(&inst, 1, true);
	CHECK_EQ(chip_seen.calls, 1);
	CHECK_EQ(chip_seen.irq, 79);
	CHECK(chip_seen.level);
	CHECK(chip_seen.priv == &chip_state);
	devemu_irq_set(&inst, 0, false);
	CHECK_EQ(chip_seen.calls, 2);
	CHECK_EQ(chip_seen.irq, 33);
	CHECK(!chip_seen.level);
	/* An index the instance does not have, or no guest: nothing. */
	devemu_irq_set(&inst, 2, true);
	devemu_irq_set(&inst, DEVEMU_MAX_IRQS, true);
	inst.guest = NULL;
	devemu_irq_set(&inst, 0, true);
	CHECK_EQ(chip_seen.calls, 2);
	CHECK_EQ(guest.irq_raised, 0);

	v0.guest = v1.guest = &guest;
	v1.index = 1;
	CHECK(!guest_irq_pending(&v0));
	CHECK(chip_seen.asked == &v0);
	CHECK(guest_irq_pending(&v1));
	CHECK(chip_seen.asked == &v1);
	/* A controller that keeps no output shows none. */
	CHECK(guest_irq_output(&v1) == NULL);
}

/* ---- the wall clock ---- */

UNIT_TEST(wall_clock_advances_with_keel_time)
{
	now_ns = 5 * NSEC_PER_SEC + 300000000; /* 5.3 s after boot */
	devemu_set_wallclock(1700000000);
	CHECK_EQ(devemu_wallclock_seconds(), 1700000000);
	now_ns += 700000000; /* 6.0 s */
	CHECK_EQ(devemu_wallclock_seconds(), 1700000001);
	now_ns += 3600 * NSEC_PER_SEC;
	CHECK_EQ(devemu_wallclock_seconds(), 1700003601);
	/* Told again later: the new time holds from then on. */
	devemu_set_wallclock(1800000000);
	CHECK_EQ(devemu_wallclock_seconds(), 1800000000);
}

/* ---- instances: what core does for every emulator ---- */

struct counter_state {
	u64 word[7]; /* an odd size: what the emulator asked for, no more */
};

/* What the emulator's own probe and remove saw. */
static struct {
	unsigned int probes, removes;
	bool zeroed; /* probe found inst->priv all zero bytes */
	void *priv; /* inst->priv as probe found it */
	int result; /* what probe returns */
} seen;

static int counter_probe(struct devemu_instance *i,
			 const struct devtree_node *node)
{
	const unsigned char *p = i->priv;

	seen.probes++;
	seen.priv = i->priv;
	seen.zeroed = p != NULL;
	for (size_t b = 0; p && b < sizeof(struct counter_state); b++)
		seen.zeroed &= p[b] == 0;
	/* Dirty it: a later probe must get zeroed memory again. */
	if (p)
		memset(i->priv, 0xa5, sizeof(struct counter_state));
	return seen.result;
}

static void counter_remove(struct devemu_instance *i)
{
	seen.removes++;
	/* Core frees the state after remove, not before. */
	CHECK(i->priv == seen.priv);
}

static const struct emulator counter_emu = {
	.name = "counter",
	.probe = counter_probe,
	.remove = counter_remove,
	.priv_size = sizeof(struct counter_state),
	.min_window = 0x1000,
};

/* Neither service: probe and remove are the emulator's alone. */
static const struct emulator plain_emu = {
	.name = "plain",
	.probe = counter_probe,
	.remove = counter_remove,
};

/* No operations but the registers: nothing to probe or remove. */
static const struct emulator bare_emu = { .name = "bare", .min_window = 0x100 };

static void setup_instance(const struct emulator *emu, u64 size, int result)
{
	setup();
	memset(&seen, 0, sizeof(seen));
	seen.result = result;
	inst.emu = emu;
	inst.size = size;
}

UNIT_TEST(probe_gets_zeroed_private_state_and_remove_frees_it)
{
	for (int round = 0; round < 2; round++) {
		setup_instance(&counter_emu, 0x1000, 0);
		CHECK_EQ(devemu_probe(&inst, NULL), 0);
		CHECK_EQ(seen.probes, 1);
		CHECK(seen.zeroed);
		CHECK(inst.priv != NULL && inst.priv == seen.priv);
		devemu_remove(&inst);
		CHECK_EQ(seen.removes, 1);
		CHECK(inst.priv == NULL);
		/* LeakSanitizer reports the state if core forgot it. */
	}
}

UNIT_TEST(failed_probe_leaves_nothing_to_remove)
{
	setup_instance(&counter_emu, 0x2000, -ENODEV);
	CHECK_EQ(devemu_probe(&inst, NULL), -ENODEV);
	CHECK_EQ(seen.probes, 1);
	CHECK(seen.priv != NULL);
	CHECK(inst.priv == NULL); /* and freed: LeakSanitizer would say */
	CHECK_EQ(seen.removes, 0);
}

UNIT_TEST(too_small_a_window_is_refused_before_probe)
{
	unsigned int before;

	setup_instance(&counter_emu, 0xfff, 0);
	before = host_printk_count;
	CHECK_EQ(devemu_probe(&inst, NULL), -EINVAL);
	CHECK_EQ(seen.probes, 0);
	CHECK(inst.priv == NULL);
	CHECK_EQ(host_printk_count, before + 1);
	CHECK(strstr(host_printk_last,
		     "guest g0: gic@8000000: register window of 0xfff bytes "
		     "is too small: the counter emulator needs 0x1000\n"));
	/* Exactly the minimum, or more, is enough. */
	setup_instance(&counter_emu, 0x1000, 0);
	CHECK_EQ(devemu_probe(&inst, NULL), 0);
	devemu_remove(&inst);
	setup_instance(&counter_emu, 0x100000, 0);
	CHECK_EQ(devemu_probe(&inst, NULL), 0);
	devemu_remove(&inst);
	CHECK_EQ(seen.removes, 1);
}

UNIT_TEST(emulators_without_the_services_are_left_alone)
{
	/* No priv_size: no state given, none freed; any window will do. */
	setup_instance(&plain_emu, 1, 0);
	CHECK_EQ(devemu_probe(&inst, NULL), 0);
	CHECK(seen.priv == NULL && inst.priv == NULL);
	devemu_remove(&inst);
	CHECK_EQ(seen.removes, 1);
	/* No probe or remove at all: only the window check. */
	setup_instance(&bare_emu, 0xff, 0);
	CHECK_EQ(devemu_probe(&inst, NULL), -EINVAL);
	CHECK(strstr(host_printk_last, "the bare emulator needs 0x100"));
	setup_instance(&bare_emu, 0x100, 0);
	CHECK_EQ(devemu_probe(&inst, NULL), 0);
	devemu_remove(&inst);
	CHECK_EQ(seen.probes + seen.removes, 0);
}

UNIT_TEST(removing_a_never_probed_instance_does_nothing)
{
	/* Core clears inst->emu of an instance whose probe failed. */
	setup_instance(&counter_emu, 0x1000, 0);
	inst.emu = NULL;
	devemu_remove(&inst);
	CHECK_EQ(seen.removes, 0);
}

/* ---- byte lanes of 32-bit registers ---- */

/*
 * An emulator's remove with a timer: stopped without waiting under the
 * lock, its state gone for a callback that waits for the lock, then the
 * wait for such a callback with the lock dropped (waiting under it would
 * never end: the callback waits for the lock).
 */
UNIT_TEST(remove_timer_stops_then_waits_unlocked)
{
	static struct devemu_instance inst;
	static struct timer_event ev = { .cpu = 0 };
	int state;

	spin_lock_init(&inst.lock);
	inst.priv = &state;
	timer_inst = &inst;
	nr_cancels = 0;
	devemu_remove_timer(&inst, &ev);
	CHECK_EQ(nr_cancels, 2);
	CHECK(!cancels[0].wait && cancels[0].locked &&
	      cancels[0].priv == &state);
	CHECK(cancels[1].wait && !cancels[1].locked && cancels[1].priv == NULL);
	CHECK(inst.priv == NULL);
	CHECK(!spin_is_locked(&inst.lock));
}

UNIT_TEST(reg32_lanes)
{
	struct reg32_lanes l;

	CHECK_EQ(devemu_reg32_lanes(0x14, 4, &l), 0);
	CHECK(l.reg == 0x14 && l.shift == 0 && l.mask == 0xffffffff);
	CHECK_EQ(devemu_reg32_lanes(0x17, 1, &l), 0);
	CHECK(l.reg == 0x14 && l.shift == 24 && l.mask == 0xff000000);
	CHECK_EQ(devemu_reg32_lanes(0x16, 2, &l), 0);
	CHECK(l.reg == 0x14 && l.shift == 16 && l.mask == 0xffff0000);
	CHECK_EQ(devemu_reg32_lanes(0x15, 2, &l), -EINVAL); /* misaligned */
	CHECK_EQ(devemu_reg32_lanes(0x16, 4, &l), -EINVAL);
	CHECK_EQ(devemu_reg32_lanes(0x10, 8, &l), -EINVAL); /* too wide */
	CHECK_EQ(devemu_reg32_lanes(0x10, 3, &l), -EINVAL);
	CHECK_EQ(devemu_reg32_lanes(0x10, 0, &l), -EINVAL);
}

UNIT_MAIN();
