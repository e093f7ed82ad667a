/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every virtio device shares whatever its transport (VIRTIO 1.2
 * sections 2.1, 5): device status bits, device type IDs and the
 * per-device feature bits and request layouts Keel's device models and
 * host drivers both use. Ring layout and ring feature bits are in
 * hw/virtio_ring.h, the MMIO register block in hw/virtio_mmio.h.
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

/* ---- block device (5.2) ---- */
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_GEOMETRY 4
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_TOPOLOGY 10
#define VIRTIO_BLK_F_CONFIG_WCE 11
#define VIRTIO_BLK_F_MQ 12
#define VIRTIO_BLK_F_DISCARD 13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

/* Configuration layout offsets (5.2.4), little-endian. */
#define VIRTIO_BLK_CFG_CAPACITY 0x00 /* le64, 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX 0x08 /* le32 */
#define VIRTIO_BLK_CFG_SEG_MAX 0x0c /* le32 */
#define VIRTIO_BLK_CFG_GEOMETRY 0x10 /* le16 cylinders, u8 heads, sectors */
#define VIRTIO_BLK_CFG_BLK_SIZE 0x14 /* le32 */
#define VIRTIO_BLK_CFG_TOPOLOGY 0x18 /* u8 exp, u8 align, le16, le32 */
#define VIRTIO_BLK_CFG_WRITEBACK 0x20 /* u8 */
#define VIRTIO_BLK_CFG_NUM_QUEUES 0x22 /* le16 */
#define VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS 0x24 /* le32 */
#define VIRTIO_BLK_CFG_MAX_DISCARD_SEG 0x28 /* le32 */
#define VIRTIO_BLK_CFG_DISCARD_SECTOR_ALIGNMENT 0x2c /* le32 */
#define VIRTIO_BLK_CFG_SIZE 0x3c /* through write_zeroes_may_unmap + pad */

/* Request types and status (5.2.6). */
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_T_DISCARD 11
#define VIRTIO_BLK_T_WRITE_ZEROES 13
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2
#define VIRTIO_BLK_ID_BYTES 20

struct virtio_blk_req_header {
	u32 type;
	u32 reserved;
	u64 sector;
};

struct virtio_blk_discard_write_zeroes {
	u64 sector;
	u32 num_sectors;
	u32 flags; /* bit 0: unmap (write zeroes only) */
};

#endif
