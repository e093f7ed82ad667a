/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-mmio transport's registers (VIRTIO 1.2 section 4.2.2,
 * version 2, "non-legacy"): what Keel's host driver
 * (drivers/virtio/virtio_mmio.c) and the guests' transport
 * (emulators/virtio/mmio.c) share; device status bits and IDs are in
 * hw/virtio.h. Registers are 32 bits wide and
 * little-endian; the device-specific configuration starts at
 * VIRTIO_MMIO_CONFIG.
 */
#ifndef HW_VIRTIO_MMIO_H
#define HW_VIRTIO_MMIO_H

#include <hw/virtio.h>

/* ---- registers (4.2.2) ---- */

#define VIRTIO_MMIO_MAGIC_VALUE 0x000 /* R: "virt" */
#define VIRTIO_MMIO_VERSION 0x004 /* R: 2; 1 is the legacy interface */
#define VIRTIO_MMIO_DEVICE_ID 0x008 /* R: 0 means no device */
#define VIRTIO_MMIO_VENDOR_ID 0x00c /* R */
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010 /* R: 32 bits of them... */
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014 /* W: ...chosen here */
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020 /* W */
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024 /* W */
#define VIRTIO_MMIO_QUEUE_SEL 0x030 /* W */
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034 /* R: 0 when no such queue */
#define VIRTIO_MMIO_QUEUE_NUM 0x038 /* W */
#define VIRTIO_MMIO_QUEUE_READY 0x044 /* RW */
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050 /* W: the queue index */
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060 /* R */
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064 /* W */
#define VIRTIO_MMIO_STATUS 0x070 /* RW: writing 0 resets */
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080 /* W */
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084 /* W */
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090 /* W: the available ring */
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094 /* W */
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0 /* W: the used ring */
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4 /* W */
#define VIRTIO_MMIO_SHM_SEL 0x0ac /* W */
#define VIRTIO_MMIO_SHM_LEN_LOW 0x0b0 /* R */
#define VIRTIO_MMIO_SHM_LEN_HIGH 0x0b4 /* R */
#define VIRTIO_MMIO_SHM_BASE_LOW 0x0b8 /* R */
#define VIRTIO_MMIO_SHM_BASE_HIGH 0x0bc /* R */
#define VIRTIO_MMIO_QUEUE_RESET 0x0c0 /* RW */
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc /* R */
#define VIRTIO_MMIO_CONFIG 0x100 /* device-specific configuration */

#define VIRTIO_MMIO_MAGIC 0x74726976 /* "virt", little-endian */
#define VIRTIO_MMIO_VERSION_LEGACY 1
#define VIRTIO_MMIO_VERSION_MODERN 2
/* The window a virtio,mmio node's "reg" covers on QEMU's virt machines. */
#define VIRTIO_MMIO_WINDOW 0x200

/* InterruptStatus / InterruptACK bits */
#define VIRTIO_MMIO_INT_VRING (1U << 0) /* a used buffer notification */
#define VIRTIO_MMIO_INT_CONFIG (1U << 1) /* the configuration changed */

#endif
