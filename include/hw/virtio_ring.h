/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The split virtqueue's memory layout, from VIRTIO 1.2 section 2.7 (and
 * the reserved feature bits of section 6 that change it): what the
 * device side (core/virtio/virtqueue.c), a future host-side driver and
 * their unit tests share. Every field is little-endian in guest memory
 * (2.7, "non-legacy interface"); Keel's arches run little-endian, which
 * core/virtio/virtqueue.c asserts at build time.
 */
#ifndef HW_VIRTIO_RING_H
#define HW_VIRTIO_RING_H

#include <keel/types.h>

/* ---- reserved feature bits (section 6) ---- */

#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_RING_PACKED 34

/* ---- sizes and alignment (the table in 2.7) ---- */

/* Queue Size is a power of 2 no larger than this (2.7). */
#define VIRTQ_MAX_SIZE 32768U
#define VIRTQ_DESC_ALIGN 16
#define VIRTQ_AVAIL_ALIGN 2
#define VIRTQ_USED_ALIGN 4

/* ---- descriptor table (2.7.5) ---- */

#define VIRTQ_DESC_F_NEXT 1 /* continues via next */
#define VIRTQ_DESC_F_WRITE 2 /* device write-only, else device read-only */
#define VIRTQ_DESC_F_INDIRECT 4 /* addr/len is a table of descriptors */

struct virtq_desc {
	u64 addr; /* guest-physical */
	u32 len;
	u16 flags;
	u16 next;
};

/* ---- available ring (2.7.6), written by the driver ---- */

#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

struct virtq_avail {
	u16 flags;
	u16 idx;
	u16 ring[]; /* Queue Size entries, then used_event (EVENT_IDX) */
};

/* ---- used ring (2.7.8), written by the device ---- */

#define VIRTQ_USED_F_NO_NOTIFY 1

struct virtq_used_elem {
	u32 id; /* head of the chain; 32 bits for padding's sake */
	u32 len; /* bytes written into the chain */
};

struct virtq_used {
	u16 flags;
	u16 idx;
	struct virtq_used_elem ring[]; /* then avail_event (EVENT_IDX) */
};

/* Bytes of each part for a queue of num entries, with the event word. */
#define VIRTQ_DESC_SIZE(num) (16 * (u64)(num))
#define VIRTQ_AVAIL_SIZE(num, event_idx) \
	(4 + 2 * (u64)(num) + ((event_idx) ? 2 : 0))
#define VIRTQ_USED_SIZE(num, event_idx) \
	(4 + 8 * (u64)(num) + ((event_idx) ? 2 : 0))

/*
 * The EVENT_IDX rule (2.7.7, 2.7.10, as Linux's virtio_ring.h writes it):
 * having moved an index from old to new, notify when the other side's
 * event index lies in [old, new), in 16-bit wrapping arithmetic.
 */
static inline bool vring_need_event(u16 event, u16 new_idx, u16 old)
{
	return (u16)(new_idx - event - 1) < (u16)(new_idx - old);
}

#endif
