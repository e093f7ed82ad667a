/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio console device (VIRTIO 1.2 section 5.3): its queues, feature
 * bits and configuration layout, for the guests' device model
 * (emulators/virtio/console.c). All fields little-endian.
 */
#ifndef HW_VIRTIO_CONSOLE_H
#define HW_VIRTIO_CONSOLE_H

/* ---- virtqueues (5.3.2) ---- */

#define VIRTIO_CONSOLE_RECEIVEQ_PORT0 0 /* device to driver */
#define VIRTIO_CONSOLE_TRANSMITQ_PORT0 1 /* driver to device */
/* With VIRTIO_CONSOLE_F_MULTIPORT only: */
#define VIRTIO_CONSOLE_CONTROL_RECEIVEQ 2
#define VIRTIO_CONSOLE_CONTROL_TRANSMITQ 3

/* ---- feature bits (5.3.3) ---- */

#define VIRTIO_CONSOLE_F_SIZE 0 /* cols and rows are valid */
#define VIRTIO_CONSOLE_F_MULTIPORT 1 /* max_nr_ports, control queues */
#define VIRTIO_CONSOLE_F_EMERG_WRITE 2 /* emerg_wr works */

/* ---- configuration space (5.3.4): byte offsets ---- */

#define VIRTIO_CONSOLE_CFG_COLS 0 /* le16 */
#define VIRTIO_CONSOLE_CFG_ROWS 2 /* le16 */
#define VIRTIO_CONSOLE_CFG_MAX_NR_PORTS 4 /* le32 */
#define VIRTIO_CONSOLE_CFG_EMERG_WR 8 /* le32, write-only: one character */
#define VIRTIO_CONSOLE_CFG_SIZE 12

#endif
