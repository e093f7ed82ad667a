// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport for guests, version 2 (VIRTIO 1.2 section
 * 4.2): a "virtio,mmio" node of a guest's description, its register
 * block at "reg" and one interrupt, whose device type `keel,device`
 * names (a model of core/virtio). The registers are 32-bit; the
 * configuration space from 0x100 takes the access widths of its fields.
 *
 * The interrupt line is high while InterruptStatus has a bit set:
 * the driver's write to InterruptACK clears those bits (4.2.3.4).
 * Queue registers are the selected queue's; once it is ready the
 * driver may not change them (4.2.3.2), and writes are then ignored so
 * that a set-up queue always matches what was checked.
 */
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/virtio.h>
#include <hw/virtio_mmio.h>

#define KEEL_VENDOR_ID 0x4c45454b /* "KEEL" */

struct virtio_mmio {
	struct virtio_dev vdev;
	u32 device_features_sel;
	u32 driver_features_sel;
	u32 queue_sel;
	u32 interrupt_status;
	bool irq_level;
};

static struct virtio_mmio *to_mmio(struct virtio_dev *vdev)
{
	return (struct virtio_mmio *)vdev;
}

static void update_irq(struct virtio_mmio *m)
{
	bool level = m->interrupt_status != 0;

	if (level == m->irq_level)
		return;
	m->irq_level = level;
	devemu_irq_set(m->vdev.inst, 0, level);
}

static void mmio_interrupt(struct virtio_dev *vdev, bool config)
{
	struct virtio_mmio *m = to_mmio(vdev);

	m->interrupt_status |=
		config ? VIRTIO_MMIO_INT_CONFIG : VIRTIO_MMIO_INT_VRING;
	update_irq(m);
}

static void mmio_reset(struct virtio_dev *vdev)
{
	struct virtio_mmio *m = to_mmio(vdev);

	m->device_features_sel = 0;
	m->driver_features_sel = 0;
	m->queue_sel = 0;
	m->interrupt_status = 0;
	update_irq(m);
}

static const struct virtio_transport mmio_transport = {
	.name = "mmio",
	.interrupt = mmio_interrupt,
	.reset = mmio_reset,
};

/* The selected queue, or NULL for a number the device does not have. */
static struct virtio_queue *selected_queue(struct virtio_mmio *m)
{
	if (m->queue_sel >= m->vdev.model->nr_queues)
		return NULL;
	return &m->vdev.queues[m->queue_sel];
}

static u32 reg_read(struct virtio_mmio *m, u64 reg)
{
	struct virtio_dev *vdev = &m->vdev;
	struct virtio_queue *q = selected_queue(m);

	switch (reg) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return VIRTIO_MMIO_VERSION_MODERN;
	case VIRTIO_MMIO_DEVICE_ID:
		return vdev->model->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return KEEL_VENDOR_ID;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return virtio_dev_device_features(vdev, m->device_features_sel);
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		/* 0: the queue is not available (4.2.2). */
		return q ? q->size_max : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return q ? q->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return m->interrupt_status;
	case VIRTIO_MMIO_STATUS:
		return virtio_dev_status(vdev);
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		return q ? (u32)q->desc : 0;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		return q ? (u32)(q->desc >> 32) : 0;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
		return q ? (u32)q->driver : 0;
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		return q ? (u32)(q->driver >> 32) : 0;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
		return q ? (u32)q->device : 0;
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		return q ? (u32)(q->device >> 32) : 0;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		/*
		 * No shared memory region of that id: length and base are
		 * both all ones (4.2.2).
		 */
		return 0xffffffffU;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return vdev->config_generation;
	default:
		/* Write-only and reserved registers read as zero. */
		return 0;
	}
}

/* Set the low or high half of a queue address, unless the queue is live. */
static void set_half(struct virtio_queue *q, u64 *field, bool high, u32 v)
{
	if (!q || q->ready)
		return;
	if (high)
		*field = (*field & 0xffffffffULL) | ((u64)v << 32);
	else
		*field = (*field & ~0xffffffffULL) | v;
}

static void reg_write(struct virtio_mmio *m, u64 reg, u32 val)
{
	struct virtio_dev *vdev = &m->vdev;
	struct virtio_queue *q = selected_queue(m);

	switch (reg) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		m->device_features_sel = val;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		virtio_dev_set_driver_features(vdev, m->driver_features_sel,
					       val);
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		m->driver_features_sel = val;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		m->queue_sel = val;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (q && !q->ready)
			q->size = (u16)MIN(val, 0xffffU);
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (q)
			virtio_dev_queue_set_ready(vdev, m->queue_sel, val & 1);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		/*
		 * Without VIRTIO_F_NOTIFICATION_DATA (not offered) the value
		 * is the queue's index.
		 */
		virtio_dev_queue_notify(vdev, val);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		m->interrupt_status &= ~val;
		update_irq(m);
		break;
	case VIRTIO_MMIO_STATUS:
		virtio_dev_set_status(vdev, (u8)val);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_half(q, q ? &q->desc : NULL,
			 reg == VIRTIO_MMIO_QUEUE_DESC_HIGH, val);
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		set_half(q, q ? &q->driver : NULL,
			 reg == VIRTIO_MMIO_QUEUE_DRIVER_HIGH, val);
		break;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		set_half(q, q ? &q->device : NULL,
			 reg == VIRTIO_MMIO_QUEUE_DEVICE_HIGH, val);
		break;
	default:
		/* Read-only and reserved registers ignore writes. */
		break;
	}
}

/*
 * The core takes 32-bit configuration offsets; a description may give a
 * window of more than 4 GiB, whose far bytes must not wrap back onto
 * the configuration space.
 */
static bool config_offset_ok(u64 offset)
{
	return offset - VIRTIO_MMIO_CONFIG <= VIRTIO_MAX_CONFIG;
}

static int mmio_read(struct devemu_instance *inst, u64 offset,
		     unsigned int size, u64 *value)
{
	struct virtio_mmio *m = inst->priv;

	if (offset >= VIRTIO_MMIO_CONFIG) {
		if (!config_offset_ok(offset))
			return -EINVAL;
		return virtio_dev_config_read(
			&m->vdev, (u32)(offset - VIRTIO_MMIO_CONFIG), size,
			value);
	}
	if (size != 4 || (offset & 3))
		return -EINVAL;
	*value = reg_read(m, offset);
	return 0;
}

static int mmio_write(struct devemu_instance *inst, u64 offset,
		      unsigned int size, u64 value)
{
	struct virtio_mmio *m = inst->priv;

	if (offset >= VIRTIO_MMIO_CONFIG) {
		if (!config_offset_ok(offset))
			return -EINVAL;
		return virtio_dev_config_write(
			&m->vdev, (u32)(offset - VIRTIO_MMIO_CONFIG), size,
			value);
	}
	if (size != 4 || (offset & 3))
		return -EINVAL;
	reg_write(m, offset, (u32)value);
	return 0;
}

static int mmio_probe(struct devemu_instance *inst,
		      const struct devtree_node *node)
{
	struct virtio_mmio *m = inst->priv;
	const struct virtio_device_model *model;
	const char *type;
	char names[96];

	if (inst->nr_irqs < 1) {
		devemu_error(inst, "needs an interrupt");
		return -EINVAL;
	}
	if (devtree_prop_read_string(node, "keel,device", &type)) {
		virtio_model_names(names, sizeof(names));
		devemu_error(inst,
			     "has no keel,device property saying what it is "
			     "(one of: %s)",
			     names);
		return -EINVAL;
	}
	model = virtio_model_find(type);
	if (!model) {
		virtio_model_names(names, sizeof(names));
		devemu_error(inst,
			     "keel,device \"%s\" is not a virtio device "
			     "Keel has (one of: %s)",
			     type, names);
		return -ENODEV;
	}
	return virtio_dev_init(&m->vdev, model, &mmio_transport, inst, node);
}

static void mmio_reset_device(struct devemu_instance *inst)
{
	struct virtio_mmio *m = inst->priv;

	virtio_dev_reset(&m->vdev);
}

static void mmio_remove(struct devemu_instance *inst)
{
	struct virtio_mmio *m = inst->priv;

	virtio_dev_destroy(&m->vdev);
}

static const char *const mmio_compat[] = { "virtio,mmio", NULL };

static const struct emulator virtio_mmio_emulator = {
	.name = "virtio-mmio",
	.compatible = mmio_compat,
	.probe = mmio_probe,
	.read = mmio_read,
	.write = mmio_write,
	.reset = mmio_reset_device,
	.remove = mmio_remove,
	.priv_size = sizeof(struct virtio_mmio),
	.min_window = VIRTIO_MMIO_WINDOW,
};
EMULATOR_REGISTER(virtio_mmio_emulator);
