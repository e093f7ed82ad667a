// SPDX-License-Identifier: GPL-2.0
/*
 * The host virtio-mmio transport (drivers/virtio/virtio_mmio.c) with the
 * real shared virtio code (virtio.c) and driver-side virtqueue
 * (virtio_ring.c), reached as core/driver.c reaches it: by its
 * compatible string in the driver table host/keel_tables.ld lays out,
 * probing a node of a device tree built here (core/devtree.c).
 *
 * The device is a register block in host memory ("physical" addresses
 * are host addresses, see host/include/asm/mmu.h), which answers what
 * the transport asks as a device would: Status reads back what was
 * written, so a reset completes at once and FEATURES_OK is kept; the
 * features word is the same for both selector values, bit 0 of each:
 * VIRTIO_F_VERSION_1 in the high one, a device-specific bit the driver
 * does not take in the low one. Its used ring is written by the test.
 *
 * The device driver is a fake registered for VIRTIO_ID_RNG: it sets up
 * a queue, sets DRIVER_OK, puts a buffer in flight and kicks, then
 * fails or succeeds as the test says. The scheduler is a double: it
 * records the threads created, started and reaped, and runs a started
 * poller until it waits. The heap is counted, so that a test sees what
 * the transport left allocated (and LeakSanitizer sees it too).
 */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <drivers/virtio.h>
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/irq.h>
#include <keel/page_alloc.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <hw/virtio.h>
#include <hw/virtio_mmio.h>

#include "unit.h"

extern unsigned int host_printk_count;
extern char host_printk_last[512];
extern const struct driver *const _drivers_start[], *const _drivers_end[];

#define NODE "virtio_mmio@a000000"
#define IRQ 48
#define QUEUE_MAX 16

/* ---- a counted heap ---- */

static long heap_live; /* blocks allocated and not freed */

void *keel_malloc(size_t size)
{
	void *p = malloc(size);

	heap_live += !!p;
	return p;
}

void *keel_zalloc(size_t size)
{
	void *p = calloc(1, size);

	heap_live += !!p;
	return p;
}

void *keel_calloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	heap_live += !!p;
	return p;
}

void keel_free(void *ptr)
{
	heap_live -= !!ptr;
	free(ptr);
}

static long pages_live; /* ring blocks allocated and not freed */

void *page_alloc_zeroed(unsigned int order)
{
	void *p = aligned_alloc(PAGE_SIZE, PAGE_SIZE << order);

	if (p) {
		memset(p, 0, PAGE_SIZE << order);
		pages_live++;
	}
	return p;
}

void page_free(void *va, unsigned int order)
{
	pages_live -= !!va;
	free(va);
}

/* ---- the rest of Keel the transport reaches ---- */

const char *error_name(int err)
{
	return err ? "E(error)" : "OK";
}

void *ioremap(paddr_t pa, u64 size)
{
	return (void *)(uintptr_t)pa;
}

/* The node's first "interrupts" cell, as if translated by its chip. */
int devtree_irq_get(const struct devtree_node *node, unsigned int index,
		    unsigned int *irq)
{
	u32 v;
	int err = devtree_prop_read_u32_index(node, "interrupts", index, &v);

	if (!err)
		*irq = v;
	return err;
}

static struct {
	irq_handler_fn handler;
	void *arg;
	unsigned int irq;
	bool registered;
} line;

int irq_register(unsigned int irq, irq_handler_fn handler, void *arg,
		 const char *name, unsigned int flags)
{
	CHECK(!line.registered);
	line.handler = handler;
	line.arg = arg;
	line.irq = irq;
	line.registered = true;
	return 0;
}

void irq_unregister(unsigned int irq)
{
	CHECK(line.registered);
	CHECK_EQ(irq, line.irq);
	line.registered = false;
}

/* ---- the scheduler double ---- */

static struct {
	thread_fn fn;
	void *arg;
	bool started, reaped;
	bool started_in_probe; /* seen started by the driver's probe */
	struct thread t;
} threads[8];
static unsigned int nr_threads;
static bool create_fails;
static int start_err;
static jmp_buf sched_jmp;
static bool in_poller;
static unsigned int wakeups, poller_sleeps;

struct thread *thread_create(const char *name, thread_fn fn, void *arg,
			     unsigned int prio, u64 affinity)
{
	CHECK(!strncmp(name, "virtio-poll " NODE, THREAD_NAME_LEN - 1));
	CHECK_EQ(affinity, CPU_MASK_ALL);
	if (create_fails)
		return NULL;
	if (nr_threads == ARRAY_SIZE(threads))
		abort();
	memset(&threads[nr_threads], 0, sizeof(threads[0]));
	threads[nr_threads].fn = fn;
	threads[nr_threads].arg = arg;
	return &threads[nr_threads++].t;
}

static unsigned int find_thread(struct thread *t)
{
	for (unsigned int i = 0; i < nr_threads; i++)
		if (&threads[i].t == t)
			return i;
	abort();
}

int thread_start(struct thread *t)
{
	unsigned int i = find_thread(t);

	CHECK(!threads[i].reaped);
	if (start_err)
		return start_err;
	CHECK(!threads[i].started);
	threads[i].started = true;
	return 0;
}

/* Only a thread that never ran may be reaped by its creator. */
void thread_reap(struct thread *t)
{
	unsigned int i = find_thread(t);

	CHECK(!threads[i].started);
	CHECK(!threads[i].reaped);
	threads[i].reaped = true;
}

void waitqueue_init(struct waitqueue *wq)
{
	spin_lock_init(&wq->lock);
	list_init(&wq->waiters);
}

void waitqueue_wake_one(struct waitqueue *wq)
{
	/* A kick during the probe finds the waitqueue ready. */
	CHECK(wq->waiters.next == &wq->waiters);
	CHECK(!spin_is_locked(&wq->lock));
	wakeups++;
}

/* The poller waits for a kick: back to the test. */
void waitqueue_sleep_locked(struct waitqueue *wq, unsigned long *flags)
{
	CHECK(in_poller);
	spin_unlock_irqrestore(&wq->lock, *flags);
	longjmp(sched_jmp, 1);
}

void thread_sleep_ms(u64 ms)
{
	CHECK(in_poller);
	poller_sleeps++;
}

/* Run started thread i until it waits. */
static void run_thread(unsigned int i)
{
	CHECK(threads[i].started);
	if (!threads[i].started)
		return;
	if (!setjmp(sched_jmp)) {
		in_poller = true;
		threads[i].fn(threads[i].arg);
	}
	in_poller = false;
}

static unsigned int threads_started(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < nr_threads; i++)
		n += threads[i].started;
	return n;
}

/* ---- the fake device driver ---- */

static struct {
	int result; /* what probe returns */
	unsigned int probes;
	bool saw_poller_started;
	struct virtio_device *vdev;
	struct host_vq *vq;
	unsigned int completions;
	void *cookie;
	u32 len;
} drv;

static u8 buffer[64];

static void fake_done(struct host_vq *vq)
{
	void *cookie;
	u32 len;

	while ((cookie = host_vq_get_buf(vq, &len))) {
		drv.completions++;
		drv.cookie = cookie;
		drv.len = len;
	}
}

static int fake_probe(struct virtio_device *vdev)
{
	struct host_vq_buf in = { buffer, sizeof(buffer) };
	int err;

	drv.probes++;
	drv.vdev = vdev;
	drv.saw_poller_started = threads_started() > 0;
	err = virtio_queue_setup(vdev, 0, 8, fake_done, NULL, &drv.vq);
	CHECK_EQ(err, 0);
	if (err)
		return err;
	virtio_device_ready(vdev);
	CHECK_EQ(host_vq_add(drv.vq, NULL, 0, &in, 1, buffer), 0);
	virtio_queue_kick(vdev, drv.vq);
	return drv.result;
}

static const struct virtio_driver fake_driver = {
	.name = "fake",
	.device_id = VIRTIO_ID_RNG,
	.probe = fake_probe,
};
VIRTIO_DRIVER_REGISTER(fake_driver);

/* ---- the device tree and the device ---- */

struct slot {
	struct devtree_node *root, *node;
	u32 *regs;
	struct virtio_device *vdev; /* bound to its driver */
};

static u32 rd(const struct slot *s, unsigned int reg)
{
	return s->regs[reg / 4];
}

static void set_reg(struct slot *s, unsigned int reg, u32 v)
{
	s->regs[reg / 4] = v;
}

/* A device of ID 4 in a slot with (irq) or without (0) an interrupt. */
static struct slot slot_new(unsigned int irq)
{
	struct slot s = { 0 };
	u64 addr;
	u8 reg[16];

	memset(&drv, 0, sizeof(drv));
	memset(&line, 0, sizeof(line));
	nr_threads = 0;
	create_fails = false;
	start_err = 0;
	wakeups = 0;
	poller_sleeps = 0;

	s.regs = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	memset(s.regs, 0, PAGE_SIZE);
	set_reg(&s, VIRTIO_MMIO_MAGIC_VALUE, VIRTIO_MMIO_MAGIC);
	set_reg(&s, VIRTIO_MMIO_VERSION, VIRTIO_MMIO_VERSION_MODERN);
	set_reg(&s, VIRTIO_MMIO_DEVICE_ID, VIRTIO_ID_RNG);
	set_reg(&s, VIRTIO_MMIO_DEVICE_FEATURES, 1);
	set_reg(&s, VIRTIO_MMIO_QUEUE_NUM_MAX, QUEUE_MAX);
	/* Left by a previous user: a reset must clear it. */
	set_reg(&s, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_DRIVER_OK);

	addr = (uintptr_t)s.regs;
	for (int i = 0; i < 8; i++) {
		reg[i] = (u8)(addr >> (56 - 8 * i));
		reg[8 + i] = (u8)((u64)VIRTIO_MMIO_WINDOW >> (56 - 8 * i));
	}
	CHECK_EQ(devtree_root_new(&s.root), 0);
	CHECK_EQ(devtree_prop_set_u32(s.root, "#address-cells", 2), 0);
	CHECK_EQ(devtree_prop_set_u32(s.root, "#size-cells", 2), 0);
	CHECK_EQ(devtree_node_add(s.root, NODE, &s.node), 0);
	CHECK_EQ(devtree_prop_set_string(s.node, "compatible", "virtio,mmio"),
		 0);
	CHECK_EQ(devtree_prop_set(s.node, "reg", reg, sizeof(reg)), 0);
	if (irq)
		CHECK_EQ(devtree_prop_set_u32(s.node, "interrupts", irq), 0);
	return s;
}

/* A failed probe leaves nothing behind: the slot goes too. */
static void slot_free(struct slot *s)
{
	devtree_free(s->root);
	free(s->regs);
}

/*
 * A bound device lives for good (its driver cannot be unbound): its
 * slot is kept where LeakSanitizer sees it reachable.
 */
static struct slot kept[8];
static unsigned int nr_kept;

static void slot_keep(struct slot *s)
{
	if (nr_kept == ARRAY_SIZE(kept))
		abort();
	s->vdev = drv.vdev;
	kept[nr_kept++] = *s;
}

static int probe(struct slot *s)
{
	const struct driver *d = NULL;
	size_t n = LINKER_TABLE_COUNT(_drivers_start, _drivers_end);

	for (size_t i = 0; i < n; i++)
		if (compatible_list_has(_drivers_start[i]->compatible,
					"virtio,mmio"))
			d = _drivers_start[i];
	CHECK(d != NULL);
	if (!d)
		abort();
	CHECK_EQ(d->stage, DRIVER_STAGE_DEVICE);
	return d->probe(s->node);
}

/* The device returns the buffer the probe posted, writing len bytes. */
static void device_complete(u32 len)
{
	struct host_vq *vq = drv.vq;
	u16 head = vq->avail->ring[0];

	CHECK_EQ(vq->avail->idx, 1);
	vq->used->ring[0].id = head;
	vq->used->ring[0].len = len;
	vq->used->idx = 1;
}

/* ---- polled: the device has no interrupt ---- */

UNIT_TEST(polled_probe_failure_starts_no_poller_and_frees_everything)
{
	struct slot s = slot_new(0);
	/* The tree is the test's: counted from here. */
	long heap_before = heap_live, pages_before = pages_live;
	unsigned int logged = host_printk_count;

	drv.result = -EIO;
	CHECK_EQ(probe(&s), -EIO);
	CHECK_EQ(drv.probes, 1);
	/* The probe kicked its queue: a polled device's kick wakes. */
	CHECK_EQ(rd(&s, VIRTIO_MMIO_QUEUE_NOTIFY), 0);
	CHECK_EQ(wakeups, 1);
	/* The poller was made, never started, and given back. */
	CHECK_EQ(nr_threads, 1);
	CHECK_EQ(threads_started(), 0);
	CHECK(threads[0].reaped);
	/* Reset, then FAILED (3.1.1), so the rings are the driver's again. */
	CHECK_EQ(rd(&s, VIRTIO_MMIO_STATUS), VIRTIO_STATUS_FAILED);
	/* Queue, rings, name and transport all freed. */
	CHECK_EQ(pages_live, pages_before);
	CHECK_EQ(heap_live, heap_before);
	/* "polling" said once; the failure is the driver core's to log. */
	CHECK_EQ(host_printk_count, logged + 1);
	CHECK(!line.registered);
	slot_free(&s);
}

UNIT_TEST(polled_probe_success_starts_the_poller_after_the_probe)
{
	struct slot s = slot_new(0);

	drv.result = 0;
	CHECK_EQ(probe(&s), 0);
	CHECK_EQ(drv.probes, 1);
	CHECK(!drv.saw_poller_started);
	CHECK_EQ(nr_threads, 1);
	CHECK(threads[0].started);
	CHECK(!threads[0].reaped);
	CHECK(drv.vdev->polled);
	CHECK(drv.vdev->poller == &threads[0].t);
	CHECK_EQ(rd(&s, VIRTIO_MMIO_STATUS),
		 VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			 VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	/* VERSION_1 taken, the device-specific bit 0 not. */
	CHECK_EQ(drv.vdev->features, 1ULL << VIRTIO_F_VERSION_1);
	CHECK_EQ(rd(&s, VIRTIO_MMIO_QUEUE_READY), 1);
	CHECK_EQ(rd(&s, VIRTIO_MMIO_QUEUE_NUM), 8);

	/*
	 * The poller's first look finds the buffer the probe put in flight
	 * (no kick after it started) and completes it.
	 */
	device_complete(16);
	run_thread(0);
	CHECK_EQ(drv.completions, 1);
	CHECK(drv.cookie == buffer);
	CHECK_EQ(drv.len, 16);
	CHECK_EQ(poller_sleeps, 1);
	CHECK_EQ(host_vq_in_flight(drv.vq), 0);
	slot_keep(&s);
}

UNIT_TEST(polled_no_memory_for_the_poller_fails_before_the_probe)
{
	struct slot s = slot_new(0);
	/* The tree is the test's: counted from here. */
	long heap_before = heap_live, pages_before = pages_live;

	create_fails = true;
	CHECK_EQ(probe(&s), -ENOMEM);
	CHECK_EQ(drv.probes, 0);
	CHECK_EQ(rd(&s, VIRTIO_MMIO_STATUS), VIRTIO_STATUS_FAILED);
	CHECK_EQ(pages_live, pages_before);
	CHECK_EQ(heap_live, heap_before);
	slot_free(&s);
}

UNIT_TEST(polled_poller_that_does_not_start_is_logged_and_the_device_kept)
{
	struct slot s = slot_new(0);

	start_err = -EINVAL;
	CHECK_EQ(probe(&s), 0);
	CHECK_EQ(drv.probes, 1);
	CHECK_EQ(nr_threads, 1);
	CHECK_EQ(threads_started(), 0);
	CHECK(threads[0].reaped);
	CHECK(drv.vdev != NULL);
	if (!drv.vdev)
		return;
	CHECK(drv.vdev->poller == NULL);
	CHECK(strstr(host_printk_last, KERN_ERR) == host_printk_last);
	CHECK(strstr(host_printk_last, NODE) != NULL);
	CHECK(strstr(host_printk_last, "polling thread") != NULL);
	/* The driver is bound for good: the device stays DRIVER_OK. */
	CHECK(rd(&s, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DRIVER_OK);
	/* Kicks still find a ready waitqueue, and no one to wake. */
	virtio_queue_kick(drv.vdev, drv.vq);
	slot_keep(&s);
}

/* ---- with an interrupt ---- */

UNIT_TEST(interrupt_probe_failure_unregisters_and_frees_everything)
{
	struct slot s = slot_new(IRQ);
	/* The tree is the test's: counted from here. */
	long heap_before = heap_live, pages_before = pages_live;

	drv.result = -EIO;
	CHECK_EQ(probe(&s), -EIO);
	CHECK_EQ(nr_threads, 0);
	CHECK_EQ(wakeups, 0);
	CHECK(!line.registered);
	CHECK_EQ(line.irq, IRQ);
	CHECK_EQ(rd(&s, VIRTIO_MMIO_STATUS), VIRTIO_STATUS_FAILED);
	CHECK_EQ(pages_live, pages_before);
	CHECK_EQ(heap_live, heap_before);
	slot_free(&s);
}

UNIT_TEST(interrupt_completes_the_buffer_and_is_acknowledged)
{
	struct slot s = slot_new(IRQ);

	drv.result = 0;
	CHECK_EQ(probe(&s), 0);
	CHECK_EQ(nr_threads, 0);
	CHECK(!drv.vdev->polled);
	CHECK(line.registered);
	CHECK_EQ(line.irq, IRQ);
	CHECK_EQ(wakeups, 0);

	device_complete(8);
	set_reg(&s, VIRTIO_MMIO_INTERRUPT_STATUS, VIRTIO_MMIO_INT_VRING);
	line.handler(IRQ, line.arg);
	CHECK_EQ(rd(&s, VIRTIO_MMIO_INTERRUPT_ACK), VIRTIO_MMIO_INT_VRING);
	CHECK_EQ(drv.completions, 1);
	CHECK_EQ(drv.len, 8);
	slot_keep(&s);
}

UNIT_MAIN();
