/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio network device (VIRTIO 1.2 section 5.1): feature bits, the
 * configuration layout, the header before every frame and the control
 * queue's commands, for Keel's host driver (drivers/virtio/virtio_net.c)
 * and the guests' device model. All fields are little-endian.
 *
 * Queues: receiveq1 is 0, transmitq1 is 1, ... receiveqN 2(N-1),
 * transmitqN 2(N-1)+1; the control queue comes after the last pair
 * (index 2 without VIRTIO_NET_F_MQ).
 */
#ifndef HW_VIRTIO_NET_H
#define HW_VIRTIO_NET_H

#include <keel/types.h>

/* ---- feature bits (5.1.3) ---- */

#define VIRTIO_NET_F_CSUM 0 /* device takes frames with partial checksum */
#define VIRTIO_NET_F_GUEST_CSUM 1 /* driver takes frames with partial csum */
#define VIRTIO_NET_F_CTRL_GUEST_OFFLOADS 2 /* offloads set through ctrl */
#define VIRTIO_NET_F_MTU 3 /* mtu in config is valid */
#define VIRTIO_NET_F_MAC 5 /* mac in config is valid */
#define VIRTIO_NET_F_GUEST_TSO4 7 /* driver takes TSOv4 */
#define VIRTIO_NET_F_GUEST_TSO6 8 /* driver takes TSOv6 */
#define VIRTIO_NET_F_GUEST_ECN 9 /* driver takes TSO with ECN */
#define VIRTIO_NET_F_GUEST_UFO 10 /* driver takes UFO */
#define VIRTIO_NET_F_HOST_TSO4 11 /* device takes TSOv4 */
#define VIRTIO_NET_F_HOST_TSO6 12 /* device takes TSOv6 */
#define VIRTIO_NET_F_HOST_ECN 13 /* device takes TSO with ECN */
#define VIRTIO_NET_F_HOST_UFO 14 /* device takes UFO */
#define VIRTIO_NET_F_MRG_RXBUF 15 /* driver can merge receive buffers */
#define VIRTIO_NET_F_STATUS 16 /* status in config is valid */
#define VIRTIO_NET_F_CTRL_VQ 17 /* control queue */
#define VIRTIO_NET_F_CTRL_RX 18 /* receive mode control */
#define VIRTIO_NET_F_CTRL_VLAN 19 /* VLAN filtering */
#define VIRTIO_NET_F_GUEST_ANNOUNCE 21 /* driver sends gratuitous packets */
#define VIRTIO_NET_F_MQ 22 /* multiqueue with automatic steering */
#define VIRTIO_NET_F_CTRL_MAC_ADDR 23 /* MAC set through ctrl */
#define VIRTIO_NET_F_HOST_USO 56 /* device takes USO */
#define VIRTIO_NET_F_HASH_REPORT 57 /* device reports hash values */
#define VIRTIO_NET_F_GUEST_HDRLEN 59 /* driver gives the exact hdr_len */
#define VIRTIO_NET_F_RSS 60 /* receive-side scaling */
#define VIRTIO_NET_F_RSC_EXT 61 /* coalescing reports */
#define VIRTIO_NET_F_STANDBY 62 /* standby for a primary device */
#define VIRTIO_NET_F_SPEED_DUPLEX 63 /* speed and duplex in config valid */

/* ---- configuration space (5.1.4): byte offsets ---- */

#define VIRTIO_NET_CFG_MAC 0 /* u8[6] */
#define VIRTIO_NET_CFG_STATUS 6 /* le16, VIRTIO_NET_S_* */
#define VIRTIO_NET_CFG_MAX_VIRTQUEUE_PAIRS 8 /* le16 */
#define VIRTIO_NET_CFG_MTU 10 /* le16 */
#define VIRTIO_NET_CFG_SPEED 12 /* le32, Mb/s; 0xffffffff unknown */
#define VIRTIO_NET_CFG_DUPLEX 16 /* u8: 0 half, 1 full, 0xff unknown */
#define VIRTIO_NET_CFG_RSS_MAX_KEY_SIZE 17 /* u8 */
#define VIRTIO_NET_CFG_RSS_MAX_INDIRECTION_TABLE_LENGTH 18 /* le16 */
#define VIRTIO_NET_CFG_SUPPORTED_HASH_TYPES 20 /* le32 */
#define VIRTIO_NET_CFG_SIZE 24

struct virtio_net_config {
	u8 mac[6];
	u16 status;
	u16 max_virtqueue_pairs;
	u16 mtu;
	u32 speed;
	u8 duplex;
	u8 rss_max_key_size;
	u16 rss_max_indirection_table_length;
	u32 supported_hash_types;
} __packed;
_Static_assert(sizeof(struct virtio_net_config) == VIRTIO_NET_CFG_SIZE,
	       "5.1.4: the configuration layout");

#define VIRTIO_NET_S_LINK_UP 1
#define VIRTIO_NET_S_ANNOUNCE 2

/* ---- the header before every frame (5.1.6) ---- */

#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1 /* csum_start, csum_offset valid */
#define VIRTIO_NET_HDR_F_DATA_VALID 2 /* the device checked the checksum */
#define VIRTIO_NET_HDR_F_RSC_INFO 4 /* csum fields carry coalescing info */

#define VIRTIO_NET_HDR_GSO_NONE 0
#define VIRTIO_NET_HDR_GSO_TCPV4 1
#define VIRTIO_NET_HDR_GSO_UDP 3
#define VIRTIO_NET_HDR_GSO_TCPV6 4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5
#define VIRTIO_NET_HDR_GSO_ECN 0x80 /* flag on the TCP types */

/*
 * With VIRTIO_F_VERSION_1 the header always has num_buffers (12 bytes);
 * the hash fields follow only with VIRTIO_NET_F_HASH_REPORT.
 */
struct virtio_net_hdr {
	u8 flags; /* VIRTIO_NET_HDR_F_* */
	u8 gso_type; /* VIRTIO_NET_HDR_GSO_* */
	u16 hdr_len; /* bytes of headers before the payload */
	u16 gso_size; /* payload bytes per segment */
	u16 csum_start; /* where checksumming starts */
	u16 csum_offset; /* where from csum_start the checksum goes */
	u16 num_buffers; /* receive buffers the frame took (MRG_RXBUF) */
} __packed;

struct virtio_net_hdr_hash {
	struct virtio_net_hdr hdr;
	u32 hash_value;
	u16 hash_report;
	u16 padding_reserved;
} __packed;

#define VIRTIO_NET_HDR_SIZE 12
_Static_assert(sizeof(struct virtio_net_hdr) == VIRTIO_NET_HDR_SIZE,
	       "5.1.6: the header is 12 bytes with VIRTIO_F_VERSION_1");
_Static_assert(sizeof(struct virtio_net_hdr_hash) == 20,
	       "5.1.6: 20 bytes with VIRTIO_NET_F_HASH_REPORT");

/*
 * A receive buffer without MRG_RXBUF and without guest TSO/UFO holds at
 * least this (5.1.6.3.1): the header and a 1514-byte frame.
 */
#define VIRTIO_NET_RX_BUF_MIN 1526

/* ---- the control queue (5.1.6.5) ---- */

/* Device-readable class and command, then data; the device writes ack. */
struct virtio_net_ctrl_hdr {
	u8 class;
	u8 command;
} __packed;

#define VIRTIO_NET_OK 0
#define VIRTIO_NET_ERR 1

#define VIRTIO_NET_CTRL_RX 0 /* data: u8 on/off */
#define VIRTIO_NET_CTRL_RX_PROMISC 0
#define VIRTIO_NET_CTRL_RX_ALLMULTI 1
#define VIRTIO_NET_CTRL_RX_ALLUNI 2
#define VIRTIO_NET_CTRL_RX_NOMULTI 3
#define VIRTIO_NET_CTRL_RX_NOUNI 4
#define VIRTIO_NET_CTRL_RX_NOBCAST 5

#define VIRTIO_NET_CTRL_MAC 1
#define VIRTIO_NET_CTRL_MAC_TABLE_SET 0 /* two tables: le32 entries, macs */
#define VIRTIO_NET_CTRL_MAC_ADDR_SET 1 /* data: u8[6] */

#define VIRTIO_NET_CTRL_VLAN 2 /* data: le16 VLAN id */
#define VIRTIO_NET_CTRL_VLAN_ADD 0
#define VIRTIO_NET_CTRL_VLAN_DEL 1

#define VIRTIO_NET_CTRL_ANNOUNCE 3
#define VIRTIO_NET_CTRL_ANNOUNCE_ACK 0

#define VIRTIO_NET_CTRL_MQ 4
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET 0 /* data: le16 pairs */
#define VIRTIO_NET_CTRL_MQ_RSS_CONFIG 1
#define VIRTIO_NET_CTRL_MQ_HASH_CONFIG 2
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN 1
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX 0x8000

#define VIRTIO_NET_CTRL_GUEST_OFFLOADS 5
#define VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET 0 /* data: le64 offload bits */

#endif
