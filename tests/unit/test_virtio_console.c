// SPDX-License-Identifier: GPL-2.0
/*
 * The guests' virtio-console (emulators/virtio/console.c) behind the real
 * virtio core and virtio-mmio transport, with the real virtual serial
 * ports (core/vserial.c) behind it: a driver written here the way a
 * guest's is (host/virtio_driver.h) puts its rings and buffers in fake
 * guest RAM, and the test types into the port through its receive
 * callback as the binder does. VIRTIO 1.2 section 5.3 says what is right.
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

#include "host/virtio_driver.h"

#define RAM VDRV_RAM
#define RAM_SIZE 0x40000ULL
#define BASE 0x0a000000ULL
#define IRQ 48
#define NODE "virtio@a000000"
#define PORT "vm1/" NODE

/* Queue q's rings at RAM + 0x4000 * q, then buffers. */
#define BUF (RAM + 0x10000)
#define RXQ VIRTIO_CONSOLE_RECEIVEQ_PORT0
#define TXQ VIRTIO_CONSOLE_TRANSMITQ_PORT0
#define QSIZE 8

/* What the device model keeps by itself (console.c). */
#define RX_FIFO 4096
#define TX_MAX (64 * 1024)

#define gpa vdrv_gpa

static struct vdrv dev;

static struct vdrv *create(void)
{
	vdrv_guest("vm1", RAM_SIZE);
	memset(&dev, 0, sizeof(dev));
	dev.irq = IRQ;
	dev.ram = RAM;
	dev.ring_stride = 0x4000;
	dev.qsize = QSIZE;
	fake_dt_set_string(&dev.node, "keel,device", "console");
	CHECK_EQ(vdrv_probe(&dev, NODE, BASE), 0);
	if (!dev.inst)
		abort();
	return &dev;
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

static void describe(struct vdrv *d, char *buf, size_t size)
{
	snprintf(buf, size, "%s", vdrv_describe(d));
}

#define S_UP VDRV_S_UP
#define S_OK VDRV_S_OK

/* 3.1.1 up to FEATURES_OK, then both queues of QSIZE made ready. */
static void init_queues(struct vdrv *d)
{
	CHECK_EQ(vdrv_negotiate(d, BIT_ULL(VIRTIO_F_VERSION_1)), S_UP);
	vdrv_queue_setup(d, 0);
	vdrv_queue_setup(d, 1);
}

static void bring_up(struct vdrv *d)
{
	vdrv_bring_up(d, BIT_ULL(VIRTIO_F_VERSION_1), 2);
}

/* Receive buffer i: len device-writable bytes at its own address. */
static u64 rx_buf(unsigned int i)
{
	return BUF + 0x2000ULL * i;
}

static void post_rx(struct vdrv *d, unsigned int i, u32 len)
{
	memset(gpa(rx_buf(i)), 0, len);
	vdrv_set_desc(d, RXQ, i, rx_buf(i), len, VIRTQ_DESC_F_WRITE, 0);
	vdrv_offer(d, RXQ, (u16)i);
	vdrv_notify(d, RXQ);
}

UNIT_TEST(probe_makes_a_console_with_a_port)
{
	struct vdrv *d = create();
	u32 features;

	CHECK_EQ(vdrv_rd(d, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_CONSOLE);
	CHECK(vserial_find(PORT) != NULL);
	features = vdrv_rd(d, VIRTIO_MMIO_DEVICE_FEATURES);
	CHECK(features & BIT(VIRTIO_CONSOLE_F_EMERG_WRITE));
	CHECK(!(features & BIT(VIRTIO_CONSOLE_F_SIZE)));
	CHECK(!(features & BIT(VIRTIO_CONSOLE_F_MULTIPORT)));
	/* Two queues (no control queues), the third unavailable. */
	vdrv_wr(d, VIRTIO_MMIO_QUEUE_SEL, TXQ);
	CHECK(vdrv_rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX) > 0);
	vdrv_wr(d, VIRTIO_MMIO_QUEUE_SEL, VIRTIO_CONSOLE_CONTROL_RECEIVEQ);
	CHECK_EQ(vdrv_rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	/* The configuration reads 0 throughout, and has the struct's size. */
	CHECK_EQ(fake_rd(d->inst, VIRTIO_MMIO_CONFIG, 8), 0);
	CHECK_EQ(fake_rd(d->inst, VIRTIO_MMIO_CONFIG + 8, 4), 0);
	CHECK_EQ(fake_write(d->inst,
			    VIRTIO_MMIO_CONFIG + VIRTIO_CONSOLE_CFG_SIZE, 1, 0),
		 -EINVAL);
	vdrv_destroy(d);
}

UNIT_TEST(a_second_port_of_the_same_name_is_refused)
{
	struct vdrv *d = create();
	struct vdrv other = { .irq = IRQ + 1 };

	fake_dt_set_string(&other.node, "keel,device", "console");
	/* Refused: nothing to remove. */
	CHECK_EQ(vdrv_probe(&other, NODE, BASE + 0x200), -EEXIST);
	CHECK(strstr(fake_error_msg, "'" PORT "' already exists") != NULL);
	CHECK(other.inst == NULL);
	CHECK_EQ(virtio_snapshot(NULL, NULL, 0), 1);
	vdrv_destroy(d);
}

UNIT_TEST(tx_buffers_go_to_the_port)
{
	struct vdrv *d = create();
	char buf[128];

	bring_up(d);
	/* "hello, " and "world" in two descriptors of one chain. */
	memcpy(gpa(BUF), "hello, ", 7);
	memcpy(gpa(BUF + 0x100), "world", 5);
	vdrv_set_desc(d, TXQ, 0, BUF, 7, VIRTQ_DESC_F_NEXT, 1);
	vdrv_set_desc(d, TXQ, 1, BUF + 0x100, 5, 0, 0);
	vdrv_offer(d, TXQ, 0);
	vdrv_notify(d, TXQ);
	CHECK(!strcmp(output(), "hello, world"));
	CHECK_EQ(vdrv_used(d, TXQ)->idx, 1);
	CHECK_EQ(vdrv_used_elem(d, TXQ, 0)->id, 0);
	CHECK_EQ(vdrv_used_elem(d, TXQ, 0)->len, 0);
	CHECK(vdrv_rd(d, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_VRING);
	CHECK(vdrv_line(d));
	describe(d, buf, sizeof(buf));
	CHECK(!strcmp(buf, "port " PORT ", 0 bytes in, 12 out, 0 dropped, "
			   "0 waiting"));
	vdrv_destroy(d);
}

UNIT_TEST(tx_posted_before_driver_ok_goes_out_at_driver_ok)
{
	struct vdrv *d = create();

	init_queues(d);
	memcpy(gpa(BUF), "early", 5);
	vdrv_set_desc(d, TXQ, 0, BUF, 5, 0, 0);
	vdrv_offer(d, TXQ, 0);
	vdrv_notify(d, TXQ);
	CHECK(!strcmp(output(), ""));
	vdrv_wr(d, VIRTIO_MMIO_STATUS, S_OK);
	CHECK(!strcmp(output(), "early"));
	CHECK_EQ(vdrv_used(d, TXQ)->idx, 1);
	vdrv_destroy(d);
}

UNIT_TEST(a_huge_tx_buffer_is_cut)
{
	struct vdrv *d = create();
	struct vserial *vs;
	u32 len = TX_MAX + 1000;
	char buf[128];

	bring_up(d);
	vs = port();
	memset(gpa(BUF), 'x', len);
	vdrv_set_desc(d, TXQ, 0, BUF, len, 0, 0);
	vdrv_offer(d, TXQ, 0);
	vdrv_notify(d, TXQ);
	CHECK_EQ(vs->written, TX_MAX);
	CHECK_EQ(vdrv_used(d, TXQ)->idx, 1);
	describe(d, buf, sizeof(buf));
	CHECK(strstr(buf, ", 65536 out, 1000 dropped,") != NULL);
	vdrv_destroy(d);
}

UNIT_TEST(typed_bytes_fill_posted_rx_buffers)
{
	struct vdrv *d = create();
	char buf[128];

	bring_up(d);
	post_rx(d, 0, 16);
	post_rx(d, 1, 16);
	CHECK_EQ(vdrv_used(d, RXQ)->idx, 0); /* nothing typed yet */
	type("ls\r", 3);
	CHECK_EQ(vdrv_used(d, RXQ)->idx, 1);
	CHECK_EQ(vdrv_used_elem(d, RXQ, 0)->id, 0);
	CHECK_EQ(vdrv_used_elem(d, RXQ, 0)->len, 3);
	CHECK(!memcmp(gpa(rx_buf(0)), "ls\r", 3));
	CHECK(vdrv_line(d));
	type("x", 1);
	CHECK_EQ(vdrv_used(d, RXQ)->idx, 2);
	CHECK_EQ(vdrv_used_elem(d, RXQ, 1)->id, 1);
	CHECK_EQ(vdrv_used_elem(d, RXQ, 1)->len, 1);
	CHECK_EQ(*(u8 *)gpa(rx_buf(1)), 'x');
	describe(d, buf, sizeof(buf));
	CHECK(!strcmp(buf, "port " PORT ", 4 bytes in, 0 out, 0 dropped, "
			   "0 waiting"));
	vdrv_destroy(d);
}

UNIT_TEST(typed_bytes_wait_for_rx_buffers)
{
	struct vdrv *d = create();

	/* Driver ready, no receive buffer yet: the bytes wait. */
	bring_up(d);
	type("abcdefg", 7);
	CHECK_EQ(vdrv_used(d, RXQ)->idx, 0);
	/* Small buffers take them in order, a piece each. */
	post_rx(d, 0, 3);
	CHECK_EQ(vdrv_used(d, RXQ)->idx, 1);
	CHECK_EQ(vdrv_used_elem(d, RXQ, 0)->len, 3);
	CHECK(!memcmp(gpa(rx_buf(0)), "abc", 3));
	post_rx(d, 1, 3);
	post_rx(d, 2, 3);
	CHECK_EQ(vdrv_used(d, RXQ)->idx, 3);
	CHECK(!memcmp(gpa(rx_buf(1)), "def", 3));
	CHECK_EQ(vdrv_used_elem(d, RXQ, 2)->len, 1);
	CHECK_EQ(*(u8 *)gpa(rx_buf(2)), 'g');
	vdrv_destroy(d);

	/* Buffers posted before DRIVER_OK get what waits at DRIVER_OK. */
	d = create();
	init_queues(d);
	post_rx(d, 0, 16);
	type("hi", 2);
	CHECK_EQ(vdrv_used(d, RXQ)->idx, 0);
	vdrv_wr(d, VIRTIO_MMIO_STATUS, S_OK);
	CHECK_EQ(vdrv_used(d, RXQ)->idx, 1);
	CHECK_EQ(vdrv_used_elem(d, RXQ, 0)->len, 2);
	CHECK(!memcmp(gpa(rx_buf(0)), "hi", 2));
	vdrv_destroy(d);
}

UNIT_TEST(rx_beyond_the_fifo_is_dropped_and_counted)
{
	static char typed[2 * RX_FIFO];
	struct vdrv *d = create();
	char buf[128];

	for (size_t i = 0; i < sizeof(typed); i++)
		typed[i] = (char)('a' + i % 26);
	bring_up(d);
	type(typed, RX_FIFO + 100);
	describe(d, buf, sizeof(buf));
	CHECK(!strcmp(buf, "port " PORT ", 0 bytes in, 0 out, 100 dropped, "
			   "4096 waiting"));
	/* The first RX_FIFO bytes arrive, in order. */
	post_rx(d, 0, 0x2000);
	CHECK_EQ(vdrv_used(d, RXQ)->idx, 1);
	CHECK_EQ(vdrv_used_elem(d, RXQ, 0)->len, RX_FIFO);
	CHECK(!memcmp(gpa(rx_buf(0)), typed, RX_FIFO));
	describe(d, buf, sizeof(buf));
	CHECK(!strcmp(buf, "port " PORT ", 4096 bytes in, 0 out, "
			   "100 dropped, 0 waiting"));
	/* Room again; the FIFO wraps around its end and keeps the order. */
	type(typed, 3000);
	post_rx(d, 1, 0x2000);
	CHECK_EQ(vdrv_used_elem(d, RXQ, 1)->len, 3000);
	type(typed + 3000, 2000);
	post_rx(d, 2, 0x2000);
	CHECK_EQ(vdrv_used_elem(d, RXQ, 2)->len, 2000);
	CHECK(!memcmp(gpa(rx_buf(2)), typed + 3000, 2000));
	describe(d, buf, sizeof(buf));
	CHECK(!strcmp(buf, "port " PORT ", 9096 bytes in, 0 out, "
			   "100 dropped, 0 waiting"));
	vdrv_destroy(d);
}

/* NEEDS_RESET with a configuration interrupt, and why names the queue. */
static void check_needs_reset(struct vdrv *d, const char *why)
{
	CHECK_EQ(vdrv_status(d), S_OK | VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	CHECK(vdrv_rd(d, VIRTIO_MMIO_INTERRUPT_STATUS) &
	      VIRTIO_MMIO_INT_CONFIG);
	CHECK(strstr(vdrv_vdev(d)->why, why) != NULL);
	if (!strstr(vdrv_vdev(d)->why, why))
		printf("  why: %s\n", vdrv_vdev(d)->why);
	CHECK_EQ(vdrv_vdev(d)->needs_reset, 1);
}

UNIT_TEST(a_writable_tx_buffer_needs_reset)
{
	struct vdrv *d = create();

	bring_up(d);
	memcpy(gpa(BUF), "abc", 3);
	vdrv_set_desc(d, TXQ, 0, BUF, 3, VIRTQ_DESC_F_NEXT, 1);
	vdrv_set_desc(d, TXQ, 1, BUF + 0x100, 16, VIRTQ_DESC_F_WRITE, 0);
	vdrv_offer(d, TXQ, 0);
	vdrv_notify(d, TXQ);
	check_needs_reset(d, "transmitq");
	CHECK(!strcmp(output(), ""));
	CHECK_EQ(vdrv_used(d, TXQ)->idx, 0);
	/* A reset and a fresh start work again. */
	bring_up(d);
	vdrv_set_desc(d, TXQ, 0, BUF, 3, 0, 0);
	vdrv_offer(d, TXQ, 0);
	vdrv_notify(d, TXQ);
	CHECK(!strcmp(output(), "abc"));
	vdrv_destroy(d);
}

UNIT_TEST(a_readable_rx_buffer_needs_reset)
{
	struct vdrv *d = create();

	bring_up(d);
	vdrv_set_desc(d, RXQ, 0, rx_buf(0), 16, 0, 0);
	vdrv_offer(d, RXQ, 0);
	vdrv_notify(d, RXQ);
	/* Not looked at until there is something to receive. */
	CHECK_EQ(vdrv_status(d), S_OK);
	type("k", 1);
	check_needs_reset(d, "receiveq");
	CHECK_EQ(vdrv_used(d, RXQ)->idx, 0);
	CHECK_EQ(*(u8 *)gpa(rx_buf(0)), 0);
	vdrv_destroy(d);

	/* Readable and writable together is no better. */
	d = create();
	bring_up(d);
	vdrv_set_desc(d, RXQ, 0, rx_buf(0), 4, VIRTQ_DESC_F_NEXT, 1);
	vdrv_set_desc(d, RXQ, 1, rx_buf(1), 16, VIRTQ_DESC_F_WRITE, 0);
	vdrv_offer(d, RXQ, 0);
	type("k", 1);
	check_needs_reset(d, "receiveq");
	vdrv_destroy(d);
}

UNIT_TEST(reset_forgets_what_waits)
{
	struct vdrv *d = create();
	char buf[128];

	bring_up(d);
	type("stale", 5);
	vdrv_wr(d, VIRTIO_MMIO_STATUS, 0);
	CHECK_EQ(vdrv_status(d), 0);
	describe(d, buf, sizeof(buf));
	CHECK(strstr(buf, ", 0 waiting") != NULL);
	bring_up(d);
	post_rx(d, 0, 16);
	CHECK_EQ(vdrv_used(d, RXQ)->idx, 0);
	type("new", 3);
	CHECK_EQ(vdrv_used_elem(d, RXQ, 0)->len, 3);
	CHECK(!memcmp(gpa(rx_buf(0)), "new", 3));
	/* The guest's own reset (a reboot) too. */
	type("old", 3);
	fake_reset(d->inst);
	describe(d, buf, sizeof(buf));
	CHECK(strstr(buf, ", 0 waiting") != NULL);
	vdrv_destroy(d);
}

UNIT_TEST(emergency_write_goes_out_without_queues)
{
	struct vdrv *d = create();

	/* 5.3.4: usable before (and without) any initialisation. */
	fake_wr(d->inst, VIRTIO_MMIO_CONFIG + VIRTIO_CONSOLE_CFG_EMERG_WR, 4,
		'P');
	fake_wr(d->inst, VIRTIO_MMIO_CONFIG + VIRTIO_CONSOLE_CFG_EMERG_WR, 1,
		'!');
	CHECK(!strcmp(output(), "P!"));
	/* Write-only; the other fields stay the device's. */
	CHECK_EQ(fake_rd(d->inst, VIRTIO_MMIO_CONFIG + 8, 4), 0);
	fake_wr(d->inst, VIRTIO_MMIO_CONFIG, 8, 0x1234567812345678ULL);
	CHECK_EQ(fake_rd(d->inst, VIRTIO_MMIO_CONFIG, 8), 0);
	CHECK(!strcmp(output(), "P!"));
	CHECK_EQ(vdrv_status(d), 0);
	vdrv_destroy(d);
}

UNIT_TEST(remove_unregisters_the_port)
{
	struct vdrv *d = create();

	bring_up(d);
	type("pending", 7);
	vdrv_destroy(d);
	CHECK(vserial_find(PORT) == NULL);
	CHECK_EQ(virtio_snapshot(NULL, NULL, 0), 0);
	CHECK_EQ(__lsan_do_recoverable_leak_check(), 0);
	/* The name is free again. */
	d = create();
	CHECK(vserial_find(PORT) != NULL);
	vdrv_destroy(d);
}

UNIT_MAIN();
