// SPDX-License-Identifier: GPL-2.0
/*
 * The guests' virtio-net device (emulators/virtio/net.c) behind the real
 * virtio core and virtio-mmio transport, driven by the tests' virtio
 * driver (host/virtio_driver.h) over fake guest RAM.
 *
 * The network switch is a double: ports attach to "sw0" or "lan", a
 * frame sent is recorded and handed to every other port of its switch
 * through the port's deliver, so two devices talk to each other. Sending
 * checks that no device's instance lock is held (the rule of
 * keel/netswitch.h that keeps two guests from deadlocking). The
 * scheduler is the tests' double (host/fake_sched.h): the device's
 * worker thread runs when the test says (fake_run_workers), until it
 * sleeps on its wait queue.
 * VIRTIO 1.2 section 5.1 says what is right.
 */
#include "unit.h"
#include <sanitizer/lsan_interface.h>
#include <stdlib.h>
#include <string.h>

#include <hw/virtio_mmio.h>
#include <hw/virtio_net.h>
#include <keel/bitops.h>
#include <keel/devemu.h>
#include <keel/errno.h>
#include <keel/netswitch.h>
#include <keel/sched.h>
#include <keel/virtio.h>

#include "host/fake_sched.h"
#include "host/virtio_driver.h"

/* ---- the guest's memory: one area of AREA bytes per device ---- */

#define RAM VDRV_RAM
#define AREA 0x10000ULL
#define NR_DEVS 2
#define RAM_SIZE (AREA * NR_DEVS)
#define BASE 0x0a000000ULL
#define IRQ 48
#define QSIZE 64

/* Within a device's area: the rings (0x2000 per queue), rx and tx buffers. */
#define RXBUF(d, i) ((d)->ram + 0x4000 + 0x800ULL * (i)) /* 8 of 2 KiB */
#define TXBUF(d, i) ((d)->ram + 0x8000 + 0x800ULL * (i)) /* 16 of 2 KiB */
#define INDIRECT(d) ((d)->ram + 0x3800)

#define HDR ((u32)sizeof(struct virtio_net_hdr))

/* ---- the device tree's raw properties (local-mac-address) ---- */

static struct {
	const struct devtree_node *node;
	const char *name;
	const void *value;
	u32 len;
} raw_props[4];
static unsigned int nr_raw_props;

static void set_raw_prop(const struct devtree_node *node, const char *name,
			 const void *value, u32 len)
{
	if (nr_raw_props == ARRAY_SIZE(raw_props))
		abort();
	raw_props[nr_raw_props].node = node;
	raw_props[nr_raw_props].name = name;
	raw_props[nr_raw_props].value = value;
	raw_props[nr_raw_props++].len = len;
}

const void *devtree_prop_get(const struct devtree_node *node, const char *name,
			     u32 *len)
{
	for (unsigned int i = 0; i < nr_raw_props; i++) {
		if (raw_props[i].node == node &&
		    !strcmp(raw_props[i].name, name)) {
			*len = raw_props[i].len;
			return raw_props[i].value;
		}
	}
	return NULL;
}

/* ---- the devices and their drivers ---- */

static struct vdrv devs[NR_DEVS];

/* ---- the switch double ---- */

#define MAX_PORTS 4
#define MAX_SENT 64

static struct netswitch_port *ports[MAX_PORTS];
static const char *port_switch[MAX_PORTS];
static struct {
	struct netswitch_port *from;
	size_t len;
	u8 frame[NETSWITCH_FRAME_MAX];
	int delivered; /* what the other port's deliver said; 1: none */
} sent[MAX_SENT];
static unsigned int nr_sent;
/* Called on the first send, with no lock held: a test's interference. */
static void (*on_send)(void);

bool netswitch_exists(const char *name)
{
	return !strcmp(name, "sw0") || !strcmp(name, "lan");
}

int netswitch_port_attach(const char *switch_name, struct netswitch_port *port)
{
	int free_slot = -1;

	CHECK(!host_irqs_masked);
	CHECK(port->ops && port->ops->deliver);
	if (!netswitch_exists(switch_name))
		return -ENOENT;
	for (int i = 0; i < MAX_PORTS; i++) {
		if (ports[i] && !strcmp(ports[i]->name, port->name))
			return -EEXIST;
		if (!ports[i] && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0)
		abort();
	ports[free_slot] = port;
	port_switch[free_slot] = switch_name;
	memset(&port->stats, 0, sizeof(port->stats));
	return 0;
}

void netswitch_port_detach(struct netswitch_port *port)
{
	for (int i = 0; i < MAX_PORTS; i++) {
		if (ports[i] == port) {
			ports[i] = NULL;
			return;
		}
	}
	CHECK(!"detach of a port not attached");
}

static unsigned int nr_ports(void)
{
	unsigned int n = 0;

	for (int i = 0; i < MAX_PORTS; i++)
		n += ports[i] != NULL;
	return n;
}

static int port_index(const struct netswitch_port *port)
{
	for (int i = 0; i < MAX_PORTS; i++)
		if (ports[i] == port)
			return i;
	return -1;
}

void netswitch_port_send(struct netswitch_port *port, const void *frame,
			 size_t len)
{
	int from = port_index(port);

	CHECK(from >= 0);
	for (unsigned int d = 0; d < NR_DEVS; d++)
		if (devs[d].inst)
			CHECK(!spin_is_locked(&devs[d].inst->lock));
	CHECK(len >= NETSWITCH_FRAME_MIN && len <= NETSWITCH_FRAME_MAX);
	if (on_send) {
		void (*fn)(void) = on_send;

		on_send = NULL;
		fn();
	}
	if (nr_sent == MAX_SENT || from < 0)
		abort();
	sent[nr_sent].from = port;
	sent[nr_sent].len = len;
	memcpy(sent[nr_sent].frame, frame, len);
	sent[nr_sent].delivered = 1;
	for (int i = 0; i < MAX_PORTS; i++) {
		if (i == from || !ports[i] ||
		    strcmp(port_switch[i], port_switch[from]))
			continue;
		sent[nr_sent].delivered =
			ports[i]->ops->deliver(ports[i], frame, len);
	}
	nr_sent++;
}

/* The port of device d, or NULL. */
static struct netswitch_port *port_of(const struct vdrv *d)
{
	char name[2 * NETSWITCH_PORT_NAME_LEN];

	snprintf(name, sizeof(name), "%s/%s", guest_name(&fake_guest),
		 d->inst->name);
	for (int i = 0; i < MAX_PORTS; i++)
		if (ports[i] && !strcmp(ports[i]->name, name))
			return ports[i];
	return NULL;
}

static int deliver(struct vdrv *d, const void *frame, size_t len)
{
	struct netswitch_port *p = port_of(d);

	CHECK(p != NULL);
	return p ? p->ops->deliver(p, frame, len) : -ENOENT;
}

/* ---- the devices ---- */

/* A fresh guest called name with its RAM; no device, no port. */
static void guest(const char *name)
{
	vdrv_guest(name, RAM_SIZE);
	memset(devs, 0, sizeof(devs));
	nr_raw_props = 0;
	nr_sent = 0;
	on_send = NULL;
	fake_sched_init("net/");
	CHECK_EQ(nr_ports(), 0);
	for (unsigned int i = 0; i < NR_DEVS; i++) {
		devs[i].ram = RAM + AREA * i;
		devs[i].ring_stride = 0x2000;
		devs[i].qsize = QSIZE;
		devs[i].irq = IRQ + i;
		fake_dt_set_string(&devs[i].node, "keel,device", "net");
	}
}

/* Probe device i (node virtio@<slot>): 0 or its error. */
static int try_create(unsigned int i, const char *node_name)
{
	return vdrv_probe(&devs[i], node_name, BASE + 0x200 * i);
}

static struct vdrv *create(unsigned int i)
{
	char name[32];

	snprintf(name, sizeof(name), "virtio@a%06x", 0x200 * i);
	CHECK_EQ(try_create(i, name), 0);
	if (!devs[i].inst)
		abort();
	return &devs[i];
}

/* ---- the driver ---- */

#define S_ACK VIRTIO_STATUS_ACKNOWLEDGE
#define S_DRIVER VIRTIO_STATUS_DRIVER
#define S_FEATURES_OK VIRTIO_STATUS_FEATURES_OK
#define S_DRIVER_OK VIRTIO_STATUS_DRIVER_OK
#define S_NEEDS_RESET VIRTIO_STATUS_DEVICE_NEEDS_RESET
#define S_UP (S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK)

#define F_V1 BIT_ULL(VIRTIO_F_VERSION_1)
#define F_INDIRECT BIT_ULL(VIRTIO_F_INDIRECT_DESC)
#define F_EVENT_IDX BIT_ULL(VIRTIO_F_EVENT_IDX)
#define F_MAC BIT_ULL(VIRTIO_NET_F_MAC)
#define F_STATUS BIT_ULL(VIRTIO_NET_F_STATUS)
#define F_MTU BIT_ULL(VIRTIO_NET_F_MTU)
#define F_OFFERED (F_V1 | F_INDIRECT | F_EVENT_IDX | F_MAC | F_STATUS | F_MTU)

/* 3.1.1 with what a minimal driver takes (5.1.5). */
static void bring_up(struct vdrv *d)
{
	CHECK(vdrv_negotiate(d, F_V1 | F_INDIRECT | F_MAC | F_STATUS | F_MTU) &
	      S_FEATURES_OK);
	vdrv_queue_setup(d, 0);
	vdrv_queue_setup(d, 1);
	vdrv_wr(d, VIRTIO_MMIO_STATUS, S_UP);
	CHECK_EQ(vdrv_rd(d, VIRTIO_MMIO_STATUS), S_UP);
}

/* A receive buffer of len bytes in descriptor (and slot) i. */
static void post_rx(struct vdrv *d, unsigned int i, u32 len)
{
	vdrv_set_desc(d, 0, i, RXBUF(d, i), len, VIRTQ_DESC_F_WRITE, 0);
	vdrv_offer(d, 0, (u16)i);
	vdrv_notify(d, 0);
}

/* A frame of len bytes: destination dst's MAC, source src's, a pattern. */
static void make_frame(u8 *f, size_t len, const u8 *dst, const u8 *src, u8 seed)
{
	memcpy(f, dst, ETH_ALEN);
	memcpy(f + ETH_ALEN, src, ETH_ALEN);
	f[12] = 0x88;
	f[13] = 0xb5; /* local experimental EtherType */
	for (size_t i = ETH_HLEN; i < len; i++)
		f[i] = (u8)(seed + i * 7);
}

static const u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const u8 peer[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x99 };

static void mac_of(struct vdrv *d, u8 mac[ETH_ALEN])
{
	for (unsigned int i = 0; i < ETH_ALEN; i++)
		mac[i] = (u8)fake_rd(
			d->inst, VIRTIO_MMIO_CONFIG + VIRTIO_NET_CFG_MAC + i,
			1);
}

/* How a transmitted packet is cut into descriptors (2.6.4: any way). */
enum framing {
	ONE_PIECE, /* header and frame in one buffer */
	HDR_THEN_FRAME, /* the header alone, then the frame */
	ODD_PIECES, /* header split 5 + 7 + frame part, frame in 3 */
	INDIRECT_TABLE, /* header and frame through an indirect table */
};

/*
 * Lay out a packet (header hdr, frame f of len) for queue 1 at
 * descriptor index first: the head index.
 */
static u16 put_tx(struct vdrv *d, unsigned int slot, const void *hdr,
		  const u8 *f, u32 len, enum framing how)
{
	u64 buf = TXBUF(d, slot);
	u16 first = (u16)(slot * 4);
	u8 *p = vdrv_gpa(buf);

	memcpy(p, hdr, HDR);
	memcpy(p + HDR, f, len);
	switch (how) {
	case ONE_PIECE:
		vdrv_set_desc(d, 1, first, buf, HDR + len, 0, 0);
		break;
	case HDR_THEN_FRAME:
		vdrv_set_desc(d, 1, first, buf, HDR, VIRTQ_DESC_F_NEXT,
			      first + 1);
		vdrv_set_desc(d, 1, first + 1, buf + HDR, len, 0, 0);
		break;
	case ODD_PIECES:
		vdrv_set_desc(d, 1, first, buf, 5, VIRTQ_DESC_F_NEXT,
			      first + 1);
		vdrv_set_desc(d, 1, first + 1, buf + 5, 10, VIRTQ_DESC_F_NEXT,
			      first + 2);
		vdrv_set_desc(d, 1, first + 2, buf + 15, 0, VIRTQ_DESC_F_NEXT,
			      first + 3);
		vdrv_set_desc(d, 1, first + 3, buf + 15, HDR + len - 15, 0, 0);
		break;
	case INDIRECT_TABLE: {
		struct virtq_desc *t = vdrv_gpa(INDIRECT(d));

		t[0] = (struct virtq_desc){ buf, HDR, VIRTQ_DESC_F_NEXT, 1 };
		t[1] = (struct virtq_desc){ buf + HDR, len, 0, 0 };
		vdrv_set_desc(d, 1, first, INDIRECT(d), 32,
			      VIRTQ_DESC_F_INDIRECT, 0);
		break;
	}
	}
	return first;
}

static const struct virtio_net_hdr plain_hdr = { 0 };

/* Queue one packet (slot 0..7) without notifying. */
static void queue_tx(struct vdrv *d, unsigned int slot, const u8 *f, u32 len,
		     enum framing how)
{
	vdrv_offer(d, 1, put_tx(d, slot, &plain_hdr, f, len, how));
}

/* Notify the transmit queue and let the worker run. */
static void kick_tx(struct vdrv *d)
{
	unsigned int before = fake_wakeups;

	vdrv_notify(d, 1);
	CHECK_EQ(fake_wakeups, before + 1);
	fake_run_workers();
}

/* One tx packet's used element: the buffer back, nothing written. */
static void check_tx_returned(struct vdrv *d, u16 head)
{
	struct virtq_used_elem e = vdrv_next_used(d, 1);

	CHECK_EQ(e.id, head);
	CHECK_EQ(e.len, 0);
}

/* ---- probe and the description ---- */

UNIT_TEST(probe_joins_sw0_with_the_port_named_after_guest_and_node)
{
	struct vdrv *d;

	guest("vm1");
	d = create(0);
	CHECK_EQ(nr_ports(), 1);
	CHECK(port_of(d) != NULL);
	CHECK(!strcmp(port_switch[port_index(port_of(d))], "sw0"));
	CHECK(!strcmp(port_of(d)->name, "vm1/virtio@a000000"));
	CHECK_EQ(vdrv_rd(d, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_NET);
	CHECK_EQ(fake_workers_alive(), 1);
	CHECK(strstr(vdrv_describe(d), "switch sw0") != NULL);
	vdrv_destroy(d);
	CHECK_EQ(nr_ports(), 0);
	CHECK_EQ(fake_workers_alive(), 0);
}

UNIT_TEST(keel_backend_names_the_switch)
{
	struct vdrv *d;

	guest("vm1");
	fake_dt_set_string(&devs[0].node, "keel,backend", "lan");
	d = create(0);
	CHECK(!strcmp(port_switch[port_index(port_of(d))], "lan"));
	CHECK(strstr(vdrv_describe(d), "switch lan") != NULL);
	vdrv_destroy(d);
}

UNIT_TEST(an_unknown_switch_is_refused)
{
	guest("vm1");
	fake_dt_set_string(&devs[0].node, "keel,backend", "nosuch");
	CHECK_EQ(try_create(0, "virtio@a000000"), -ENOENT);
	CHECK(strstr(fake_error_msg, "\"nosuch\"") != NULL);
	CHECK(strstr(fake_error_msg, "switch") != NULL);
	CHECK_EQ(nr_ports(), 0);
	CHECK_EQ(fake_nr_workers, 0);
	CHECK_EQ(virtio_snapshot(NULL, NULL, 0), 0);
	CHECK_EQ(__lsan_do_recoverable_leak_check(), 0);

	/* Longer than any switch name can be: refused the same way. */
	fake_dt_set_string(&devs[0].node, "keel,backend",
			   "a-switch-name-far-too-long");
	CHECK_EQ(try_create(0, "virtio@a000000"), -ENOENT);
	CHECK_EQ(nr_ports(), 0);
}

UNIT_TEST(a_port_name_too_long_is_refused)
{
	guest("a-guest-with-a-long-name-31chr");
	CHECK_EQ(try_create(0, "virtio_mmio@a0000000000000000000"), -EINVAL);
	CHECK(strstr(fake_error_msg, "too long") != NULL);
	CHECK_EQ(nr_ports(), 0);
	CHECK_EQ(fake_nr_workers, 0);
}

UNIT_TEST(a_thread_that_does_not_start_leaves_no_port)
{
	guest("vm1");
	fake_thread_start_err = -EINVAL;
	CHECK_EQ(try_create(0, "virtio@a000000"), -EINVAL);
	CHECK(strstr(fake_error_msg, "thread") != NULL);
	CHECK_EQ(nr_ports(), 0);
	CHECK_EQ(fake_threads_reaped, 1);
	CHECK_EQ(__lsan_do_recoverable_leak_check(), 0);
}

UNIT_TEST(features_offered_are_mac_status_mtu_and_no_offload)
{
	struct vdrv *d;
	static const unsigned int never[] = {
		VIRTIO_NET_F_CSUM,	  VIRTIO_NET_F_GUEST_CSUM,
		VIRTIO_NET_F_GUEST_TSO4,  VIRTIO_NET_F_GUEST_TSO6,
		VIRTIO_NET_F_GUEST_UFO,	  VIRTIO_NET_F_HOST_TSO4,
		VIRTIO_NET_F_HOST_TSO6,	  VIRTIO_NET_F_HOST_UFO,
		VIRTIO_NET_F_HOST_USO,	  VIRTIO_NET_F_MRG_RXBUF,
		VIRTIO_NET_F_CTRL_VQ,	  VIRTIO_NET_F_MQ,
		VIRTIO_NET_F_RSC_EXT,	  VIRTIO_NET_F_CTRL_GUEST_OFFLOADS,
		VIRTIO_NET_F_GUEST_ECN,	  VIRTIO_NET_F_HOST_ECN,
		VIRTIO_NET_F_HASH_REPORT, VIRTIO_NET_F_RSS,
	};

	guest("vm1");
	d = create(0);
	CHECK_EQ(vdrv_device_features(d), F_OFFERED);
	/* A driver asking for offloads anyway does not get FEATURES_OK. */
	for (unsigned int i = 0; i < ARRAY_SIZE(never); i++)
		CHECK(!(vdrv_negotiate(d, F_V1 | F_MAC | BIT_ULL(never[i])) &
			S_FEATURES_OK));
	/* What was offered is accepted. */
	CHECK(vdrv_negotiate(d, F_OFFERED) & S_FEATURES_OK);
	CHECK_EQ(vdrv_vdev(d)->features, F_OFFERED);
	vdrv_destroy(d);
}

UNIT_TEST(configuration_space_has_mac_link_up_and_mtu)
{
	struct vdrv *d;
	u64 v = 0;

	guest("vm1");
	d = create(0);
	CHECK_EQ(
		fake_rd(d->inst, VIRTIO_MMIO_CONFIG + VIRTIO_NET_CFG_STATUS, 2),
		VIRTIO_NET_S_LINK_UP);
	CHECK_EQ(
		fake_rd(d->inst,
			VIRTIO_MMIO_CONFIG + VIRTIO_NET_CFG_MAX_VIRTQUEUE_PAIRS,
			2),
		1);
	CHECK_EQ(fake_rd(d->inst, VIRTIO_MMIO_CONFIG + VIRTIO_NET_CFG_MTU, 2),
		 1500);
	/* Nothing past mtu: speed and duplex need features not offered. */
	CHECK_EQ(fake_read(d->inst, VIRTIO_MMIO_CONFIG + VIRTIO_NET_CFG_SPEED,
			   4, &v),
		 -EINVAL);
	/* Read-only for the driver (the MAC changes through no write). */
	fake_wr(d->inst, VIRTIO_MMIO_CONFIG + VIRTIO_NET_CFG_MAC, 4, 0);
	CHECK(fake_rd(d->inst, VIRTIO_MMIO_CONFIG + VIRTIO_NET_CFG_MAC, 4) !=
	      0);
	vdrv_destroy(d);
}

static void generated_mac(const char *guest_nm, const char *node,
			  u8 mac[ETH_ALEN])
{
	guest(guest_nm);
	CHECK_EQ(try_create(0, node), 0);
	mac_of(&devs[0], mac);
	vdrv_destroy(&devs[0]);
}

UNIT_TEST(generated_macs_are_stable_distinct_and_local_unicast)
{
	u8 a[ETH_ALEN], again[ETH_ALEN], other_node[ETH_ALEN],
		other_guest[ETH_ALEN];

	generated_mac("vm1", "virtio@a000000", a);
	generated_mac("vm1", "virtio@a000000", again);
	generated_mac("vm1", "virtio@a000200", other_node);
	generated_mac("vm2", "virtio@a000000", other_guest);
	CHECK(!memcmp(a, again, ETH_ALEN));
	CHECK(memcmp(a, other_node, ETH_ALEN));
	CHECK(memcmp(a, other_guest, ETH_ALEN));
	CHECK(memcmp(other_node, other_guest, ETH_ALEN));
	/* Locally administered (bit 1), unicast (bit 0 clear), Keel's. */
	CHECK_EQ(a[0], 0x02);
	CHECK_EQ(a[1], 0x4b);
	CHECK_EQ(other_guest[0], 0x02);
}

UNIT_TEST(local_mac_address_sets_the_mac)
{
	static const u8 want[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	u8 mac[ETH_ALEN];
	struct vdrv *d;

	guest("vm1");
	set_raw_prop(&devs[0].node, "local-mac-address", want, ETH_ALEN);
	d = create(0);
	mac_of(d, mac);
	CHECK(!memcmp(mac, want, ETH_ALEN));
	CHECK(strstr(vdrv_describe(d), "mac 52:54:00:12:34:56") != NULL);
	vdrv_destroy(d);
}

UNIT_TEST(keel_mac_sets_the_mac)
{
	static const u8 want[ETH_ALEN] = { 0x02, 0xab, 0xCD, 0x00, 0x0f, 0xf0 };
	u8 mac[ETH_ALEN];
	struct vdrv *d;

	guest("vm1");
	fake_dt_set_string(&devs[0].node, "keel,mac", "02:ab:CD:00:0f:F0");
	d = create(0);
	mac_of(d, mac);
	CHECK(!memcmp(mac, want, ETH_ALEN));
	vdrv_destroy(d);
}

UNIT_TEST(bad_macs_are_refused)
{
	static const u8 group[ETH_ALEN] = { 0x01, 0, 0x5e, 0, 0, 1 };
	static const u8 zero[ETH_ALEN] = { 0 };
	static const u8 five[5] = { 2, 0, 0, 0, 1 };
	static const char *const texts[] = {
		"02:00:00:00:00",    "02:00:00:00:00:01:02",
		"02-00-00-00-00-01", "2:00:00:00:00:01",
		"02:00:00:00:00:0g", "",
		"03:00:00:00:00:01", /* group */
	};

	guest("vm1");
	set_raw_prop(&devs[0].node, "local-mac-address", group, ETH_ALEN);
	CHECK_EQ(try_create(0, "virtio@a000000"), -EINVAL);
	CHECK(strstr(fake_error_msg, "group") != NULL);

	guest("vm1");
	set_raw_prop(&devs[0].node, "local-mac-address", zero, ETH_ALEN);
	CHECK_EQ(try_create(0, "virtio@a000000"), -EINVAL);

	guest("vm1");
	set_raw_prop(&devs[0].node, "local-mac-address", five, 5);
	CHECK_EQ(try_create(0, "virtio@a000000"), -EINVAL);
	CHECK(strstr(fake_error_msg, "local-mac-address") != NULL);

	guest("vm1");
	set_raw_prop(&devs[0].node, "local-mac-address", peer, ETH_ALEN);
	fake_dt_set_string(&devs[0].node, "keel,mac", "02:00:00:00:00:01");
	CHECK_EQ(try_create(0, "virtio@a000000"), -EINVAL);
	CHECK(strstr(fake_error_msg, "not both") != NULL);

	for (unsigned int i = 0; i < ARRAY_SIZE(texts); i++) {
		guest("vm1");
		fake_dt_set_string(&devs[0].node, "keel,mac", texts[i]);
		CHECK_EQ(try_create(0, "virtio@a000000"), -EINVAL);
		CHECK(strstr(fake_error_msg, "MAC") != NULL ||
		      strstr(fake_error_msg, "group") != NULL);
	}
	CHECK_EQ(nr_ports(), 0);
	CHECK_EQ(__lsan_do_recoverable_leak_check(), 0);
}

/* ---- transmit ---- */

UNIT_TEST(transmit_sends_the_frame_whatever_the_framing)
{
	static const enum framing hows[] = { ONE_PIECE, HDR_THEN_FRAME,
					     ODD_PIECES, INDIRECT_TABLE };
	static const u32 lens[] = { ETH_HLEN, 60, 1000, NETSWITCH_FRAME_MAX };
	u8 f[NETSWITCH_FRAME_MAX], mac[ETH_ALEN];
	struct vdrv *d;
	u64 bytes = 0;

	guest("vm1");
	d = create(0);
	bring_up(d);
	mac_of(d, mac);
	for (unsigned int h = 0; h < ARRAY_SIZE(hows); h++) {
		for (unsigned int l = 0; l < ARRAY_SIZE(lens); l++) {
			unsigned int n = nr_sent;

			make_frame(f, lens[l], bcast, mac, (u8)(h * 4 + l));
			queue_tx(d, 0, f, lens[l], hows[h]);
			kick_tx(d);
			CHECK_EQ(nr_sent, n + 1);
			CHECK(sent[n].from == port_of(d));
			CHECK_EQ(sent[n].len, lens[l]);
			CHECK(!memcmp(sent[n].frame, f, lens[l]));
			check_tx_returned(d, 0);
			bytes += lens[l];
		}
	}
	CHECK_EQ(vdrv_rd(d, VIRTIO_MMIO_STATUS), S_UP);
	CHECK(vdrv_line(d));
	CHECK(strstr(vdrv_describe(d), "tx 16 (") != NULL);
	{
		char want[32];

		snprintf(want, sizeof(want), "tx 16 (%llu B)",
			 (unsigned long long)bytes);
		CHECK(strstr(vdrv_describe(d), want) != NULL);
	}
	vdrv_destroy(d);
}

UNIT_TEST(transmit_sends_a_batch_per_wakeup_in_order)
{
	u8 f[64], mac[ETH_ALEN];
	struct vdrv *d;

	guest("vm1");
	d = create(0);
	bring_up(d);
	mac_of(d, mac);
	/* More than one batch: 24 packets from 8 slots' descriptors. */
	for (unsigned int round = 0; round < 3; round++) {
		for (unsigned int s = 0; s < 8; s++) {
			make_frame(f, sizeof(f), bcast, mac,
				   (u8)(round * 8 + s));
			queue_tx(d, s, f, sizeof(f), ONE_PIECE);
		}
		if (round < 2) {
			/* The buffers are reused: send before overwriting. */
			kick_tx(d);
		}
	}
	kick_tx(d);
	CHECK_EQ(nr_sent, 24);
	for (unsigned int i = 0; i < 24; i++) {
		make_frame(f, sizeof(f), bcast, mac, (u8)i);
		CHECK(!memcmp(sent[i].frame, f, sizeof(f)));
	}
	for (unsigned int i = 0; i < 24; i++)
		check_tx_returned(d, (u16)((i % 8) * 4));
	vdrv_destroy(d);

	/* 40 queued before one notification: all sent in one wake-up. */
	guest("vm1");
	d = create(0);
	bring_up(d);
	for (unsigned int s = 0; s < 40; s++) {
		u64 buf = TXBUF(d, 0) + 128ULL * s;

		memcpy(vdrv_gpa(buf), &plain_hdr, HDR);
		make_frame(vdrv_gpa(buf + HDR), sizeof(f), bcast, mac, (u8)s);
		vdrv_set_desc(d, 1, s, buf, HDR + sizeof(f), 0, 0);
		vdrv_offer(d, 1, (u16)s);
	}
	kick_tx(d);
	CHECK_EQ(nr_sent, 40);
	CHECK_EQ(vdrv_used_idx(d, 1), 40);
	for (unsigned int i = 0; i < 40; i++) {
		make_frame(f, sizeof(f), bcast, mac, (u8)i);
		CHECK(!memcmp(sent[i].frame, f, sizeof(f)));
	}
	vdrv_destroy(d);
}

UNIT_TEST(oversized_and_runt_frames_are_dropped_and_their_buffers_returned)
{
	u8 f[NETSWITCH_FRAME_MAX + 1], mac[ETH_ALEN];
	struct virtio_net_hdr csum = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM };
	struct virtio_net_hdr gso = { .gso_type = VIRTIO_NET_HDR_GSO_TCPV4 };
	struct vdrv *d;

	guest("vm1");
	d = create(0);
	bring_up(d);
	mac_of(d, mac);
	make_frame(f, sizeof(f), bcast, mac, 1);
	queue_tx(d, 0, f, NETSWITCH_FRAME_MAX + 1, HDR_THEN_FRAME);
	queue_tx(d, 1, f, ETH_HLEN - 1, ONE_PIECE);
	queue_tx(d, 2, f, 0, ONE_PIECE); /* a header and nothing else */
	/* Offloads not negotiated: a header asking for them is refused. */
	vdrv_offer(d, 1, put_tx(d, 3, &csum, f, 100, ONE_PIECE));
	vdrv_offer(d, 1, put_tx(d, 4, &gso, f, 100, ONE_PIECE));
	queue_tx(d, 5, f, 100, ONE_PIECE);
	kick_tx(d);
	for (unsigned int s = 0; s <= 5; s++)
		check_tx_returned(d, (u16)(s * 4));
	/* Only the good one went out; the device goes on. */
	CHECK_EQ(nr_sent, 1);
	CHECK_EQ(sent[0].len, 100);
	CHECK_EQ(vdrv_rd(d, VIRTIO_MMIO_STATUS), S_UP);
	CHECK(strstr(vdrv_describe(d), "tx 1 (100 B)") != NULL);
	CHECK(strstr(vdrv_describe(d), "dropped rx 0 tx 5") != NULL);
	vdrv_destroy(d);
}

static void check_tx_needs_reset(struct vdrv *d, const char *why)
{
	kick_tx(d);
	CHECK_EQ(nr_sent, 0);
	CHECK_EQ(vdrv_rd(d, VIRTIO_MMIO_STATUS), S_UP | S_NEEDS_RESET);
	CHECK(strstr(vdrv_vdev(d)->why, why) != NULL);
	CHECK_EQ(vdrv_used_idx(d, 1), 0);
	CHECK(vdrv_rd(d, VIRTIO_MMIO_INTERRUPT_STATUS) &
	      VIRTIO_MMIO_INT_CONFIG);
	/* A reset brings it back. */
	static const u8 f[60];

	bring_up(d);
	queue_tx(d, 0, f, sizeof(f), ONE_PIECE);
	kick_tx(d);
	CHECK_EQ(nr_sent, 1);
}

UNIT_TEST(a_device_writable_transmit_buffer_needs_reset)
{
	u8 f[60] = { 0 };
	struct vdrv *d;

	guest("vm1");
	d = create(0);
	bring_up(d);
	memcpy(vdrv_gpa(TXBUF(d, 0)), &plain_hdr, HDR);
	vdrv_set_desc(d, 1, 0, TXBUF(d, 0), HDR, VIRTQ_DESC_F_NEXT, 1);
	vdrv_set_desc(d, 1, 1, TXBUF(d, 0) + HDR, sizeof(f), VIRTQ_DESC_F_WRITE,
		      0);
	vdrv_offer(d, 1, 0);
	check_tx_needs_reset(d, "device-writable");
	vdrv_destroy(d);
}

UNIT_TEST(a_transmit_packet_shorter_than_the_header_needs_reset)
{
	struct vdrv *d;

	guest("vm1");
	d = create(0);
	bring_up(d);
	vdrv_set_desc(d, 1, 0, TXBUF(d, 0), HDR - 1, 0, 0);
	vdrv_offer(d, 1, 0);
	check_tx_needs_reset(d, "header");
	vdrv_destroy(d);
}

static struct vdrv *reset_victim;

static void reset_during_send(void)
{
	vdrv_wr(reset_victim, VIRTIO_MMIO_STATUS, 0);
}

UNIT_TEST(reset_drops_frames_not_yet_sent)
{
	u8 f[60], mac[ETH_ALEN];
	struct vdrv *d;

	guest("vm1");
	d = create(0);
	bring_up(d);
	mac_of(d, mac);
	for (unsigned int s = 0; s < 3; s++) {
		make_frame(f, sizeof(f), bcast, mac, (u8)s);
		queue_tx(d, s, f, sizeof(f), ONE_PIECE);
	}
	/* The driver resets the device while the first frame is sent. */
	reset_victim = d;
	on_send = reset_during_send;
	kick_tx(d);
	CHECK_EQ(nr_sent, 1);
	CHECK_EQ(vdrv_rd(d, VIRTIO_MMIO_STATUS), 0);
	CHECK(strstr(vdrv_describe(d), "tx 1 (60 B)") != NULL);
	CHECK(strstr(vdrv_describe(d), "tx 2") != NULL);
	/* Nothing more goes out, and a new start works. */
	fake_run_workers();
	CHECK_EQ(nr_sent, 1);
	bring_up(d);
	queue_tx(d, 0, f, sizeof(f), ONE_PIECE);
	kick_tx(d);
	CHECK_EQ(nr_sent, 2);
	vdrv_destroy(d);
}

UNIT_TEST(transmit_before_driver_ok_sends_nothing)
{
	u8 f[60] = { 0 };
	struct vdrv *d;

	guest("vm1");
	d = create(0);
	CHECK(vdrv_negotiate(d, F_V1 | F_MAC) & S_FEATURES_OK);
	vdrv_queue_setup(d, 0);
	vdrv_queue_setup(d, 1);
	queue_tx(d, 0, f, sizeof(f), ONE_PIECE);
	vdrv_notify(d, 1);
	fake_run_workers();
	CHECK_EQ(nr_sent, 0);
	CHECK_EQ(vdrv_used_idx(d, 1), 0);
	/* After DRIVER_OK the next notification sends it. */
	vdrv_wr(d, VIRTIO_MMIO_STATUS, S_UP);
	kick_tx(d);
	CHECK_EQ(nr_sent, 1);
	vdrv_destroy(d);
}

/* ---- receive ---- */

UNIT_TEST(receive_fills_one_buffer_with_header_and_frame)
{
	u8 f[NETSWITCH_FRAME_MAX], mac[ETH_ALEN];
	struct virtio_net_hdr *h;
	struct virtq_used_elem e;
	struct vdrv *d;

	guest("vm1");
	d = create(0);
	bring_up(d);
	mac_of(d, mac);
	post_rx(d, 0, HDR + NETSWITCH_FRAME_MAX);
	memset(vdrv_gpa(RXBUF(d, 0)), 0xee, 2048);
	make_frame(f, 300, mac, peer, 9);
	CHECK_EQ(deliver(d, f, 300), 0);
	e = vdrv_next_used(d, 0);
	CHECK_EQ(e.id, 0);
	CHECK_EQ(e.len, HDR + 300);
	h = vdrv_gpa(RXBUF(d, 0));
	CHECK_EQ(h->flags, 0);
	CHECK_EQ(h->gso_type, VIRTIO_NET_HDR_GSO_NONE);
	CHECK_EQ(h->num_buffers, 1);
	CHECK_EQ(h->hdr_len | h->gso_size | h->csum_start | h->csum_offset, 0);
	CHECK(!memcmp((u8 *)h + HDR, f, 300));
	CHECK(vdrv_line(d));
	CHECK(strstr(vdrv_describe(d), "rx 1 (300 B)") != NULL);

	/* A full-sized frame into a buffer in two pieces: header, frame. */
	vdrv_set_desc(d, 0, 1, RXBUF(d, 1), HDR,
		      VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
	vdrv_set_desc(d, 0, 2, RXBUF(d, 2), NETSWITCH_FRAME_MAX,
		      VIRTQ_DESC_F_WRITE, 0);
	vdrv_offer(d, 0, 1);
	make_frame(f, NETSWITCH_FRAME_MAX, bcast, peer, 3);
	CHECK_EQ(deliver(d, f, NETSWITCH_FRAME_MAX), 0);
	e = vdrv_next_used(d, 0);
	CHECK_EQ(e.id, 1);
	CHECK_EQ(e.len, HDR + NETSWITCH_FRAME_MAX);
	CHECK_EQ(((struct virtio_net_hdr *)vdrv_gpa(RXBUF(d, 1)))->num_buffers,
		 1);
	CHECK(!memcmp(vdrv_gpa(RXBUF(d, 2)), f, NETSWITCH_FRAME_MAX));
	vdrv_destroy(d);
}

UNIT_TEST(receive_without_a_buffer_is_enospc_and_counted)
{
	u8 f[60];
	struct vdrv *d;

	guest("vm1");
	d = create(0);
	make_frame(f, sizeof(f), bcast, peer, 1);
	/* No driver yet. */
	CHECK_EQ(deliver(d, f, sizeof(f)), -ENETDOWN);
	bring_up(d);
	CHECK_EQ(deliver(d, f, sizeof(f)), -ENOSPC);
	CHECK_EQ(vdrv_used_idx(d, 0), 0);
	CHECK(!vdrv_line(d));
	CHECK(strstr(vdrv_describe(d), "dropped rx 2 tx 0") != NULL);
	/* A buffer posted: the next frame gets it. */
	post_rx(d, 0, 2048);
	CHECK_EQ(deliver(d, f, sizeof(f)), 0);
	CHECK_EQ(deliver(d, f, sizeof(f)), -ENOSPC);
	CHECK_EQ(vdrv_used_idx(d, 0), 1);
	vdrv_destroy(d);
}

UNIT_TEST(a_buffer_too_small_for_the_frame_stays_for_a_smaller_one)
{
	u8 f[1000];
	struct virtq_used_elem e;
	struct vdrv *d;

	guest("vm1");
	d = create(0);
	bring_up(d);
	post_rx(d, 0, HDR + 100);
	make_frame(f, sizeof(f), bcast, peer, 1);
	CHECK_EQ(deliver(d, f, 101), -ENOSPC);
	CHECK_EQ(vdrv_used_idx(d, 0), 0);
	CHECK_EQ(vdrv_rd(d, VIRTIO_MMIO_STATUS), S_UP);
	CHECK_EQ(deliver(d, f, 100), 0);
	e = vdrv_next_used(d, 0);
	CHECK_EQ(e.id, 0);
	CHECK_EQ(e.len, HDR + 100);
	vdrv_destroy(d);
}

UNIT_TEST(a_receive_buffer_without_room_for_the_header_needs_reset)
{
	u8 f[60];
	struct vdrv *d;

	guest("vm1");
	d = create(0);
	bring_up(d);
	make_frame(f, sizeof(f), bcast, peer, 1);
	post_rx(d, 0, HDR - 1);
	CHECK_EQ(deliver(d, f, sizeof(f)), -ENETDOWN);
	CHECK_EQ(vdrv_rd(d, VIRTIO_MMIO_STATUS), S_UP | S_NEEDS_RESET);
	CHECK(strstr(vdrv_vdev(d)->why, "header") != NULL);
	CHECK_EQ(vdrv_used_idx(d, 0), 0);
	/* Reset and a proper buffer: frames arrive again. */
	bring_up(d);
	post_rx(d, 0, 2048);
	CHECK_EQ(deliver(d, f, sizeof(f)), 0);
	vdrv_destroy(d);

	/* A device-readable buffer in the receive queue. */
	guest("vm1");
	d = create(0);
	bring_up(d);
	vdrv_set_desc(d, 0, 0, RXBUF(d, 0), 64, VIRTQ_DESC_F_NEXT, 1);
	vdrv_set_desc(d, 0, 1, RXBUF(d, 1), 2048, VIRTQ_DESC_F_WRITE, 0);
	vdrv_offer(d, 0, 0);
	CHECK_EQ(deliver(d, f, sizeof(f)), -ENETDOWN);
	CHECK(strstr(vdrv_vdev(d)->why, "device-readable") != NULL);
	CHECK_EQ(vdrv_rd(d, VIRTIO_MMIO_STATUS), S_UP | S_NEEDS_RESET);
	vdrv_destroy(d);

	/* A malformed chain (outside RAM): the walker's rules. */
	guest("vm1");
	d = create(0);
	bring_up(d);
	vdrv_set_desc(d, 0, 0, 0x90000000ULL, 2048, VIRTQ_DESC_F_WRITE, 0);
	vdrv_offer(d, 0, 0);
	CHECK_EQ(deliver(d, f, sizeof(f)), -ENETDOWN);
	CHECK_EQ(vdrv_rd(d, VIRTIO_MMIO_STATUS), S_UP | S_NEEDS_RESET);
	vdrv_destroy(d);
}

UNIT_TEST(receive_after_reset_waits_for_the_driver)
{
	u8 f[60];
	struct vdrv *d;

	guest("vm1");
	d = create(0);
	bring_up(d);
	post_rx(d, 0, 2048);
	vdrv_wr(d, VIRTIO_MMIO_STATUS, 0);
	make_frame(f, sizeof(f), bcast, peer, 1);
	CHECK_EQ(deliver(d, f, sizeof(f)), -ENETDOWN);
	CHECK_EQ(vdrv_used_idx(d, 0), 0);
	fake_reset(d->inst);
	CHECK_EQ(deliver(d, f, sizeof(f)), -ENETDOWN);
	vdrv_destroy(d);
}

/* ---- two devices on one switch ---- */

UNIT_TEST(two_devices_exchange_frames_through_the_switch)
{
	u8 f[200], mac_a[ETH_ALEN], mac_b[ETH_ALEN];
	struct vdrv *a, *b;
	struct virtq_used_elem e;

	guest("vm1");
	a = create(0);
	b = create(1);
	bring_up(a);
	bring_up(b);
	mac_of(a, mac_a);
	mac_of(b, mac_b);
	CHECK(memcmp(mac_a, mac_b, ETH_ALEN));
	for (unsigned int i = 0; i < 4; i++) {
		post_rx(a, i, 2048);
		post_rx(b, i, 2048);
	}
	for (unsigned int i = 0; i < 4; i++) {
		/* a to b: a request; b to a: the answer. */
		make_frame(f, sizeof(f), mac_b, mac_a, (u8)i);
		queue_tx(a, i, f, sizeof(f), HDR_THEN_FRAME);
		kick_tx(a);
		CHECK_EQ(sent[nr_sent - 1].delivered, 0);
		e = vdrv_next_used(b, 0);
		CHECK_EQ(e.len, HDR + sizeof(f));
		CHECK(!memcmp(vdrv_gpa(RXBUF(b, e.id) + HDR), f, sizeof(f)));

		make_frame(f, sizeof(f), mac_a, mac_b, (u8)(i + 100));
		queue_tx(b, i, f, sizeof(f), ONE_PIECE);
		kick_tx(b);
		CHECK_EQ(sent[nr_sent - 1].delivered, 0);
		e = vdrv_next_used(a, 0);
		CHECK(!memcmp(vdrv_gpa(RXBUF(a, e.id) + HDR), f, sizeof(f)));
	}
	/* b has no buffer left: the switch hears -ENOSPC. */
	queue_tx(a, 5, f, sizeof(f), ONE_PIECE);
	kick_tx(a);
	CHECK_EQ(sent[nr_sent - 1].delivered, -ENOSPC);
	CHECK(strstr(vdrv_describe(a), "rx 4 (800 B), tx 5 (1000 B)") != NULL);
	vdrv_destroy(a);
	CHECK_EQ(nr_ports(), 1);
	vdrv_destroy(b);
	CHECK_EQ(nr_ports(), 0);
}

/* ---- the end ---- */

UNIT_TEST(destroy_leaves_no_port_no_thread_and_nothing_allocated)
{
	u8 f[60] = { 0 };
	struct vdrv *a, *b;

	guest("vm1");
	a = create(0);
	b = create(1);
	bring_up(a);
	/* Work pending when the guest goes: a notified, never run. */
	queue_tx(a, 0, f, sizeof(f), ONE_PIECE);
	vdrv_notify(a, 1);
	post_rx(a, 0, 2048);
	CHECK_EQ(nr_ports(), 2);
	CHECK_EQ(fake_workers_alive(), 2);
	vdrv_destroy(a);
	vdrv_destroy(b);
	CHECK_EQ(nr_ports(), 0);
	CHECK_EQ(fake_workers_alive(), 0);
	CHECK_EQ(virtio_snapshot(NULL, NULL, 0), 0);
	CHECK_EQ(__lsan_do_recoverable_leak_check(), 0);
}

UNIT_MAIN();
