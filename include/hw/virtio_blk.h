/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio block device (VIRTIO 1.2 section 5.2): feature bits, the
 * configuration layout and the request format, for Keel's host driver
 * (drivers/virtio/virtio_blk.c) and the guests' device model (emulators/virtio/blk.c). Sectors
 * are always 512 bytes, whatever blk_size says; all fields little-endian.
 */
#ifndef HW_VIRTIO_BLK_H
#define HW_VIRTIO_BLK_H

#include <keel/types.h>

/* ---- feature bits (5.2.3) ---- */

#define VIRTIO_BLK_F_SIZE_MAX 1 /* size_max: largest segment */
#define VIRTIO_BLK_F_SEG_MAX 2 /* seg_max: most segments per request */
#define VIRTIO_BLK_F_GEOMETRY 4
#define VIRTIO_BLK_F_RO 5 /* the device is read-only */
#define VIRTIO_BLK_F_BLK_SIZE 6 /* blk_size is valid */
#define VIRTIO_BLK_F_FLUSH 9 /* VIRTIO_BLK_T_FLUSH works */
#define VIRTIO_BLK_F_TOPOLOGY 10
#define VIRTIO_BLK_F_CONFIG_WCE 11
#define VIRTIO_BLK_F_MQ 12
#define VIRTIO_BLK_F_DISCARD 13 /* VIRTIO_BLK_T_DISCARD works */
#define VIRTIO_BLK_F_WRITE_ZEROES 14

#define VIRTIO_BLK_SECTOR_SIZE 512U

/* ---- configuration space (5.2.4): byte offsets ---- */

#define VIRTIO_BLK_CFG_CAPACITY 0 /* le64, in 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX 8 /* le32 */
#define VIRTIO_BLK_CFG_SEG_MAX 12 /* le32 */
#define VIRTIO_BLK_CFG_GEOMETRY 16 /* le16 cylinders, u8 heads, sectors */
#define VIRTIO_BLK_CFG_BLK_SIZE 20 /* le32 */
#define VIRTIO_BLK_CFG_TOPOLOGY 24 /* 8 bytes */
#define VIRTIO_BLK_CFG_WRITEBACK 32 /* u8 */
#define VIRTIO_BLK_CFG_NUM_QUEUES 34 /* le16 */
#define VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS 36 /* le32 */
#define VIRTIO_BLK_CFG_MAX_DISCARD_SEG 40 /* le32 */
#define VIRTIO_BLK_CFG_DISCARD_SECTOR_ALIGNMENT 44 /* le32 */
#define VIRTIO_BLK_CFG_MAX_WRITE_ZEROES_SECTORS 48 /* le32 */
#define VIRTIO_BLK_CFG_MAX_WRITE_ZEROES_SEG 52 /* le32 */
#define VIRTIO_BLK_CFG_WRITE_ZEROES_MAY_UNMAP 56 /* u8 */
#define VIRTIO_BLK_CFG_SIZE 60 /* through write_zeroes_may_unmap + pad */

/* ---- requests (5.2.6) ---- */

#define VIRTIO_BLK_T_IN 0 /* read */
#define VIRTIO_BLK_T_OUT 1 /* write */
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_T_DISCARD 11
#define VIRTIO_BLK_T_WRITE_ZEROES 13

#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2
/* GET_ID answers this many bytes, NUL-padded when shorter. */
#define VIRTIO_BLK_ID_BYTES 20

/* Device-readable, first in every request. */
struct virtio_blk_req_header {
	u32 type;
	u32 reserved;
	u64 sector; /* 512-byte units; 0 for FLUSH and DISCARD */
};

/* The data of DISCARD and WRITE_ZEROES: one or more of these. */
struct virtio_blk_discard_write_zeroes {
	u64 sector;
	u32 num_sectors;
	u32 flags; /* bit 0: unmap (WRITE_ZEROES only) */
};

/* The device writes one status byte after the data. */

#endif
