/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtio driver for host tests of guests' virtio device models: the
 * model runs behind the real device core (core/virtio/device.c) and
 * virtio-mmio transport (emulators/virtio/mmio.c) on the fake guest of
 * fake_guest.h, and the test drives it as a guest's driver would, with
 * its rings and buffers in fake guest RAM behind the real core/aspace.c.
 *
 * Each device gets a struct vdrv: its instance, description node, line,
 * and where its rings lie. Queue q's descriptor table is at
 * ram + ring_stride * q, its available ring a quarter of the stride
 * further, its used ring half of it; the test lays out its buffers
 * elsewhere in the device's area.
 */
#ifndef KEEL_UNIT_VIRTIO_DRIVER_H
#define KEEL_UNIT_VIRTIO_DRIVER_H

#include <keel/bitops.h>
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/virtio.h>

#include <hw/virtio_mmio.h>

#include "host/fake_guest.h"

/* ---- the guest's RAM ---- */

#define VDRV_RAM 0x40000000ULL
#define VDRV_RAM_MAX (4ULL << 20)

/* A fresh fake guest called name with size bytes of zeroed RAM. */
void vdrv_guest(const char *name, u64 size);
/* Host address of guest address gpa, which must be in the RAM. */
void *vdrv_gpa(u64 gpa);

/* ---- devices ---- */

struct vdrv {
	struct devemu_instance *inst;
	struct devtree_node node; /* keel,device ... set by the test */
	unsigned int irq;
	u64 ram; /* the device's own area of guest RAM */
	u64 ring_stride; /* bytes between two queues' rings */
	u16 qsize;
	u16 avail_idx[VIRTIO_MAX_QUEUES];
	u16 used_seen[VIRTIO_MAX_QUEUES];
};

/*
 * Probe a virtio,mmio instance called name at mmio base for d (its node
 * and irq set): 0, or the error, in which case d->inst is NULL again.
 */
int vdrv_probe(struct vdrv *d, const char *name, u64 base);
/* Remove and free the instance. */
void vdrv_destroy(struct vdrv *d);
/* The device core's state (the transport's state starts with it). */
struct virtio_dev *vdrv_vdev(const struct vdrv *d);
/* The device's line in `virtio list` (its describe()), or "". */
const char *vdrv_describe(const struct vdrv *d);
/* The device's interrupt line. */
bool vdrv_line(const struct vdrv *d);

/* ---- registers ---- */

u32 vdrv_rd(struct vdrv *d, u64 off);
void vdrv_wr(struct vdrv *d, u64 off, u32 v);
u32 vdrv_status(struct vdrv *d);
u64 vdrv_device_features(struct vdrv *d);

#define VDRV_S_UP                                           \
	(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | \
	 VIRTIO_STATUS_FEATURES_OK)
#define VDRV_S_OK (VDRV_S_UP | VIRTIO_STATUS_DRIVER_OK)

/* 3.1.1 from a reset to FEATURES_OK with features: the status read back. */
u32 vdrv_negotiate(struct vdrv *d, u64 features);
/* Queue q of qsize at its rings (zeroed) made ready. */
void vdrv_queue_setup(struct vdrv *d, unsigned int q);
/* Negotiate features, set up queues 0..nr_queues-1, DRIVER_OK. */
void vdrv_bring_up(struct vdrv *d, u64 features, unsigned int nr_queues);

/* ---- rings ---- */

struct virtq_desc *vdrv_desc(struct vdrv *d, unsigned int q, unsigned int i);
void vdrv_set_desc(struct vdrv *d, unsigned int q, unsigned int i, u64 addr,
		   u32 len, u16 flags, u16 next);
/* Make the chain at head available (without notifying). */
void vdrv_offer(struct vdrv *d, unsigned int q, u16 head);
void vdrv_notify(struct vdrv *d, unsigned int q);
struct virtq_used *vdrv_used(struct vdrv *d, unsigned int q);
u16 vdrv_used_idx(struct vdrv *d, unsigned int q);
/* Used element idx of queue q. */
const struct virtq_used_elem *vdrv_used_elem(struct vdrv *d, unsigned int q,
					     u16 idx);
/*
 * The next used element not seen yet, which must be there (else the
 * test fails and this is { 0xffff, 0xffffffff }).
 */
struct virtq_used_elem vdrv_next_used(struct vdrv *d, unsigned int q);

#endif
