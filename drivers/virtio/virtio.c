// SPDX-License-Identifier: GPL-2.0
/*
 * What every host virtio transport shares: the registry of device
 * drivers by device ID (VIRTIO_DRIVER_REGISTER), configuration reads,
 * queue set-up and kicks, and the dispatch of used-buffer notifications
 * to the queues' callbacks, from the interrupt or, for a device without
 * a usable interrupt, from a polling thread.
 */
#include <drivers/virtio.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <arch/barrier.h>
#include <arch/irqflags.h>

extern const struct virtio_driver *const _virtio_drivers_start[],
	*const _virtio_drivers_end[];

/* How often a device without an interrupt is looked at while busy. */
#define VIRTIO_POLL_MS 1

const struct virtio_driver *virtio_driver_find(u32 device_id)
{
	size_t n =
		LINKER_TABLE_COUNT(_virtio_drivers_start, _virtio_drivers_end);

	for (size_t i = 0; i < n; i++)
		if (_virtio_drivers_start[i]->device_id == device_id)
			return _virtio_drivers_start[i];
	return NULL;
}

int virtio_features_select(struct virtio_device *vdev, u64 offered,
			   u64 *accepted)
{
	if (!(offered & 1ULL << VIRTIO_F_VERSION_1)) {
		printk(KERN_ERR "virtio: %s: the device does not offer "
				"VIRTIO_F_VERSION_1\n",
		       vdev->name);
		return -ENOTSUP;
	}
	*accepted =
		offered & (vdev->driver->features | 1ULL << VIRTIO_F_VERSION_1);
	return 0;
}

int virtio_config_read(struct virtio_device *vdev, unsigned int offset,
		       void *buf, unsigned int len)
{
	return vdev->ops->config_read(vdev, offset, buf, len);
}

u32 virtio_config_read32(struct virtio_device *vdev, unsigned int offset)
{
	u32 v;

	return virtio_config_read(vdev, offset, &v, sizeof(v)) ? 0 : v;
}

u64 virtio_config_read64(struct virtio_device *vdev, unsigned int offset)
{
	u64 v;

	return virtio_config_read(vdev, offset, &v, sizeof(v)) ? 0 : v;
}

int virtio_queue_setup(struct virtio_device *vdev, unsigned int index,
		       unsigned int max_num, void (*callback)(struct host_vq *),
		       void *priv, struct host_vq **out)
{
	struct host_vq *vq;
	int err;

	if (index >= VIRTIO_MAX_QUEUES || vdev->queues[index] || !callback)
		return -EINVAL;
	vq = keel_zalloc(sizeof(*vq));
	if (!vq)
		return -ENOMEM;
	err = vdev->ops->queue_setup(vdev, index, max_num, vq);
	if (err) {
		keel_free(vq);
		return err;
	}
	vq->callback = callback;
	vq->priv = priv;
	/* The interrupt handler may look at queues[] from now on. */
	smp_mb();
	vdev->queues[index] = vq;
	*out = vq;
	return 0;
}

void virtio_device_ready(struct virtio_device *vdev)
{
	vdev->ops->ready(vdev);
}

void virtio_queue_kick(struct virtio_device *vdev, struct host_vq *vq)
{
	host_vq_kick(vq);
	if (vdev->polled)
		waitqueue_wake_one(&vdev->poll_wait);
}

void virtio_device_interrupt(struct virtio_device *vdev)
{
	for (unsigned int i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		struct host_vq *vq = READ_ONCE(vdev->queues[i]);

		if (vq)
			vq->callback(vq);
	}
}

static bool busy(struct virtio_device *vdev)
{
	for (unsigned int i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		struct host_vq *vq = READ_ONCE(vdev->queues[i]);

		if (vq && host_vq_in_flight(vq))
			return true;
	}
	return false;
}

/*
 * The polling thread: while chains are in flight, run the callbacks as
 * the interrupt would (interrupts masked, so drivers' irqsave locks hold
 * the same way), then sleep a little; when idle, wait for a kick.
 */
static void poll_device(void *arg)
{
	struct virtio_device *vdev = arg;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&vdev->poll_wait.lock, flags);
		while (!busy(vdev))
			waitqueue_sleep_locked(&vdev->poll_wait, &flags);
		spin_unlock_irqrestore(&vdev->poll_wait.lock, flags);
		flags = arch_irq_save();
		virtio_device_interrupt(vdev);
		arch_irq_restore(flags);
		thread_sleep_ms(VIRTIO_POLL_MS);
	}
}

int virtio_poller_create(struct virtio_device *vdev)
{
	char name[THREAD_NAME_LEN];

	/* Ready before polled is set: kicks during the probe wake it. */
	waitqueue_init(&vdev->poll_wait);
	snprintf(name, sizeof(name), "virtio-poll %s", vdev->name);
	vdev->poller = thread_create(name, poll_device, vdev,
				     THREAD_PRIO_NORMAL, CPU_MASK_ALL);
	if (!vdev->poller)
		return -ENOMEM;
	vdev->polled = true;
	return 0;
}

/*
 * thread_start fails only for a thread already started (-EALREADY) or
 * one allowed on no online CPU (-EINVAL): this one was just created and
 * CPU_MASK_ALL holds the CPU running this, so neither happens. Were it
 * to, the driver's probe has succeeded and a driver cannot be unbound:
 * the device stays, its requests never complete, and the log says so.
 */
void virtio_poller_start(struct virtio_device *vdev)
{
	int err = thread_start(vdev->poller);

	if (!err)
		return;
	printk(KERN_ERR "virtio: %s: its polling thread did not start (%s): "
			"its requests will not complete\n",
	       vdev->name, error_name(err));
	/* Never run: ours to free; kicks still find an empty waitqueue. */
	thread_reap(vdev->poller);
	vdev->poller = NULL;
}

void virtio_poller_destroy(struct virtio_device *vdev)
{
	/* Never started, so never run: nothing else holds it. */
	thread_reap(vdev->poller);
	vdev->poller = NULL;
	vdev->polled = false;
}
