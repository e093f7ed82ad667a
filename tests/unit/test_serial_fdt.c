// SPDX-License-Identifier: GPL-2.0
/*
 * The host UART drivers' register-layout parser (drivers/serial/
 * serial_fdt.c): reg-shift, reg-io-width and reg-offset from a blob built
 * here, read once from the flattened tree (as the early console does)
 * and once from the live tree unflattened from it (as probe does); the
 * two must agree, on values and on refusals, which name the node.
 */
#include "unit.h"
#include <string.h>

#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/fdt.h>
#include "../../drivers/serial/serial.h"

extern unsigned int host_printk_count;
extern char host_printk_last[512];

#define NODE "serial@10000000"

/* A property of the UART node: len bytes of val (big-endian cells). */
struct prop {
	const char *name;
	u32 cells[2];
	int len;
};

static u64 blob_mem[512];

/* A root with one UART node carrying props; the blob in blob_mem. */
static void build(const struct prop *props, int n)
{
	void *fdt = blob_mem;

	CHECK_EQ(kfdt_create(fdt, sizeof(blob_mem)), 0);
	CHECK_EQ(kfdt_finish_reservemap(fdt), 0);
	CHECK_EQ(kfdt_begin_node(fdt, ""), 0);
	CHECK_EQ(kfdt_begin_node(fdt, NODE), 0);
	for (int i = 0; i < n; i++) {
		u32 be[2] = { cpu_to_kfdt32(props[i].cells[0]),
			      cpu_to_kfdt32(props[i].cells[1]) };

		CHECK_EQ(kfdt_property(fdt, props[i].name, be, props[i].len),
			 0);
	}
	CHECK_EQ(kfdt_end_node(fdt), 0);
	CHECK_EQ(kfdt_end_node(fdt), 0);
	CHECK_EQ(kfdt_finish(fdt), 0);
}

struct result {
	int err;
	struct serial_layout l;
	unsigned int messages;
	char last[512];
};

/* Parse the node both ways; CHECK that they agree; return the flat one. */
static struct result parse(const struct prop *props, int n)
{
	struct result flat, live;
	struct devtree_node *root, *node;
	unsigned int before;
	int offset;

	build(props, n);
	offset = kfdt_path_offset(blob_mem, "/" NODE);
	CHECK(offset >= 0);

	memset(&flat, 0, sizeof(flat));
	memset(&flat.l, 0xa5, sizeof(flat.l));
	before = host_printk_count;
	host_printk_last[0] = 0;
	flat.err = serial_layout_from_fdt(blob_mem, offset, &flat.l);
	flat.messages = host_printk_count - before;
	strcpy(flat.last, host_printk_last);

	CHECK_EQ(devtree_unflatten(blob_mem, &root), 0);
	node = devtree_find_path(root, "/" NODE);
	CHECK(node != NULL);
	memset(&live, 0, sizeof(live));
	memset(&live.l, 0xa5, sizeof(live.l));
	before = host_printk_count;
	host_printk_last[0] = 0;
	live.err = serial_layout_from_node(node, &live.l);
	live.messages = host_printk_count - before;
	strcpy(live.last, host_printk_last);
	devtree_free(root);

	CHECK_EQ(flat.err, live.err);
	CHECK(!memcmp(&flat.l, &live.l, sizeof(flat.l)));
	CHECK_EQ(flat.messages, live.messages);
	CHECK(!strcmp(flat.last, live.last));
	return flat;
}

static void check_layout(struct result r, u32 shift, u32 width, u32 offset)
{
	CHECK_EQ(r.err, 0);
	CHECK_EQ(r.l.shift, shift);
	CHECK_EQ(r.l.width, width);
	CHECK_EQ(r.l.offset, offset);
	CHECK_EQ(r.messages, 0);
}

/* Refused, out left alone, one message naming the node and with want. */
static void check_refused(struct result r, const char *want)
{
	u8 untouched[sizeof(r.l)];

	memset(untouched, 0xa5, sizeof(untouched));
	CHECK_EQ(r.err, -EINVAL);
	CHECK(!memcmp(&r.l, untouched, sizeof(r.l)));
	CHECK_EQ(r.messages, 1);
	CHECK(strstr(r.last, NODE) != NULL);
	CHECK(strstr(r.last, want) != NULL);
	if (!strstr(r.last, want))
		printf("  message: %s", r.last);
}

UNIT_TEST(absent_properties_take_the_binding_defaults)
{
	check_layout(parse(NULL, 0), 0, 1, 0);
}

UNIT_TEST(values_are_read)
{
	const struct prop p[] = {
		{ "reg-shift", { 2 }, 4 },
		{ "reg-io-width", { 4 }, 4 },
		{ "reg-offset", { 0x40 }, 4 },
	};

	check_layout(parse(p, 3), 2, 4, 0x40);
}

UNIT_TEST(each_property_alone_keeps_the_others_defaults)
{
	const struct prop shift[] = { { "reg-shift", { 3 }, 4 } };
	const struct prop width[] = { { "reg-io-width", { 1 }, 4 } };
	const struct prop offset[] = { { "reg-offset", { 0x1000 }, 4 } };

	check_layout(parse(shift, 1), 3, 1, 0);
	check_layout(parse(width, 1), 0, 1, 0);
	check_layout(parse(offset, 1), 0, 1, 0x1000);
}

UNIT_TEST(every_shift_up_to_the_limit_is_taken)
{
	for (u32 s = 0; s <= SERIAL_REG_SHIFT_MAX; s++) {
		const struct prop p[] = { { "reg-shift", { s }, 4 } };

		check_layout(parse(p, 1), s, 1, 0);
	}
}

UNIT_TEST(shift_beyond_the_limit_is_refused)
{
	const struct prop p[] = { { "reg-shift", { 5 }, 4 } };
	const struct prop huge[] = { { "reg-shift", { 32 }, 4 } };

	check_refused(parse(p, 1), "reg-shift 5");
	check_refused(parse(huge, 1), "reg-shift 32");
}

UNIT_TEST(width_other_than_1_or_4_is_refused)
{
	const u32 bad[] = { 0, 2, 3, 8 };

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct prop p[] = {
			{ "reg-shift", { 2 }, 4 },
			{ "reg-io-width", { bad[i] }, 4 },
		};
		char want[32];

		snprintf(want, sizeof(want), "reg-io-width %u", bad[i]);
		check_refused(parse(p, 2), want);
	}
}

UNIT_TEST(width_beyond_the_register_stride_is_refused)
{
	for (u32 s = 0; s < 2; s++) {
		const struct prop p[] = {
			{ "reg-shift", { s }, 4 },
			{ "reg-io-width", { 4 }, 4 },
		};

		check_refused(parse(p, 2), "reg-shift of 2");
	}
}

UNIT_TEST(property_not_one_cell_is_refused)
{
	const struct prop two[] = { { "reg-shift", { 0, 2 }, 8 } };
	const struct prop empty[] = { { "reg-io-width", { 0 }, 0 } };
	const struct prop odd[] = { { "reg-offset", { 0 }, 2 } };

	check_refused(parse(two, 1), "reg-shift has 8 bytes");
	check_refused(parse(empty, 1), "reg-io-width has 0 bytes");
	check_refused(parse(odd, 1), "reg-offset has 2 bytes");
}

UNIT_MAIN();

/*
 * A UART under a bus node: compatible (NULL: none) and the UART's reg
 * cells (three, as the ISA binding has them); both ways of asking must
 * agree. Returns the flat answer; *port when it is 1.
 */
static int io_port_under(const char *bus_compat, u32 space, u32 addr, u32 size,
			 u16 *port)
{
	void *fdt = blob_mem;
	u32 reg[3] = { cpu_to_kfdt32(space), cpu_to_kfdt32(addr),
		       cpu_to_kfdt32(size) };
	struct devtree_node *root, *node;
	u16 flat_port = 0, live_port = 0;
	int flat, live, offset;

	CHECK_EQ(kfdt_create(fdt, sizeof(blob_mem)), 0);
	CHECK_EQ(kfdt_finish_reservemap(fdt), 0);
	CHECK_EQ(kfdt_begin_node(fdt, ""), 0);
	CHECK_EQ(kfdt_begin_node(fdt, "isa"), 0);
	if (bus_compat)
		CHECK_EQ(kfdt_property(fdt, "compatible", bus_compat,
				       (int)strlen(bus_compat) + 1),
			 0);
	CHECK_EQ(kfdt_begin_node(fdt, "serial@i3f8"), 0);
	CHECK_EQ(kfdt_property(fdt, "reg", reg, sizeof(reg)), 0);
	CHECK_EQ(kfdt_end_node(fdt), 0);
	CHECK_EQ(kfdt_end_node(fdt), 0);
	CHECK_EQ(kfdt_end_node(fdt), 0);
	CHECK_EQ(kfdt_finish(fdt), 0);

	offset = kfdt_path_offset(fdt, "/isa/serial@i3f8");
	CHECK(offset >= 0);
	flat = serial_io_port_from_fdt(fdt, offset, &flat_port);
	CHECK_EQ(devtree_unflatten(fdt, &root), 0);
	node = devtree_find_path(root, "/isa/serial@i3f8");
	CHECK(node != NULL);
	live = serial_io_port_from_node(node, &live_port);
	devtree_free(root);
	CHECK_EQ(flat, live);
	CHECK_EQ(flat_port, live_port);
	*port = flat_port;
	return flat;
}

UNIT_TEST(isa_io_space_names_the_first_port)
{
	u16 port = 0;

	CHECK_EQ(io_port_under("isa", 1, 0x3f8, 8, &port), 1);
	CHECK_EQ(port, 0x3f8);
	/* The last eight ports of the space are still ports. */
	CHECK_EQ(io_port_under("isa", 1, 0xfff8, 8, &port), 1);
	CHECK_EQ(port, 0xfff8);
}

UNIT_TEST(isa_memory_space_and_other_buses_are_not_ports)
{
	u16 port = 0;

	CHECK_EQ(io_port_under("isa", 0, 0xd0000, 8, &port), 0);
	CHECK_EQ(io_port_under("simple-bus", 1, 0x3f8, 8, &port), 0);
	CHECK_EQ(io_port_under(NULL, 1, 0x3f8, 8, &port), 0);
	CHECK_EQ(port, 0);
}

UNIT_TEST(isa_ports_past_0xffff_are_refused)
{
	unsigned int before = host_printk_count;
	u16 port = 0;

	CHECK_EQ(io_port_under("isa", 1, 0x10000, 8, &port), -EINVAL);
	CHECK_EQ(io_port_under("isa", 1, 0xfffc, 8, &port), -EINVAL);
	/* Each refusal is said once per way of asking. */
	CHECK_EQ(host_printk_count - before, 4);
	CHECK(strstr(host_printk_last, "serial@i3f8") != NULL);
	CHECK(strstr(host_printk_last, "past port 0xffff") != NULL);
}
