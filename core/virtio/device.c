// SPDX-License-Identifier: GPL-2.0
/*
 * The transport-independent part of guests' virtio devices
 * (keel/virtio.h): the rules of device status (2.1), feature negotiation
 * (2.2, 3.1.1), queue set-up and reset (2.1.2, 2.7), configuration space
 * (2.5) and DEVICE_NEEDS_RESET. Everything runs under the instance's
 * lock, which the caller holds.
 */
#include <keel/bitops.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/heap.h>
#include <keel/list.h>
#include <keel/printf.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <keel/virtio.h>

/*
 * Offered by every device on top of its type's bits: modern interface,
 * and the two ring features core/virtio/virtqueue.c implements.
 */
#define VIRTIO_COMMON_FEATURES                                           \
	(BIT_ULL(VIRTIO_F_VERSION_1) | BIT_ULL(VIRTIO_F_INDIRECT_DESC) | \
	 BIT_ULL(VIRTIO_F_EVENT_IDX))

extern const struct virtio_device_model *const _virtio_models_start[],
	*const _virtio_models_end[];

static DEFINE_SPINLOCK(devices_lock);
static LIST_HEAD(devices);

const struct virtio_device_model *virtio_model_find(const char *name)
{
	size_t n = LINKER_TABLE_COUNT(_virtio_models_start, _virtio_models_end);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(_virtio_models_start[i]->name, name))
			return _virtio_models_start[i];
	return NULL;
}

void virtio_model_names(char *buf, size_t size)
{
	size_t n = LINKER_TABLE_COUNT(_virtio_models_start, _virtio_models_end);
	size_t used = 0;

	if (!size)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++) {
		int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
				 _virtio_models_start[i]->name);

		if (w < 0)
			break;
		used += (size_t)w;
	}
}

int virtio_dev_init(struct virtio_dev *vdev,
		    const struct virtio_device_model *model,
		    const struct virtio_transport *transport,
		    struct devemu_instance *inst,
		    const struct devtree_node *node)
{
	unsigned long flags;
	int err;

	if (model->nr_queues > VIRTIO_MAX_QUEUES) {
		devemu_error(inst,
			     "virtio-%s has %u queues, more than the %u "
			     "Keel's virtio core keeps",
			     model->name, model->nr_queues, VIRTIO_MAX_QUEUES);
		return -EINVAL;
	}
	vdev->model = model;
	vdev->transport = transport;
	vdev->inst = inst;
	for (unsigned int q = 0; q < model->nr_queues; q++)
		vdev->queues[q].size_max = model->queue_size_max ?
						   model->queue_size_max :
						   VIRTIO_QUEUE_SIZE_DEFAULT;
	if (model->priv_size) {
		vdev->priv = keel_zalloc(model->priv_size);
		if (!vdev->priv) {
			devemu_error(inst, "out of memory for its %s state",
				     model->name);
			return -ENOMEM;
		}
	}
	err = model->probe(vdev, node);
	if (err) {
		keel_free(vdev->priv);
		vdev->priv = NULL;
		return err;
	}
	vdev->device_features |= VIRTIO_COMMON_FEATURES;
	spin_lock_irqsave(&devices_lock, flags);
	list_add_tail(&vdev->link, &devices);
	spin_unlock_irqrestore(&devices_lock, flags);
	return 0;
}

void virtio_dev_destroy(struct virtio_dev *vdev)
{
	unsigned long flags;

	if (!vdev->model)
		return;
	spin_lock_irqsave(&devices_lock, flags);
	list_del(&vdev->link);
	spin_unlock_irqrestore(&devices_lock, flags);
	if (vdev->model->remove)
		vdev->model->remove(vdev);
	keel_free(vdev->priv);
	vdev->priv = NULL;
	vdev->model = NULL;
}

static void snapshot_one(struct virtio_dev *vdev, struct virtio_dev_info *in)
{
	unsigned long flags;

	memset(in, 0, sizeof(*in));
	strlcpy(in->guest, guest_name(vdev->inst->guest), sizeof(in->guest));
	strlcpy(in->node, vdev->inst->name, sizeof(in->node));
	in->type = vdev->model->name;
	in->transport = vdev->transport->name;
	spin_lock_irqsave(&vdev->inst->lock, flags);
	in->status = vdev->status;
	in->features = vdev->features;
	in->resets = vdev->resets;
	in->needs_reset = vdev->needs_reset;
	strlcpy(in->why, vdev->why, sizeof(in->why));
	in->nr_queues = vdev->model->nr_queues;
	for (unsigned int q = 0; q < in->nr_queues; q++) {
		in->queues[q].ready = vdev->queues[q].ready;
		in->queues[q].size = vdev->queues[q].size;
		in->queues[q].stats = vdev->queues[q].vq.stats;
	}
	if (vdev->model->describe)
		vdev->model->describe(vdev, in->backend, sizeof(in->backend));
	spin_unlock_irqrestore(&vdev->inst->lock, flags);
}

unsigned int virtio_snapshot(const char *guest, struct virtio_dev_info *info,
			     unsigned int max)
{
	struct virtio_dev *vdev;
	unsigned long flags;
	unsigned int n = 0;

	spin_lock_irqsave(&devices_lock, flags);
	list_for_each_entry(vdev, &devices, link) {
		if (guest && strcmp(guest_name(vdev->inst->guest), guest))
			continue;
		if (n < max)
			snapshot_one(vdev, &info[n]);
		n++;
	}
	spin_unlock_irqrestore(&devices_lock, flags);
	return n;
}

u32 virtio_dev_device_features(const struct virtio_dev *vdev, u32 sel)
{
	return sel < 2 ? (u32)(vdev->device_features >> (32 * sel)) : 0;
}

void virtio_dev_set_driver_features(struct virtio_dev *vdev, u32 sel, u32 value)
{
	u64 mask;

	if (sel >= 2 || !(vdev->status & VIRTIO_STATUS_DRIVER) ||
	    (vdev->status & VIRTIO_STATUS_FEATURES_OK))
		return;
	mask = 0xffffffffULL << (32 * sel);
	vdev->driver_features =
		(vdev->driver_features & ~mask) | ((u64)value << (32 * sel));
}

void virtio_dev_reset(struct virtio_dev *vdev)
{
	u8 old = vdev->status;

	for (unsigned int q = 0; q < vdev->model->nr_queues; q++) {
		struct virtio_queue *vq = &vdev->queues[q];

		virtqueue_reset(&vq->vq);
		vq->ready = false;
		vq->epoch++;
		vq->size = 0;
		vq->desc = vq->driver = vq->device = 0;
	}
	vdev->status = 0;
	vdev->status_resetting = old;
	vdev->driver_features = 0;
	vdev->features = 0;
	vdev->epoch++;
	vdev->resets++;
	vdev->why[0] = '\0';
	if (vdev->model->reset)
		vdev->model->reset(vdev);
	if (vdev->transport->reset)
		vdev->transport->reset(vdev);
}

/*
 * FEATURES_OK stays set only for a subset of what was offered that
 * includes VERSION_1: Keel has no legacy interface (3.1.1: the device
 * leaves the bit clear and the driver reads that back).
 */
static bool features_acceptable(const struct virtio_dev *vdev)
{
	return !(vdev->driver_features & ~vdev->device_features) &&
	       (vdev->driver_features & BIT_ULL(VIRTIO_F_VERSION_1));
}

u8 virtio_dev_status(struct virtio_dev *vdev)
{
	/*
	 * 2.4.1: once Status reads 0 the device leaves the queues' memory
	 * alone, and 2.4.2 has the driver wait for that 0 before reusing
	 * it. A backend still moving data into buffers of before the reset
	 * would break that promise: the old status shows until it is done.
	 */
	if (vdev->status_resetting) {
		if (vdev->model->busy && vdev->model->busy(vdev))
			return vdev->status_resetting;
		vdev->status_resetting = 0;
	}
	return vdev->status;
}

void virtio_dev_set_status(struct virtio_dev *vdev, u8 status)
{
	u8 old = vdev->status, added;

	if (!status) {
		virtio_dev_reset(vdev);
		return;
	}
	/* Set up again without waiting for the reset: nothing to show. */
	vdev->status_resetting = 0;
	/*
	 * 2.1.2: the driver never clears a bit; only a reset does. The
	 * device's own bit (NEEDS_RESET) is not the driver's to set or
	 * clear.
	 */
	added = (u8)(status & ~old & ~VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	if (added & VIRTIO_STATUS_FEATURES_OK) {
		if (!(old & VIRTIO_STATUS_DRIVER) &&
		    !(added & VIRTIO_STATUS_DRIVER))
			added &= (u8)~VIRTIO_STATUS_FEATURES_OK;
		else if (!features_acceptable(vdev))
			added &= (u8)~VIRTIO_STATUS_FEATURES_OK;
		else
			vdev->features = vdev->driver_features;
	}
	if ((added & VIRTIO_STATUS_DRIVER_OK) &&
	    !((old | added) & VIRTIO_STATUS_FEATURES_OK))
		added &= (u8)~VIRTIO_STATUS_DRIVER_OK;
	vdev->status = old | added;
	if ((added & VIRTIO_STATUS_DRIVER_OK) && vdev->model->driver_ok)
		vdev->model->driver_ok(vdev);
}

void virtio_dev_queue_set_ready(struct virtio_dev *vdev, unsigned int q,
				bool ready)
{
	struct virtio_queue *vq;
	char why[96];
	int err;

	if (q >= vdev->model->nr_queues)
		return;
	vq = &vdev->queues[q];
	if (!ready) {
		if (vq->ready)
			vq->epoch++;
		virtqueue_reset(&vq->vq);
		vq->ready = false;
		return;
	}
	if (vq->ready)
		return;
	/*
	 * The rings' shape depends on the features (EVENT_IDX), so a queue
	 * is only set up once they are agreed (3.1.1 step 7 comes after 5).
	 */
	if (!(vdev->status & VIRTIO_STATUS_FEATURES_OK)) {
		virtio_dev_needs_reset(vdev,
				       "queue %u made ready before "
				       "FEATURES_OK",
				       q);
		return;
	}
	/*
	 * 4.2.2.2: the driver chooses at most what the device offered; a
	 * model may size its per-request state by that maximum.
	 */
	if (vq->size > vq->size_max) {
		virtio_dev_needs_reset(vdev,
				       "queue %u: queue size %u is above its "
				       "maximum %u",
				       q, vq->size, vq->size_max);
		return;
	}
	err = virtqueue_setup(&vq->vq, &vdev->inst->guest->aspace, vq->size,
			      vq->desc, vq->driver, vq->device, vdev->features,
			      why, sizeof(why));
	if (err) {
		virtio_dev_needs_reset(vdev, "queue %u: %s", q, why);
		return;
	}
	vq->ready = true;
}

bool virtio_dev_queue_live(const struct virtio_dev *vdev, unsigned int q)
{
	return q < vdev->model->nr_queues && vdev->queues[q].ready &&
	       (vdev->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(vdev->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

void virtio_dev_queue_notify(struct virtio_dev *vdev, unsigned int q)
{
	if (virtio_dev_queue_live(vdev, q))
		vdev->model->queue_notify(vdev, q);
}

int virtio_dev_config_read(struct virtio_dev *vdev, u32 offset,
			   unsigned int size, u64 *value)
{
	u64 v = 0;

	if ((size != 1 && size != 2 && size != 4 && size != 8) ||
	    offset > vdev->config_size || size > vdev->config_size - offset)
		return -EINVAL;
	memcpy(&v, vdev->config + offset, size);
	*value = v;
	return 0;
}

int virtio_dev_config_write(struct virtio_dev *vdev, u32 offset,
			    unsigned int size, u64 value)
{
	if ((size != 1 && size != 2 && size != 4 && size != 8) ||
	    offset > vdev->config_size || size > vdev->config_size - offset)
		return -EINVAL;
	if (!vdev->model->config_write)
		return 0;
	memcpy(vdev->config + offset, &value, size);
	vdev->model->config_write(vdev, offset, size);
	return 0;
}

void virtio_config_put(struct virtio_dev *vdev, u32 offset, u64 value,
		       unsigned int size)
{
	if (offset <= VIRTIO_MAX_CONFIG && size <= VIRTIO_MAX_CONFIG - offset)
		memcpy(vdev->config + offset, &value, size);
}

int virtio_dev_pop(struct virtio_dev *vdev, unsigned int q,
		   struct virtqueue_chain *chain)
{
	struct virtqueue *vq = &vdev->queues[q].vq;
	int ret;

	if (!virtio_dev_queue_live(vdev, q))
		return 0;
	ret = virtqueue_pop(vq, chain);
	if (ret < 0)
		virtio_dev_needs_reset(vdev, "queue %u: %s", q,
				       vq->why ? vq->why : "malformed");
	return ret;
}

void virtio_dev_push(struct virtio_dev *vdev, unsigned int q, u16 head,
		     u32 written)
{
	struct virtqueue *vq = &vdev->queues[q].vq;

	if (virtqueue_push(vq, head, written)) {
		/* A model's bug, not the guest's: say so loudly. */
		printk(KERN_ERR "guest %s: %s: virtio push refused: %s\n",
		       guest_name(vdev->inst->guest), vdev->inst->name,
		       vq->why ? vq->why : "?");
		return;
	}
	if (virtqueue_should_notify(vq))
		vdev->transport->interrupt(vdev, false);
}

void virtio_dev_needs_reset(struct virtio_dev *vdev, const char *fmt, ...)
{
	va_list ap;

	if (vdev->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
		return;
	va_start(ap, fmt);
	vsnprintf(vdev->why, sizeof(vdev->why), fmt, ap);
	va_end(ap);
	vdev->needs_reset++;
	vdev->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	printk(KERN_WARN "guest %s: %s: virtio-%s needs reset: %s\n",
	       guest_name(vdev->inst->guest), vdev->inst->name,
	       vdev->model->name, vdev->why);
	if (vdev->status & VIRTIO_STATUS_DRIVER_OK)
		vdev->transport->interrupt(vdev, true);
}

void virtio_dev_config_changed(struct virtio_dev *vdev)
{
	vdev->config_generation++;
	if (vdev->status & VIRTIO_STATUS_DRIVER_OK)
		vdev->transport->interrupt(vdev, true);
}
