// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net for guests (VIRTIO 1.2 section 5.1): one receive queue (0)
 * and one transmit queue (1), each device a port of a virtual network
 * switch (keel/netswitch.h). `keel,backend` names the switch (absent:
 * NETSWITCH_DEFAULT); the MAC is `local-mac-address` or `keel,mac`, else
 * one derived from "<guest>/<node>", so that a guest keeps its address
 * across boots and two guests' addresses differ.
 *
 * Offered: MAC, STATUS (the link is always up: the port exists as long
 * as the device) and MTU 1500. No checksum or segmentation offload and
 * no mergeable receive buffers: every packet is one whole Ethernet frame
 * of at most NETSWITCH_FRAME_MAX bytes after the 12-byte header (VERSION_1
 * always has num_buffers), and each receive buffer takes one packet.
 *
 * The switch delivers with its own lock held and may take this device's
 * instance lock to do so, so the device must never send into the switch
 * under that lock (two guests sending to each other would deadlock).
 * Transmit therefore runs in a thread per device that a notification
 * wakes: under the instance lock it copies a batch of frames out of the
 * guest's buffers and gives the buffers back, then sends the batch with
 * the lock dropped. Receive is the port's deliver operation, which fills
 * one receive buffer under the lock in whatever context the switch runs.
 *
 * The port is attached at probe and detached at remove: attaching is
 * for threads and DRIVER_OK arrives under the instance lock, and a port
 * that exists for the device's whole life shows in `netswitch port list`
 * from the guest's creation (frames for a driver not yet ready are
 * refused with -ENETDOWN and counted by the switch).
 */
#include <hw/virtio_net.h>
#include <keel/bitops.h>
#include <keel/crc32.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/netswitch.h>
#include <keel/printf.h>
#include <keel/sched.h>
#include <keel/string.h>
#include <keel/virtio.h>

#define NET_RXQ 0
#define NET_TXQ 1
#define NET_HDR_SIZE sizeof(struct virtio_net_hdr)
#define NET_MTU 1500
/* Frames copied out per lock hold before they are sent. */
#define NET_TX_BATCH 16
/*
 * Derived MACs: locally administered, unicast (first octet 0x02), then
 * 'K' for Keel, then 32 bits of the port name's CRC.
 */
#define NET_MAC_OUI0 0x02
#define NET_MAC_OUI1 0x4b

struct virtio_net {
	struct virtio_dev *vdev;
	struct netswitch_port port;
	char switch_name[NETSWITCH_NAME_LEN];
	u8 mac[ETH_ALEN];
	/* Bumped by every device reset: frames copied before are not sent. */
	u32 resets;
	/* Under the instance lock: */
	u64 rx_frames, rx_bytes, rx_dropped;
	u64 tx_frames, tx_bytes, tx_dropped;
	struct virtqueue_chain rx_chain;
	/* The worker and its flags (guarded by wait.lock). */
	struct thread *worker;
	struct waitqueue wait;
	bool work, stop, stopped;
	/* The worker's own. */
	struct virtqueue_chain tx_chain;
	unsigned int batch;
	u16 frame_len[NET_TX_BATCH];
	u8 frames[NET_TX_BATCH][NETSWITCH_FRAME_MAX];
};

/* ---- receive: the switch hands the port a frame ---- */

static int net_deliver(struct netswitch_port *port, const void *frame,
		       size_t len)
{
	struct virtio_net *n = port->priv;
	struct virtio_dev *vdev = n->vdev;
	struct virtqueue_chain *c = &n->rx_chain;
	struct virtio_net_hdr hdr = { .num_buffers = 1 };
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&vdev->inst->lock, flags);
	/* Pop and push happen in this one lock hold: no reset between. */
	ret = virtio_dev_pop(vdev, NET_RXQ, c);
	if (ret <= 0) {
		/* Not live, or broken just now by a malformed chain. */
		ret = ret == 0 && virtio_dev_queue_live(vdev, NET_RXQ) ?
			      -ENOSPC :
			      -ENETDOWN;
		goto drop;
	}
	/* 5.1.6.3: receive buffers are device-writable, header included. */
	if (c->readable || c->writable < NET_HDR_SIZE) {
		virtio_dev_needs_reset(
			vdev, c->readable ? "receiveq: a device-readable "
					    "buffer" :
					    "receiveq: a buffer smaller than "
					    "the 12-byte header");
		ret = -ENETDOWN;
		goto drop;
	}
	/*
	 * A buffer with room for the header but not this frame (the driver
	 * SHOULD give 1526 bytes, 5.1.6.3.1): no buffer for the frame, which
	 * is dropped; the buffer stays for a smaller one.
	 */
	if (c->writable - NET_HDR_SIZE < len) {
		virtqueue_unpop(&vdev->queues[NET_RXQ].vq);
		ret = -ENOSPC;
		goto drop;
	}
	virtqueue_chain_write(c, 0, &hdr, NET_HDR_SIZE);
	virtqueue_chain_write(c, NET_HDR_SIZE, frame, len);
	virtio_dev_push(vdev, NET_RXQ, c->head, (u32)(NET_HDR_SIZE + len));
	n->rx_frames++;
	n->rx_bytes += len;
	spin_unlock_irqrestore(&vdev->inst->lock, flags);
	return 0;
drop:
	n->rx_dropped++;
	spin_unlock_irqrestore(&vdev->inst->lock, flags);
	return ret;
}

static const struct netswitch_port_ops net_port_ops = {
	.deliver = net_deliver,
};

/* ---- transmit: the worker ---- */

/*
 * Take the frame of the chain just popped into the batch: 1 when it is
 * to be sent, 0 when it was dropped (counted), -EINVAL when the chain
 * breaks the transmit queue's rules (the caller needs a reset). Under
 * the instance lock.
 */
static int take_frame(struct virtio_net *n)
{
	const struct virtqueue_chain *c = &n->tx_chain;
	struct virtio_net_hdr hdr;
	u32 len;

	/* 5.1.6.2: a packet is a header and a frame, device-readable. */
	if (c->writable || c->readable < NET_HDR_SIZE)
		return -EINVAL;
	virtqueue_chain_read(c, 0, &hdr, NET_HDR_SIZE);
	len = c->readable - (u32)NET_HDR_SIZE;
	/*
	 * No offload was offered: a frame asking for a checksum or for
	 * segmentation cannot be sent as the driver meant it.
	 */
	if ((hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) ||
	    hdr.gso_type != VIRTIO_NET_HDR_GSO_NONE ||
	    len < NETSWITCH_FRAME_MIN || len > NETSWITCH_FRAME_MAX) {
		n->tx_dropped++;
		return 0;
	}
	virtqueue_chain_read(c, NET_HDR_SIZE, n->frames[n->batch], len);
	n->frame_len[n->batch] = (u16)len;
	return 1;
}

/*
 * Copy up to a batch of frames out and give their buffers back: whether
 * the queue may hold more. Under the instance lock.
 */
static bool fill_batch(struct virtio_net *n)
{
	struct virtio_dev *vdev = n->vdev;
	int ret;

	n->batch = 0;
	while (n->batch < NET_TX_BATCH) {
		ret = virtio_dev_pop(vdev, NET_TXQ, &n->tx_chain);
		if (ret <= 0)
			return false;
		ret = take_frame(n);
		if (ret < 0) {
			virtio_dev_needs_reset(
				vdev, "transmitq: %s",
				n->tx_chain.writable ?
					"a device-writable buffer" :
					"a packet shorter than "
					"the 12-byte header");
			return false;
		}
		virtio_dev_push(vdev, NET_TXQ, n->tx_chain.head, 0);
		n->batch += (unsigned int)ret;
	}
	return true;
}

static void serve_tx(struct virtio_net *n)
{
	struct devemu_instance *inst = n->vdev->inst;
	unsigned long flags;
	unsigned int sent;
	u64 bytes;
	bool more;
	u32 resets;

	do {
		spin_lock_irqsave(&inst->lock, flags);
		resets = n->resets;
		more = fill_batch(n);
		spin_unlock_irqrestore(&inst->lock, flags);
		if (!n->batch)
			return;
		bytes = 0;
		for (sent = 0; sent < n->batch; sent++) {
			/* The driver reset the device: it sends nothing more. */
			if (READ_ONCE(n->resets) != resets)
				break;
			netswitch_port_send(&n->port, n->frames[sent],
					    n->frame_len[sent]);
			bytes += n->frame_len[sent];
		}
		spin_lock_irqsave(&inst->lock, flags);
		n->tx_frames += sent;
		n->tx_bytes += bytes;
		n->tx_dropped += n->batch - sent;
		spin_unlock_irqrestore(&inst->lock, flags);
		if (sent < n->batch)
			return;
	} while (more);
}

static void net_worker(void *arg)
{
	struct virtio_net *n = arg;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&n->wait.lock, flags);
		while (!n->work && !n->stop)
			waitqueue_sleep_locked(&n->wait, &flags);
		if (n->stop) {
			n->stopped = true;
			spin_unlock_irqrestore(&n->wait.lock, flags);
			thread_exit();
		}
		n->work = false;
		spin_unlock_irqrestore(&n->wait.lock, flags);
		serve_tx(n);
	}
}

static void wake_worker(struct virtio_net *n, bool stop)
{
	unsigned long flags;

	spin_lock_irqsave(&n->wait.lock, flags);
	if (stop)
		n->stop = true;
	else
		n->work = true;
	spin_unlock_irqrestore(&n->wait.lock, flags);
	waitqueue_wake_all(&n->wait);
}

static void net_queue_notify(struct virtio_dev *vdev, unsigned int q)
{
	/* New receive buffers need nothing: deliver finds them. */
	if (q == NET_TXQ)
		wake_worker(vdev->priv, false);
}

static void net_reset(struct virtio_dev *vdev)
{
	struct virtio_net *n = vdev->priv;

	WRITE_ONCE(n->resets, n->resets + 1);
}

/* ---- the description ---- */

static int parse_mac_string(const char *s, u8 mac[ETH_ALEN])
{
	for (unsigned int i = 0; i < ETH_ALEN; i++) {
		unsigned int v = 0;

		for (unsigned int d = 0; d < 2; d++) {
			char ch = *s++;

			if (ch >= '0' && ch <= '9')
				v = v * 16 + (unsigned int)(ch - '0');
			else if (ch >= 'a' && ch <= 'f')
				v = v * 16 + (unsigned int)(ch - 'a' + 10);
			else if (ch >= 'A' && ch <= 'F')
				v = v * 16 + (unsigned int)(ch - 'A' + 10);
			else
				return -EINVAL;
		}
		mac[i] = (u8)v;
		if (*s != (i == ETH_ALEN - 1 ? '\0' : ':'))
			return -EINVAL;
		s++;
	}
	return 0;
}

/* The MAC the description gives, or one derived from the port's name. */
static int choose_mac(struct virtio_net *n, const struct devtree_node *node)
{
	struct devemu_instance *inst = n->vdev->inst;
	const u8 *prop;
	const char *text;
	bool has_text;
	u32 len, crc;

	prop = devtree_prop_get(node, "local-mac-address", &len);
	has_text = !devtree_prop_read_string(node, "keel,mac", &text);
	if (prop && has_text) {
		devemu_error(inst, "give local-mac-address or keel,mac, not "
				   "both");
		return -EINVAL;
	}
	if (prop) {
		if (len != ETH_ALEN) {
			devemu_error(inst,
				     "local-mac-address has %u bytes, not 6",
				     len);
			return -EINVAL;
		}
		memcpy(n->mac, prop, ETH_ALEN);
	} else if (has_text) {
		if (parse_mac_string(text, n->mac)) {
			devemu_error(inst,
				     "keel,mac \"%s\" is no MAC address "
				     "(xx:xx:xx:xx:xx:xx)",
				     text);
			return -EINVAL;
		}
	} else {
		crc = crc32(0, n->port.name, strlen(n->port.name));
		n->mac[0] = NET_MAC_OUI0;
		n->mac[1] = NET_MAC_OUI1;
		for (unsigned int i = 0; i < 4; i++)
			n->mac[2 + i] = (u8)(crc >> (24 - 8 * i));
		return 0;
	}
	if (n->mac[0] & 1) {
		devemu_error(inst,
			     "the MAC %02x:%02x:%02x:%02x:%02x:%02x is a "
			     "group address, not a device's",
			     n->mac[0], n->mac[1], n->mac[2], n->mac[3],
			     n->mac[4], n->mac[5]);
		return -EINVAL;
	}
	if (!(n->mac[0] | n->mac[1] | n->mac[2] | n->mac[3] | n->mac[4] |
	      n->mac[5])) {
		devemu_error(inst, "the MAC 00:00:00:00:00:00 is no address");
		return -EINVAL;
	}
	return 0;
}

static void put_config(struct virtio_net *n)
{
	struct virtio_dev *vdev = n->vdev;

	for (unsigned int i = 0; i < ETH_ALEN; i++)
		virtio_config_put(vdev, VIRTIO_NET_CFG_MAC + i, n->mac[i], 1);
	virtio_config_put(vdev, VIRTIO_NET_CFG_STATUS, VIRTIO_NET_S_LINK_UP, 2);
	virtio_config_put(vdev, VIRTIO_NET_CFG_MAX_VIRTQUEUE_PAIRS, 1, 2);
	virtio_config_put(vdev, VIRTIO_NET_CFG_MTU, NET_MTU, 2);
	/* Through mtu: the fields after it need features not offered. */
	vdev->config_size = VIRTIO_NET_CFG_MTU + 2;
}

static int start_worker(struct virtio_net *n)
{
	struct devemu_instance *inst = n->vdev->inst;
	char name[THREAD_NAME_LEN];
	int err;

	waitqueue_init(&n->wait);
	/* A thread's name is short: the node's may be cut. */
	snprintf(name, sizeof(name), "net/%.*s", THREAD_NAME_LEN - 5,
		 inst->name);
	n->worker = thread_create(name, net_worker, n, THREAD_PRIO_NORMAL,
				  CPU_MASK_ALL);
	if (!n->worker) {
		devemu_error(inst, "no memory for its thread");
		return -ENOMEM;
	}
	err = thread_start(n->worker);
	if (err) {
		/* Never run: ours to free. */
		thread_reap(n->worker);
		devemu_error(inst, "its thread did not start (%d)", err);
		return err;
	}
	return 0;
}

static int net_probe(struct virtio_dev *vdev, const struct devtree_node *node)
{
	struct virtio_net *n = vdev->priv;
	struct devemu_instance *inst = vdev->inst;
	const char *sw = NETSWITCH_DEFAULT;
	int len, err;

	n->vdev = vdev;
	devtree_prop_read_string(node, "keel,backend", &sw);
	if (strlen(sw) >= sizeof(n->switch_name) || !netswitch_exists(sw)) {
		devemu_error(inst,
			     "keel,backend \"%s\" is no network switch of "
			     "this machine (see netswitch list)",
			     sw);
		return -ENOENT;
	}
	strlcpy(n->switch_name, sw, sizeof(n->switch_name));
	len = snprintf(n->port.name, sizeof(n->port.name), "%s/%s",
		       guest_name(inst->guest), inst->name);
	if (len < 0 || (size_t)len >= sizeof(n->port.name)) {
		devemu_error(inst, "switch port name \"%s/%s\" is too long",
			     guest_name(inst->guest), inst->name);
		return -EINVAL;
	}
	err = choose_mac(n, node);
	if (err)
		return err;
	n->port.ops = &net_port_ops;
	n->port.priv = n;
	err = netswitch_port_attach(n->switch_name, &n->port);
	if (err) {
		devemu_error(inst, "cannot join switch %s as port %s: %s",
			     n->switch_name, n->port.name,
			     err == -EEXIST ? "a port of that name exists" :
			     err == -ENOENT ? "the switch is gone" :
					      "refused");
		return err;
	}
	err = start_worker(n);
	if (err) {
		netswitch_port_detach(&n->port);
		return err;
	}
	vdev->device_features = BIT_ULL(VIRTIO_NET_F_MAC) |
				BIT_ULL(VIRTIO_NET_F_STATUS) |
				BIT_ULL(VIRTIO_NET_F_MTU);
	put_config(n);
	return 0;
}

static void net_remove(struct virtio_dev *vdev)
{
	struct virtio_net *n = vdev->priv;
	unsigned long flags;
	bool stopped = false;

	/* The worker sends through the port: it goes first. */
	wake_worker(n, true);
	/* The thread uses n until it exits; the scheduler frees it. */
	while (!stopped) {
		spin_lock_irqsave(&n->wait.lock, flags);
		stopped = n->stopped;
		spin_unlock_irqrestore(&n->wait.lock, flags);
		if (!stopped)
			thread_sleep_ms(1);
	}
	/* After this, deliver is never called for n again. */
	netswitch_port_detach(&n->port);
}

static void net_describe(struct virtio_dev *vdev, char *buf, size_t size)
{
	struct virtio_net *n = vdev->priv;
	const u8 *m = n->mac;

	snprintf(
		buf, size,
		"switch %s, mac %02x:%02x:%02x:%02x:%02x:%02x, rx %llu (%llu B), "
		"tx %llu (%llu B), dropped rx %llu tx %llu",
		n->switch_name, m[0], m[1], m[2], m[3], m[4], m[5],
		(unsigned long long)n->rx_frames,
		(unsigned long long)n->rx_bytes,
		(unsigned long long)n->tx_frames,
		(unsigned long long)n->tx_bytes,
		(unsigned long long)n->rx_dropped,
		(unsigned long long)n->tx_dropped);
}

static const struct virtio_device_model virtio_net_model = {
	.name = "net",
	.device_id = VIRTIO_ID_NET,
	.nr_queues = 2,
	.priv_size = sizeof(struct virtio_net),
	.probe = net_probe,
	.remove = net_remove,
	.queue_notify = net_queue_notify,
	.reset = net_reset,
	.describe = net_describe,
};
VIRTIO_DEVICE_MODEL_REGISTER(virtio_net_model);
