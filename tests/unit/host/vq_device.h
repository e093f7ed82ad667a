/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device's side of the host driver's split virtqueues
 * (drivers/virtio/virtio_ring.c), for host tests of it and of the
 * drivers on it: a fake device walks the available ring and descriptor
 * table the driver laid out (physical addresses are host addresses, see
 * host/include/asm/mmu.h) and returns chains through the used ring,
 * correctly or not. With the pages the rings live in, from libc so that
 * ASan sees every one.
 */
#ifndef KEEL_UNIT_VQ_DEVICE_H
#define KEEL_UNIT_VQ_DEVICE_H

#include <drivers/virtio.h>

/* A chain as the device read it; no driver chain is longer. */
struct vq_chain {
	u16 head;
	unsigned int nr, nr_out; /* descriptors, of which device-readable */
	struct virtq_desc d[8];
};

/*
 * Take the next available chain of vq, *last_avail being the device's
 * next available entry: false when there is none, or (failing the test)
 * when the chain leaves the table or is longer than a vq_chain.
 */
bool vq_dev_pop(struct host_vq *vq, u16 *last_avail, struct vq_chain *c);
/* Return chain id, len bytes written, through the used ring. */
void vq_dev_push(struct host_vq *vq, u32 id, u32 len);

#endif
