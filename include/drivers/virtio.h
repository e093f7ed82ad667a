/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keel as the virtio *driver* of the host's virtio devices (VIRTIO 1.2,
 * modern interface only): what the transport (drivers/virtio/virtio_mmio.c),
 * the one driver-side split virtqueue (drivers/virtio/virtio_ring.c) and
 * the device drivers (virtio_blk.c, virtio_rng.c) share. The guest side,
 * where Keel is the device, is core/virtio/ and keel/virtqueue.h.
 *
 * A transport finds a device, resets it, negotiates features with the
 * device driver registered for its device ID (VIRTIO_DRIVER_REGISTER)
 * and calls that driver's probe. Probe reads the configuration, sets up
 * its queues (virtio_queue_setup), calls virtio_device_ready and only
 * then starts using them.
 */
#ifndef DRIVERS_VIRTIO_H
#define DRIVERS_VIRTIO_H

#include <keel/printf.h>
#include <keel/sched.h>
#include <keel/spinlock.h>
#include <keel/types.h>
#include <hw/virtio_ring.h>

struct host_vq;
struct thread;

/* ---- the driver-side split virtqueue (virtio_ring.c) ---- */

/* One buffer of a chain: a Keel address (RAM, so DMA-able) and length. */
struct host_vq_buf {
	void *addr;
	u32 len;
};

struct host_vq_stats {
	u64 added; /* chains made available */
	u64 completed; /* chains the device returned */
	u64 notifications; /* kicks that reached the device */
	u64 bad_used; /* used entries refused: unknown id, bad length */
};

struct host_vq {
	unsigned int index; /* the queue's number in its device */
	u16 num; /* entries, a power of 2 */
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	paddr_t desc_pa, avail_pa, used_pa;
	unsigned int order; /* of the page block holding all three */
	/* Per head: the caller's cookie (NULL: not posted), its length. */
	void **cookies;
	u16 *chain_len; /* descriptors in the chain */
	u32 *in_bytes; /* device-writable bytes the chain offers */
	u16 *next; /* per descriptor: the next of its chain or free list */
	u16 free_head; /* first free descriptor */
	u16 num_free;
	unsigned int in_flight; /* chains posted, not yet returned */
	bool broken; /* the device's used index went wild: no more */
	u16 avail_idx; /* our copy of avail->idx */
	u16 last_used; /* used entries consumed so far */
	spinlock_t lock; /* add, get_buf, kick */
	/* Tell the device about new buffers (the transport's notify). */
	void (*notify)(struct host_vq *vq);
	/* The device returned buffers; interrupt context or poll timer. */
	void (*callback)(struct host_vq *vq);
	void *transport_priv;
	void *priv; /* the device driver's */
	const char *name; /* for messages: "<device>/<queue>" */
	struct host_vq_stats stats;
};

/*
 * Allocate and lay out a queue of num entries (a power of 2, at most
 * VIRTQ_MAX_SIZE) in zeroed, physically contiguous pages: -EINVAL,
 * -ENOMEM. notify is how buffers reach the device.
 */
int host_vq_init(struct host_vq *vq, const char *name, unsigned int index,
		 unsigned int num, void (*notify)(struct host_vq *vq));
/* Free the rings; the device must no longer use them (reset first). */
void host_vq_free(struct host_vq *vq);
/*
 * Make one chain available: out device-readable buffers, then in
 * device-writable ones (at least one buffer in all). cookie (not NULL)
 * comes back from host_vq_get_buf. -ENOSPC when the ring lacks free
 * descriptors (try again after completions), -EINVAL for no buffers, a
 * NULL cookie or a chain longer than the ring. The device sees it after
 * host_vq_kick.
 */
int host_vq_add(struct host_vq *vq, const struct host_vq_buf *out,
		unsigned int nr_out, const struct host_vq_buf *in,
		unsigned int nr_in, void *cookie);
/* Notify the device of what was added, unless it asked not to be. */
void host_vq_kick(struct host_vq *vq);
/*
 * The next chain the device has returned, its cookie, and in *len the
 * bytes it wrote (never more than the chain offered); NULL when none. A
 * used entry naming no posted chain is logged, counted and skipped.
 */
void *host_vq_get_buf(struct host_vq *vq, u32 *len);
/* Chains posted and not yet returned. */
unsigned int host_vq_in_flight(struct host_vq *vq);
/* Ask the device for used-buffer interrupts (default) or not. */
void host_vq_set_interrupts(struct host_vq *vq, bool on);

/* ---- devices and their drivers ---- */

struct virtio_device;

struct virtio_transport_ops {
	/* Configuration space: len bytes from offset, consistently. */
	int (*config_read)(struct virtio_device *vdev, unsigned int offset,
			   void *buf, unsigned int len);
	/* Set up queue index with at most max_num entries. */
	int (*queue_setup)(struct virtio_device *vdev, unsigned int index,
			   unsigned int max_num, struct host_vq *vq);
	/* Set DRIVER_OK: the device may use the queues. */
	void (*ready)(struct virtio_device *vdev);
};

#define VIRTIO_MAX_QUEUES 4

struct virtio_device {
	const char *name; /* "virtio_mmio@a003e00" */
	u32 device_id; /* VIRTIO_ID_* */
	u64 features; /* negotiated */
	const struct virtio_transport_ops *ops;
	void *transport_priv;
	const struct virtio_driver *driver;
	void *priv; /* the device driver's */
	struct host_vq *queues[VIRTIO_MAX_QUEUES]; /* set up ones */
	/*
	 * No usable interrupt: a thread of the transport's polls the queues
	 * while chains are in flight (virtio_queue_kick wakes it).
	 */
	bool polled;
	struct thread *poller;
	struct waitqueue poll_wait;
};

struct virtio_driver {
	const char *name;
	u32 device_id;
	/*
	 * Device feature bits the driver can use; VIRTIO_F_VERSION_1 is
	 * always asked for and required.
	 */
	u64 features;
	/*
	 * The device is reset and its features negotiated (vdev->features);
	 * set up the queues, call virtio_device_ready, start. On failure the
	 * transport marks the device FAILED.
	 */
	int (*probe)(struct virtio_device *vdev);
};

#define VIRTIO_DRIVER_REGISTER(var)                                        \
	static const struct virtio_driver *const __virtio_driver_ptr_##var \
		__used __section(".keel.virtio_drivers." #var) = &(var)

/* The driver registered for a device ID, or NULL. */
const struct virtio_driver *virtio_driver_find(u32 device_id);

static inline bool virtio_has_feature(const struct virtio_device *vdev,
				      unsigned int bit)
{
	return vdev->features & (1ULL << bit);
}

/*
 * Of the features the device offers, those to accept: its driver's
 * (vdev->driver) and VIRTIO_F_VERSION_1, which Keel requires (-ENOTSUP,
 * logged, when the device does not offer it). Every transport negotiates
 * through this.
 */
int virtio_features_select(struct virtio_device *vdev, u64 offered,
			   u64 *accepted);
int virtio_config_read(struct virtio_device *vdev, unsigned int offset,
		       void *buf, unsigned int len);
/* Little-endian configuration fields; 0 when the read fails. */
u32 virtio_config_read32(struct virtio_device *vdev, unsigned int offset);
u64 virtio_config_read64(struct virtio_device *vdev, unsigned int offset);
/*
 * Set up queue index with at most max_num entries (fewer when the device
 * offers fewer); callback runs when the device returns buffers.
 */
int virtio_queue_setup(struct virtio_device *vdev, unsigned int index,
		       unsigned int max_num, void (*callback)(struct host_vq *),
		       void *priv, struct host_vq **out);
void virtio_device_ready(struct virtio_device *vdev);
/*
 * Chains were added: kick the queue and, on a polled device, wake the
 * poller. Never waits: callers may hold locks the callbacks take.
 */
void virtio_queue_kick(struct virtio_device *vdev, struct host_vq *vq);
/*
 * The device returned buffers: run the callback of each queue. The
 * transport calls it from its interrupt handler, or from the polling
 * thread of a device without a usable interrupt.
 */
void virtio_device_interrupt(struct virtio_device *vdev);
/*
 * A device without a usable interrupt gets a polling thread. The
 * transport creates it before the driver's probe (-ENOMEM), so that
 * nothing can fail once the probe has succeeded (a driver cannot be
 * unbound), and marks the device polled: kicks during the probe wake
 * nobody. After a successful probe virtio_poller_start runs it for the
 * device's life, first completing whatever the probe put in flight;
 * after a failed one virtio_poller_destroy frees it, never having run,
 * so that the transport may free the queues and the device.
 */
int virtio_poller_create(struct virtio_device *vdev);
void virtio_poller_start(struct virtio_device *vdev);
void virtio_poller_destroy(struct virtio_device *vdev);

#endif
