// SPDX-License-Identifier: GPL-2.0
/*
 * The host's virtio network devices (VIRTIO 1.2 section 5.1) as host
 * network interfaces "eth0", "eth1" ... (keel/netswitch.h), whose port a
 * switch takes as its uplink. No offloads are negotiated, so every frame
 * is a plain Ethernet frame after a 12-byte header (VERSION_1) that is
 * zero on transmit and ignored on receive.
 *
 * Receive: the receive queue is kept full of buffers of one header and
 * one largest frame; each completion (interrupt, or the transport's
 * polling) goes into the switch through the interface's port and the
 * buffer is posted again at once. Transmit: the switch's deliver copies
 * the frame into a free transmit buffer and posts it; finished buffers
 * are taken back by the next transmit, so the transmit queue needs no
 * interrupts, and a ring with none free drops the frame (-ENOSPC).
 */
#include <drivers/virtio.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/netswitch.h>
#include <keel/printk.h>
#include <keel/spinlock.h>
#include <keel/string.h>

#include <hw/virtio.h>
#include <hw/virtio_net.h>

#define VNET_RX_QUEUE 0
#define VNET_TX_QUEUE 1
#define VNET_QUEUE_SIZE 64
/* The most a device writes: the header and the largest frame. */
#define VNET_RX_MAX (VIRTIO_NET_HDR_SIZE + NETSWITCH_FRAME_MAX)
/*
 * Buffers are one byte larger, which no correct device fills: the ring
 * cuts a used length beyond the buffer to the buffer's size, so a device
 * claiming more than it can have written shows as too long and is
 * refused rather than forwarded as a frame of stale bytes.
 */
#define VNET_BUF_SIZE (VNET_RX_MAX + 1)

_Static_assert(VNET_RX_MAX >= VIRTIO_NET_RX_BUF_MIN,
	       "receive buffers hold the largest frame without MRG_RXBUF");

struct vnet_buf {
	struct vnet_buf *next_free; /* transmit buffers not posted */
	u8 data[VNET_BUF_SIZE]; /* header, then the frame */
};

struct vnet {
	struct host_netif nif;
	struct virtio_device *vdev;
	struct host_vq *rx, *tx;
	struct vnet_buf *rx_bufs, *tx_bufs; /* one per ring entry */
	spinlock_t tx_lock; /* tx_free, and posting in order */
	struct vnet_buf *tx_free;
	u64 rx_bad; /* completions shorter than the header or too long */
};

static int rx_post(struct vnet *vn, struct vnet_buf *b)
{
	struct host_vq_buf in = { b->data, VNET_BUF_SIZE };

	return host_vq_add(vn->rx, NULL, 0, &in, 1, b);
}

static void vnet_rx_done(struct host_vq *vq)
{
	struct vnet *vn = vq->priv;
	bool reposted = false;
	struct vnet_buf *b;
	u32 len;

	while ((b = host_vq_get_buf(vq, &len))) {
		if (len < VIRTIO_NET_HDR_SIZE || len > VNET_RX_MAX) {
			if (!vn->rx_bad++)
				printk(KERN_WARN "%s: the device says it "
						 "received %u bytes, not a "
						 "header and at most a %u-byte "
						 "frame: dropped\n",
				       vn->nif.name, len, NETSWITCH_FRAME_MAX);
		} else {
			/* The switch copies it before returning. */
			netswitch_port_send(&vn->nif.port,
					    b->data + VIRTIO_NET_HDR_SIZE,
					    len - VIRTIO_NET_HDR_SIZE);
		}
		if (rx_post(vn, b))
			printk(KERN_ERR "%s: receive buffer not posted again\n",
			       vn->nif.name);
		else
			reposted = true;
	}
	if (reposted)
		virtio_queue_kick(vn->vdev, vq);
}

/* Take back the transmit buffers the device is done with; tx_lock held. */
static void tx_reclaim(struct vnet *vn)
{
	struct vnet_buf *b;

	while ((b = host_vq_get_buf(vn->tx, NULL))) {
		b->next_free = vn->tx_free;
		vn->tx_free = b;
	}
}

static void vnet_tx_done(struct host_vq *vq)
{
	struct vnet *vn = vq->priv;
	unsigned long flags;

	spin_lock_irqsave(&vn->tx_lock, flags);
	tx_reclaim(vn);
	spin_unlock_irqrestore(&vn->tx_lock, flags);
}

static int vnet_deliver(struct netswitch_port *port, const void *frame,
			size_t len)
{
	struct vnet *vn = port->priv;
	struct host_vq_buf out;
	struct vnet_buf *b;
	unsigned long flags;
	int err;

	if (len > NETSWITCH_FRAME_MAX)
		return -EINVAL;
	spin_lock_irqsave(&vn->tx_lock, flags);
	b = vn->tx_free;
	if (!b) {
		tx_reclaim(vn);
		b = vn->tx_free;
	}
	if (!b) {
		spin_unlock_irqrestore(&vn->tx_lock, flags);
		return -ENOSPC;
	}
	vn->tx_free = b->next_free;
	/* No offloads: flags 0, GSO_NONE, and num_buffers unused on tx. */
	memset(b->data, 0, VIRTIO_NET_HDR_SIZE);
	memcpy(b->data + VIRTIO_NET_HDR_SIZE, frame, len);
	out = (struct host_vq_buf){ b->data, VIRTIO_NET_HDR_SIZE + len };
	err = host_vq_add(vn->tx, &out, 1, NULL, 0, b);
	if (err) {
		b->next_free = vn->tx_free;
		vn->tx_free = b;
	}
	spin_unlock_irqrestore(&vn->tx_lock, flags);
	if (err)
		return err;
	virtio_queue_kick(vn->vdev, vn->tx);
	return 0;
}

static const struct netswitch_port_ops vnet_port_ops = {
	.deliver = vnet_deliver,
};

/*
 * Without VIRTIO_NET_F_MAC the driver picks an address (5.1.5): a
 * locally administered unicast one from the device's name, the same on
 * every boot of the same machine.
 */
static void make_mac(struct virtio_device *vdev, u8 *mac)
{
	u32 h = 2166136261u; /* FNV-1a */

	for (const char *p = vdev->name; *p; p++)
		h = (h ^ (u8)*p) * 16777619u;
	mac[0] = 0x02;
	mac[1] = 0x00;
	mac[2] = (u8)(h >> 24);
	mac[3] = (u8)(h >> 16);
	mac[4] = (u8)(h >> 8);
	mac[5] = (u8)h;
}

static void vnet_free(struct vnet *vn)
{
	keel_free(vn->rx_bufs);
	keel_free(vn->tx_bufs);
	keel_free(vn);
}

static int vnet_probe(struct virtio_device *vdev)
{
	bool made_up = false;
	struct vnet *vn;
	int err;

	vn = keel_zalloc(sizeof(*vn));
	if (!vn)
		return -ENOMEM;
	vn->vdev = vdev;
	spin_lock_init(&vn->tx_lock);
	err = virtio_queue_setup(vdev, VNET_RX_QUEUE, VNET_QUEUE_SIZE,
				 vnet_rx_done, vn, &vn->rx);
	if (!err)
		err = virtio_queue_setup(vdev, VNET_TX_QUEUE, VNET_QUEUE_SIZE,
					 vnet_tx_done, vn, &vn->tx);
	if (err) {
		keel_free(vn); /* the transport frees the queues */
		return err;
	}
	vn->rx_bufs = keel_calloc(vn->rx->num, sizeof(*vn->rx_bufs));
	vn->tx_bufs = keel_calloc(vn->tx->num, sizeof(*vn->tx_bufs));
	if (!vn->rx_bufs || !vn->tx_bufs) {
		vnet_free(vn);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < vn->tx->num; i++) {
		vn->tx_bufs[i].next_free = vn->tx_free;
		vn->tx_free = &vn->tx_bufs[i];
	}
	for (unsigned int i = 0; i < vn->rx->num && !err; i++)
		err = rx_post(vn, &vn->rx_bufs[i]);
	if (err) {
		vnet_free(vn);
		return err;
	}
	/* Finished transmissions are collected by the next one. */
	host_vq_set_interrupts(vn->tx, false);

	if (virtio_has_feature(vdev, VIRTIO_NET_F_MAC))
		err = virtio_config_read(vdev, VIRTIO_NET_CFG_MAC, vn->nif.mac,
					 ETH_ALEN);
	if (err || !virtio_has_feature(vdev, VIRTIO_NET_F_MAC)) {
		make_mac(vdev, vn->nif.mac);
		made_up = true;
	}
	vn->nif.port.ops = &vnet_port_ops;
	vn->nif.port.priv = vn;
	err = host_netif_register(&vn->nif);
	if (err) {
		vnet_free(vn); /* the transport resets the device first */
		return err;
	}
	vdev->priv = vn;
	virtio_device_ready(vdev);
	/* Notifications only after DRIVER_OK (3.1.1). */
	virtio_queue_kick(vdev, vn->rx);
	printk(KERN_INFO "virtio-net: %s: %02x:%02x:%02x:%02x:%02x:%02x%s, "
			 "%u receive and %u transmit buffers\n",
	       vn->nif.name, vn->nif.mac[0], vn->nif.mac[1], vn->nif.mac[2],
	       vn->nif.mac[3], vn->nif.mac[4], vn->nif.mac[5],
	       made_up ? " (made up)" : "", vn->rx->num, vn->tx->num);
	return 0;
}

static const struct virtio_driver virtio_net_driver = {
	.name = "virtio-net",
	.device_id = VIRTIO_ID_NET,
	.features = 1ULL << VIRTIO_NET_F_MAC,
	.probe = vnet_probe,
};
VIRTIO_DRIVER_REGISTER(virtio_net_driver);
