/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device side of a split virtqueue (VIRTIO 1.2 section 2.7), shared by
 * every virtio device model and transport (core/virtio/virtqueue.c). The
 * driver is a guest: everything it wrote is untrusted. Rings and buffers
 * must lie in the guest's RAM (REGION_RAM: never ROM, never an emulated or
 * passthrough region), every descriptor is read once into a local copy,
 * and a malformed ring or chain breaks the queue rather than being
 * guessed at: the caller then sets DEVICE_NEEDS_RESET (2.1.2) and the
 * queue refuses every pop until virtqueue_setup() or virtqueue_reset().
 *
 * One thread at a time per queue: the caller serialises pop, push and the
 * notification calls of one queue (the guest's vCPUs run concurrently
 * with it, which is what the barriers are for). The guest's address
 * space must not change while the queue is set up: host pointers to the
 * rings are kept.
 */
#ifndef KEEL_VIRTQUEUE_H
#define KEEL_VIRTQUEUE_H

#include <hw/virtio_ring.h>
#include <keel/types.h>

struct aspace;

/*
 * Segments one chain may have. A descriptor whose buffer spans two guest
 * RAM regions takes one segment per region; a chain needing more is
 * malformed (2.7.4.1: a device MAY limit the descriptors of a chain).
 * Device models advertise limits below this (e.g. virtio-blk seg_max).
 */
#define VIRTQUEUE_MAX_SEGS 256
/*
 * Descriptors one indirect table may hold (its len / 16). The spec sets
 * no bound; QEMU uses the same 1024.
 */
#define VIRTQUEUE_MAX_INDIRECT 1024
/*
 * Bytes one chain may describe, readable and writable together. 2.7.5
 * allows up to 2^32; one less keeps every total, and so the used ring's
 * len, in a u32.
 */
#define VIRTQUEUE_MAX_CHAIN_BYTES 0xffffffffULL

struct virtqueue_seg {
	void *host; /* Keel's address of the guest bytes */
	u32 len; /* never 0 */
	bool writable; /* device-writable (VIRTQ_DESC_F_WRITE) */
};

/* A popped chain: its device-readable segments first (2.7.4.2). */
struct virtqueue_chain {
	u16 head; /* what virtqueue_push() returns to the driver */
	unsigned int nr_segs;
	u32 readable, writable; /* byte totals of each direction */
	struct virtqueue_seg segs[VIRTQUEUE_MAX_SEGS];
};

/*
 * For a future `virtio list`: over the queue's life, kept across setup
 * and reset (whoever creates the device zeroes them).
 */
struct virtqueue_stats {
	u64 popped, pushed; /* chains; an unpopped one counts per pop */
	u64 bytes_read; /* device-readable bytes of popped chains */
	u64 bytes_written; /* what push said was written */
	u64 malformed; /* pops that broke the queue */
};

struct virtqueue {
	struct aspace *as;
	unsigned int num; /* 0: not set up */
	bool event_idx,
		indirect; /* negotiated VIRTIO_F_EVENT_IDX, _INDIRECT_DESC */
	u64 desc_gpa, avail_gpa, used_gpa;
	/* Host views of the rings, each wholly inside one RAM region. */
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	u16 last_avail; /* next avail ring entry to pop */
	u16 used_idx; /* next used ring entry to fill (= used->idx) */
	u16 notified_used; /* used_idx at the last should_notify */
	unsigned int in_flight; /* popped and not yet pushed */
	int broken; /* 0, or the error every pop returns */
	const char *why; /* what broke it, or refused a push */
	struct virtqueue_stats stats;
};

/*
 * Check and adopt a queue the driver describes: num entries (a power of 2,
 * 1..32768), the descriptor table at desc (16-byte aligned), the available
 * ring at avail (2), the used ring at used (4), each wholly inside ONE RAM
 * region of as (the used_event/avail_event words included when
 * VIRTIO_F_EVENT_IDX is in features). features are the negotiated ones:
 * VIRTIO_F_INDIRECT_DESC and VIRTIO_F_EVENT_IDX change what the queue
 * accepts and does; VIRTIO_F_RING_PACKED is refused (split rings only).
 * Starts at index 0; the statistics carry on (vq is zeroed once, when its
 * device is created). Returns 0, or -EINVAL with why (when why_size)
 * naming the field and value refused, leaving vq not set up.
 */
int virtqueue_setup(struct virtqueue *vq, struct aspace *as, unsigned int num,
		    u64 desc, u64 avail, u64 used, u64 features, char *why,
		    size_t why_size);

/*
 * Forget the queue (device reset, 2.1.2): no ring is touched again until
 * the next setup. The statistics are kept.
 */
void virtqueue_reset(struct virtqueue *vq);

/*
 * Take the next chain the driver made available. Returns 1 with *chain
 * filled, 0 when the available ring is empty, or a negative error when
 * the ring or chain is malformed: vq->why says what (a fixed string),
 * stats.malformed counts it, and the queue stays broken (every later pop
 * returns the same error) until setup or reset. Malformed: avail idx
 * more than num ahead of the last popped entry; a head or next index
 * outside its table; more descriptors than the table (a loop); INDIRECT
 * not negotiated, together with NEXT, inside an indirect table, or a
 * table that is empty, not a multiple of 16 bytes or larger than
 * VIRTQUEUE_MAX_INDIRECT descriptors; a device-readable descriptor after
 * a device-writable one; a buffer or table not wholly in guest RAM or
 * wrapping past 2^64; more than VIRTQUEUE_MAX_SEGS segments or
 * VIRTQUEUE_MAX_CHAIN_BYTES bytes. A zero-length descriptor is allowed
 * (2.7.5 does not forbid it) and gives no segment. With EVENT_IDX, pop
 * also sets avail_event to the new last_avail (2.7.10: "notify me when
 * you add the entry I will pop next").
 */
int virtqueue_pop(struct virtqueue *vq, struct virtqueue_chain *chain);

/*
 * Give back the chain popped last, unused and unseen by the driver: the
 * next pop returns it again (a device whose backend is busy). -EINVAL
 * when nothing is in flight.
 */
int virtqueue_unpop(struct virtqueue *vq);

/*
 * Return a popped chain to the driver: used ring entry {head, written},
 * then (after a barrier, 2.7.8) used idx + 1. written is what the device
 * wrote from the chain's first writable byte on; 0 completes a chain
 * without writing (a request refused, or a transmit buffer). -EINVAL with
 * vq->why, touching nothing, when the queue is not set up, head >= num or
 * nothing is in flight (a device model's bug, not the guest's).
 */
int virtqueue_push(struct virtqueue *vq, u16 head, u32 written);

/*
 * After one or more pushes: must the driver be interrupted? With
 * EVENT_IDX when used_event lies among the entries pushed since the last
 * call (vring_need_event, 2.7.7), else unless the driver set
 * VIRTQ_AVAIL_F_NO_INTERRUPT. false when nothing was pushed since.
 */
bool virtqueue_should_notify(struct virtqueue *vq);

/*
 * Available buffer notifications (2.7.10). disable: without EVENT_IDX
 * set VIRTQ_USED_F_NO_NOTIFY; with it nothing (avail_event, which pop
 * keeps at last_avail, already asks only for what the device has not
 * seen). enable: clear the flag, or set avail_event = last_avail; then
 * returns true when the ring already holds entries again, which the
 * driver added without notifying before the enable was visible: the
 * caller pops them instead of waiting.
 */
void virtqueue_notify_disable(struct virtqueue *vq);
bool virtqueue_notify_enable(struct virtqueue *vq);

/*
 * Bytes of a popped chain by offset within one direction (device-readable
 * or device-writable): copy out of, or into, the chain's segments.
 * Returns the bytes copied (less when the chain is shorter).
 */
size_t virtqueue_chain_read(const struct virtqueue_chain *chain, u32 offset,
			    void *dst, size_t len);
size_t virtqueue_chain_write(const struct virtqueue_chain *chain, u32 offset,
			     const void *src, size_t len);

#endif
