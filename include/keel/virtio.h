/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests' virtio devices, the part every transport and every device type
 * shares (core/virtio/device.c): device status and its rules, feature
 * negotiation, the queues' life (set up when the driver makes one ready,
 * forgotten on reset), DEVICE_NEEDS_RESET when the driver gave something
 * malformed, and configuration space. A transport (virtio-mmio today,
 * virtio-pci later) turns its registers into these calls and raises the
 * interrupts asked of it; a device model (block, rng ...) adds what its
 * type does with the buffers.
 *
 * Locking: every call here and every model operation runs under the
 * device instance's lock (inst->lock, irqsave), which core's devemu
 * takes around register accesses. Work finished later (a host disk's
 * completion, a model's own thread) takes that lock itself and checks
 * the queue's epoch (virtio_queue.epoch): a reset or the queue disabled
 * in between makes the result stale, and it is dropped, never pushed to
 * a queue the driver has forgotten.
 */
#ifndef KEEL_VIRTIO_H
#define KEEL_VIRTIO_H

#include <hw/virtio.h>
#include <keel/devemu.h>
#include <keel/virtqueue.h>

#define VIRTIO_MAX_QUEUES 4
#define VIRTIO_MAX_CONFIG 64 /* bytes of device configuration */
/* Queue size offered when a model does not say. */
#define VIRTIO_QUEUE_SIZE_DEFAULT 256

struct virtio_dev;
struct devtree_node;

/* A device type (5.x): what `keel,device` names in a description. */
struct virtio_device_model {
	const char *name; /* "block", "rng" ... */
	u32 device_id; /* VIRTIO_ID_* */
	unsigned int nr_queues;
	u16 queue_size_max; /* 0: VIRTIO_QUEUE_SIZE_DEFAULT */
	size_t priv_size; /* zeroed vdev->priv, freed by core after remove */
	/*
	 * Take the backend the node names, fill vdev->device_features (the
	 * type's bits; core adds the transport-independent ones) and
	 * vdev->config/config_size. Errors through devemu_error(vdev->inst,
	 * ...) naming what was wrong, returned as -errno.
	 */
	int (*probe)(struct virtio_dev *vdev, const struct devtree_node *node);
	/*
	 * Let go of the backend; work still in flight is waited for here
	 * (called without the instance lock, from a thread).
	 */
	void (*remove)(struct virtio_dev *vdev);
	/* The driver notified queue q: DRIVER_OK, q ready, no reset due. */
	void (*queue_notify)(struct virtio_dev *vdev, unsigned int q);
	/*
	 * Optional: the driver wrote config bytes [offset, offset + size),
	 * already stored in vdev->config. NULL: the configuration is
	 * read-only and such writes are ignored.
	 */
	void (*config_write)(struct virtio_dev *vdev, u32 offset, u32 size);
	/* Optional: device reset; the queues are already forgotten. */
	void (*reset)(struct virtio_dev *vdev);
	/*
	 * Optional: true while the backend still holds guest buffers from
	 * before a reset (a host disk's DMA into the guest's memory): the
	 * reset is not complete until then (under the instance lock).
	 */
	bool (*busy)(struct virtio_dev *vdev);
	/* Optional: the driver set DRIVER_OK. */
	void (*driver_ok)(struct virtio_dev *vdev);
	/*
	 * Optional: one line for `virtio list` (backend, counters), under
	 * the instance lock.
	 */
	void (*describe)(struct virtio_dev *vdev, char *buf, size_t size);
};

#define VIRTIO_DEVICE_MODEL_REGISTER(var)                         \
	static const struct virtio_device_model                   \
		*const __virtio_model_ptr_##var __used __section( \
			".keel.virtio_models." #var) = &(var)

/* What the transport does for the core. */
struct virtio_transport {
	const char *name; /* "mmio" */
	/* A used-buffer (config false) or configuration-change interrupt. */
	void (*interrupt)(struct virtio_dev *vdev, bool config);
	/* Optional: after a device reset, clear the transport's state. */
	void (*reset)(struct virtio_dev *vdev);
};

struct virtio_queue {
	struct virtqueue vq;
	u16 size_max; /* the largest size the driver may choose */
	u16 size; /* what it chose */
	bool ready;
	u64 desc, driver, device; /* the three areas' guest addresses */
	/*
	 * Bumped whenever the driver forgets the queue (device reset,
	 * QueueReady = 0): work popped before must not be pushed after.
	 */
	u32 epoch;
};

struct virtio_dev {
	const struct virtio_device_model *model;
	const struct virtio_transport *transport;
	struct devemu_instance *inst;
	u64 device_features; /* offered */
	u64 driver_features; /* as the driver writes them */
	u64 features; /* accepted with FEATURES_OK */
	u8 status;
	/*
	 * The status before a reset the backend has not finished (busy):
	 * what Status reads until it has, 0 once it has (2.4.1: the device
	 * shows 0 only when it no longer touches the driver's buffers).
	 */
	u8 status_resetting;
	u32 config_generation;
	u32 epoch; /* bumped by every reset */
	u8 config[VIRTIO_MAX_CONFIG];
	u32 config_size;
	struct virtio_queue queues[VIRTIO_MAX_QUEUES];
	void *priv; /* the model's */
	u64 resets, needs_reset; /* counts, for `virtio list` */
	char why[96]; /* what last made the device need a reset */
	struct list_head link; /* in the list of all devices */
};

/*
 * Set up a device of model for the transport on inst; 0, or -errno with
 * the reason reported (nothing to undo).
 */
int virtio_dev_init(struct virtio_dev *vdev,
		    const struct virtio_device_model *model,
		    const struct virtio_transport *transport,
		    struct devemu_instance *inst,
		    const struct devtree_node *node);
void virtio_dev_destroy(struct virtio_dev *vdev);

/* The model called name, or NULL; virtio_model_names lists them all. */
const struct virtio_device_model *virtio_model_find(const char *name);
void virtio_model_names(char *buf, size_t size);

/* ---- the transport's side ---- */

/* 32 bits of the offered features, word sel (0: bits 0-31 ...). */
u32 virtio_dev_device_features(const struct virtio_dev *vdev, u32 sel);
/* Only between DRIVER and FEATURES_OK: ignored otherwise (3.1.1). */
void virtio_dev_set_driver_features(struct virtio_dev *vdev, u32 sel,
				    u32 value);
/* A status write: 0 resets; FEATURES_OK is kept only if acceptable. */
void virtio_dev_set_status(struct virtio_dev *vdev, u8 status);
/* A status read: not 0 after a reset until the backend let go (busy). */
u8 virtio_dev_status(struct virtio_dev *vdev);
void virtio_dev_reset(struct virtio_dev *vdev);
/* QueueReady: 1 sets the queue up from its registers, 0 forgets it. */
void virtio_dev_queue_set_ready(struct virtio_dev *vdev, unsigned int q,
				bool ready);
void virtio_dev_queue_notify(struct virtio_dev *vdev, unsigned int q);
/* Configuration space accesses (sizes 1, 2, 4, 8 within config_size). */
int virtio_dev_config_read(struct virtio_dev *vdev, u32 offset,
			   unsigned int size, u64 *value);
int virtio_dev_config_write(struct virtio_dev *vdev, u32 offset,
			    unsigned int size, u64 value);

/* ---- the model's side ---- */

/*
 * Pop a chain from queue q: 1, 0 (empty) or a negative error, in which
 * case the device already needs a reset (the malformed chain is named).
 */
int virtio_dev_pop(struct virtio_dev *vdev, unsigned int q,
		   struct virtqueue_chain *chain);
/* Push a chain back (written bytes) and interrupt the driver if due. */
void virtio_dev_push(struct virtio_dev *vdev, unsigned int q, u16 head,
		     u32 written);
/*
 * The driver broke the rules in a way the device cannot recover from:
 * set DEVICE_NEEDS_RESET (2.1.2), count it, say why once per reset and
 * tell the driver with a configuration change interrupt after DRIVER_OK.
 * No queue of the device is served again until the driver resets it.
 */
void virtio_dev_needs_reset(struct virtio_dev *vdev, const char *fmt, ...)
	__printf(2, 3);
/* The device's configuration changed on its own (a resized disk...). */
void virtio_dev_config_changed(struct virtio_dev *vdev);
/* Whether queue q is served now (DRIVER_OK, ready, no reset due). */
bool virtio_dev_queue_live(const struct virtio_dev *vdev, unsigned int q);

/* Little-endian stores into the configuration space, for probe. */
void virtio_config_put(struct virtio_dev *vdev, u32 offset, u64 value,
		       unsigned int size);

/* What `virtio list` shows of one device, copied under its lock. */
struct virtio_dev_info {
	char guest[32], node[48];
	const char *type, *transport;
	u8 status;
	u64 features;
	u64 resets, needs_reset;
	char why[96];
	unsigned int nr_queues;
	struct {
		bool ready;
		u16 size;
		struct virtqueue_stats stats;
	} queues[VIRTIO_MAX_QUEUES];
	char backend[128]; /* the model's describe() line */
};

/*
 * Snapshots of every guest virtio device, or of one guest's (guest not
 * NULL): up to max into info, returning how many there are (which may
 * be more than max).
 */
unsigned int virtio_snapshot(const char *guest, struct virtio_dev_info *info,
			     unsigned int max);

#endif
