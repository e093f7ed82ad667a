// SPDX-License-Identifier: GPL-2.0
/*
 * The guest-side virtio core (core/virtio/device.c) behind the virtio-mmio
 * transport (emulators/virtio/mmio.c), driven through the emulator's
 * operations as core drives them (fake_read/fake_write/fake_reset, under
 * the instance lock) by a driver written here the way a guest's is: its
 * rings and buffers in fake guest RAM behind the real core/aspace.c. Two
 * device models of the test's own stand in for the real ones: "echo"
 * (two queues of at most 16 entries, copying each chain's readable bytes
 * into its writable ones, a configuration space with one field the driver
 * may write) and "mute" (one queue, a read-only configuration, none of
 * the optional operations). Each finds the other in the list probe
 * errors give. VIRTIO 1.2 sections 2.1 (status), 2.2 and 3.1.1
 * (features, initialisation), 2.7 (split rings) and 4.2.2/4.2.3
 * (virtio-mmio) say what is right.
 */
#include "unit.h"
#include <sanitizer/lsan_interface.h>
#include <stdlib.h>
#include <string.h>

#include <keel/bitops.h>
#include <keel/devemu.h>
#include <keel/errno.h>
#include <keel/virtio.h>

#include <hw/virtio_mmio.h>

#include "host/fake_guest.h"

/* ---- the guest's memory ---- */

#define RAM 0x40000000ULL
#define RAM_SIZE 0x10000ULL
#define HOLE 0x50000000ULL /* nothing there */
#define BASE 0x0a000000ULL
#define IRQ 48

/* Queue q's rings, and the buffers the driver offers. */
#define DESC(q) (RAM + 0x4000ULL * (q))
#define AVAIL(q) (DESC(q) + 0x1000)
#define USED(q) (DESC(q) + 0x2000)
#define BUF (RAM + 0x8000)
#define OUT (RAM + 0x9000)

static _Alignas(4096) u8 ram[RAM_SIZE];
static struct devtree_node node;

/* ---- the test's device models ---- */

#define ECHO_ID 0x21
#define MUTE_ID 0x22
#define ECHO_QUEUE_MAX 16
/* The echo model's own feature bits (0-23 are the device type's, 2.2). */
#define ECHO_F_LOUD 0
#define ECHO_F_QUIET 3
#define ECHO_FEATURES (BIT_ULL(ECHO_F_LOUD) | BIT_ULL(ECHO_F_QUIET))
#define COMMON_FEATURES                                                  \
	(BIT_ULL(VIRTIO_F_VERSION_1) | BIT_ULL(VIRTIO_F_INDIRECT_DESC) | \
	 BIT_ULL(VIRTIO_F_EVENT_IDX))

/* Echo's configuration: le64 capacity (read-only), u8 mode, 3 pad. */
#define ECHO_CFG_CAPACITY 0
#define ECHO_CFG_MODE 8
#define ECHO_CFG_SIZE 12
#define ECHO_CAPACITY 0x1122334455667788ULL
#define ECHO_MODE_DEFAULT 7
/* Writing this mode makes the device grow: a configuration change. */
#define ECHO_MODE_GROW 0xcc

struct echo_priv {
	struct virtqueue_chain chain;
	u64 capacity;
};

/* What the models saw, reset by create(). */
static struct {
	int probe_err; /* what the next echo probe returns */
	unsigned int probes, removes, resets, driver_oks;
	unsigned int notifies[VIRTIO_MAX_QUEUES];
	unsigned int pushed, pop_errors;
	unsigned int config_writes;
	u32 cw_offset, cw_size;
	unsigned int mute_notifies;
} seen;

/* The device the echo model serves, for what no register shows. */
static struct virtio_dev *echo_vdev;

static int echo_probe(struct virtio_dev *vdev, const struct devtree_node *n)
{
	struct echo_priv *p = vdev->priv;

	seen.probes++;
	if (seen.probe_err) {
		devemu_error(vdev->inst, "echo refuses");
		return seen.probe_err;
	}
	p->capacity = ECHO_CAPACITY;
	vdev->device_features = ECHO_FEATURES;
	virtio_config_put(vdev, ECHO_CFG_CAPACITY, p->capacity, 8);
	virtio_config_put(vdev, ECHO_CFG_MODE, ECHO_MODE_DEFAULT, 1);
	vdev->config_size = ECHO_CFG_SIZE;
	echo_vdev = vdev;
	return 0;
}

static void echo_remove(struct virtio_dev *vdev)
{
	seen.removes++;
	echo_vdev = NULL;
}

static void echo_notify(struct virtio_dev *vdev, unsigned int q)
{
	struct echo_priv *p = vdev->priv;
	u8 buf[256];
	int r;

	seen.notifies[q]++;
	while ((r = virtio_dev_pop(vdev, q, &p->chain)) > 0) {
		size_t n = virtqueue_chain_read(
			&p->chain, 0, buf,
			MIN(sizeof(buf), (size_t)p->chain.readable));

		n = virtqueue_chain_write(&p->chain, 0, buf, n);
		virtio_dev_push(vdev, q, p->chain.head, (u32)n);
		seen.pushed++;
	}
	if (r < 0)
		seen.pop_errors++;
}

static void echo_config_write(struct virtio_dev *vdev, u32 offset, u32 size)
{
	struct echo_priv *p = vdev->priv;

	seen.config_writes++;
	seen.cw_offset = offset;
	seen.cw_size = size;
	/* Only the mode is the driver's: the rest reads as the device has it. */
	if (vdev->config[ECHO_CFG_MODE] == ECHO_MODE_GROW)
		p->capacity++;
	virtio_config_put(vdev, ECHO_CFG_CAPACITY, p->capacity, 8);
	virtio_config_put(vdev, ECHO_CFG_MODE + 1, 0, 3);
	if (vdev->config[ECHO_CFG_MODE] == ECHO_MODE_GROW)
		virtio_dev_config_changed(vdev);
}

static void echo_reset(struct virtio_dev *vdev)
{
	seen.resets++;
}

static void echo_driver_ok(struct virtio_dev *vdev)
{
	seen.driver_oks++;
}

static const struct virtio_device_model echo_model = {
	.name = "echo",
	.device_id = ECHO_ID,
	.nr_queues = 2,
	.queue_size_max = ECHO_QUEUE_MAX,
	.priv_size = sizeof(struct echo_priv),
	.probe = echo_probe,
	.remove = echo_remove,
	.queue_notify = echo_notify,
	.config_write = echo_config_write,
	.reset = echo_reset,
	.driver_ok = echo_driver_ok,
};
VIRTIO_DEVICE_MODEL_REGISTER(echo_model);

static int mute_probe(struct virtio_dev *vdev, const struct devtree_node *n)
{
	virtio_config_put(vdev, 0, 0xa1b2c3d4, 4);
	vdev->config_size = 4;
	return 0;
}

static void mute_notify(struct virtio_dev *vdev, unsigned int q)
{
	seen.mute_notifies++;
}

static const struct virtio_device_model mute_model = {
	.name = "mute",
	.device_id = MUTE_ID,
	.nr_queues = 1,
	.probe = mute_probe,
	.queue_notify = mute_notify,
};
VIRTIO_DEVICE_MODEL_REGISTER(mute_model);

/* ---- the instance ---- */

static const struct emulator *emulator(void)
{
	const struct emulator *emu = devemu_find("virtio,mmio");

	if (!emu) {
		printf("  no emulator serves virtio,mmio\n");
		abort();
	}
	return emu;
}

/* A fresh guest with its RAM, and an unprobed device of model (or none). */
static struct devemu_instance *instance(const char *model, u64 size,
					unsigned int irq)
{
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
	memset(&seen, 0, sizeof(seen));
	if (model)
		fake_dt_set_string(&node, "keel,device", model);
	return fake_instance(emulator(), "virtio@a000000", BASE, size, irq);
}

static struct devemu_instance *create(const char *model)
{
	struct devemu_instance *inst = instance(model, 0x200, IRQ);

	CHECK_EQ(devemu_probe(inst, &node), 0);
	if (!inst->priv)
		abort();
	return inst;
}

/* Devices `virtio list` would show. */
static unsigned int devices(void)
{
	return virtio_snapshot(NULL, NULL, 0);
}

static void destroy(struct devemu_instance *inst)
{
	fake_destroy(inst);
	CHECK_EQ(devices(), 0);
}

static u32 rd(struct devemu_instance *inst, u64 off)
{
	return (u32)fake_rd(inst, off, 4);
}

static void wr(struct devemu_instance *inst, u64 off, u32 v)
{
	fake_wr(inst, off, 4, v);
}

static bool line(void)
{
	return fake_irq_lines[IRQ];
}

/* ---- the driver ---- */

#define S_ACK VIRTIO_STATUS_ACKNOWLEDGE
#define S_DRIVER VIRTIO_STATUS_DRIVER
#define S_FEATURES_OK VIRTIO_STATUS_FEATURES_OK
#define S_DRIVER_OK VIRTIO_STATUS_DRIVER_OK
#define S_NEEDS_RESET VIRTIO_STATUS_DEVICE_NEEDS_RESET
#define S_FAILED VIRTIO_STATUS_FAILED

#define F_V1 BIT_ULL(VIRTIO_F_VERSION_1)
#define F_INDIRECT BIT_ULL(VIRTIO_F_INDIRECT_DESC)
#define F_EVENT_IDX BIT_ULL(VIRTIO_F_EVENT_IDX)

static struct {
	unsigned int num[VIRTIO_MAX_QUEUES];
	u16 avail_idx[VIRTIO_MAX_QUEUES];
} drv;

static void *gpa(u64 a)
{
	if (a < RAM || a >= RAM + RAM_SIZE)
		abort();
	return ram + (a - RAM);
}

static struct virtq_avail *avail(unsigned int q)
{
	return gpa(AVAIL(q));
}

static struct virtq_used *used(unsigned int q)
{
	return gpa(USED(q));
}

static u16 *used_event(unsigned int q)
{
	return &avail(q)->ring[drv.num[q]];
}

static u16 *avail_event(unsigned int q)
{
	return (u16 *)&used(q)->ring[drv.num[q]];
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

/* Make head available (2.7.13: entry, barrier, idx) without notifying. */
static void offer(unsigned int q, u16 head)
{
	avail(q)->ring[drv.avail_idx[q] % drv.num[q]] = head;
	__sync_synchronize();
	avail(q)->idx = ++drv.avail_idx[q];
}

/* A request echo answers: "hello" readable at BUF, 16 writable at OUT. */
static void offer_hello(unsigned int q)
{
	memcpy(gpa(BUF), "hello", 5);
	memset(gpa(OUT), 0, 16);
	set_desc(q, 0, BUF, 5, VIRTQ_DESC_F_NEXT, 1);
	set_desc(q, 1, OUT, 16, VIRTQ_DESC_F_WRITE, 0);
	offer(q, 0);
}

static void notify(struct devemu_instance *inst, unsigned int q)
{
	wr(inst, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

static void set_status(struct devemu_instance *inst, u32 status)
{
	wr(inst, VIRTIO_MMIO_STATUS, status);
}

static u32 status(struct devemu_instance *inst)
{
	return rd(inst, VIRTIO_MMIO_STATUS);
}

static void write_features(struct devemu_instance *inst, u64 features)
{
	wr(inst, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(inst, VIRTIO_MMIO_DRIVER_FEATURES, (u32)features);
	wr(inst, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(inst, VIRTIO_MMIO_DRIVER_FEATURES, (u32)(features >> 32));
}

/* 3.1.1 steps 1-6: the status read back after FEATURES_OK. */
static u32 negotiate(struct devemu_instance *inst, u64 features)
{
	set_status(inst, 0);
	set_status(inst, S_ACK);
	set_status(inst, S_ACK | S_DRIVER);
	write_features(inst, features);
	set_status(inst, S_ACK | S_DRIVER | S_FEATURES_OK);
	return status(inst);
}

static void queue_regs(struct devemu_instance *inst, unsigned int q, u32 num,
		       u64 desc, u64 driver, u64 device)
{
	wr(inst, VIRTIO_MMIO_QUEUE_SEL, q);
	wr(inst, VIRTIO_MMIO_QUEUE_NUM, num);
	wr(inst, VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)desc);
	wr(inst, VIRTIO_MMIO_QUEUE_DESC_HIGH, (u32)(desc >> 32));
	wr(inst, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (u32)driver);
	wr(inst, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (u32)(driver >> 32));
	wr(inst, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (u32)device);
	wr(inst, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (u32)(device >> 32));
}

/* 4.2.3.2: fresh zeroed rings of num entries for queue q, made ready. */
static void queue_setup(struct devemu_instance *inst, unsigned int q,
			unsigned int num)
{
	memset(gpa(DESC(q)), 0, 0x3000);
	drv.num[q] = num;
	drv.avail_idx[q] = 0;
	queue_regs(inst, q, num, DESC(q), AVAIL(q), USED(q));
	wr(inst, VIRTIO_MMIO_QUEUE_READY, 1);
}

static bool queue_ready(struct devemu_instance *inst, unsigned int q)
{
	wr(inst, VIRTIO_MMIO_QUEUE_SEL, q);
	return rd(inst, VIRTIO_MMIO_QUEUE_READY);
}

/* The whole of 3.1.1 for an echo device: both queues of 8, DRIVER_OK. */
static void bring_up(struct devemu_instance *inst, u64 features)
{
	CHECK(negotiate(inst, features) & S_FEATURES_OK);
	queue_setup(inst, 0, 8);
	queue_setup(inst, 1, 8);
	set_status(inst, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	CHECK_EQ(status(inst), S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	CHECK(queue_ready(inst, 0));
	CHECK(queue_ready(inst, 1));
}

static u32 isr(struct devemu_instance *inst)
{
	return rd(inst, VIRTIO_MMIO_INTERRUPT_STATUS);
}

static void ack(struct devemu_instance *inst, u32 bits)
{
	wr(inst, VIRTIO_MMIO_INTERRUPT_ACK, bits);
}

/* One hello through queue q, answered: the used entry and the echo. */
static void check_echo(struct devemu_instance *inst, unsigned int q,
		       u16 used_idx)
{
	unsigned int before = seen.notifies[q];

	offer_hello(q);
	notify(inst, q);
	CHECK_EQ(seen.notifies[q], before + 1);
	CHECK_EQ(used(q)->idx, used_idx);
	CHECK_EQ(used(q)->ring[(u16)(used_idx - 1) % drv.num[q]].id, 0);
	CHECK_EQ(used(q)->ring[(u16)(used_idx - 1) % drv.num[q]].len, 5);
	CHECK(!memcmp(gpa(OUT), "hello", 5));
}

/* ---- probe ---- */

UNIT_TEST(probe_refuses_a_device_without_interrupt)
{
	struct devemu_instance *inst = instance("echo", 0x200, FAKE_NO_IRQ);

	CHECK_EQ(devemu_probe(inst, &node), -EINVAL);
	CHECK(strstr(fake_error_msg, "interrupt") != NULL);
	CHECK(inst->priv == NULL);
	CHECK_EQ(seen.probes, 0);
	CHECK_EQ(devices(), 0);
	free(inst); /* refused: nothing to remove */
}

UNIT_TEST(probe_refuses_a_node_without_keel_device)
{
	struct devemu_instance *inst = instance(NULL, 0x200, IRQ);

	CHECK_EQ(devemu_probe(inst, &node), -EINVAL);
	CHECK(strstr(fake_error_msg, "keel,device") != NULL);
	/* The message lists what could have been asked for. */
	CHECK(strstr(fake_error_msg, "echo") != NULL);
	CHECK(strstr(fake_error_msg, "mute") != NULL);
	CHECK(inst->priv == NULL);
	CHECK_EQ(devices(), 0);
	free(inst); /* refused: nothing to remove */
}

UNIT_TEST(probe_refuses_an_unknown_model)
{
	struct devemu_instance *inst = instance("disk", 0x200, IRQ);

	CHECK_EQ(devemu_probe(inst, &node), -ENODEV);
	CHECK(strstr(fake_error_msg, "\"disk\"") != NULL);
	CHECK(strstr(fake_error_msg, "echo") != NULL);
	CHECK(strstr(fake_error_msg, "mute") != NULL);
	CHECK(inst->priv == NULL);
	CHECK_EQ(devices(), 0);
	free(inst); /* refused: nothing to remove */
}

UNIT_TEST(probe_refuses_a_window_below_0x200)
{
	struct devemu_instance *inst = instance("echo", 0x1ff, IRQ);

	CHECK_EQ(devemu_probe(inst, &node), -EINVAL);
	CHECK(strstr(fake_error_msg, "0x200") != NULL);
	CHECK(inst->priv == NULL);
	CHECK_EQ(seen.probes, 0);
	free(inst); /* refused: nothing to remove */
}

UNIT_TEST(probe_failure_of_the_model_leaves_nothing)
{
	struct devemu_instance *inst = instance("echo", 0x200, IRQ);

	seen.probe_err = -EBUSY;
	CHECK_EQ(devemu_probe(inst, &node), -EBUSY);
	CHECK_EQ(seen.probes, 1);
	CHECK(strstr(fake_error_msg, "echo refuses") != NULL);
	CHECK(inst->priv == NULL);
	CHECK_EQ(devices(), 0);
	/* The model's zeroed state was freed with the transport's. */
	CHECK_EQ(__lsan_do_recoverable_leak_check(), 0);
	free(inst); /* refused: nothing to remove */
}

UNIT_TEST(probe_registers_the_device)
{
	struct devemu_instance *inst = create("echo");

	CHECK_EQ(seen.probes, 1);
	CHECK_EQ(devices(), 1);
	CHECK(echo_vdev != NULL);
	CHECK_EQ(status(inst), 0);
	CHECK_EQ(isr(inst), 0);
	CHECK(!line());
	destroy(inst);
	CHECK_EQ(seen.removes, 1);
}

/* ---- registers ---- */

UNIT_TEST(identity_registers)
{
	struct devemu_instance *inst = create("echo");

	CHECK_EQ(rd(inst, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_VERSION), 2);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_DEVICE_ID), ECHO_ID);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_VENDOR_ID), 0x4c45454b);
	/* Read-only: writes change nothing. */
	wr(inst, VIRTIO_MMIO_MAGIC_VALUE, 0);
	wr(inst, VIRTIO_MMIO_VERSION, 1);
	wr(inst, VIRTIO_MMIO_DEVICE_ID, 0);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_VERSION), 2);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_DEVICE_ID), ECHO_ID);
	destroy(inst);

	inst = create("mute");
	CHECK_EQ(rd(inst, VIRTIO_MMIO_DEVICE_ID), MUTE_ID);
	destroy(inst);
}

UNIT_TEST(registers_take_only_aligned_32_bit_accesses)
{
	struct devemu_instance *inst = create("echo");
	static const unsigned int sizes[] = { 1, 2, 8 };
	u64 v;

	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		v = 0x1234;
		CHECK_EQ(fake_read(inst, VIRTIO_MMIO_MAGIC_VALUE, sizes[i], &v),
			 -EINVAL);
		CHECK_EQ(fake_read(inst, VIRTIO_MMIO_STATUS, sizes[i], &v),
			 -EINVAL);
		CHECK_EQ(fake_write(inst, VIRTIO_MMIO_STATUS, sizes[i], S_ACK),
			 -EINVAL);
		CHECK_EQ(fake_read(inst, VIRTIO_MMIO_CONFIG_GENERATION,
				   sizes[i], &v),
			 -EINVAL);
	}
	for (unsigned int off = 1; off < 4; off++) {
		CHECK_EQ(fake_read(inst, VIRTIO_MMIO_MAGIC_VALUE + off, 4, &v),
			 -EINVAL);
		CHECK_EQ(fake_write(inst, VIRTIO_MMIO_STATUS + off, 4, S_ACK),
			 -EINVAL);
		/* The last register's bytes do not reach the configuration. */
		CHECK_EQ(fake_read(inst, VIRTIO_MMIO_CONFIG_GENERATION + off, 4,
				   &v),
			 -EINVAL);
	}
	/* None of the refused writes did anything. */
	CHECK_EQ(status(inst), 0);
	destroy(inst);
}

UNIT_TEST(config_space_takes_1_2_4_8_byte_accesses_within_its_size)
{
	struct devemu_instance *inst = create("echo");
	u64 v;

	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG, 8), ECHO_CAPACITY);
	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG, 4), 0x55667788);
	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG + 4, 4), 0x11223344);
	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG + 2, 2), 0x5566);
	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG + 7, 1), 0x11);
	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG + ECHO_CFG_MODE, 1),
		 ECHO_MODE_DEFAULT);
	/* The last bytes of the space in every width that fits. */
	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG + ECHO_CFG_SIZE - 1, 1), 0);
	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG + ECHO_CFG_SIZE - 2, 2), 0);
	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG + ECHO_CFG_SIZE - 4, 4),
		 ECHO_MODE_DEFAULT);
	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG + ECHO_CFG_SIZE - 8, 8),
		 ((u64)ECHO_MODE_DEFAULT << 32) | 0x11223344);
	/* Beyond it, or partly beyond it, in any width. */
	CHECK_EQ(fake_read(inst, VIRTIO_MMIO_CONFIG + ECHO_CFG_SIZE, 1, &v),
		 -EINVAL);
	CHECK_EQ(fake_read(inst, VIRTIO_MMIO_CONFIG + ECHO_CFG_SIZE - 1, 2, &v),
		 -EINVAL);
	CHECK_EQ(fake_read(inst, VIRTIO_MMIO_CONFIG + ECHO_CFG_SIZE - 2, 4, &v),
		 -EINVAL);
	CHECK_EQ(fake_read(inst, VIRTIO_MMIO_CONFIG + ECHO_CFG_SIZE - 7, 8, &v),
		 -EINVAL);
	CHECK_EQ(fake_read(inst, 0x1fc, 4, &v), -EINVAL);
	CHECK_EQ(fake_write(inst, VIRTIO_MMIO_CONFIG + ECHO_CFG_SIZE, 1, 0),
		 -EINVAL);
	CHECK_EQ(fake_write(inst, VIRTIO_MMIO_CONFIG + ECHO_CFG_SIZE - 4, 8, 0),
		 -EINVAL);
	/* Only 1, 2, 4 and 8 bytes. */
	CHECK_EQ(fake_read(inst, VIRTIO_MMIO_CONFIG, 3, &v), -EINVAL);
	CHECK_EQ(fake_write(inst, VIRTIO_MMIO_CONFIG, 3, 0), -EINVAL);
	CHECK_EQ(seen.config_writes, 0);
	destroy(inst);
}

UNIT_TEST(device_features_by_word)
{
	struct devemu_instance *inst = create("echo");

	wr(inst, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_DEVICE_FEATURES),
		 (u32)(ECHO_FEATURES | F_INDIRECT | F_EVENT_IDX));
	wr(inst, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_DEVICE_FEATURES), 1); /* VERSION_1 */
	wr(inst, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_DEVICE_FEATURES), 0);
	wr(inst, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0xffffffff);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_DEVICE_FEATURES), 0);
	/* Word 0 again: the selector, not a cursor. */
	wr(inst, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_DEVICE_FEATURES) & F_EVENT_IDX,
		 F_EVENT_IDX);
	destroy(inst);
}

UNIT_TEST(driver_features_only_between_driver_and_features_ok)
{
	struct devemu_instance *inst = create("echo");

	/* Before DRIVER (3.1.1 step 4 comes after 3): ignored. */
	set_status(inst, S_ACK);
	write_features(inst, F_V1 | F_INDIRECT);
	CHECK_EQ(echo_vdev->driver_features, 0);
	set_status(inst, S_ACK | S_DRIVER);
	set_status(inst, S_ACK | S_DRIVER | S_FEATURES_OK);
	CHECK_EQ(status(inst), S_ACK | S_DRIVER);

	/* Between them: each word where DriverFeaturesSel says. */
	write_features(inst, F_V1 | F_INDIRECT);
	CHECK_EQ(echo_vdev->driver_features, F_V1 | F_INDIRECT);
	wr(inst, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(inst, VIRTIO_MMIO_DRIVER_FEATURES, BIT(ECHO_F_LOUD));
	CHECK_EQ(echo_vdev->driver_features, F_V1 | BIT_ULL(ECHO_F_LOUD));
	/* Words past the second are no features: ignored. */
	wr(inst, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 2);
	wr(inst, VIRTIO_MMIO_DRIVER_FEATURES, 0xffffffff);
	CHECK_EQ(echo_vdev->driver_features, F_V1 | BIT_ULL(ECHO_F_LOUD));

	set_status(inst, S_ACK | S_DRIVER | S_FEATURES_OK);
	CHECK_EQ(status(inst), S_ACK | S_DRIVER | S_FEATURES_OK);
	CHECK_EQ(echo_vdev->features, F_V1 | BIT_ULL(ECHO_F_LOUD));
	/* After FEATURES_OK (3.1.1 step 5): no new bits. */
	write_features(inst, F_V1 | F_EVENT_IDX);
	CHECK_EQ(echo_vdev->driver_features, F_V1 | BIT_ULL(ECHO_F_LOUD));
	CHECK_EQ(echo_vdev->features, F_V1 | BIT_ULL(ECHO_F_LOUD));
	destroy(inst);
}

UNIT_TEST(features_ok_only_for_an_offered_subset_with_version_1)
{
	struct devemu_instance *inst = create("echo");

	/* A bit not offered (2.2.2: the device fails FEATURES_OK). */
	CHECK_EQ(negotiate(inst, F_V1 | BIT_ULL(5)), S_ACK | S_DRIVER);
	CHECK_EQ(echo_vdev->features, 0);
	CHECK_EQ(negotiate(inst, F_V1 | BIT_ULL(40)), S_ACK | S_DRIVER);
	/* No VERSION_1: a legacy driver, which Keel does not serve. */
	CHECK_EQ(negotiate(inst, F_INDIRECT | ECHO_FEATURES), S_ACK | S_DRIVER);
	CHECK_EQ(negotiate(inst, 0), S_ACK | S_DRIVER);
	/* FEATURES_OK without DRIVER. */
	set_status(inst, 0);
	set_status(inst, S_ACK);
	set_status(inst, S_ACK | S_FEATURES_OK);
	CHECK_EQ(status(inst), S_ACK);
	/* A driver that tried and failed may try again, then succeed. */
	CHECK_EQ(negotiate(inst, F_V1 | BIT_ULL(5)), S_ACK | S_DRIVER);
	write_features(inst, F_V1 | F_EVENT_IDX | BIT_ULL(ECHO_F_QUIET));
	set_status(inst, S_ACK | S_DRIVER | S_FEATURES_OK);
	CHECK_EQ(status(inst), S_ACK | S_DRIVER | S_FEATURES_OK);
	CHECK_EQ(echo_vdev->features,
		 F_V1 | F_EVENT_IDX | BIT_ULL(ECHO_F_QUIET));
	/* Everything offered is a subset too. */
	CHECK_EQ(negotiate(inst, COMMON_FEATURES | ECHO_FEATURES),
		 S_ACK | S_DRIVER | S_FEATURES_OK);
	CHECK_EQ(echo_vdev->features, COMMON_FEATURES | ECHO_FEATURES);
	/* VERSION_1 alone is enough. */
	CHECK_EQ(negotiate(inst, F_V1), S_ACK | S_DRIVER | S_FEATURES_OK);
	destroy(inst);
}

UNIT_TEST(driver_ok_needs_features_ok)
{
	struct devemu_instance *inst = create("echo");

	set_status(inst, S_ACK);
	set_status(inst, S_ACK | S_DRIVER);
	write_features(inst, F_V1);
	set_status(inst, S_ACK | S_DRIVER | S_DRIVER_OK);
	CHECK_EQ(status(inst), S_ACK | S_DRIVER);
	CHECK_EQ(seen.driver_oks, 0);
	/* Refused features: still no DRIVER_OK. */
	CHECK_EQ(negotiate(inst, BIT_ULL(ECHO_F_LOUD)), S_ACK | S_DRIVER);
	set_status(inst, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	CHECK_EQ(status(inst), S_ACK | S_DRIVER);
	CHECK_EQ(seen.driver_oks, 0);
	/* Agreed features: DRIVER_OK, the model told once. */
	CHECK_EQ(negotiate(inst, F_V1), S_ACK | S_DRIVER | S_FEATURES_OK);
	set_status(inst, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	CHECK_EQ(status(inst), S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	CHECK_EQ(seen.driver_oks, 1);
	set_status(inst, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	CHECK_EQ(seen.driver_oks, 1);
	/* FEATURES_OK and DRIVER_OK in one write. */
	set_status(inst, 0);
	set_status(inst, S_ACK | S_DRIVER);
	write_features(inst, F_V1);
	set_status(inst, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	CHECK_EQ(status(inst), S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	CHECK_EQ(seen.driver_oks, 2);
	destroy(inst);
}

UNIT_TEST(driver_clears_status_bits_only_by_reset)
{
	struct devemu_instance *inst = create("echo");

	CHECK_EQ(negotiate(inst, F_V1), S_ACK | S_DRIVER | S_FEATURES_OK);
	CHECK_EQ(seen.resets, 1); /* negotiate starts with a reset */
	set_status(inst, S_ACK);
	CHECK_EQ(status(inst), S_ACK | S_DRIVER | S_FEATURES_OK);
	set_status(inst, S_DRIVER_OK);
	CHECK_EQ(status(inst), S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	set_status(inst, S_FAILED);
	CHECK_EQ(status(inst),
		 S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK | S_FAILED);
	/* NEEDS_RESET is the device's to set, not the driver's. */
	set_status(inst, S_NEEDS_RESET | S_ACK);
	CHECK(!(status(inst) & S_NEEDS_RESET));
	CHECK_EQ(seen.resets, 1);
	set_status(inst, 0);
	CHECK_EQ(status(inst), 0);
	CHECK_EQ(seen.resets, 2);
	destroy(inst);
}

UNIT_TEST(needs_reset_stays_until_reset)
{
	struct devemu_instance *inst = create("echo");

	CHECK_EQ(negotiate(inst, F_V1), S_ACK | S_DRIVER | S_FEATURES_OK);
	wr(inst, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(inst, VIRTIO_MMIO_QUEUE_NUM, 3); /* not a power of 2 */
	wr(inst, VIRTIO_MMIO_QUEUE_READY, 1);
	CHECK_EQ(status(inst),
		 S_ACK | S_DRIVER | S_FEATURES_OK | S_NEEDS_RESET);
	CHECK(strstr(echo_vdev->why, "queue 0") != NULL);
	CHECK_EQ(echo_vdev->needs_reset, 1);
	/* The driver's status writes leave it set. */
	set_status(inst, S_ACK | S_DRIVER | S_FEATURES_OK);
	CHECK(status(inst) & S_NEEDS_RESET);
	/* A second error is not counted again. */
	wr(inst, VIRTIO_MMIO_QUEUE_READY, 1);
	CHECK_EQ(echo_vdev->needs_reset, 1);
	set_status(inst, 0);
	CHECK_EQ(status(inst), 0);
	CHECK_EQ(echo_vdev->why[0], '\0');
	/* The count is for the device's life. */
	CHECK_EQ(echo_vdev->needs_reset, 1);
	destroy(inst);
}

/* ---- queues ---- */

UNIT_TEST(queue_num_max_per_queue)
{
	struct devemu_instance *inst = create("echo");
	static const u32 missing[] = { 2, 3, VIRTIO_MAX_QUEUES, 0xffff,
				       0xffffffff };

	for (unsigned int q = 0; q < 2; q++) {
		wr(inst, VIRTIO_MMIO_QUEUE_SEL, q);
		CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_NUM_MAX), ECHO_QUEUE_MAX);
		CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_READY), 0);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(missing); i++) {
		wr(inst, VIRTIO_MMIO_QUEUE_SEL, missing[i]);
		CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
		CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_READY), 0);
	}
	destroy(inst);

	/* A model that does not say offers the default. */
	inst = create("mute");
	wr(inst, VIRTIO_MMIO_QUEUE_SEL, 0);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_NUM_MAX),
		 VIRTIO_QUEUE_SIZE_DEFAULT);
	wr(inst, VIRTIO_MMIO_QUEUE_SEL, 1);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	destroy(inst);
}

static void check_queue_addrs(struct devemu_instance *inst, u64 desc,
			      u64 driver, u64 device)
{
	CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_DESC_LOW), (u32)desc);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_DESC_HIGH), (u32)(desc >> 32));
	CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_DRIVER_LOW), (u32)driver);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_DRIVER_HIGH), (u32)(driver >> 32));
	CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_DEVICE_LOW), (u32)device);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_DEVICE_HIGH), (u32)(device >> 32));
}

UNIT_TEST(queue_registers_read_back_and_freeze_when_ready)
{
	struct devemu_instance *inst = create("echo");

	CHECK_EQ(negotiate(inst, F_V1), S_ACK | S_DRIVER | S_FEATURES_OK);
	/* Each queue keeps its own, 64 bits each. */
	queue_regs(inst, 1, 4, 0x123456789abcdef0ULL, 0x0fedcba987654321ULL,
		   0x1111222233334444ULL);
	queue_regs(inst, 0, 8, DESC(0), AVAIL(0), USED(0));
	check_queue_addrs(inst, DESC(0), AVAIL(0), USED(0));
	wr(inst, VIRTIO_MMIO_QUEUE_SEL, 1);
	check_queue_addrs(inst, 0x123456789abcdef0ULL, 0x0fedcba987654321ULL,
			  0x1111222233334444ULL);
	CHECK_EQ(echo_vdev->queues[1].size, 4);
	/* A queue the device lacks takes nothing and reads 0. */
	queue_regs(inst, 2, 8, DESC(0), AVAIL(0), USED(0));
	check_queue_addrs(inst, 0, 0, 0);
	wr(inst, VIRTIO_MMIO_QUEUE_READY, 1);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_READY), 0);
	CHECK_EQ(status(inst), S_ACK | S_DRIVER | S_FEATURES_OK);

	/* Ready: what was checked stays what is used (4.2.3.2). */
	drv.num[0] = 8;
	wr(inst, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(inst, VIRTIO_MMIO_QUEUE_READY, 1);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_READY), 1);
	queue_regs(inst, 0, 2, HOLE, HOLE + 0x1000, HOLE + 0x2000);
	check_queue_addrs(inst, DESC(0), AVAIL(0), USED(0));
	CHECK_EQ(echo_vdev->queues[0].size, 8);
	CHECK_EQ(echo_vdev->queues[0].vq.num, 8);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_READY), 1);
	/* Ready written again changes nothing. */
	wr(inst, VIRTIO_MMIO_QUEUE_READY, 1);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_READY), 1);
	CHECK_EQ(status(inst), S_ACK | S_DRIVER | S_FEATURES_OK);

	/* Still working: the frozen registers are the ones in use. */
	set_status(inst, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	check_echo(inst, 0, 1);
	destroy(inst);
}

UNIT_TEST(queue_ready_0_stops_the_queue)
{
	struct devemu_instance *inst = create("echo");
	u32 epoch, other;

	bring_up(inst, F_V1);
	check_echo(inst, 0, 1);
	epoch = echo_vdev->queues[0].epoch;
	other = echo_vdev->queues[1].epoch;
	wr(inst, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(inst, VIRTIO_MMIO_QUEUE_READY, 0);
	/* 4.2.2: the driver reads 0 back before reusing the memory. */
	CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_READY), 0);
	/* Work popped from it before is stale now; the other queue's not. */
	CHECK_EQ(echo_vdev->queues[0].epoch, epoch + 1);
	CHECK_EQ(echo_vdev->queues[1].epoch, other);
	offer_hello(0);
	notify(inst, 0);
	CHECK_EQ(seen.notifies[0], 1);
	CHECK_EQ(used(0)->idx, 1);
	/* Unfrozen: set up again, afresh, and served. */
	queue_setup(inst, 0, 4);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_READY), 1);
	check_echo(inst, 0, 1);
	CHECK_EQ(status(inst), S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	destroy(inst);
}

UNIT_TEST(queue_ready_before_features_ok_needs_reset)
{
	struct devemu_instance *inst = create("echo");

	set_status(inst, S_ACK);
	set_status(inst, S_ACK | S_DRIVER);
	write_features(inst, F_V1);
	queue_setup(inst, 0, 8);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_READY), 0);
	CHECK_EQ(status(inst), S_ACK | S_DRIVER | S_NEEDS_RESET);
	CHECK(strstr(echo_vdev->why, "FEATURES_OK") != NULL);
	/* Not live yet: no configuration interrupt (2.1.2). */
	CHECK_EQ(isr(inst), 0);
	CHECK(!line());
	destroy(inst);
}

/* Negotiated, then one bad queue 0: not ready, and the device needs reset. */
static void check_bad_queue(struct devemu_instance *inst, u32 num, u64 desc,
			    u64 driver, u64 device, const char *reason)
{
	CHECK_EQ(negotiate(inst, F_V1 | F_EVENT_IDX),
		 S_ACK | S_DRIVER | S_FEATURES_OK);
	queue_regs(inst, 0, num, desc, driver, device);
	wr(inst, VIRTIO_MMIO_QUEUE_READY, 1);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_READY), 0);
	CHECK_EQ(status(inst),
		 S_ACK | S_DRIVER | S_FEATURES_OK | S_NEEDS_RESET);
	CHECK(strstr(echo_vdev->why, reason) != NULL);
	if (!strstr(echo_vdev->why, reason))
		printf("  why: %s\n", echo_vdev->why);
	CHECK_EQ(isr(inst), 0);
}

UNIT_TEST(bad_rings_leave_the_queue_not_ready)
{
	struct devemu_instance *inst = create("echo");

	check_bad_queue(inst, 8, DESC(0) + 8, AVAIL(0), USED(0),
			"descriptor table");
	check_bad_queue(inst, 8, DESC(0), AVAIL(0) + 1, USED(0),
			"available ring");
	check_bad_queue(inst, 8, DESC(0), AVAIL(0), USED(0) + 2, "used ring");
	check_bad_queue(inst, 0, DESC(0), AVAIL(0), USED(0), "queue size");
	check_bad_queue(inst, 12, DESC(0), AVAIL(0), USED(0), "queue size");
	check_bad_queue(inst, 8, HOLE, AVAIL(0), USED(0), "descriptor table");
	check_bad_queue(inst, 8, DESC(0), HOLE, USED(0), "available ring");
	/* A used ring whose last entries (and avail_event) pass RAM's end. */
	check_bad_queue(inst, 8, DESC(0), AVAIL(0), RAM + RAM_SIZE - 64,
			"used ring");
	check_bad_queue(inst, 8, DESC(0), AVAIL(0), 0xfffffffffffffff0ULL,
			"used ring");
	/* After all that, a reset and good rings work. */
	bring_up(inst, F_V1);
	check_echo(inst, 1, 1);
	destroy(inst);
}

UNIT_TEST(queue_size_above_queue_num_max_needs_reset)
{
	struct devemu_instance *inst = create("echo");

	/* 4.2.2.2: QueueNum <= QueueNumMax, however RAM could hold it. */
	check_bad_queue(inst, ECHO_QUEUE_MAX * 2, DESC(0), AVAIL(0), USED(0),
			"above its maximum 16");
	CHECK_EQ(echo_vdev->queues[0].vq.num, 0);
	/* The maximum itself is fine. */
	CHECK_EQ(negotiate(inst, F_V1), S_ACK | S_DRIVER | S_FEATURES_OK);
	queue_setup(inst, 0, ECHO_QUEUE_MAX);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_READY), 1);
	CHECK_EQ(status(inst), S_ACK | S_DRIVER | S_FEATURES_OK);
	destroy(inst);
}

/* ---- the data path and interrupts ---- */

UNIT_TEST(a_good_chain_reaches_the_model_and_comes_back)
{
	struct devemu_instance *inst = create("echo");

	bring_up(inst, F_V1 | F_INDIRECT);
	CHECK_EQ(isr(inst), 0);
	CHECK(!line());
	check_echo(inst, 1, 1);
	CHECK_EQ(seen.notifies[0], 0);
	CHECK_EQ(seen.pushed, 1);
	CHECK_EQ(isr(inst), VIRTIO_MMIO_INT_VRING);
	CHECK(line());
	/* Reading it acknowledges nothing. */
	CHECK_EQ(isr(inst), VIRTIO_MMIO_INT_VRING);
	ack(inst, VIRTIO_MMIO_INT_VRING);
	CHECK_EQ(isr(inst), 0);
	CHECK(!line());
	/* An indirect chain too. */
	memcpy(gpa(BUF), "indirect", 8);
	memset(gpa(OUT), 0, 16);
	set_desc(0, 0, RAM + 0xa000, 32, VIRTQ_DESC_F_INDIRECT, 0);
	{
		struct virtq_desc *t = gpa(RAM + 0xa000);

		t[0] = (struct virtq_desc){ BUF, 8, VIRTQ_DESC_F_NEXT, 1 };
		t[1] = (struct virtq_desc){ OUT, 16, VIRTQ_DESC_F_WRITE, 0 };
	}
	offer(0, 0);
	notify(inst, 0);
	CHECK_EQ(used(0)->idx, 1);
	CHECK_EQ(used(0)->ring[0].len, 8);
	CHECK(!memcmp(gpa(OUT), "indirect", 8));
	CHECK_EQ(isr(inst), VIRTIO_MMIO_INT_VRING);
	CHECK_EQ(status(inst), S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	destroy(inst);
}

UNIT_TEST(interrupt_ack_clears_only_the_bits_acked)
{
	struct devemu_instance *inst = create("echo");

	bring_up(inst, F_V1);
	check_echo(inst, 0, 1);
	/* A configuration change on top of the used buffer. */
	fake_wr(inst, VIRTIO_MMIO_CONFIG + ECHO_CFG_MODE, 1, ECHO_MODE_GROW);
	CHECK_EQ(isr(inst), VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG);
	CHECK(line());
	ack(inst, VIRTIO_MMIO_INT_VRING);
	CHECK_EQ(isr(inst), VIRTIO_MMIO_INT_CONFIG);
	CHECK(line());
	/* Bits that are no events change nothing. */
	ack(inst, 0xfffffffc);
	CHECK_EQ(isr(inst), VIRTIO_MMIO_INT_CONFIG);
	CHECK(line());
	ack(inst, VIRTIO_MMIO_INT_CONFIG);
	CHECK_EQ(isr(inst), 0);
	CHECK(!line());
	/* A new event raises the line again; acking both at once. */
	check_echo(inst, 0, 2);
	fake_wr(inst, VIRTIO_MMIO_CONFIG + ECHO_CFG_MODE, 1, ECHO_MODE_GROW);
	CHECK(line());
	ack(inst, VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG);
	CHECK_EQ(isr(inst), 0);
	CHECK(!line());
	destroy(inst);
}

UNIT_TEST(no_interrupt_flag_suppresses_without_event_idx)
{
	struct devemu_instance *inst = create("echo");

	bring_up(inst, F_V1);
	avail(0)->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	check_echo(inst, 0, 1);
	CHECK_EQ(isr(inst), 0);
	CHECK(!line());
	avail(0)->flags = 0;
	check_echo(inst, 0, 2);
	CHECK_EQ(isr(inst), VIRTIO_MMIO_INT_VRING);
	CHECK(line());
	destroy(inst);
}

UNIT_TEST(event_idx_used_event_suppresses_interrupts)
{
	struct devemu_instance *inst = create("echo");

	bring_up(inst, F_V1 | F_EVENT_IDX);
	/* 2.7.10: interrupt when the used idx passes used_event (0 here). */
	*used_event(0) = 0;
	check_echo(inst, 0, 1);
	CHECK_EQ(isr(inst), VIRTIO_MMIO_INT_VRING);
	/* The device says where it will look next (avail_event). */
	CHECK_EQ(*avail_event(0), 1);
	ack(inst, VIRTIO_MMIO_INT_VRING);

	/* used_event 4: not until used ring entry 4 is written (idx 5). */
	*used_event(0) = 4;
	for (u16 i = 2; i <= 4; i++) {
		check_echo(inst, 0, i);
		CHECK_EQ(isr(inst), 0);
		CHECK(!line());
	}
	check_echo(inst, 0, 5);
	CHECK_EQ(isr(inst), VIRTIO_MMIO_INT_VRING);
	CHECK(line());
	ack(inst, VIRTIO_MMIO_INT_VRING);
	/* An event already passed: no interrupt until the index wraps. */
	*used_event(0) = 2;
	check_echo(inst, 0, 6);
	CHECK_EQ(isr(inst), 0);
	/* The flag means nothing with EVENT_IDX (2.7.7). */
	avail(0)->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	*used_event(0) = 6;
	check_echo(inst, 0, 7);
	CHECK_EQ(isr(inst), VIRTIO_MMIO_INT_VRING);
	CHECK_EQ(*avail_event(0), 7);
	destroy(inst);
}

UNIT_TEST(notify_before_driver_ok_is_ignored)
{
	struct devemu_instance *inst = create("echo");

	CHECK_EQ(negotiate(inst, F_V1), S_ACK | S_DRIVER | S_FEATURES_OK);
	queue_setup(inst, 0, 8);
	offer_hello(0);
	notify(inst, 0);
	CHECK_EQ(seen.notifies[0], 0);
	CHECK_EQ(used(0)->idx, 0);
	CHECK_EQ(isr(inst), 0);
	set_status(inst, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	notify(inst, 0);
	CHECK_EQ(seen.notifies[0], 1);
	CHECK_EQ(used(0)->idx, 1);
	destroy(inst);
}

UNIT_TEST(notify_of_a_queue_the_device_lacks_is_harmless)
{
	struct devemu_instance *inst = create("echo");
	static const u32 qs[] = { 2, VIRTIO_MAX_QUEUES, 0xffff, 0x10000,
				  0xffffffff };

	bring_up(inst, F_V1);
	for (unsigned int i = 0; i < ARRAY_SIZE(qs); i++)
		notify(inst, qs[i]);
	CHECK_EQ(seen.notifies[0] + seen.notifies[1] + seen.notifies[2] +
			 seen.notifies[3],
		 0);
	CHECK_EQ(status(inst), S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	CHECK_EQ(isr(inst), 0);
	/* A queue not made ready is not served either. */
	destroy(inst);
	inst = create("echo");
	CHECK_EQ(negotiate(inst, F_V1), S_ACK | S_DRIVER | S_FEATURES_OK);
	queue_setup(inst, 0, 8);
	set_status(inst, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	notify(inst, 1);
	CHECK_EQ(seen.notifies[1], 0);
	CHECK_EQ(status(inst), S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	destroy(inst);
}

/* After DRIVER_OK, a malformed chain: NEEDS_RESET, config interrupt, silence. */
static void check_malformed(struct devemu_instance *inst, const char *reason)
{
	notify(inst, 0);
	CHECK_EQ(seen.notifies[0], 1);
	CHECK_EQ(seen.pop_errors, 1);
	CHECK_EQ(status(inst), S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK |
				       S_NEEDS_RESET);
	CHECK(strstr(echo_vdev->why, reason) != NULL);
	if (!strstr(echo_vdev->why, reason))
		printf("  why: %s\n", echo_vdev->why);
	CHECK_EQ(echo_vdev->needs_reset, 1);
	CHECK_EQ(isr(inst), VIRTIO_MMIO_INT_CONFIG);
	CHECK(line());
	CHECK_EQ(used(0)->idx, 0);
	ack(inst, VIRTIO_MMIO_INT_CONFIG);
	CHECK(!line());
	/* Good work on either queue is not served until a reset. */
	offer_hello(1);
	notify(inst, 1);
	notify(inst, 0);
	CHECK_EQ(seen.notifies[0], 1);
	CHECK_EQ(seen.notifies[1], 0);
	CHECK_EQ(used(1)->idx, 0);
	CHECK_EQ(isr(inst), 0);
	/* Nor by the driver clearing what it cannot clear. */
	set_status(inst, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	notify(inst, 1);
	CHECK_EQ(seen.notifies[1], 0);
	/* A reset and a fresh start work again. */
	bring_up(inst, F_V1 | F_INDIRECT);
	check_echo(inst, 1, 1);
	CHECK_EQ(echo_vdev->needs_reset, 1);
}

UNIT_TEST(a_looping_chain_needs_reset)
{
	struct devemu_instance *inst = create("echo");

	bring_up(inst, F_V1 | F_INDIRECT);
	set_desc(0, 0, BUF, 4, VIRTQ_DESC_F_NEXT, 1);
	set_desc(0, 1, BUF, 4, VIRTQ_DESC_F_NEXT, 0);
	offer(0, 0);
	check_malformed(inst, "loop");
	destroy(inst);
}

UNIT_TEST(a_chain_outside_ram_needs_reset)
{
	struct devemu_instance *inst = create("echo");

	bring_up(inst, F_V1 | F_INDIRECT);
	set_desc(0, 0, HOLE, 16, VIRTQ_DESC_F_WRITE, 0);
	offer(0, 0);
	check_malformed(inst, "RAM");
	destroy(inst);

	/* Partly outside: the buffer's last byte. */
	inst = create("echo");
	bring_up(inst, F_V1 | F_INDIRECT);
	set_desc(0, 0, RAM + RAM_SIZE - 8, 9, 0, 0);
	offer(0, 0);
	check_malformed(inst, "RAM");
	destroy(inst);
}

/* Everything the driver set up is forgotten, and the line is low. */
static void check_reset_state(struct devemu_instance *inst)
{
	CHECK_EQ(status(inst), 0);
	CHECK_EQ(isr(inst), 0);
	CHECK(!line());
	CHECK_EQ(echo_vdev->features, 0);
	CHECK_EQ(echo_vdev->driver_features, 0);
	for (unsigned int q = 0; q < 2; q++) {
		wr(inst, VIRTIO_MMIO_QUEUE_SEL, q);
		CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_READY), 0);
		check_queue_addrs(inst, 0, 0, 0);
		CHECK_EQ(echo_vdev->queues[q].vq.num, 0);
		CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_NUM_MAX), ECHO_QUEUE_MAX);
	}
	/* Old work is not served: nothing is live. */
	offer_hello(0);
	notify(inst, 0);
	CHECK_EQ(seen.notifies[0], 1);
}

/* A device with work done, a used interrupt and a config one pending. */
static struct devemu_instance *busy_device(void)
{
	struct devemu_instance *inst = create("echo");

	bring_up(inst, F_V1 | F_EVENT_IDX);
	check_echo(inst, 0, 1);
	fake_wr(inst, VIRTIO_MMIO_CONFIG + ECHO_CFG_MODE, 1, ECHO_MODE_GROW);
	CHECK_EQ(isr(inst), VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG);
	CHECK(line());
	return inst;
}

UNIT_TEST(status_0_resets_everything)
{
	struct devemu_instance *inst = busy_device();
	u32 epoch = echo_vdev->epoch;
	unsigned int resets = seen.resets;

	u32 q0 = echo_vdev->queues[0].epoch, q1 = echo_vdev->queues[1].epoch;

	set_status(inst, 0);
	CHECK_EQ(seen.resets, resets + 1);
	CHECK_EQ(echo_vdev->epoch, epoch + 1);
	CHECK_EQ(echo_vdev->queues[0].epoch, q0 + 1);
	CHECK_EQ(echo_vdev->queues[1].epoch, q1 + 1);
	check_reset_state(inst);
	/* A fresh initialisation works. */
	bring_up(inst, F_V1);
	check_echo(inst, 0, 1);
	CHECK_EQ(isr(inst), VIRTIO_MMIO_INT_VRING);
	CHECK(line());
	destroy(inst);
}

UNIT_TEST(guest_reset_resets_everything)
{
	struct devemu_instance *inst = busy_device();
	unsigned int resets = seen.resets;

	fake_reset(inst);
	CHECK_EQ(seen.resets, resets + 1);
	check_reset_state(inst);
	bring_up(inst, F_V1);
	check_echo(inst, 1, 1);
	CHECK(line());
	destroy(inst);
}

/* ---- configuration space ---- */

UNIT_TEST(config_generation_follows_device_changes)
{
	struct devemu_instance *inst = create("echo");
	u32 gen = rd(inst, VIRTIO_MMIO_CONFIG_GENERATION);

	/* Read-only. */
	wr(inst, VIRTIO_MMIO_CONFIG_GENERATION, gen + 5);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_CONFIG_GENERATION), gen);
	/* A driver's write the device takes as is: same generation. */
	fake_wr(inst, VIRTIO_MMIO_CONFIG + ECHO_CFG_MODE, 1, 3);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_CONFIG_GENERATION), gen);
	/* The device changes: a new generation, but no interrupt before
	 * DRIVER_OK (2.1.2). */
	fake_wr(inst, VIRTIO_MMIO_CONFIG + ECHO_CFG_MODE, 1, ECHO_MODE_GROW);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_CONFIG_GENERATION), gen + 1);
	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG, 8), ECHO_CAPACITY + 1);
	CHECK_EQ(isr(inst), 0);
	CHECK(!line());
	/* After DRIVER_OK: a configuration change notification. */
	bring_up(inst, F_V1);
	fake_wr(inst, VIRTIO_MMIO_CONFIG + ECHO_CFG_MODE, 1, ECHO_MODE_GROW);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_CONFIG_GENERATION), gen + 2);
	CHECK_EQ(isr(inst), VIRTIO_MMIO_INT_CONFIG);
	CHECK(line());
	destroy(inst);
}

UNIT_TEST(config_writes_reach_the_model)
{
	struct devemu_instance *inst = create("echo");

	fake_wr(inst, VIRTIO_MMIO_CONFIG + ECHO_CFG_MODE, 1, 0x42);
	CHECK_EQ(seen.config_writes, 1);
	CHECK_EQ(seen.cw_offset, ECHO_CFG_MODE);
	CHECK_EQ(seen.cw_size, 1);
	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG + ECHO_CFG_MODE, 1), 0x42);
	/* A wide write over read-only bytes: the model keeps its own. */
	fake_wr(inst, VIRTIO_MMIO_CONFIG + 4, 8, 0xffffff55ffffffffULL);
	CHECK_EQ(seen.config_writes, 2);
	CHECK_EQ(seen.cw_offset, 4);
	CHECK_EQ(seen.cw_size, 8);
	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG + 8, 4), 0x55);
	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG, 8), ECHO_CAPACITY);
	fake_wr(inst, VIRTIO_MMIO_CONFIG + ECHO_CFG_MODE, 2, 0x0109);
	CHECK_EQ(seen.cw_size, 2);
	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG + ECHO_CFG_MODE, 1), 9);
	destroy(inst);
}

UNIT_TEST(config_writes_are_ignored_without_config_write)
{
	struct devemu_instance *inst = create("mute");

	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG, 4), 0xa1b2c3d4);
	fake_wr(inst, VIRTIO_MMIO_CONFIG, 4, 0);
	fake_wr(inst, VIRTIO_MMIO_CONFIG + 1, 1, 0);
	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG, 4), 0xa1b2c3d4);
	/* Beyond its size still refused. */
	CHECK_EQ(fake_write(inst, VIRTIO_MMIO_CONFIG + 4, 1, 0), -EINVAL);
	CHECK_EQ(fake_write(inst, VIRTIO_MMIO_CONFIG, 8, 0), -EINVAL);
	destroy(inst);
}

UNIT_TEST(a_model_without_optional_operations_works)
{
	struct devemu_instance *inst = create("mute");

	CHECK_EQ(negotiate(inst, F_V1), S_ACK | S_DRIVER | S_FEATURES_OK);
	queue_setup(inst, 0, VIRTIO_QUEUE_SIZE_DEFAULT);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_READY), 1);
	set_status(inst, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	CHECK_EQ(status(inst), S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	notify(inst, 0);
	CHECK_EQ(seen.mute_notifies, 1);
	set_status(inst, 0);
	CHECK_EQ(status(inst), 0);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_READY), 0);
	fake_reset(inst);
	CHECK_EQ(status(inst), 0);
	destroy(inst);
}

UNIT_TEST(config_space_ends_where_it_ends_in_a_big_window)
{
	/* A description may give a window far larger than the registers. */
	struct devemu_instance *inst = instance("echo", 0x100000200ULL, IRQ);
	u64 v = 0;

	CHECK_EQ(devemu_probe(inst, &node), 0);
	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG, 8), ECHO_CAPACITY);
	/* 4 GiB past the configuration space is not the space again. */
	CHECK_EQ(fake_read(inst, 0x100000100ULL, 8, &v), -EINVAL);
	CHECK_EQ(fake_write(inst, 0x100000100ULL + ECHO_CFG_MODE, 1, 0x42),
		 -EINVAL);
	CHECK_EQ(seen.config_writes, 0);
	CHECK_EQ(fake_rd(inst, VIRTIO_MMIO_CONFIG + ECHO_CFG_MODE, 1),
		 ECHO_MODE_DEFAULT);
	destroy(inst);
}

/* ---- the rest of the register block ---- */

UNIT_TEST(shared_memory_registers_say_there_is_none)
{
	struct devemu_instance *inst = create("echo");
	static const u32 ids[] = { 0, 1, 0xff };

	/* 4.2.2: a region that does not exist has length and base -1. */
	for (unsigned int i = 0; i < ARRAY_SIZE(ids); i++) {
		wr(inst, VIRTIO_MMIO_SHM_SEL, ids[i]);
		CHECK_EQ(rd(inst, VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffff);
		CHECK_EQ(rd(inst, VIRTIO_MMIO_SHM_LEN_HIGH), 0xffffffff);
		CHECK_EQ(rd(inst, VIRTIO_MMIO_SHM_BASE_LOW), 0xffffffff);
		CHECK_EQ(rd(inst, VIRTIO_MMIO_SHM_BASE_HIGH), 0xffffffff);
	}
	destroy(inst);
}

UNIT_TEST(reserved_and_write_only_registers_read_zero)
{
	struct devemu_instance *inst = create("echo");
	static const u64 regs[] = { VIRTIO_MMIO_DEVICE_FEATURES_SEL,
				    VIRTIO_MMIO_DRIVER_FEATURES,
				    VIRTIO_MMIO_DRIVER_FEATURES_SEL,
				    VIRTIO_MMIO_QUEUE_SEL,
				    VIRTIO_MMIO_QUEUE_NOTIFY,
				    VIRTIO_MMIO_INTERRUPT_ACK,
				    VIRTIO_MMIO_QUEUE_RESET,
				    0x018,
				    0x028,
				    0x0f8 };

	bring_up(inst, F_V1);
	wr(inst, VIRTIO_MMIO_QUEUE_SEL, 1);
	for (unsigned int i = 0; i < ARRAY_SIZE(regs); i++)
		CHECK_EQ(rd(inst, regs[i]), 0);
	/* Writes to them are ignored. */
	wr(inst, 0x0f8, 0xffffffff);
	wr(inst, VIRTIO_MMIO_QUEUE_RESET, 1);
	CHECK_EQ(rd(inst, VIRTIO_MMIO_QUEUE_READY), 1);
	CHECK_EQ(status(inst), S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	destroy(inst);
}

/* ---- what `virtio list` shows ---- */

UNIT_TEST(snapshot_shows_each_device_of_a_guest)
{
	struct devemu_instance *inst = busy_device();
	struct virtio_dev_info info[2];

	CHECK_EQ(virtio_snapshot("nosuch", info, 2), 0);
	CHECK_EQ(virtio_snapshot(NULL, info, 2), 1);
	CHECK_EQ(virtio_snapshot(guest_name(&fake_guest), info, 2), 1);
	CHECK(!strcmp(info[0].guest, guest_name(&fake_guest)));
	CHECK(!strcmp(info[0].node, inst->name));
	CHECK(!strcmp(info[0].type, "echo"));
	CHECK(!strcmp(info[0].transport, "mmio"));
	CHECK(info[0].status & VIRTIO_STATUS_DRIVER_OK);
	CHECK_EQ(info[0].nr_queues, 2);
	CHECK(info[0].queues[0].ready);
	CHECK(info[0].queues[0].stats.popped > 0);
	CHECK_EQ(info[0].queues[0].stats.popped,
		 info[0].queues[0].stats.pushed);
	destroy(inst);
}

/* ---- the end ---- */

UNIT_TEST(destroy_leaves_nothing_allocated)
{
	struct devemu_instance *inst = busy_device();
	struct devemu_instance *other = fake_instance(
		emulator(), "virtio@a000200", BASE + 0x200, 0x200, IRQ + 1);

	fake_dt_set_string(&node, "keel,device", "mute");
	CHECK_EQ(devemu_probe(other, &node), 0);
	CHECK_EQ(devices(), 2);
	fake_destroy(other);
	CHECK_EQ(devices(), 1);
	destroy(inst);
	CHECK_EQ(seen.removes, 1);
	CHECK(echo_vdev == NULL);
	CHECK_EQ(__lsan_do_recoverable_leak_check(), 0);
}

UNIT_MAIN();
