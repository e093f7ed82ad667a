// SPDX-License-Identifier: GPL-2.0
/*
 * The guests' virtio-rng (emulators/virtio/rng.c) behind the real virtio
 * core and virtio-mmio transport, driven by the tests' virtio driver
 * (host/virtio_driver.h) over fake guest RAM. The entropy source is a
 * double (keel/entropy.h is all the device sees of it) that gives a
 * known sequence, a few bytes at a time, or fails; reading it checks
 * that the device's lock is not held (the source may wait for its
 * hardware). The scheduler is the tests' double (host/fake_sched.h):
 * the worker thread runs when the test says (fake_run_workers), until it
 * sleeps on its wait queue.
 * VIRTIO 1.2 section 5.4 says what is right.
 */
#include "unit.h"
#include <sanitizer/lsan_interface.h>
#include <stdlib.h>
#include <string.h>

#include <hw/virtio_mmio.h>
#include <keel/entropy.h>
#include <keel/errno.h>
#include <keel/sched.h>

#include "host/fake_sched.h"
#include "host/virtio_driver.h"

#define RAM VDRV_RAM
#define RAM_SIZE 0x40000ULL
#define BASE 0x0a000000ULL
#define IRQ 48
#define NODE "virtio@a000000"
#define QSIZE 16
#define BUF (RAM + 0x10000) /* buffers, after the rings */
#define RNG_MAX_PER_BUFFER 4096 /* rng.c's cap per buffer */

#define gpa vdrv_gpa

static struct vdrv dev;

/* ---- the entropy source double ---- */

static struct entropy_source source = { .name = "test-rng" };
static bool have_source;
static u8 next_byte; /* the source gives 0, 1, 2 ... */
static size_t chunk; /* at most this much per read */
static unsigned int fails; /* the next reads that fail */
static int good_left; /* reads that succeed before all fail; -1: all */
static unsigned int reads;
static void (*on_read)(void); /* a test's interference, once */

const struct entropy_source *entropy_source(void)
{
	return have_source ? &source : NULL;
}

int entropy_read(void *buf, size_t size)
{
	size_t n = size < chunk ? size : chunk;

	CHECK(have_source);
	if (dev.inst)
		CHECK(!spin_is_locked(&dev.inst->lock));
	reads++;
	if (on_read) {
		void (*fn)(void) = on_read;

		on_read = NULL;
		fn();
	}
	if (fails || !good_left) {
		if (fails)
			fails--;
		return -EIO;
	}
	if (good_left > 0)
		good_left--;
	for (size_t i = 0; i < n; i++)
		((u8 *)buf)[i] = next_byte++;
	return (int)n;
}

/* ---- the device and its driver ---- */

#define F_V1 BIT_ULL(VIRTIO_F_VERSION_1)
#define F_INDIRECT BIT_ULL(VIRTIO_F_INDIRECT_DESC)
#define F_EVENT_IDX BIT_ULL(VIRTIO_F_EVENT_IDX)

static void guest(void)
{
	vdrv_guest("vm1", RAM_SIZE);
	memset(&dev, 0, sizeof(dev));
	dev.irq = IRQ;
	dev.ram = RAM;
	dev.ring_stride = 0x4000;
	dev.qsize = QSIZE;
	fake_dt_set_string(&dev.node, "keel,device", "rng");
	have_source = true;
	next_byte = 0;
	chunk = 64 * 1024;
	fails = 0;
	good_left = -1;
	reads = 0;
	on_read = NULL;
	fake_sched_init("rng/" NODE);
}

static struct vdrv *create(void)
{
	guest();
	CHECK_EQ(vdrv_probe(&dev, NODE, BASE), 0);
	if (!dev.inst)
		abort();
	vdrv_bring_up(&dev, F_V1 | F_INDIRECT, 1);
	return &dev;
}

static void destroy(struct vdrv *d)
{
	vdrv_destroy(d);
	CHECK_EQ(fake_workers_alive(), 0);
	CHECK_EQ(virtio_snapshot(NULL, NULL, 0), 0);
	CHECK_EQ(__lsan_do_recoverable_leak_check(), 0);
}

/* Buffer i: len bytes at its own address, 0xee until the device writes. */
static u64 buf(unsigned int i)
{
	return BUF + 0x2000ULL * i;
}

static void post(struct vdrv *d, unsigned int i, u32 len, u16 flags)
{
	memset(gpa(buf(i)), 0xee, len);
	vdrv_set_desc(d, 0, i, buf(i), len, flags, 0);
	vdrv_offer(d, 0, (u16)i);
}

/* Notify, which wakes the worker, and let it run. */
static void kick(struct vdrv *d)
{
	unsigned int before = fake_wakeups;

	vdrv_notify(d, 0);
	CHECK_EQ(fake_wakeups, before + 1);
	fake_run_workers();
}

/* len bytes at p continue the source's sequence from *from. */
static bool sequence(const u8 *p, u32 len, u8 *from)
{
	for (u32 i = 0; i < len; i++)
		if (p[i] != (u8)(*from)++)
			return false;
	return true;
}

/* ---- tests ---- */

UNIT_TEST(probe_makes_a_device_with_a_thread)
{
	struct vdrv *d;

	guest();
	CHECK_EQ(vdrv_probe(&dev, NODE, BASE), 0);
	d = &dev;
	CHECK_EQ(vdrv_rd(d, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_RNG);
	/* 5.4.3: no feature bits of its own; no configuration. */
	CHECK_EQ(vdrv_device_features(d), F_V1 | F_INDIRECT | F_EVENT_IDX);
	CHECK_EQ(vdrv_vdev(d)->config_size, 0);
	vdrv_wr(d, VIRTIO_MMIO_QUEUE_SEL, 0);
	CHECK(vdrv_rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX) > 0);
	vdrv_wr(d, VIRTIO_MMIO_QUEUE_SEL, 1);
	CHECK_EQ(vdrv_rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	CHECK_EQ(fake_workers_alive(), 1);
	CHECK(!strcmp(vdrv_describe(d), "source test-rng, 0 bytes given"));
	destroy(d);
}

UNIT_TEST(a_machine_without_a_source_refuses_the_device)
{
	guest();
	have_source = false;
	CHECK_EQ(vdrv_probe(&dev, NODE, BASE), -ENODEV);
	CHECK(strstr(fake_error_msg, "entropy source") != NULL);
	CHECK_EQ(fake_nr_workers, 0);
	CHECK_EQ(virtio_snapshot(NULL, NULL, 0), 0);
	CHECK_EQ(__lsan_do_recoverable_leak_check(), 0);
}

UNIT_TEST(a_thread_that_does_not_start_is_refused_and_reaped)
{
	guest();
	fake_thread_start_err = -EINVAL;
	CHECK_EQ(vdrv_probe(&dev, NODE, BASE), -EINVAL);
	CHECK(strstr(fake_error_msg, "thread") != NULL);
	CHECK_EQ(fake_nr_workers, 1);
	CHECK(fake_workers[0].reaped);
	CHECK_EQ(virtio_snapshot(NULL, NULL, 0), 0);
}

UNIT_TEST(buffers_get_entropy_and_used_len_says_how_much)
{
	struct vdrv *d = create();
	u8 from = 0;
	struct virtq_used_elem e;

	post(d, 0, 64, VIRTQ_DESC_F_WRITE);
	kick(d);
	e = vdrv_next_used(d, 0);
	CHECK_EQ(e.id, 0);
	CHECK_EQ(e.len, 64);
	CHECK(sequence(gpa(buf(0)), 64, &from));
	CHECK(vdrv_line(d));

	/* A source giving a few bytes a read still fills the buffer. */
	chunk = 7;
	post(d, 1, 100, VIRTQ_DESC_F_WRITE);
	kick(d);
	e = vdrv_next_used(d, 0);
	CHECK_EQ(e.len, 100);
	CHECK(sequence(gpa(buf(1)), 100, &from));
	chunk = 64 * 1024;

	/* A large buffer gets the cap; the rest stays as it was. */
	post(d, 2, 6000, VIRTQ_DESC_F_WRITE);
	kick(d);
	e = vdrv_next_used(d, 0);
	CHECK_EQ(e.len, RNG_MAX_PER_BUFFER);
	CHECK(sequence(gpa(buf(2)), RNG_MAX_PER_BUFFER, &from));
	CHECK_EQ(*(u8 *)gpa(buf(2) + RNG_MAX_PER_BUFFER), 0xee);

	/* Two descriptors, and two buffers before one notification. */
	memset(gpa(buf(3)), 0xee, 16);
	vdrv_set_desc(d, 0, 3, buf(3), 3,
		      VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 4);
	vdrv_set_desc(d, 0, 4, buf(3) + 8, 5, VIRTQ_DESC_F_WRITE, 0);
	vdrv_offer(d, 0, 3);
	post(d, 5, 10, VIRTQ_DESC_F_WRITE);
	kick(d);
	e = vdrv_next_used(d, 0);
	CHECK_EQ(e.id, 3);
	CHECK_EQ(e.len, 8);
	CHECK(sequence(gpa(buf(3)), 3, &from));
	CHECK(sequence(gpa(buf(3) + 8), 5, &from));
	e = vdrv_next_used(d, 0);
	CHECK_EQ(e.id, 5);
	CHECK_EQ(e.len, 10);
	CHECK(!strcmp(vdrv_describe(d), "source test-rng, 4278 bytes given"));
	CHECK_EQ(vdrv_status(d), VDRV_S_OK);
	destroy(d);
}

UNIT_TEST(a_device_readable_buffer_needs_reset)
{
	struct vdrv *d = create();

	post(d, 0, 64, 0);
	kick(d);
	CHECK_EQ(vdrv_status(d), VDRV_S_OK | VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	CHECK(strstr(vdrv_vdev(d)->why, "device-readable") != NULL);
	CHECK(vdrv_rd(d, VIRTIO_MMIO_INTERRUPT_STATUS) &
	      VIRTIO_MMIO_INT_CONFIG);
	CHECK_EQ(vdrv_used_idx(d, 0), 0);
	CHECK_EQ(*(u8 *)gpa(buf(0)), 0xee);
	CHECK_EQ(reads, 0);

	/* Readable and writable together is no better. */
	vdrv_bring_up(d, F_V1, 1);
	vdrv_set_desc(d, 0, 0, buf(0), 4, VIRTQ_DESC_F_NEXT, 1);
	vdrv_set_desc(d, 0, 1, buf(1), 16, VIRTQ_DESC_F_WRITE, 0);
	vdrv_offer(d, 0, 0);
	kick(d);
	CHECK(vdrv_status(d) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	CHECK_EQ(vdrv_used_idx(d, 0), 0);

	/* A buffer of no bytes cannot take the one byte 5.4.6.1 asks. */
	vdrv_bring_up(d, F_V1, 1);
	post(d, 0, 0, VIRTQ_DESC_F_WRITE);
	kick(d);
	CHECK(strstr(vdrv_vdev(d)->why, "no bytes") != NULL);
	CHECK_EQ(vdrv_used_idx(d, 0), 0);

	/* After a reset a proper buffer works. */
	vdrv_bring_up(d, F_V1, 1);
	post(d, 0, 16, VIRTQ_DESC_F_WRITE);
	kick(d);
	CHECK_EQ(vdrv_next_used(d, 0).len, 16);
	destroy(d);
}

UNIT_TEST(a_failing_source_is_retried_then_fails_the_device)
{
	struct vdrv *d = create();
	u8 from = 0;

	/* A few failures: retried, after a pause each. */
	fails = 5;
	post(d, 0, 32, VIRTQ_DESC_F_WRITE);
	kick(d);
	CHECK_EQ(vdrv_next_used(d, 0).len, 32);
	CHECK(sequence(gpa(buf(0)), 32, &from));
	CHECK_EQ(fake_worker_sleeps, 5);

	/* Part of a buffer, then the source stops: what it got. */
	chunk = 10;
	good_left = 1;
	post(d, 1, 32, VIRTQ_DESC_F_WRITE);
	kick(d);
	CHECK_EQ(vdrv_next_used(d, 0).len, 10);
	CHECK(sequence(gpa(buf(1)), 10, &from));
	CHECK_EQ(*(u8 *)gpa(buf(1) + 10), 0xee);
	CHECK_EQ(vdrv_status(d), VDRV_S_OK);
	good_left = -1;
	chunk = 64 * 1024;

	/* Failing for good: the device needs a reset. */
	fails = 1000;
	post(d, 2, 32, VIRTQ_DESC_F_WRITE);
	kick(d);
	CHECK(vdrv_status(d) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	CHECK(strstr(vdrv_vdev(d)->why, "entropy source failed") != NULL);
	CHECK_EQ(vdrv_used_idx(d, 0), 2);
	CHECK_EQ(*(u8 *)gpa(buf(2)), 0xee);
	fails = 0;
	destroy(d);
}

static void reset_now(void)
{
	vdrv_wr(&dev, VIRTIO_MMIO_STATUS, 0);
}

UNIT_TEST(a_reset_while_the_worker_fills_drops_the_buffer)
{
	struct vdrv *d = create();

	/* Reset before the worker runs: nothing to serve. */
	post(d, 0, 32, VIRTQ_DESC_F_WRITE);
	vdrv_notify(d, 0);
	vdrv_wr(d, VIRTIO_MMIO_STATUS, 0);
	fake_run_workers();
	CHECK_EQ(reads, 0);
	CHECK_EQ(vdrv_used_idx(d, 0), 0);

	/* Reset while the source is read: the chain is not pushed. */
	vdrv_bring_up(d, F_V1, 1);
	post(d, 0, 32, VIRTQ_DESC_F_WRITE);
	on_read = reset_now;
	kick(d);
	CHECK_EQ(vdrv_status(d), 0);
	CHECK_EQ(vdrv_used_idx(d, 0), 0);
	CHECK(!strcmp(vdrv_describe(d), "source test-rng, 0 bytes given"));
	/* It comes back. */
	vdrv_bring_up(d, F_V1, 1);
	post(d, 0, 32, VIRTQ_DESC_F_WRITE);
	kick(d);
	CHECK_EQ(vdrv_next_used(d, 0).len, 32);
	destroy(d);
}

UNIT_TEST(nothing_is_served_before_driver_ok)
{
	struct vdrv *d;

	guest();
	CHECK_EQ(vdrv_probe(&dev, NODE, BASE), 0);
	d = &dev;
	CHECK_EQ(vdrv_negotiate(d, F_V1), VDRV_S_UP);
	vdrv_queue_setup(d, 0);
	post(d, 0, 32, VIRTQ_DESC_F_WRITE);
	vdrv_notify(d, 0);
	fake_run_workers();
	CHECK_EQ(reads, 0);
	CHECK_EQ(vdrv_used_idx(d, 0), 0);
	vdrv_wr(d, VIRTIO_MMIO_STATUS, VDRV_S_OK);
	kick(d);
	CHECK_EQ(vdrv_next_used(d, 0).len, 32);
	destroy(d);
}

UNIT_TEST(remove_with_a_request_pending_stops_the_thread)
{
	struct vdrv *d = create();

	post(d, 0, 32, VIRTQ_DESC_F_WRITE);
	vdrv_notify(d, 0); /* the worker has not run */
	CHECK_EQ(fake_workers_alive(), 1);
	destroy(d);
	CHECK_EQ(fake_workers[0].exited, true);
}

UNIT_MAIN();
