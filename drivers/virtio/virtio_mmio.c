// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport on the host (VIRTIO 1.2 section 4.2), version
 * 2 only: every "virtio,mmio" node of the host device tree is a slot that
 * may hold a device. An empty slot (DeviceID 0) is left alone without a
 * word, a legacy (version 1) device is named and left alone, and a
 * device whose ID has a driver (VIRTIO_DRIVER_REGISTER) is initialised
 * as 3.1.1 orders: reset, ACKNOWLEDGE, DRIVER, features (VERSION_1
 * required), FEATURES_OK, the driver's probe (queues, DRIVER_OK).
 *
 * QEMU's virtio-mmio devices are legacy unless started with
 * "-global virtio-mmio.force-legacy=false".
 */
#include <drivers/virtio.h>
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/io.h>
#include <keel/irq.h>
#include <keel/printk.h>
#include <keel/string.h>

#include <hw/virtio_mmio.h>

/* A reset takes effect at once on QEMU; a real device gets this long. */
#define RESET_POLLS 1000000

struct virtio_mmio {
	struct virtio_device vdev;
	void *base;
	unsigned int irq;
	bool has_irq;
	u64 config_size; /* bytes of the window past VIRTIO_MMIO_CONFIG */
};

static struct virtio_mmio *to_vm(struct virtio_device *vdev)
{
	return container_of(vdev, struct virtio_mmio, vdev);
}

static u32 vm_read(struct virtio_mmio *vm, unsigned int reg)
{
	return readl((char *)vm->base + reg);
}

static void vm_write(struct virtio_mmio *vm, unsigned int reg, u32 v)
{
	writel(v, (char *)vm->base + reg);
}

static void vm_set_status(struct virtio_mmio *vm, u32 bits)
{
	vm_write(vm, VIRTIO_MMIO_STATUS,
		 vm_read(vm, VIRTIO_MMIO_STATUS) | bits);
}

static int vm_reset(struct virtio_mmio *vm)
{
	vm_write(vm, VIRTIO_MMIO_STATUS, 0);
	for (unsigned int i = 0; i < RESET_POLLS; i++)
		if (!vm_read(vm, VIRTIO_MMIO_STATUS))
			return 0;
	printk(KERN_ERR "virtio-mmio: %s: the device does not reset\n",
	       vm->vdev.name);
	return -EIO;
}

/*
 * Each field with accesses of its own width, 64-bit ones as two 32-bit
 * halves (4.2.2.2); the whole read again if the device changed the
 * configuration meanwhile (ConfigGeneration, 2.5.1).
 */
static int vm_config_read(struct virtio_device *vdev, unsigned int offset,
			  void *buf, unsigned int len)
{
	struct virtio_mmio *vm = to_vm(vdev);
	const char *cfg = (const char *)vm->base + VIRTIO_MMIO_CONFIG + offset;
	u32 before, after;
	u8 *out = buf;

	if ((u64)offset + len > vm->config_size)
		return -ERANGE;
	do {
		before = vm_read(vm, VIRTIO_MMIO_CONFIG_GENERATION);
		if (len == 2 && IS_ALIGNED(offset, 2)) {
			u16 v = readw(cfg);

			memcpy(out, &v, 2);
		} else if (IS_ALIGNED(offset | len, 4)) {
			for (unsigned int i = 0; i < len; i += 4) {
				u32 v = readl(cfg + i);

				memcpy(out + i, &v, 4);
			}
		} else {
			for (unsigned int i = 0; i < len; i++)
				out[i] = readb(cfg + i);
		}
		after = vm_read(vm, VIRTIO_MMIO_CONFIG_GENERATION);
	} while (before != after);
	return 0;
}

static void vm_notify(struct host_vq *vq)
{
	struct virtio_mmio *vm = vq->transport_priv;

	vm_write(vm, VIRTIO_MMIO_QUEUE_NOTIFY, vq->index);
}

static int vm_queue_setup(struct virtio_device *vdev, unsigned int index,
			  unsigned int max_num, struct host_vq *vq)
{
	struct virtio_mmio *vm = to_vm(vdev);
	unsigned int num;
	u32 num_max;
	char *name;
	int err;

	vm_write(vm, VIRTIO_MMIO_QUEUE_SEL, index);
	if (vm_read(vm, VIRTIO_MMIO_QUEUE_READY))
		return -EBUSY;
	num_max = vm_read(vm, VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (!num_max)
		return -ENOENT;
	/* The largest power of 2 both sides accept. */
	for (num = 1;
	     num * 2 <= MIN(num_max, max_num) && num * 2 <= VIRTQ_MAX_SIZE;
	     num *= 2)
		;
	name = keel_malloc(strlen(vdev->name) + 16);
	if (!name)
		return -ENOMEM;
	snprintf(name, strlen(vdev->name) + 16, "%s/vq%u", vdev->name, index);
	err = host_vq_init(vq, name, index, num, vm_notify);
	if (err) {
		keel_free(name);
		return err;
	}
	vq->transport_priv = vm;
	vm_write(vm, VIRTIO_MMIO_QUEUE_NUM, num);
	vm_write(vm, VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)vq->desc_pa);
	vm_write(vm, VIRTIO_MMIO_QUEUE_DESC_HIGH, (u32)(vq->desc_pa >> 32));
	vm_write(vm, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (u32)vq->avail_pa);
	vm_write(vm, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (u32)(vq->avail_pa >> 32));
	vm_write(vm, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (u32)vq->used_pa);
	vm_write(vm, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (u32)(vq->used_pa >> 32));
	vm_write(vm, VIRTIO_MMIO_QUEUE_READY, 1);
	return 0;
}

static void vm_ready(struct virtio_device *vdev)
{
	vm_set_status(to_vm(vdev), VIRTIO_STATUS_DRIVER_OK);
}

static const struct virtio_transport_ops vm_ops = {
	.config_read = vm_config_read,
	.queue_setup = vm_queue_setup,
	.ready = vm_ready,
};

static void vm_interrupt(unsigned int irq, void *arg)
{
	struct virtio_mmio *vm = arg;
	u32 status = vm_read(vm, VIRTIO_MMIO_INTERRUPT_STATUS);

	vm_write(vm, VIRTIO_MMIO_INTERRUPT_ACK, status);
	if (status & VIRTIO_MMIO_INT_VRING)
		virtio_device_interrupt(&vm->vdev);
}

static u64 vm_device_features(struct virtio_mmio *vm)
{
	u64 f;

	vm_write(vm, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	f = (u64)vm_read(vm, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	vm_write(vm, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	return f | vm_read(vm, VIRTIO_MMIO_DEVICE_FEATURES);
}

static int vm_negotiate(struct virtio_mmio *vm)
{
	u64 wanted;
	int err = virtio_features_select(&vm->vdev, vm_device_features(vm),
					 &wanted);

	if (err)
		return err;
	vm_write(vm, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	vm_write(vm, VIRTIO_MMIO_DRIVER_FEATURES, (u32)(wanted >> 32));
	vm_write(vm, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	vm_write(vm, VIRTIO_MMIO_DRIVER_FEATURES, (u32)wanted);
	vm_set_status(vm, VIRTIO_STATUS_FEATURES_OK);
	if (!(vm_read(vm, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
		printk(KERN_ERR "virtio-mmio: %s: the device refused features "
				"0x%llx\n",
		       vm->vdev.name, (unsigned long long)wanted);
		return -ENOTSUP;
	}
	vm->vdev.features = wanted;
	return 0;
}

/* Interrupt, else a polling thread (created, started after the probe). */
static int vm_attach_interrupt(struct virtio_mmio *vm,
			       const struct devtree_node *node)
{
	int err = devtree_irq_get(node, 0, &vm->irq);

	if (!err)
		err = irq_register(vm->irq, vm_interrupt, vm, vm->vdev.name, 0);
	if (!err) {
		vm->has_irq = true;
		return 0;
	}
	printk(KERN_WARN "virtio-mmio: %s: no interrupt (%s): polling\n",
	       vm->vdev.name, error_name(err));
	return virtio_poller_create(&vm->vdev);
}

static void vm_free_queues(struct virtio_mmio *vm)
{
	for (unsigned int i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		struct host_vq *vq = vm->vdev.queues[i];

		if (!vq)
			continue;
		keel_free((char *)vq->name);
		host_vq_free(vq);
		keel_free(vq);
		vm->vdev.queues[i] = NULL;
	}
}

static int vm_start(struct virtio_mmio *vm, const struct devtree_node *node,
		    const struct virtio_driver *drv)
{
	int err = vm_reset(vm);

	if (err)
		return err;
	vm_set_status(vm, VIRTIO_STATUS_ACKNOWLEDGE);
	vm_set_status(vm, VIRTIO_STATUS_DRIVER);
	err = vm_negotiate(vm);
	if (!err)
		err = vm_attach_interrupt(vm, node);
	if (!err)
		err = drv->probe(&vm->vdev);
	if (!err) {
		/*
		 * Only now: a poller running during a probe that fails
		 * would be inside the callbacks of queues about to go.
		 */
		if (vm->vdev.polled)
			virtio_poller_start(&vm->vdev);
		return 0;
	}
	/* Stop the device before its rings go. */
	vm_reset(vm);
	vm_set_status(vm, VIRTIO_STATUS_FAILED);
	if (vm->has_irq)
		irq_unregister(vm->irq);
	if (vm->vdev.polled)
		virtio_poller_destroy(&vm->vdev);
	vm_free_queues(vm);
	return err;
}

static int virtio_mmio_probe(struct devtree_node *node)
{
	const struct virtio_driver *drv;
	struct virtio_mmio *vm;
	u32 version, id;
	u64 addr, size;
	void *base;
	int err;

	if (devtree_read_reg(node, 0, &addr, &size))
		return -EINVAL;
	if (!size)
		size = VIRTIO_MMIO_WINDOW;
	if (size <= VIRTIO_MMIO_CONFIG)
		return -EINVAL;
	base = ioremap(addr, size);
	if (!base)
		return -ENOMEM;
	if (readl((char *)base + VIRTIO_MMIO_MAGIC_VALUE) !=
	    VIRTIO_MMIO_MAGIC) {
		printk(KERN_ERR "virtio-mmio: %s: no virtio magic value\n",
		       node->name);
		return -ENODEV;
	}
	version = readl((char *)base + VIRTIO_MMIO_VERSION);
	id = readl((char *)base + VIRTIO_MMIO_DEVICE_ID);
	if (id == VIRTIO_ID_NONE)
		return DRIVER_PROBE_ABSENT;
	if (version != VIRTIO_MMIO_VERSION_MODERN) {
		printk(KERN_WARN "virtio-mmio: %s: device ID %u speaks "
				 "virtio-mmio version %u; Keel drives only "
				 "version 2 (QEMU: -global "
				 "virtio-mmio.force-legacy=false)\n",
		       node->name, id, version);
		return DRIVER_PROBE_ABSENT;
	}
	drv = virtio_driver_find(id);
	if (!drv) {
		printk(KERN_INFO "virtio-mmio: %s: device ID %u: no driver\n",
		       node->name, id);
		return DRIVER_PROBE_ABSENT;
	}
	vm = keel_zalloc(sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->base = base;
	vm->config_size = size - VIRTIO_MMIO_CONFIG;
	vm->vdev.name = node->name;
	vm->vdev.device_id = id;
	vm->vdev.ops = &vm_ops;
	vm->vdev.transport_priv = vm;
	vm->vdev.driver = drv;
	err = vm_start(vm, node, drv);
	if (err)
		keel_free(vm);
	return err;
}

static const char *const virtio_mmio_compatible[] = { "virtio,mmio", NULL };

static const struct driver virtio_mmio_driver = {
	.name = "virtio-mmio",
	.compatible = virtio_mmio_compatible,
	.stage = DRIVER_STAGE_DEVICE,
	.probe = virtio_mmio_probe,
};
DRIVER_REGISTER(virtio_mmio_driver);
