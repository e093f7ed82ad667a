// SPDX-License-Identifier: GPL-2.0
/*
 * The guests' virtio-console (emulators/virtio/console.c) behind the real
 * virtio core and virtio-mmio transport, with the real virtual serial
 * ports (core/vserial.c) behind it: a driver written here the way a
 * guest's is puts its rings and buffers in fake guest RAM, and the test
 * types into the port through its receive callback as the binder does.
 * VIRTIO 1.2 section 5.3 says what is right.
 */
#include "unit.h"
#include <sanitizer/lsan_interface.h>
#include <stdlib.h>
#include <string.h>

#include <keel/bitops.h>
#include <keel/devemu.h>
#include <keel/errno.h>
#include <keel/virtio.h>
#include <keel/vserial.h>

#include <hw/virtio_console.h>
#include <hw/virtio_mmio.h>

#include "host/fake_guest.h"

#define RAM 0x40000000ULL
#define RAM_SIZE 0x40000ULL
#define BASE 0x0a000000ULL
#define IRQ 48
#define NODE "virtio@a000000"
#define PORT "vm1/" NODE

/* Queue q's rings, then buffers. */
#define DESC(q) (RAM + 0x4000ULL * (q))
#define AVAIL(q) (DESC(q) + 0x1000)
#define USED(q) (DESC(q) + 0x2000)
#define BUF (RAM + 0x10000)
#define RXQ VIRTIO_CONSOLE_RECEIVEQ_PORT0
#define TXQ VIRTIO_CONSOLE_TRANSMITQ_PORT0
#define QSIZE 8

/* What the device model keeps by itself (console.c). */
#define RX_FIFO 4096
#define TX_MAX (64 * 1024)

static _Alignas(4096) u8 ram[RAM_SIZE];
static struct devtree_node node;

static struct {
	unsigned int num[2];
	u16 avail_idx[2];
} drv;

static void *gpa(u64 a)
{
	if (a < RAM || a >= RAM + RAM_SIZE)
		abort();
	return ram + (a - RAM);
}

static const struct emulator *emulator(void)
{
	const struct emulator *emu = devemu_find("virtio,mmio");

	if (!emu)
		abort();
	return emu;
}

static struct devemu_instance *create(void)
{
	struct devemu_instance *inst;
	struct region r;

	fake_guest_init("vm1", 1);
	memset(&r, 0, sizeof(r));
	r.gpa = RAM;
	r.size = RAM_SIZE;
	r.type = REGION_RAM;
	r.host = ram;
	strcpy(r.name, "ram");
	if (aspace_insert(&fake_guest.aspace, &r, NULL))
		abort();
	memset(ram, 0, sizeof(ram));
	memset(&drv, 0, sizeof(drv));
	fake_dt_set_string(&node, "keel,device", "console");
	inst = fake_instance(emulator(), NODE, BASE, 0x200, IRQ);
	CHECK_EQ(devemu_probe(inst, &node), 0);
	if (!inst->priv)
		abort();
	return inst;
}

static struct virtio_dev *vdev_of(struct devemu_instance *inst)
{
	/* The transport's state starts with the device (mmio.c). */
	return inst->priv;
}

static u32 rd(struct devemu_instance *inst, u64 off)
{
	return (u32)fake_rd(inst, off, 4);
}

static void wr(struct devemu_instance *inst, u64 off, u32 v)
{
	fake_wr(inst, off, 4, v);
}

static u32 status(struct devemu_instance *inst)
{
	return rd(inst, VIRTIO_MMIO_STATUS);
}

static struct vserial *port(void)
{
	struct vserial *vs = vserial_find(PORT);

	if (!vs) {
		printf("  no port " PORT "\n");
		abort();
	}
	return vs;
}

/* Type s into the port as the binder does; all of it is always taken. */
static void type(const char *s, size_t len)
{
	struct vserial *vs = port();

	CHECK_EQ(vs->rx(vs, s, len), len);
}

/* The port's output so far, NUL-terminated. */
static const char *output(void)
{
	static char buf[VSERIAL_RING_SIZE + 1];
	size_t n = vserial_recent(port(), buf, VSERIAL_RING_SIZE);

	buf[n] = '\0';
	return buf;
}

static void describe(struct devemu_instance *inst, char *buf, size_t size)
{
	struct virtio_dev_info info;

	CHECK_EQ(virtio_snapshot("vm1", &info, 1), 1);
	snprintf(buf, size, "%s", info.backend);
}

#define S_UP                                                \
	(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | \
	 VIRTIO_STATUS_FEATURES_OK)
#define S_OK (S_UP | VIRTIO_STATUS_DRIVER_OK)

/* 3.1.1 up to FEATURES_OK, then both queues of QSIZE made ready. */
static void init_queues(struct devemu_instance *inst)
{
	wr(inst, VIRTIO_MMIO_STATUS, 0);
	wr(inst, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(inst, VIRTIO_MMIO_STATUS,
	   VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(inst, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(inst, VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
	wr(inst, VIRTIO_MMIO_STATUS, S_UP);
	CHECK_EQ(status(inst), S_UP);
	for (unsigned int q = 0; q < 2; q++) {
		u64 desc = DESC(q), avail = AVAIL(q), used = USED(q);

		memset(gpa(desc), 0, 0x3000);
		drv.num[q] = QSIZE;
		drv.avail_idx[q] = 0;
		wr(inst, VIRTIO_MMIO_QUEUE_SEL, q);
		wr(inst, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
		wr(inst, VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)desc);
		wr(inst, VIRTIO_MMIO_QUEUE_DESC_HIGH, (u32)(desc >> 32));
		wr(inst, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (u32)avail);
		wr(inst, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (u32)(avail >> 32));
		wr(inst, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (u32)used);
		wr(inst, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (u32)(used >> 32));
		wr(inst, VIRTIO_MMIO_QUEUE_READY, 1);
		CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_READY), 1);
	}
}

static void bring_up(struct devemu_instance *inst)
{
	init_queues(inst);
	wr(inst, VIRTIO_MMIO_STATUS, S_OK);
	CHECK_EQ(status(inst), S_OK);
}

static struct virtq_avail *avail(unsigned int q)
{
	return gpa(AVAIL(q));
}

static struct virtq_used *used(unsigned int q)
{
	return gpa(USED(q));
}

static void set_desc(unsigned int q, unsigned int i, u64 addr, u32 len,
		     u16 flags, u16 next)
{
	struct virtq_desc *d = gpa(DESC(q) + 16ULL * i);

	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

static void offer(unsigned int q, u16 head)
{
	avail(q)->ring[drv.avail_idx[q] % drv.num[q]] = head;
	__sync_synchronize();
	avail(q)->idx = ++drv.avail_idx[q];
}

static void notify(struct devemu_instance *inst, unsigned int q)
{
	wr(inst, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

/* Receive buffer i: len device-writable bytes at its own address. */
static u64 rx_buf(unsigned int i)
{
	return BUF + 0x2000ULL * i;
}

static void post_rx(struct devemu_instance *inst, unsigned int i, u32 len)
{
	memset(gpa(rx_buf(i)), 0, len);
	set_desc(RXQ, i, rx_buf(i), len, VIRTQ_DESC_F_WRITE, 0);
	offer(RXQ, (u16)i);
	notify(inst, RXQ);
}

static const struct virtq_used_elem *used_elem(unsigned int q, u16 idx)
{
	return &used(q)->ring[idx % drv.num[q]];
}

UNIT_TEST(probe_makes_a_console_with_a_port)
{
	struct devemu_instance *inst = create();
	u32 features;

	CHECK_EQ(rd(inst, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_CONSOLE);
	CHECK(vserial_find(PORT) != NULL);
	features = rd(inst, VIRTIO_MMIO_DEVICE_FEATURES);
	CHECK(features & BIT(VIRTIO_CONSOLE_F_EMERG_WRITE));
	CHECK(!(features & BIT(VIRTIO_CONSOLE_F_SIZE)));
	CHECK(!(features & BIT(VIRTIO_CONSOLE_F_MULTIPORT)));
	/* Two queues (no control queues), the third unavailable. */
	wr(inst, VIRTIO_MMIO_QUEUE_SEL, TXQ);
	CHECK(rd(inst, VIRTIO_MMIO_QUEUE_NUM_MAX) > 0);
	wr(inst, VIRTIO_MMIO_QUEUE_SEL, VIRTIO_CONSOLE_CONTROL_RECEIVEQ);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	/* The configuration reads 0 throughout, and has the struct's size. */
	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG, 8), 0);
	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG + 8, 4), 0);
	CHECK_EQ(fake_write(inst, VIRTIO_MMIO_CONFIG + VIRTIO_CONSOLE_CFG_SIZE,
			    1, 0),
		 -EINVAL);
	fake_destroy(inst);
}

UNIT_TEST(a_second_port_of_the_same_name_is_refused)
{
	struct devemu_instance *inst = create();
	struct devemu_instance *other =
		fake_instance(emulator(), NODE, BASE + 0x200, 0x200, IRQ + 1);

	CHECK_EQ(devemu_probe(other, &node), -EEXIST);
	CHECK(strstr(fake_error_msg, "'" PORT "' already exists") != NULL);
	free(other); /* refused: nothing to remove */
	CHECK_EQ(virtio_snapshot(NULL, NULL, 0), 1);
	fake_destroy(inst);
}

UNIT_TEST(tx_buffers_go_to_the_port)
{
	struct devemu_instance *inst = create();
	char buf[128];

	bring_up(inst);
	/* "hello, " and "world" in two descriptors of one chain. */
	memcpy(gpa(BUF), "hello, ", 7);
	memcpy(gpa(BUF + 0x100), "world", 5);
	set_desc(TXQ, 0, BUF, 7, VIRTQ_DESC_F_NEXT, 1);
	set_desc(TXQ, 1, BUF + 0x100, 5, 0, 0);
	offer(TXQ, 0);
	notify(inst, TXQ);
	CHECK(!strcmp(output(), "hello, world"));
	CHECK_EQ(used(TXQ)->idx, 1);
	CHECK_EQ(used_elem(TXQ, 0)->id, 0);
	CHECK_EQ(used_elem(TXQ, 0)->len, 0);
	CHECK(rd(inst, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_VRING);
	CHECK(fake_irq_lines[IRQ]);
	describe(inst, buf, sizeof(buf));
	CHECK(!strcmp(buf, "port " PORT ", 0 bytes in, 12 out, 0 dropped, "
			   "0 waiting"));
	fake_destroy(inst);
}

UNIT_TEST(tx_posted_before_driver_ok_goes_out_at_driver_ok)
{
	struct devemu_instance *inst = create();

	init_queues(inst);
	memcpy(gpa(BUF), "early", 5);
	set_desc(TXQ, 0, BUF, 5, 0, 0);
	offer(TXQ, 0);
	notify(inst, TXQ);
	CHECK(!strcmp(output(), ""));
	wr(inst, VIRTIO_MMIO_STATUS, S_OK);
	CHECK(!strcmp(output(), "early"));
	CHECK_EQ(used(TXQ)->idx, 1);
	fake_destroy(inst);
}

UNIT_TEST(a_huge_tx_buffer_is_cut)
{
	struct devemu_instance *inst = create();
	struct vserial *vs;
	u32 len = TX_MAX + 1000;
	char buf[128];

	bring_up(inst);
	vs = port();
	memset(gpa(BUF), 'x', len);
	set_desc(TXQ, 0, BUF, len, 0, 0);
	offer(TXQ, 0);
	notify(inst, TXQ);
	CHECK_EQ(vs->written, TX_MAX);
	CHECK_EQ(used(TXQ)->idx, 1);
	describe(inst, buf, sizeof(buf));
	CHECK(strstr(buf, ", 65536 out, 1000 dropped,") != NULL);
	fake_destroy(inst);
}

UNIT_TEST(typed_bytes_fill_posted_rx_buffers)
{
	struct devemu_instance *inst = create();
	char buf[128];

	bring_up(inst);
	post_rx(inst, 0, 16);
	post_rx(inst, 1, 16);
	CHECK_EQ(used(RXQ)->idx, 0); /* nothing typed yet */
	type("ls\r", 3);
	CHECK_EQ(used(RXQ)->idx, 1);
	CHECK_EQ(used_elem(RXQ, 0)->id, 0);
	CHECK_EQ(used_elem(RXQ, 0)->len, 3);
	CHECK(!memcmp(gpa(rx_buf(0)), "ls\r", 3));
	CHECK(fake_irq_lines[IRQ]);
	type("x", 1);
	CHECK_EQ(used(RXQ)->idx, 2);
	CHECK_EQ(used_elem(RXQ, 1)->id, 1);
	CHECK_EQ(used_elem(RXQ, 1)->len, 1);
	CHECK_EQ(*(u8 *)gpa(rx_buf(1)), 'x');
	describe(inst, buf, sizeof(buf));
	CHECK(!strcmp(buf, "port " PORT ", 4 bytes in, 0 out, 0 dropped, "
			   "0 waiting"));
	fake_destroy(inst);
}

UNIT_TEST(typed_bytes_wait_for_rx_buffers)
{
	struct devemu_instance *inst = create();

	/* Driver ready, no receive buffer yet: the bytes wait. */
	bring_up(inst);
	type("abcdefg", 7);
	CHECK_EQ(used(RXQ)->idx, 0);
	/* Small buffers take them in order, a piece each. */
	post_rx(inst, 0, 3);
	CHECK_EQ(used(RXQ)->idx, 1);
	CHECK_EQ(used_elem(RXQ, 0)->len, 3);
	CHECK(!memcmp(gpa(rx_buf(0)), "abc", 3));
	post_rx(inst, 1, 3);
	post_rx(inst, 2, 3);
	CHECK_EQ(used(RXQ)->idx, 3);
	CHECK(!memcmp(gpa(rx_buf(1)), "def", 3));
	CHECK_EQ(used_elem(RXQ, 2)->len, 1);
	CHECK_EQ(*(u8 *)gpa(rx_buf(2)), 'g');
	fake_destroy(inst);

	/* Buffers posted before DRIVER_OK get what waits at DRIVER_OK. */
	inst = create();
	init_queues(inst);
	post_rx(inst, 0, 16);
	type("hi", 2);
	CHECK_EQ(used(RXQ)->idx, 0);
	wr(inst, VIRTIO_MMIO_STATUS, S_OK);
	CHECK_EQ(used(RXQ)->idx, 1);
	CHECK_EQ(used_elem(RXQ, 0)->len, 2);
	CHECK(!memcmp(gpa(rx_buf(0)), "hi", 2));
	fake_destroy(inst);
}

UNIT_TEST(rx_beyond_the_fifo_is_dropped_and_counted)
{
	static char typed[2 * RX_FIFO];
	struct devemu_instance *inst = create();
	char buf[128];

	for (size_t i = 0; i < sizeof(typed); i++)
		typed[i] = (char)('a' + i % 26);
	bring_up(inst);
	type(typed, RX_FIFO + 100);
	describe(inst, buf, sizeof(buf));
	CHECK(!strcmp(buf, "port " PORT ", 0 bytes in, 0 out, 100 dropped, "
			   "4096 waiting"));
	/* The first RX_FIFO bytes arrive, in order. */
	post_rx(inst, 0, 0x2000);
	CHECK_EQ(used(RXQ)->idx, 1);
	CHECK_EQ(used_elem(RXQ, 0)->len, RX_FIFO);
	CHECK(!memcmp(gpa(rx_buf(0)), typed, RX_FIFO));
	describe(inst, buf, sizeof(buf));
	CHECK(!strcmp(buf, "port " PORT ", 4096 bytes in, 0 out, "
			   "100 dropped, 0 waiting"));
	/* Room again; the FIFO wraps around its end and keeps the order. */
	type(typed, 3000);
	post_rx(inst, 1, 0x2000);
	CHECK_EQ(used_elem(RXQ, 1)->len, 3000);
	type(typed + 3000, 2000);
	post_rx(inst, 2, 0x2000);
	CHECK_EQ(used_elem(RXQ, 2)->len, 2000);
	CHECK(!memcmp(gpa(rx_buf(2)), typed + 3000, 2000));
	describe(inst, buf, sizeof(buf));
	CHECK(!strcmp(buf, "port " PORT ", 9096 bytes in, 0 out, "
			   "100 dropped, 0 waiting"));
	fake_destroy(inst);
}

/* NEEDS_RESET with a configuration interrupt, and why names the queue. */
static void check_needs_reset(struct devemu_instance *inst, const char *why)
{
	CHECK_EQ(status(inst), S_OK | VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	CHECK(rd(inst, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG);
	CHECK(strstr(vdev_of(inst)->why, why) != NULL);
	if (!strstr(vdev_of(inst)->why, why))
		printf("  why: %s\n", vdev_of(inst)->why);
	CHECK_EQ(vdev_of(inst)->needs_reset, 1);
}

UNIT_TEST(a_writable_tx_buffer_needs_reset)
{
	struct devemu_instance *inst = create();

	bring_up(inst);
	memcpy(gpa(BUF), "abc", 3);
	set_desc(TXQ, 0, BUF, 3, VIRTQ_DESC_F_NEXT, 1);
	set_desc(TXQ, 1, BUF + 0x100, 16, VIRTQ_DESC_F_WRITE, 0);
	offer(TXQ, 0);
	notify(inst, TXQ);
	check_needs_reset(inst, "transmitq");
	CHECK(!strcmp(output(), ""));
	CHECK_EQ(used(TXQ)->idx, 0);
	/* A reset and a fresh start work again. */
	bring_up(inst);
	set_desc(TXQ, 0, BUF, 3, 0, 0);
	offer(TXQ, 0);
	notify(inst, TXQ);
	CHECK(!strcmp(output(), "abc"));
	fake_destroy(inst);
}

UNIT_TEST(a_readable_rx_buffer_needs_reset)
{
	struct devemu_instance *inst = create();

	bring_up(inst);
	set_desc(RXQ, 0, rx_buf(0), 16, 0, 0);
	offer(RXQ, 0);
	notify(inst, RXQ);
	/* Not looked at until there is something to receive. */
	CHECK_EQ(status(inst), S_OK);
	type("k", 1);
	check_needs_reset(inst, "receiveq");
	CHECK_EQ(used(RXQ)->idx, 0);
	CHECK_EQ(*(u8 *)gpa(rx_buf(0)), 0);
	fake_destroy(inst);

	/* Readable and writable together is no better. */
	inst = create();
	bring_up(inst);
	set_desc(RXQ, 0, rx_buf(0), 4, VIRTQ_DESC_F_NEXT, 1);
	set_desc(RXQ, 1, rx_buf(1), 16, VIRTQ_DESC_F_WRITE, 0);
	offer(RXQ, 0);
	type("k", 1);
	check_needs_reset(inst, "receiveq");
	fake_destroy(inst);
}

UNIT_TEST(reset_forgets_what_waits)
{
	struct devemu_instance *inst = create();
	char buf[128];

	bring_up(inst);
	type("stale", 5);
	wr(inst, VIRTIO_MMIO_STATUS, 0);
	CHECK_EQ(status(inst), 0);
	describe(inst, buf, sizeof(buf));
	CHECK(strstr(buf, ", 0 waiting") != NULL);
	bring_up(inst);
	post_rx(inst, 0, 16);
	CHECK_EQ(used(RXQ)->idx, 0);
	type("new", 3);
	CHECK_EQ(used_elem(RXQ, 0)->len, 3);
	CHECK(!memcmp(gpa(rx_buf(0)), "new", 3));
	/* The guest's own reset (a reboot) too. */
	type("old", 3);
	fake_reset(inst);
	describe(inst, buf, sizeof(buf));
	CHECK(strstr(buf, ", 0 waiting") != NULL);
	fake_destroy(inst);
}

UNIT_TEST(emergency_write_goes_out_without_queues)
{
	struct devemu_instance *inst = create();

	/* 5.3.4: usable before (and without) any initialisation. */
	fake_wr(inst, VIRTIO_MMIO_CONFIG + VIRTIO_CONSOLE_CFG_EMERG_WR, 4, 'P');
	fake_wr(inst, VIRTIO_MMIO_CONFIG + VIRTIO_CONSOLE_CFG_EMERG_WR, 1, '!');
	CHECK(!strcmp(output(), "P!"));
	/* Write-only; the other fields stay the device's. */
	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG + 8, 4), 0);
	fake_wr(inst, VIRTIO_MMIO_CONFIG, 8, 0x1234567812345678ULL);
	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG, 8), 0);
	CHECK(!strcmp(output(), "P!"));
	CHECK_EQ(status(inst), 0);
	fake_destroy(inst);
}

UNIT_TEST(remove_unregisters_the_port)
{
	struct devemu_instance *inst = create();

	bring_up(inst);
	type("pending", 7);
	fake_destroy(inst);
	CHECK(vserial_find(PORT) == NULL);
	CHECK_EQ(virtio_snapshot(NULL, NULL, 0), 0);
	CHECK_EQ(__lsan_do_recoverable_leak_check(), 0);
	/* The name is free again. */
	inst = create();
	CHECK(vserial_find(PORT) != NULL);
	fake_destroy(inst);
}

UNIT_MAIN();
