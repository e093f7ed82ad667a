// SPDX-License-Identifier: GPL-2.0
/*
 * The host virtio-net driver (drivers/virtio/virtio_net.c) with the real
 * shared virtio code (drivers/virtio/virtio.c: driver table, feature
 * selection, queue set-up, kicks, interrupt dispatch), the real
 * driver-side virtqueue (virtio_ring.c) and the real switch
 * (core/netswitch.c). The transport and the device are this file: a
 * fake transport hands the driver queues and configuration space as
 * virtio-mmio would, and a fake NIC walks the rings the driver laid out
 * (with the tests' device side of a virtqueue, host/vq_device.h),
 * writes received frames into its receive buffers and reads what it is
 * given to transmit, returning used entries correctly or not. The
 * transport's interrupt is virtio_device_interrupt() with interrupts
 * masked, as vm_interrupt calls it.
 *
 * Host interfaces cannot be unregistered, so each probe adds one for
 * the program's life (eth0 is the first test's, eth1 the next ...); the
 * switches each test makes are taken apart at its end.
 */
#include <stdlib.h>
#include <string.h>

#include <drivers/virtio.h>
#include <keel/errno.h>
#include <keel/mutex.h>
#include <keel/netswitch.h>
#include <keel/page_alloc.h>
#include <keel/sched.h>
#include <keel/timer.h>
#include <hw/virtio.h>
#include <hw/virtio_net.h>
#include <arch/irqflags.h>

#include "unit.h"
#include "host/fake_mutex.h"
#include "host/vq_device.h"

extern unsigned int host_printk_count;
extern char host_printk_last[512];

/* ---- what the code under test needs from the rest of Keel ---- */

u64 timer_now_ns(void)
{
	return 1000;
}

const char *error_name(int err)
{
	return err ? "E(error)" : "OK";
}

/* A polled device's kicks wake its poller; the poller itself never runs. */
static unsigned int poller_wakeups;

void waitqueue_init(struct waitqueue *wq)
{
	spin_lock_init(&wq->lock);
	list_init(&wq->waiters);
}

void waitqueue_wake_one(struct waitqueue *wq)
{
	(void)wq;
	poller_wakeups++;
}

void waitqueue_sleep_locked(struct waitqueue *wq, unsigned long *flags)
{
	(void)wq;
	(void)flags;
	CHECK(!"the poller never runs here");
}

struct thread *thread_create(const char *name, thread_fn fn, void *arg,
			     unsigned int prio, u64 affinity)
{
	CHECK(!"no polling thread is started here");
	return NULL;
}

int thread_start(struct thread *t)
{
	return -EINVAL;
}

void thread_reap(struct thread *t)
{
	CHECK(!"no polling thread is made here");
}

void thread_sleep_ms(u64 ms)
{
}

/* ---- the fake transport and NIC ---- */

#define RXQ 0
#define TXQ 1
#define RX_BUF_MIN (VIRTIO_NET_HDR_SIZE + NETSWITCH_FRAME_MAX)

struct fake_nic {
	struct virtio_device vdev;
	u64 offered;
	struct virtio_net_config cfg;
	unsigned int config_size; /* bytes of config space readable */
	unsigned int num_max[2]; /* QueueNumMax per queue; 0: absent */
	bool driver_ok;
	unsigned int config_reads;
	unsigned int notifies[2];
	u16 last_avail[2]; /* the device's next available entry */
};

static struct fake_nic *to_nic(struct virtio_device *vdev)
{
	return container_of(vdev, struct fake_nic, vdev);
}

static int nic_config_read(struct virtio_device *vdev, unsigned int offset,
			   void *buf, unsigned int len)
{
	struct fake_nic *nic = to_nic(vdev);

	nic->config_reads++;
	if ((u64)offset + len > nic->config_size)
		return -ERANGE;
	memcpy(buf, (u8 *)&nic->cfg + offset, len);
	return 0;
}

static void nic_notify(struct host_vq *vq)
{
	struct fake_nic *nic = vq->transport_priv;

	/* 3.1.1: the device hears of buffers only after DRIVER_OK. */
	CHECK(nic->driver_ok);
	CHECK(vq->index <= TXQ);
	if (vq->index <= TXQ)
		nic->notifies[vq->index]++;
}

static int nic_queue_setup(struct virtio_device *vdev, unsigned int index,
			   unsigned int max_num, struct host_vq *vq)
{
	struct fake_nic *nic = to_nic(vdev);
	unsigned int num = 1;
	int err;

	CHECK(!nic->driver_ok);
	if (index > TXQ || !nic->num_max[index])
		return -ENOENT;
	while (num * 2 <= MIN(nic->num_max[index], max_num))
		num *= 2;
	err = host_vq_init(vq, index == RXQ ? "nic/rx" : "nic/tx", index, num,
			   nic_notify);
	if (!err)
		vq->transport_priv = nic;
	return err;
}

static void nic_ready(struct virtio_device *vdev)
{
	to_nic(vdev)->driver_ok = true;
}

static const struct virtio_transport_ops nic_ops = {
	.config_read = nic_config_read,
	.queue_setup = nic_queue_setup,
	.ready = nic_ready,
};

/* A NIC as QEMU's: MAC, offloads, merged buffers, control queue offered. */
static struct fake_nic *nic_new(const char *name)
{
	static const u8 mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct fake_nic *nic = calloc(1, sizeof(*nic));

	nic->vdev.name = name;
	nic->vdev.device_id = VIRTIO_ID_NET;
	nic->vdev.ops = &nic_ops;
	nic->vdev.transport_priv = nic;
	nic->offered =
		1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_F_INDIRECT_DESC |
		1ULL << VIRTIO_F_EVENT_IDX | 1ULL << VIRTIO_NET_F_MAC |
		1ULL << VIRTIO_NET_F_CSUM | 1ULL << VIRTIO_NET_F_GUEST_CSUM |
		1ULL << VIRTIO_NET_F_GUEST_TSO4 |
		1ULL << VIRTIO_NET_F_GUEST_TSO6 |
		1ULL << VIRTIO_NET_F_GUEST_UFO |
		1ULL << VIRTIO_NET_F_HOST_TSO4 | 1ULL << VIRTIO_NET_F_HOST_UFO |
		1ULL << VIRTIO_NET_F_MRG_RXBUF | 1ULL << VIRTIO_NET_F_STATUS |
		1ULL << VIRTIO_NET_F_CTRL_VQ | 1ULL << VIRTIO_NET_F_MQ;
	memcpy(nic->cfg.mac, mac, ETH_ALEN);
	nic->cfg.status = VIRTIO_NET_S_LINK_UP;
	nic->config_size = sizeof(nic->cfg);
	nic->num_max[RXQ] = nic->num_max[TXQ] = 256;
	return nic;
}

/* Free the queues after a failed probe, as the transport does. */
static void nic_free_queues(struct fake_nic *nic)
{
	for (unsigned int i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		struct host_vq *vq = nic->vdev.queues[i];

		if (!vq)
			continue;
		host_vq_free(vq);
		free(vq);
		nic->vdev.queues[i] = NULL;
	}
}

/* Negotiate and probe as the transport does (virtio_mmio.c vm_start). */
static int nic_probe(struct fake_nic *nic)
{
	int err;

	nic->vdev.driver = virtio_driver_find(VIRTIO_ID_NET);
	CHECK(nic->vdev.driver != NULL);
	if (!nic->vdev.driver)
		return -ENODEV;
	err = virtio_features_select(&nic->vdev, nic->offered,
				     &nic->vdev.features);
	if (!err)
		err = nic->vdev.driver->probe(&nic->vdev);
	if (err)
		nic_free_queues(nic);
	return err;
}

static struct host_vq *rxq(struct fake_nic *nic)
{
	return nic->vdev.queues[RXQ];
}

static struct host_vq *txq(struct fake_nic *nic)
{
	return nic->vdev.queues[TXQ];
}

/* The device's interrupt: the transport runs every queue's callback. */
static void nic_interrupt(struct fake_nic *nic)
{
	unsigned long flags = arch_irq_save();

	virtio_device_interrupt(&nic->vdev);
	arch_irq_restore(flags);
}

/* Queue q's next available chain, as the device reads it. */
static bool nic_pop(struct fake_nic *nic, unsigned int q, struct vq_chain *c)
{
	return vq_dev_pop(nic->vdev.queues[q], &nic->last_avail[q], c);
}

static void nic_push(struct fake_nic *nic, unsigned int q, u32 id, u32 len)
{
	vq_dev_push(nic->vdev.queues[q], id, len);
}

static void *buf_of(const struct virtq_desc *d)
{
	return (void *)(uintptr_t)d->addr;
}

/*
 * Receive one frame as a device does: into the next receive buffer,
 * after a header with num_buffers 1; used length used_len (the true one
 * when 0). The chain taken is in *c.
 */
static bool nic_receive(struct fake_nic *nic, const void *frame, size_t len,
			u32 used_len, struct vq_chain *c)
{
	struct virtio_net_hdr hdr = { .num_buffers = 1 };
	u8 *b;

	if (!nic_pop(nic, RXQ, c))
		return false;
	CHECK_EQ(c->nr, 1);
	CHECK(c->d[0].flags & VIRTQ_DESC_F_WRITE);
	CHECK(c->d[0].len >= VIRTIO_NET_HDR_SIZE + len);
	b = buf_of(&c->d[0]);
	memcpy(b, &hdr, sizeof(hdr));
	memcpy(b + VIRTIO_NET_HDR_SIZE, frame, len);
	nic_push(nic, RXQ, c->head,
		 used_len ? used_len : (u32)(VIRTIO_NET_HDR_SIZE + len));
	return true;
}

/* ---- switches and ports of the test ---- */

struct tport {
	struct netswitch_port port;
	int refuse;
	unsigned int got;
	size_t last_len;
	u8 last[NETSWITCH_FRAME_MAX];
};

static int tport_deliver(struct netswitch_port *port, const void *frame,
			 size_t len)
{
	struct tport *t = port->priv;

	/* The switch delivers under its irqsave lock. */
	CHECK(arch_irqs_disabled());
	if (t->refuse)
		return t->refuse;
	t->got++;
	t->last_len = len;
	memcpy(t->last, frame, len);
	return 0;
}

static const struct netswitch_port_ops tport_ops = {
	.deliver = tport_deliver,
};

static struct host_netif *found_netif;

static int match_netif(struct host_netif *nif, void *arg)
{
	if (nif->port.priv != arg)
		return 0;
	found_netif = nif;
	return 1;
}

/* The interface the driver registered for nic. */
static struct host_netif *nic_netif(struct fake_nic *nic)
{
	found_netif = NULL;
	if (nic->vdev.priv)
		host_netif_for_each(match_netif, nic->vdev.priv);
	return found_netif;
}

/*
 * A switch "t" with nic's interface as uplink and a test port: what
 * the interface receives reaches the test port and back.
 */
static struct host_netif *plug(struct fake_nic *nic, struct tport *t)
{
	struct host_netif *nif = nic_netif(nic);

	CHECK(nif != NULL);
	if (!nif)
		return NULL;
	memset(t, 0, sizeof(*t));
	strcpy(t->port.name, "g/net0");
	t->port.ops = &tport_ops;
	t->port.priv = t;
	CHECK_EQ(netswitch_create("t"), 0);
	CHECK_EQ(netswitch_port_attach("t", &nif->port), 0);
	CHECK_EQ(netswitch_port_attach("t", &t->port), 0);
	return nif;
}

static void unplug(struct host_netif *nif, struct tport *t)
{
	if (nif)
		netswitch_port_detach(&nif->port);
	netswitch_port_detach(&t->port);
	CHECK_EQ(netswitch_destroy("t"), 0);
}

static const u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const u8 guest_mac[ETH_ALEN] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const u8 outside_mac[ETH_ALEN] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };

static void make_frame(u8 *f, size_t len, const u8 *dst, const u8 *src,
		       unsigned int seed)
{
	memcpy(f, dst, ETH_ALEN);
	memcpy(f + ETH_ALEN, src, ETH_ALEN);
	f[12] = 0x08;
	f[13] = 0x00;
	for (size_t i = ETH_HLEN; i < len; i++)
		f[i] = (u8)(seed * 31 + i);
}

/* ---- tests ---- */

/* The first interface is eth0, and the boot's sw0 takes it as uplink. */
UNIT_TEST(first_interface_is_eth0_and_uplink_of_sw0)
{
	struct fake_nic *nic = nic_new("virtio_mmio@a003e00");
	struct netswitch_info info[4];
	struct host_netif *nif;

	CHECK_EQ(nic_probe(nic), 0);
	nif = host_netif_find("eth0");
	CHECK(nif != NULL);
	if (!nif)
		return;
	CHECK(nif == nic_netif(nic));
	CHECK(!memcmp(nif->mac, nic->cfg.mac, ETH_ALEN));
	CHECK(!strcmp(nif->port.name, "eth0"));
	CHECK(nif->port.uplink);
	CHECK(strstr(host_printk_last, "eth0: 52:54:00:12:34:56") != NULL);

	netswitch_init();
	CHECK_EQ(netswitch_snapshot(info, 4), 1);
	CHECK(!strcmp(info[0].name, NETSWITCH_DEFAULT));
	CHECK(!strcmp(info[0].uplink, "eth0"));
	netswitch_port_detach(&nif->port);
	CHECK_EQ(netswitch_destroy(NETSWITCH_DEFAULT), 0);
}

UNIT_TEST(interfaces_are_named_in_probe_order)
{
	struct fake_nic *a = nic_new("virtio_mmio@a003c00");
	struct fake_nic *b = nic_new("virtio_mmio@a003a00");
	struct host_netif *na, *nb;
	unsigned int ia, ib;

	CHECK_EQ(nic_probe(a), 0);
	CHECK_EQ(nic_probe(b), 0);
	na = nic_netif(a);
	nb = nic_netif(b);
	CHECK(na && nb);
	if (!na || !nb)
		return;
	CHECK_EQ(sscanf(na->name, "eth%u", &ia), 1);
	CHECK_EQ(sscanf(nb->name, "eth%u", &ib), 1);
	CHECK_EQ(ib, ia + 1);
	CHECK(host_netif_find(na->name) == na);
	CHECK(host_netif_find(nb->name) == nb);
}

/*
 * Of everything QEMU's NIC offers, only VERSION_1 and MAC: no checksum
 * or segmentation offload (frames go to guests as they are), no merged
 * buffers (the header stays 12 bytes, one buffer per frame), no control
 * queue or multiqueue.
 */
UNIT_TEST(negotiates_version_1_and_mac_only)
{
	struct fake_nic *nic = nic_new("virtio_mmio@a003800");

	CHECK_EQ(nic_probe(nic), 0);
	CHECK_EQ(nic->vdev.features,
		 1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_NET_F_MAC);
	CHECK(nic->driver_ok);
	CHECK(nic->vdev.queues[2] == NULL);
}

UNIT_TEST(legacy_only_device_is_refused)
{
	struct fake_nic *nic = nic_new("virtio_mmio@a003600");
	unsigned int logged = host_printk_count;

	nic->offered &= ~(1ULL << VIRTIO_F_VERSION_1);
	CHECK_EQ(nic_probe(nic), -ENOTSUP);
	CHECK(host_printk_count > logged);
	CHECK(strstr(host_printk_last, "VIRTIO_F_VERSION_1") != NULL);
	CHECK(!nic->driver_ok);
	CHECK(nic->vdev.priv == NULL);
	free(nic);
}

UNIT_TEST(mac_from_config_space)
{
	static const u8 mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
	struct fake_nic *nic = nic_new("virtio_mmio@a003400");
	struct host_netif *nif;

	memcpy(nic->cfg.mac, mac, ETH_ALEN);
	CHECK_EQ(nic_probe(nic), 0);
	nif = nic_netif(nic);
	CHECK(nif && !memcmp(nif->mac, mac, ETH_ALEN));
	CHECK(nic->config_reads >= 1);
}

static bool locally_administered_unicast(const u8 *mac)
{
	return (mac[0] & 2) && !(mac[0] & 1);
}

/*
 * Without VIRTIO_NET_F_MAC the config's mac means nothing (5.1.4) and is
 * not read: the address is made from the slot's name, the same for the
 * same slot, another for another slot.
 */
UNIT_TEST(mac_made_up_without_f_mac)
{
	struct fake_nic *a = nic_new("virtio_mmio@a003200");
	struct fake_nic *a2 = nic_new("virtio_mmio@a003200");
	struct fake_nic *b = nic_new("virtio_mmio@a003000");
	struct host_netif *na, *na2, *nb;

	a->offered &= ~(1ULL << VIRTIO_NET_F_MAC);
	a2->offered &= ~(1ULL << VIRTIO_NET_F_MAC);
	b->offered &= ~(1ULL << VIRTIO_NET_F_MAC);
	CHECK_EQ(nic_probe(a), 0);
	CHECK_EQ(nic_probe(a2), 0);
	CHECK_EQ(nic_probe(b), 0);
	CHECK_EQ(a->vdev.features, 1ULL << VIRTIO_F_VERSION_1);
	CHECK_EQ(a->config_reads, 0);
	na = nic_netif(a);
	na2 = nic_netif(a2);
	nb = nic_netif(b);
	CHECK(na && na2 && nb);
	if (!na || !na2 || !nb)
		return;
	CHECK(locally_administered_unicast(na->mac));
	CHECK(locally_administered_unicast(nb->mac));
	CHECK(memcmp(na->mac, a->cfg.mac, ETH_ALEN));
	CHECK(!memcmp(na->mac, na2->mac, ETH_ALEN));
	CHECK(memcmp(na->mac, nb->mac, ETH_ALEN));
	CHECK(strstr(host_printk_last, "(made up)") != NULL);
}

/* A config space too small for the MAC: the made-up one, not garbage. */
UNIT_TEST(unreadable_mac_falls_back_to_made_up_one)
{
	struct fake_nic *nic = nic_new("virtio_mmio@a002e00");
	struct host_netif *nif;

	nic->config_size = 4;
	CHECK_EQ(nic_probe(nic), 0);
	nif = nic_netif(nic);
	CHECK(nif && locally_administered_unicast(nif->mac));
	/* The log says so: this is not the device's address. */
	CHECK(strstr(host_printk_last, "(made up)") != NULL);
}

/*
 * Probe fills the receive queue before DRIVER_OK, with one writable
 * buffer per entry large enough for the header and the largest frame,
 * and notifies the device only after DRIVER_OK (nic_notify checks);
 * the transmit queue starts empty and asks for no interrupts.
 */
UNIT_TEST(receive_queue_filled_at_probe)
{
	struct fake_nic *nic = nic_new("virtio_mmio@a002c00");
	struct host_vq *rx, *tx;

	CHECK_EQ(nic_probe(nic), 0);
	rx = rxq(nic);
	tx = txq(nic);
	CHECK(rx && tx);
	if (!rx || !tx)
		return;
	CHECK_EQ(rx->num, 64);
	CHECK_EQ(tx->num, 64);
	CHECK_EQ(rx->avail->idx, 64);
	CHECK_EQ(host_vq_in_flight(rx), 64);
	CHECK_EQ(nic->notifies[RXQ], 1);
	CHECK_EQ(tx->avail->idx, 0);
	CHECK_EQ(nic->notifies[TXQ], 0);
	CHECK_EQ(tx->avail->flags, VIRTQ_AVAIL_F_NO_INTERRUPT);
	CHECK_EQ(rx->avail->flags, 0);
	for (unsigned int i = 0; i < 64; i++) {
		struct vq_chain c;
		uintptr_t lo, hi;

		CHECK(nic_pop(nic, RXQ, &c));
		CHECK_EQ(c.nr, 1);
		CHECK_EQ(c.d[0].flags, VIRTQ_DESC_F_WRITE);
		CHECK(c.d[0].len >= RX_BUF_MIN);
		/* No two buffers overlap. */
		lo = (uintptr_t)c.d[0].addr;
		hi = lo + c.d[0].len;
		for (unsigned int j = 0; j < 64; j++) {
			uintptr_t o = (uintptr_t)rx->desc[j].addr;

			if (j != c.head)
				CHECK(o + rx->desc[j].len <= lo || o >= hi);
		}
	}
}

/* A device with small queues gets as many buffers as entries. */
UNIT_TEST(small_queues_are_filled_too)
{
	struct fake_nic *nic = nic_new("virtio_mmio@a002a00");

	nic->num_max[RXQ] = 16;
	nic->num_max[TXQ] = 8;
	CHECK_EQ(nic_probe(nic), 0);
	CHECK_EQ(rxq(nic)->num, 16);
	CHECK_EQ(rxq(nic)->avail->idx, 16);
	CHECK_EQ(txq(nic)->num, 8);
}

/* No transmit queue: probe fails and nothing is left behind (ASan). */
UNIT_TEST(probe_without_transmit_queue_fails_cleanly)
{
	struct fake_nic *nic = nic_new("virtio_mmio@a002800");

	nic->num_max[TXQ] = 0;
	CHECK_EQ(nic_probe(nic), -ENOENT);
	CHECK(!nic->driver_ok);
	CHECK(nic->vdev.priv == NULL);
	CHECK_EQ(nic->notifies[RXQ], 0);
	free(nic);
}

/*
 * A received frame goes into the switch whole, without its header, from
 * the interrupt; the buffer goes back on the receive queue and the
 * device is notified. 300 frames through 64 buffers: none is lost.
 */
UNIT_TEST(received_frames_go_into_the_switch)
{
	struct fake_nic *nic = nic_new("virtio_mmio@a002600");
	struct host_netif *nif;
	struct tport t;
	u8 f[NETSWITCH_FRAME_MAX];

	CHECK_EQ(nic_probe(nic), 0);
	nif = plug(nic, &t);
	if (!nif)
		return;
	for (unsigned int i = 0; i < 300; i++) {
		size_t len = ETH_HLEN + (i * 37) % (NETSWITCH_FRAME_MAX - 13);
		unsigned int notified = nic->notifies[RXQ];
		struct vq_chain c;

		make_frame(f, len, bcast, outside_mac, i);
		CHECK(nic_receive(nic, f, len, 0, &c));
		nic_interrupt(nic);
		CHECK_EQ(t.got, i + 1);
		CHECK_EQ(t.last_len, len);
		CHECK(!memcmp(t.last, f, len));
		/* Reposted: the same buffer is the newest available entry. */
		CHECK_EQ(rxq(nic)->avail->idx, (u16)(64 + i + 1));
		CHECK_EQ(rxq(nic)->desc[rxq(nic)->avail->ring[(64 + i) & 63]]
				 .addr,
			 c.d[0].addr);
		CHECK_EQ(nic->notifies[RXQ], notified + 1);
		CHECK_EQ(host_vq_in_flight(rxq(nic)), 64);
		if (unit_current_failed)
			break;
	}
	CHECK_EQ(nif->port.stats.tx_packets, 300);
	CHECK_EQ(nif->port.stats.tx_dropped, 0);
	CHECK_EQ(rxq(nic)->stats.bad_used, 0);
	unplug(nif, &t);
}

/*
 * Buffers used out of order, several per interrupt: each frame arrives
 * once, in the order the device used them, and every buffer is posted
 * again.
 */
UNIT_TEST(out_of_order_receives_lose_no_buffer)
{
	struct fake_nic *nic = nic_new("virtio_mmio@a002400");
	static const unsigned int order[8] = { 5, 2, 7, 0, 3, 6, 1, 4 };
	struct host_netif *nif;
	struct tport t;
	struct vq_chain c[8];
	u8 f[8][64];

	CHECK_EQ(nic_probe(nic), 0);
	nif = plug(nic, &t);
	if (!nif)
		return;
	for (unsigned int round = 0; round < 20; round++) {
		for (unsigned int i = 0; i < 8; i++) {
			CHECK(nic_pop(nic, RXQ, &c[i]));
			make_frame(f[i], sizeof(f[i]), bcast, outside_mac,
				   round * 8 + i);
			memcpy((u8 *)buf_of(&c[i].d[0]) + VIRTIO_NET_HDR_SIZE,
			       f[i], sizeof(f[i]));
		}
		for (unsigned int i = 0; i < 8; i++)
			nic_push(nic, RXQ, c[order[i]].head,
				 VIRTIO_NET_HDR_SIZE + sizeof(f[0]));
		/* Only the last frame is left in t.last: check one by one. */
		for (unsigned int i = 0; i < 8; i++) {
			struct host_vq *rx = rxq(nic);

			/* Hide the later entries, as if not yet written. */
			rx->used->idx -= (u16)(7 - i);
			nic_interrupt(nic);
			rx->used->idx += (u16)(7 - i);
			CHECK_EQ(t.got, round * 8 + i + 1);
			CHECK(!memcmp(t.last, f[order[i]], sizeof(f[0])));
		}
		CHECK_EQ(host_vq_in_flight(rxq(nic)), 64);
		if (unit_current_failed)
			break;
	}
	CHECK_EQ(rxq(nic)->num_free, 0);
	CHECK_EQ(rxq(nic)->stats.bad_used, 0);
	unplug(nif, &t);
}

/*
 * Used entries a device gets wrong: shorter than the header (refused
 * by the driver), a header and a runt frame (refused by the switch as
 * the interface's tx_dropped), an id that heads no posted buffer
 * (refused by the ring). Nothing reaches the other port, nothing
 * crashes, and every real buffer is posted again.
 */
UNIT_TEST(bad_receive_lengths_are_refused_and_reposted)
{
	struct fake_nic *nic = nic_new("virtio_mmio@a002200");
	static const u32 short_lens[] = { 0, 1, 11, 12, 13, 25 };
	unsigned int logged = host_printk_count;
	struct host_netif *nif;
	struct tport t;
	u8 f[60];

	CHECK_EQ(nic_probe(nic), 0);
	nif = plug(nic, &t);
	if (!nif)
		return;
	make_frame(f, sizeof(f), bcast, outside_mac, 1);
	for (unsigned int i = 0; i < ARRAY_SIZE(short_lens); i++) {
		struct vq_chain c;

		CHECK(nic_receive(nic, f, sizeof(f), short_lens[i], &c));
		if (!short_lens[i]) /* a zero used_len means the true one */
			nic->vdev.queues[RXQ]
				->used->ring[(rxq(nic)->used->idx - 1) & 63]
				.len = 0;
		nic_interrupt(nic);
		CHECK_EQ(host_vq_in_flight(rxq(nic)), 64);
	}
	CHECK_EQ(t.got, 0);
	CHECK(host_printk_count > logged);
	/* Header and runt frames (12 + 0, 1, 13 bytes) go to the switch. */
	CHECK_EQ(nif->port.stats.tx_dropped, 3);
	CHECK_EQ(nif->port.stats.tx_packets, 0);
	CHECK_EQ(rxq(nic)->avail->idx, 64 + ARRAY_SIZE(short_lens));

	/* An id naming no posted buffer, then a good frame. */
	nic_push(nic, RXQ, 64, 60);
	nic_push(nic, RXQ, 1000, 60);
	nic_interrupt(nic);
	CHECK_EQ(rxq(nic)->stats.bad_used, 2);
	CHECK_EQ(host_vq_in_flight(rxq(nic)), 64);
	CHECK_EQ(t.got, 0);
	{
		struct vq_chain c;

		CHECK(nic_receive(nic, f, sizeof(f), 0, &c));
		nic_interrupt(nic);
		CHECK_EQ(t.got, 1);
		CHECK(!memcmp(t.last, f, sizeof(f)));
	}
	unplug(nif, &t);
}

/* The largest frame the switch takes arrives whole. */
UNIT_TEST(largest_frame_is_received)
{
	struct fake_nic *nic = nic_new("virtio_mmio@a002000");
	struct host_netif *nif;
	struct tport t;
	u8 f[NETSWITCH_FRAME_MAX];
	struct vq_chain c;

	CHECK_EQ(nic_probe(nic), 0);
	nif = plug(nic, &t);
	if (!nif)
		return;
	make_frame(f, sizeof(f), bcast, outside_mac, 7);
	CHECK(nic_receive(nic, f, sizeof(f), 0, &c));
	nic_interrupt(nic);
	CHECK_EQ(t.got, 1);
	CHECK_EQ(t.last_len, NETSWITCH_FRAME_MAX);
	CHECK(!memcmp(t.last, f, sizeof(f)));
	CHECK_EQ(rxq(nic)->stats.bad_used, 0);
	unplug(nif, &t);
}

/*
 * A device that says it wrote more than a frame with its header, or
 * more than the buffer holds (the ring cuts that to the buffer and
 * counts it as bad_used): nothing of the buffer, stale bytes of an
 * earlier frame included, goes into the switch as a frame; the buffer
 * is posted again and the next good frame arrives.
 */
UNIT_TEST(oversized_receive_lengths_are_refused_and_reposted)
{
	struct fake_nic *nic = nic_new("virtio_mmio@a001600");
	static const u32 long_lens[] = { RX_BUF_MIN + 1, 4096, 0xffffffff };
	unsigned int logged = host_printk_count;
	struct host_netif *nif;
	struct tport t;
	u8 f[NETSWITCH_FRAME_MAX];
	struct vq_chain c;

	CHECK_EQ(nic_probe(nic), 0);
	nif = plug(nic, &t);
	if (!nif)
		return;
	make_frame(f, sizeof(f), bcast, outside_mac, 9);
	for (unsigned int i = 0; i < ARRAY_SIZE(long_lens); i++) {
		CHECK(nic_receive(nic, f, sizeof(f), long_lens[i], &c));
		nic_interrupt(nic);
		CHECK_EQ(t.got, 0);
		CHECK_EQ(host_vq_in_flight(rxq(nic)), 64);
	}
	CHECK_EQ(rxq(nic)->avail->idx, 64 + ARRAY_SIZE(long_lens));
	CHECK(rxq(nic)->stats.bad_used >= 2);
	CHECK(host_printk_count > logged);
	CHECK_EQ(nif->port.stats.tx_packets, 0);
	CHECK(nic_receive(nic, f, 60, 0, &c));
	nic_interrupt(nic);
	CHECK_EQ(t.got, 1);
	CHECK_EQ(t.last_len, 60);
	unplug(nif, &t);
}

/*
 * A frame from the switch (the port's deliver): one device-readable
 * buffer, a zero header then the frame, and a notification.
 */
UNIT_TEST(transmit_puts_zero_header_and_frame_on_the_ring)
{
	struct fake_nic *nic = nic_new("virtio_mmio@a001e00");
	struct host_netif *nif;
	struct tport t;
	u8 f[100];
	struct vq_chain c;
	static const u8 zero[VIRTIO_NET_HDR_SIZE];

	CHECK_EQ(nic_probe(nic), 0);
	nif = plug(nic, &t);
	if (!nif)
		return;
	make_frame(f, sizeof(f), bcast, guest_mac, 3);
	netswitch_port_send(&t.port, f, sizeof(f));
	CHECK_EQ(nif->port.stats.rx_packets, 1);
	CHECK_EQ(nif->port.stats.rx_dropped, 0);
	CHECK_EQ(nic->notifies[TXQ], 1);
	CHECK(nic_pop(nic, TXQ, &c));
	CHECK_EQ(c.nr, 1);
	CHECK_EQ(c.d[0].flags, 0);
	CHECK_EQ(c.d[0].len, VIRTIO_NET_HDR_SIZE + sizeof(f));
	CHECK(!memcmp(buf_of(&c.d[0]), zero, VIRTIO_NET_HDR_SIZE));
	CHECK(!memcmp((u8 *)buf_of(&c.d[0]) + VIRTIO_NET_HDR_SIZE, f,
		      sizeof(f)));
	CHECK(!nic_pop(nic, TXQ, &c));
	/* Too big for the device: refused before the ring. */
	CHECK_EQ(nif->port.ops->deliver(&nif->port, f, NETSWITCH_FRAME_MAX + 1),
		 -EINVAL);
	CHECK_EQ(txq(nic)->avail->idx, 1);
	unplug(nif, &t);
}

/*
 * 64 frames fill the transmit ring; the 65th is refused (-ENOSPC, the
 * port's rx_dropped). Buffers the device returns, in any order, are
 * taken back by the next transmit or by an interrupt, and their
 * headers are zeroed again even if the device scribbled on them.
 */
UNIT_TEST(full_transmit_ring_and_reclaim)
{
	struct fake_nic *nic = nic_new("virtio_mmio@a001c00");
	static const u8 zero[VIRTIO_NET_HDR_SIZE];
	struct host_netif *nif;
	struct tport t;
	struct vq_chain c[64];
	u8 f[60];

	CHECK_EQ(nic_probe(nic), 0);
	nif = plug(nic, &t);
	if (!nif)
		return;
	make_frame(f, sizeof(f), bcast, guest_mac, 4);
	for (unsigned int i = 0; i < 64; i++)
		netswitch_port_send(&t.port, f, sizeof(f));
	CHECK_EQ(nif->port.stats.rx_packets, 64);
	CHECK_EQ(nif->port.ops->deliver(&nif->port, f, sizeof(f)), -ENOSPC);
	netswitch_port_send(&t.port, f, sizeof(f));
	CHECK_EQ(nif->port.stats.rx_dropped, 1);
	CHECK_EQ(host_vq_in_flight(txq(nic)), 64);
	CHECK_EQ(nic->notifies[TXQ], 64);

	for (unsigned int i = 0; i < 64; i++) {
		CHECK(nic_pop(nic, TXQ, &c[i]));
		memset(buf_of(&c[i].d[0]), 0xa5, c[i].d[0].len);
	}
	/* Three back, out of order: the next transmit takes them back. */
	nic_push(nic, TXQ, c[40].head, 0);
	nic_push(nic, TXQ, c[3].head, 0);
	nic_push(nic, TXQ, c[17].head, 0);
	for (unsigned int i = 0; i < 3; i++) {
		struct vq_chain n;

		CHECK_EQ(nif->port.ops->deliver(&nif->port, f, sizeof(f)), 0);
		CHECK(nic_pop(nic, TXQ, &n));
		CHECK(!memcmp(buf_of(&n.d[0]), zero, VIRTIO_NET_HDR_SIZE));
		CHECK(!memcmp((u8 *)buf_of(&n.d[0]) + VIRTIO_NET_HDR_SIZE, f,
			      sizeof(f)));
		c[i == 0 ? 40 : i == 1 ? 3 : 17] = n;
	}
	CHECK_EQ(nif->port.ops->deliver(&nif->port, f, sizeof(f)), -ENOSPC);

	/* All back, then an interrupt (of the receive queue) reclaims. */
	for (unsigned int i = 0; i < 64; i++)
		nic_push(nic, TXQ, c[63 - i].head, 0);
	nic_interrupt(nic);
	CHECK_EQ(host_vq_in_flight(txq(nic)), 0);
	for (unsigned int i = 0; i < 64; i++)
		CHECK_EQ(nif->port.ops->deliver(&nif->port, f, sizeof(f)), 0);
	CHECK_EQ(nif->port.ops->deliver(&nif->port, f, sizeof(f)), -ENOSPC);
	CHECK_EQ(txq(nic)->stats.bad_used, 0);
	unplug(nif, &t);
}

/*
 * A guest's frame to the outside and the answer back, both through the
 * switch: the switch learns the guest on its port and the outside
 * station on the uplink, so the answer is forwarded, not flooded.
 */
UNIT_TEST(round_trip_through_the_switch)
{
	struct fake_nic *nic = nic_new("virtio_mmio@a001a00");
	struct netswitch_info info;
	struct host_netif *nif;
	struct tport t;
	struct vq_chain c;
	u8 f[80], answer[90];

	CHECK_EQ(nic_probe(nic), 0);
	nif = plug(nic, &t);
	if (!nif)
		return;
	make_frame(f, sizeof(f), outside_mac, guest_mac, 5);
	netswitch_port_send(&t.port, f, sizeof(f));
	CHECK(nic_pop(nic, TXQ, &c));
	CHECK(!memcmp((u8 *)buf_of(&c.d[0]) + VIRTIO_NET_HDR_SIZE, f,
		      sizeof(f)));
	nic_push(nic, TXQ, c.head, 0);
	make_frame(answer, sizeof(answer), guest_mac, outside_mac, 6);
	CHECK(nic_receive(nic, answer, sizeof(answer), 0, &c));
	nic_interrupt(nic);
	CHECK_EQ(t.got, 1);
	CHECK(!memcmp(t.last, answer, sizeof(answer)));
	CHECK_EQ(netswitch_snapshot(&info, 1), 1);
	CHECK_EQ(info.forwarded, 1);
	CHECK_EQ(info.macs_learned, 2);
	unplug(nif, &t);
}

/* A device without an interrupt: the driver's kicks wake the poller. */
UNIT_TEST(polled_device_kicks_wake_the_poller)
{
	struct fake_nic *nic = nic_new("virtio_mmio@a001800");
	struct host_netif *nif;
	struct tport t;
	struct vq_chain c;
	u8 f[60];

	nic->vdev.polled = true;
	waitqueue_init(&nic->vdev.poll_wait);
	poller_wakeups = 0;
	CHECK_EQ(nic_probe(nic), 0);
	CHECK_EQ(poller_wakeups, 1); /* the filled receive queue */
	nif = plug(nic, &t);
	if (!nif)
		return;
	make_frame(f, sizeof(f), bcast, outside_mac, 8);
	CHECK(nic_receive(nic, f, sizeof(f), 0, &c));
	nic_interrupt(nic); /* as the poller runs it */
	CHECK_EQ(t.got, 1);
	CHECK_EQ(poller_wakeups, 2);
	netswitch_port_send(&t.port, f, sizeof(f));
	CHECK_EQ(poller_wakeups, 3);
	unplug(nif, &t);
}

UNIT_MAIN();
