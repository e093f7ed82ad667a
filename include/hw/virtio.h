/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every virtio device shares whatever its transport (VIRTIO 1.2
 * sections 2.1, 5, 6): device status bits, device type IDs and the
 * reserved feature bits, for Keel's device models and host drivers.
 * Ring layout and ring feature bits are in hw/virtio_ring.h, the MMIO
 * register block in hw/virtio_mmio.h, each device type's layout in
 * hw/virtio_<type>.h.
 */
#ifndef HW_VIRTIO_H
#define HW_VIRTIO_H

#include <hw/virtio_ring.h>
#include <keel/types.h>

/* ---- device status field (2.1) ---- */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED 128

/* ---- device IDs (5) ---- */
#define VIRTIO_ID_NONE 0 /* an empty virtio-mmio slot */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG 4

/* ---- reserved feature bits not about the ring (6) ---- */
#define VIRTIO_F_ACCESS_PLATFORM 33
#define VIRTIO_F_IN_ORDER 35
#define VIRTIO_F_ORDER_PLATFORM 36
#define VIRTIO_F_SR_IOV 37
#define VIRTIO_F_NOTIFICATION_DATA 38
#define VIRTIO_F_RING_RESET 40

#endif
